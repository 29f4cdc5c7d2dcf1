"""Sending what is due. A run claims its deliveries first, so two runs at once never send the
same one; posts go out concurrently from a bounded pool, with no database lock held meanwhile;
404 and 410 remove the device; 429, 5xx and network errors are retried by a later run with
backoff (and after the recipient's quiet hours); one failing endpoint never stops the batch."""

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPusher
from sqlalchemy import and_, delete, or_, select, update

from ..clock import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..ops.metrics import count_push
from .endpoints import check_endpoint
from .keys import vapid
from .messages import payload
from .models import PushDelivery, PushMessage, PushPreference, PushSubscription
from .services import DEFAULT_QUIET, after_quiet_hours
from .transport import session

POOL_SIZE = 16
BATCH = 500
TIMEOUT = 10
# A batch of 500 posts takes at most 500 / 16 x 10 s; a claim older than this was abandoned.
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=6)
JWT_LIFETIME = 12 * 3600  # RFC 8292 allows at most 24 h
log = logging.getLogger(__name__)


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    removed: int = 0
    retrying: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, failed {self.failed}, removed {self.removed}, "
            f"to retry {self.retrying}"
        )


class _Authorizations:
    """VAPID headers per push-service origin, signed once and reused until near expiry."""

    def __init__(self, key: Vapid02, subject: str):
        self.key, self.subject, self.cache, self.lock = key, subject, {}, threading.Lock()

    def __call__(self, endpoint: str) -> str:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self.lock:
            header, expires = self.cache.get(origin, ("", 0))
            if expires - time.time() < 600:
                expires = int(time.time()) + JWT_LIFETIME
                claims = {"aud": origin, "exp": expires, "sub": self.subject}
                header = self.key.sign(claims)["Authorization"]
                self.cache[origin] = (header, expires)
            return header


class _HostCheck:
    """The endpoint rules again at send time, once per host a run: a name that resolved to a
    public address when the device subscribed may point inside the network now. (The address
    a connection really reaches is checked again in transport.py.)"""

    def __init__(self, allow_insecure: bool):
        self.allow_insecure, self.verdicts = allow_insecure, {}

    def __call__(self, endpoint: str) -> bool:
        parts = urlsplit(endpoint)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.verdicts:
            try:
                check_endpoint(endpoint, self.allow_insecure)
                self.verdicts[host] = True
            except ValidationError:
                self.verdicts[host] = False
        return self.verdicts[host]


@dataclass
class _Task:
    delivery_id: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    data: bytes
    ttl: int
    urgency: str


def _post(task: _Task, authorization, loopback_too: bool) -> tuple[int | None, str | None]:
    """(status, Retry-After) of one post; status None for a network error (tried again later),
    0 for a device that can never work. Never raises: one device must not stop the batch."""
    subscription = {"endpoint": task.endpoint, "keys": {"p256dh": task.p256dh, "auth": task.auth}}
    try:
        response = WebPusher(subscription, requests_session=session(loopback_too)).send(
            task.data,
            {"Authorization": authorization(task.endpoint), "Urgency": task.urgency},
            ttl=task.ttl,
            content_encoding="aes128gcm",
            timeout=TIMEOUT,
        )
    except requests.RequestException:
        return None, None
    except Exception:  # keys that cannot encrypt, whatever the library raises for them
        log.warning("push to subscription %s cannot work", task.subscription_id, exc_info=True)
        return 0, None
    return response.status_code, response.headers.get("Retry-After")


def _backoff(attempts: int, retry_after: str | None) -> timedelta:
    if retry_after and retry_after.isdigit():
        return min(timedelta(seconds=int(retry_after)), MAX_BACKOFF)
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def _due(now: datetime, message_ids: list[int] | None):
    """Pending and due, or claimed by a run that did not finish in time (it crashed)."""
    return and_(
        or_(
            and_(PushDelivery.state == "pending", PushDelivery.next_attempt_at <= now),
            and_(PushDelivery.state == "sending", PushDelivery.claimed_at < utcnow() - STALE_CLAIM),
        ),
        PushDelivery.message_id.in_(
            select(PushMessage.id).where(
                PushMessage.not_before <= now,
                *([PushMessage.id.in_(message_ids)] if message_ids is not None else []),
            )
        ),
    )


