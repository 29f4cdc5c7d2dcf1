"""Sending what is due. A run claims its deliveries first, so two runs at once never send the
same one; posts go out concurrently from a bounded pool; 404 and 410 remove the device; 429,
5xx and network errors are retried by a later run with backoff; one failing endpoint never
stops the batch."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
from .endpoints import check_endpoint
from .keys import vapid
from .messages import payload
from .models import PushDelivery, PushMessage, PushSubscription

POOL_SIZE = 16
BATCH = 500
TIMEOUT = 10
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=6)
JWT_LIFETIME = 12 * 3600  # RFC 8292 allows at most 24 h


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


class _NoRedirects(requests.Session):
    """A push service never redirects; following one could reach an internal address."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = _NoRedirects()
    return _local.session


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
    public address when the device subscribed may point inside the network now."""

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


def _post(task: _Task, authorization) -> tuple[int | None, str | None]:
    """(status, Retry-After) of one post; status None for a network error, 0 for a device that
    can never work (malformed keys, or an endpoint no longer allowed)."""
    subscription = {"endpoint": task.endpoint, "keys": {"p256dh": task.p256dh, "auth": task.auth}}
    try:
        response = WebPusher(subscription, requests_session=_session()).send(
            task.data,
            {"Authorization": authorization(task.endpoint), "Urgency": task.urgency},
            ttl=task.ttl,
            content_encoding="aes128gcm",
            timeout=TIMEOUT,
        )
    except requests.RequestException:
        return None, None
    except (ValueError, TypeError):  # malformed keys from the browser
        return 0, None
    return response.status_code, response.headers.get("Retry-After")


def _backoff(attempts: int, retry_after: str | None) -> timedelta:
    if retry_after and retry_after.isdigit():
        return min(timedelta(seconds=int(retry_after)), MAX_BACKOFF)
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def _due(now: datetime, message_ids: list[int] | None):
    return and_(
        or_(
            and_(PushDelivery.state == "pending", PushDelivery.next_attempt_at <= now),
            and_(PushDelivery.state == "sending", PushDelivery.claimed_at < now - STALE_CLAIM),
        ),
        PushDelivery.message_id.in_(
            select(PushMessage.id).where(
                PushMessage.not_before <= now,
                *([PushMessage.id.in_(message_ids)] if message_ids is not None else []),
            )
        ),
    )


def _claim(now: datetime, message_ids: list[int] | None) -> list[tuple]:
    """Take up to BATCH due deliveries for this run; another run gets the others."""
    condition = _due(now, message_ids)
    ids = db.session.scalars(select(PushDelivery.id).where(condition).limit(BATCH)).all()
    if not ids:
        return []
    claim = uuid.uuid4().hex
    db.session.execute(
        update(PushDelivery)
        .where(PushDelivery.id.in_(ids), condition)
        .values(state="sending", claim=claim, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.execute(
        select(PushDelivery, PushMessage, PushSubscription)
        .join(PushMessage, PushMessage.id == PushDelivery.message_id)
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .where(PushDelivery.claim == claim)
    ).all()


def _record(delivery: PushDelivery, message: PushMessage, result, now: datetime, summary) -> int:
    """Store one outcome; returns the id of a subscription to remove, or 0."""
    status, retry_after = result
    delivery.last_status, delivery.claim = status, None
    delivery.attempts += 1
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.sent_at = "sent", now
        summary.sent += 1
        return 0
    if status in (0, 404, 410):
        summary.removed += 1
        return delivery.subscription_id
    expired = now >= message.created_at + timedelta(seconds=message.ttl)
    retry = status is None or status == 429 or status >= 500
    if retry and not expired and delivery.attempts < MAX_ATTEMPTS:
        delivery.state = "pending"
        delivery.next_attempt_at = now + _backoff(delivery.attempts, retry_after)
        summary.retrying += 1
        return 0
    delivery.state = "failed"
    summary.failed += 1
    return 0


def send_due(now: datetime | None = None, message_ids: list[int] | None = None) -> Summary:
    """Send every delivery that is due (or only those of `message_ids`)."""
    now, summary = now or utcnow(), Summary()
    key = vapid()
    if key is None:
        return summary
    authorization = _Authorizations(key, current_app.config["VAPID_SUBJECT"])
    allowed = _HostCheck(current_app.config.get("AANKOMST_PUSH_ALLOW_INSECURE", False))
    with ThreadPoolExecutor(max_workers=POOL_SIZE) as pool:
        while rows := _claim(now, message_ids):
            tasks = [
                _Task(d.id, s.id, s.endpoint, s.p256dh, s.auth, payload(m), m.ttl, m.urgency)
                for d, m, s in rows
            ]
            sendable = [allowed(task.endpoint) for task in tasks]  # here: needs the app
            results = list(
                pool.map(
                    lambda task, ok: _post(task, authorization) if ok else (0, None),
                    tasks,
                    sendable,
                )
            )
            gone = {
                _record(d, m, r, now, summary) for (d, m, _s), r in zip(rows, results, strict=True)
            }
            gone.discard(0)
            if gone:
                db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
            db.session.commit()
    return summary
