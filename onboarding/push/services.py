"""Subscriptions (at most five devices a person), preferences and quiet hours."""

import hmac
from dataclasses import asdict
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Newcomer
from ..clock import AMSTERDAM
from ..errors import AppError, ValidationError
from ..extensions import db
from ..i18n import _
from ..staff.models import StaffUser
from .inputs import PreferencesChange, Subscription
from .models import PushPreference, PushSubscription
from .present import preferences_json

Person = Newcomer | StaffUser
MAX_DEVICES = 5
DEFAULT_QUIET = ("21:00", "08:00")


def owner(person: Person) -> dict:
    """The owner columns for a newcomer or a staff member."""
    if isinstance(person, StaffUser):
        return {"newcomer_id": None, "staff_id": person.id}
    return {"newcomer_id": person.id, "staff_id": None}


def owned_by(model, person: Person):
    """A filter for the rows of `model` that belong to this person."""
    if isinstance(person, StaffUser):
        return model.staff_id == person.id
    return model.newcomer_id == person.id


def subscribe(person: Person, values: Subscription) -> PushSubscription:
    """Store this device for the person; a sixth device replaces the oldest. A device that
    belonged to someone else (a shared phone) moves to them only when the request proves it
    holds that subscription: the same auth secret, which the push address alone does not give."""
    found = db.session.scalar(
        select(PushSubscription)
        .where(PushSubscription.endpoint == values.endpoint)
        .with_for_update()
    )
    if (
        found is not None
        and owner(person) != {"newcomer_id": found.newcomer_id, "staff_id": found.staff_id}
        and not hmac.compare_digest(found.auth.encode(), values.auth.encode())
    ):
        raise AppError(
            "device_taken",
            409,
            _(
                "This phone gets notifications for another account. Switch notifications off "
                "and on again on this phone, then try again."
            ),
        )
    if found is None:
        found = PushSubscription(**asdict(values), **owner(person))
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # the same device, subscribed twice at once
            found = db.session.scalar(
                select(PushSubscription).where(PushSubscription.endpoint == values.endpoint)
            )
    found.p256dh, found.auth = values.p256dh, values.auth
    for name, value in owner(person).items():
        setattr(found, name, value)
    db.session.flush()
    devices = db.session.scalars(
        select(PushSubscription.id)
        .where(owned_by(PushSubscription, person))
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    ).all()
    extra = [i for i in devices if i != found.id][MAX_DEVICES - 1 :]
    if extra:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(extra)))
    db.session.flush()
    return found


def unsubscribe(person: Person, endpoint: object) -> None:
    """Forget one of the person's devices."""
    if not isinstance(endpoint, str) or not endpoint or not endpoint.isascii():
        raise ValidationError({"endpoint": _("This is not a valid push address.")})
    gone = db.session.execute(
        delete(PushSubscription).where(
            owned_by(PushSubscription, person), PushSubscription.endpoint == endpoint
        )
    )
    db.session.flush()
    if gone.rowcount == 0:
        raise AppError("not_found", 404, _("This device is not subscribed."))


def preferences(person: Person) -> PushPreference:
    """The person's preferences, with the defaults when they never changed them."""
    found = db.session.scalar(select(PushPreference).where(owned_by(PushPreference, person)))
    return found or PushPreference(
        **owner(person), reminders=True, quiet_start=DEFAULT_QUIET[0], quiet_end=DEFAULT_QUIET[1]
    )


def update_preferences(person: Person, change: PreferencesChange) -> PushPreference:
    """Change any of reminders, quiet_start and quiet_end; the rest stays."""
    current = preferences(person)
    db.session.add(current)
    if change.reminders is not None:
        current.reminders = change.reminders
    current.quiet_start = change.quiet_start or current.quiet_start
    current.quiet_end = change.quiet_end or current.quiet_end
    db.session.flush()
    return current


def after_quiet_hours(now: datetime, quiet_start: str, quiet_end: str) -> datetime:
    """`now`, or the end of the quiet hours (Europe/Amsterdam) when `now` falls in them."""
    local = now.astimezone(AMSTERDAM)
    start, end = time.fromisoformat(quiet_start), time.fromisoformat(quiet_end)
    clock = local.time().replace(tzinfo=None)
    if start == end:
        return now
    quiet = start <= clock < end if start < end else (clock >= start or clock < end)
    if not quiet:
        return now
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=AMSTERDAM).astimezone(now.tzinfo)


def push_export(person: Person) -> dict:
    """For the data export: the preferences and when each device subscribed (never the push
    address, a secret of the device)."""
    devices = db.session.scalars(
        select(PushSubscription.created_at).where(owned_by(PushSubscription, person))
    )
    return {
        **preferences_json(preferences(person)),
        "devices": [{"subscribed_at": moment.isoformat()} for moment in devices],
    }