def _claim(now: datetime, message_ids: list[int] | None) -> list[_Task]:
    """Take up to BATCH due deliveries for this run (another run gets the others) and end the
    transaction, so no database lock is held while posting."""
    condition = _due(now, message_ids)
    ids = db.session.scalars(select(PushDelivery.id).where(condition).limit(BATCH)).all()
    if not ids:
        db.session.commit()
        return []
    claim = uuid.uuid4().hex
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id.in_(ids), condition)
        .values(state="sending", claim=claim, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        select(PushDelivery.id, PushMessage, PushSubscription)
        .join(PushMessage, PushMessage.id == PushDelivery.message_id)
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .where(PushDelivery.claim == claim)
    ).all()
    tasks = [
        _Task(d, s.id, s.endpoint, s.p256dh, s.auth, payload(m), m.ttl, m.urgency)
        for d, m, s in rows
    ]
    db.session.commit()
    return tasks


class _Outcomes:
    """Stores what the push service answered, in one short transaction a batch."""

    def __init__(self, now: datetime, summary: Summary):
        self.now, self.summary, self.quiet = now, summary, {}

    def _after_quiet_hours(self, message: PushMessage, moment: datetime) -> datetime:
        """A retry waits for the end of the recipient's quiet hours too."""
        owner = (message.newcomer_id, message.staff_id)
        if owner not in self.quiet:
            mine = (
                PushPreference.newcomer_id == message.newcomer_id
                if message.newcomer_id
                else PushPreference.staff_id == message.staff_id
            )
            prefs = db.session.scalar(select(PushPreference).where(mine))
            self.quiet[owner] = (prefs.quiet_start, prefs.quiet_end) if prefs else DEFAULT_QUIET
        return after_quiet_hours(moment, *self.quiet[owner])

    def _retry(self, delivery: PushDelivery, status: int | None, retry_after) -> bool:
        message = delivery.message
        expired = self.now >= message.created_at + timedelta(seconds=message.ttl)
        retry = status is None or status == 429 or status >= 500
        if not retry or expired or delivery.attempts >= MAX_ATTEMPTS:
            return False
        delivery.state = "pending"
        delivery.next_attempt_at = self._after_quiet_hours(
            message, self.now + _backoff(delivery.attempts, retry_after)
        )
        return True

    def record(self, tasks: list[_Task], results: list) -> None:
        deliveries = {
            d.id: d
            for d in db.session.scalars(
                select(PushDelivery).where(PushDelivery.id.in_([t.delivery_id for t in tasks]))
            )
        }
        gone = set()
        before = replace(self.summary)  # a copy: what this batch adds goes to /metrics
        for task, (status, retry_after) in zip(tasks, results, strict=True):
            delivery = deliveries.get(task.delivery_id)
            if delivery is None:  # the device was removed meanwhile
                continue
            delivery.last_status, delivery.claim = status, None
            delivery.attempts += 1
            if status is not None and 200 <= status < 300:
                delivery.state, delivery.sent_at = "sent", self.now
                self.summary.sent += 1
            elif status in (0, 404, 410):
                gone.add(task.subscription_id)
                self.summary.removed += 1
            elif self._retry(delivery, status, retry_after):
                self.summary.retrying += 1
            else:
                delivery.state = "failed"
                self.summary.failed += 1
        if gone:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        db.session.commit()
        for outcome in ("sent", "failed", "removed", "retrying"):
            count_push(outcome, getattr(self.summary, outcome) - getattr(before, outcome))


def send_due(now: datetime | None = None, message_ids: list[int] | None = None) -> Summary:
    """Send every delivery that is due (or only those of `message_ids`)."""
    now, summary = now or utcnow(), Summary()
    key = vapid()
    if key is None:
        return summary
    authorization = _Authorizations(key, current_app.config["VAPID_SUBJECT"])
    loopback_too = current_app.config.get("AANKOMST_PUSH_ALLOW_INSECURE", False)
    allowed = _HostCheck(loopback_too)
    outcomes = _Outcomes(now, summary)

    def post(task: _Task, ok: bool):
        return _post(task, authorization, loopback_too) if ok else (0, None)

    with ThreadPoolExecutor(max_workers=POOL_SIZE) as pool:
        while tasks := _claim(now, message_ids):
            sendable = [allowed(task.endpoint) for task in tasks]  # here: it needs the app
            outcomes.record(tasks, list(pool.map(post, tasks, sendable)))
    return summary
