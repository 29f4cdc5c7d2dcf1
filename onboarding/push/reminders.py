"""Deadline reminders: by default 3 days and 1 day before a step is due and once on the day a
legal deadline becomes overdue; never for steps done or "not for me"; one a person a day."""

import hashlib
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Newcomer
from ..checklist.services import ChecklistItem, build_checklist
from ..clock import amsterdam_date, utcnow
from ..content import Pack, pack_text
from ..extensions import db
from ..i18n import _, format_day, ngettext
from .messages import queue, speaking_to
from .models import PushPreference, PushSubscription, ReminderLog

OVERDUE = -1


def reminders_due(items: list[ChecklistItem], today: date, days_before) -> list[tuple]:
    """(item, days before its due date, or OVERDUE) for every reminder that falls today."""
    found = []
    for item in items:
        if item.due_date is None or item.finished:
            continue
        days = (item.due_date - today).days
        # Only a legal deadline can be overdue; a missed target date is no alarm.
        if days in days_before or (days == OVERDUE and item.step.due.kind == "deadline"):
            found.append((item, days))
    return found


def _line(item: ChecklistItem, days: int) -> str:
    when = format_day(item.due_date, "MMMEd")
    if days == OVERDUE:
        return _("Overdue since %(date)s. Open the step to see what to do.", date=when)
    if days == 1:
        return _("Due tomorrow, %(date)s.", date=when)
    return ngettext(
        "Due in %(num)d day, on %(date)s.", "Due in %(num)d days, on %(date)s.", days, date=when
    )


def compose(reminders: list[tuple]) -> tuple[str, str, str]:
    """Title, one line and the page to open: one step, or several grouped."""
    if len(reminders) == 1:
        item, days = reminders[0]
        title = _("Reminder: %(step)s", step=pack_text(item.step.title))
        return title, _line(item, days), url_for("checklist.step", key=item.key)
    titles = "; ".join(pack_text(item.step.title) for item, _days in reminders)
    title = ngettext(
        "%(num)d step needs your attention", "%(num)d steps need your attention", len(reminders)
    )
    return title, titles, url_for("checklist.home")


def _subscribed_with_reminders():
    has_device = select(PushSubscription.id).where(PushSubscription.newcomer_id == Newcomer.id)
    reminders_on = or_(PushPreference.id.is_(None), PushPreference.reminders.is_(True))
    return (
        select(Newcomer)
        .outerjoin(PushPreference, PushPreference.newcomer_id == Newcomer.id)
        .where(has_device.exists(), reminders_on)
        .order_by(Newcomer.id)
    )


def _claim(newcomer: Newcomer, item: ChecklistItem, days: int) -> bool:
    """Mark one reminder as queued; False when it was already (by this run or another)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderLog(
                    newcomer_id=newcomer.id,
                    step_key=item.key,
                    days_before=days,
                    due_date=item.due_date,
                )
            )
    except IntegrityError:
        return False
    return True


def queue_reminders(pack: Pack, now: datetime | None = None) -> list[int]:
    """Queue today's reminders; each goes out once, even when two runs overlap. Returns the
    ids of the messages queued."""
    now = now or utcnow()
    today = amsterdam_date(now)
    days_before = tuple(current_app.config.get("REMINDER_DAYS_BEFORE", (3, 1)))
    queued = []
    for newcomer in db.session.scalars(_subscribed_with_reminders()).all():
        due = reminders_due(build_checklist(newcomer, pack, today), today, days_before)
        if not due:
            continue
        claimed = [reminder for reminder in due if _claim(newcomer, *reminder)]
        if not claimed:
            db.session.rollback()
            continue
        marks = sorted(f"{item.key}:{days}:{item.due_date}" for item, days in claimed)
        key = f"reminders:{newcomer.id}:" + hashlib.sha256("|".join(marks).encode()).hexdigest()
        with speaking_to(newcomer):
            title, body, url = compose(claimed)
        message = queue(newcomer, key, title, body, url, now=now)
        db.session.commit()
        if message is not None:
            queued.append(message.id)
    return queued
