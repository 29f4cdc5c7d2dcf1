"""Queueing a notification: written in the recipient's language, held back until their quiet
hours are over, one delivery per device."""

import json
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..clock import amsterdam_date, utcnow
from ..extensions import db
from .models import PushDelivery, PushMessage, PushSubscription, ReminderLog
from .services import Person, after_quiet_hours, owned_by, owner, preferences

TITLE_MAX, BODY_MAX = 120, 300
DAY = 24 * 3600


def language_of(person: Person) -> str:
    """Staff accounts have no language of their own yet: English."""
    return getattr(person, "language", None) or "en"


@contextmanager
def speaking_to(person: Person):
    """Texts, dates and links for this person: in their language, whatever the current request
    speaks; outside a request (cron, worker) in a request context of its own, for url_for."""
    if has_request_context():
        with force_locale(language_of(person)):
            yield
    else:
        with current_app.test_request_context("/"), force_locale(language_of(person)):
            yield


def queue(
    person: Person,
    key: str,
    title: str,
    body: str,
    url: str,
    urgency: str = "normal",
    ttl: int = DAY,
    now: datetime | None = None,
) -> PushMessage | None:
    """A message for each of the person's devices; None when they have no device or this
    `key` was queued before (so an event never notifies twice)."""
    now = now or utcnow()
    devices = db.session.scalars(
        select(PushSubscription.id).where(owned_by(PushSubscription, person))
    ).all()
    if not devices:
        return None
    prefs = preferences(person)
    message = PushMessage(
        key=key,
        **owner(person),
        title=title[:TITLE_MAX],
        body=body[:BODY_MAX],
        url=url,
        urgency=urgency,
        ttl=ttl,
        not_before=after_quiet_hours(now, prefs.quiet_start, prefs.quiet_end),
        deliveries=[PushDelivery(subscription_id=i, next_attempt_at=now) for i in devices],
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def payload(message: PushMessage) -> bytes:
    """What the service worker receives (encrypted on the way)."""
    return json.dumps(
        {"title": message.title, "body": message.body, "url": message.url, "tag": message.key},
        ensure_ascii=False,
    ).encode()


KEEP = timedelta(days=30)


def prune(now: datetime | None = None) -> None:
    """Forget sent and given-up messages and old reminder marks after a month: they are only
    needed to send once, and stored data should be the minimum."""
    now = now or utcnow()
    db.session.execute(delete(PushMessage).where(PushMessage.created_at < now - KEEP))
    db.session.execute(delete(ReminderLog).where(ReminderLog.due_date < amsterdam_date(now) - KEEP))
    db.session.commit()
