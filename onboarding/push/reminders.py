"""Deadline reminders: by default 3 days and 1 day before a step is due and once on the day a
legal deadline becomes overdue; never for steps done or "not for me"; one a person a day.

Features above push add what they remind people of (check-ins, say) as a reminder source:
their lines join the same daily notification, under the same preferences and quiet hours, and
the same reminder log sends each of them once."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
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
SOURCES = "aankomst_reminder_sources"


@dataclass(frozen=True)
class Reminder:
    """One thing to remind a person of today, its texts already in their language. `mark`,
    `days_before` and `due_date` go into the reminder log, so it goes out once."""

    mark: str  # at most 40 characters: a step key, or a feature's own (e.g. "checkin:day7")
    due_date: date
    days_before: int
    title: str  # the notification's title when it is the day's only reminder
    line: str  # its text then
    label: str  # its name in a list of several
    url: str
    is_step: bool = False


# A feature's reminders for one person on one day; called while speaking to that person.
ReminderSource = Callable[[Newcomer, date], list[Reminder]]


def add_reminder_source(app, source: ReminderSource) -> None:
    """Let a feature above push add reminders (called from its init_app): push imports none."""
    app.extensions.setdefault(SOURCES, []).append(source)


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


def _step_reminder(item: ChecklistItem, days: int) -> Reminder:
    title = pack_text(item.step.title)
    return Reminder(
        mark=item.key,
        due_date=item.due_date,
        days_before=days,
        title=_("Reminder: %(step)s", step=title),
        line=_line(item, days),
        label=title,
        url=url_for("checklist.step", key=item.key),
        is_step=True,
    )


def compose(reminders: list[Reminder]) -> tuple[str, str, str]:
    """Title, one line and the page to open: one reminder, or several grouped."""
    if len(reminders) == 1:
        only = reminders[0]
        return only.title, only.line, only.url
    labels = "; ".join(reminder.label for reminder in reminders)
    if all(reminder.is_step for reminder in reminders):
        title = ngettext(
            "%(num)d step needs your attention", "%(num)d steps need your attention", len(reminders)
        )
    else:
        title = ngettext("%(num)d reminder for you", "%(num)d reminders for you", len(reminders))
    return title, labels, url_for("checklist.home")


def _subscribed_with_reminders():
    has_device = select(PushSubscription.id).where(PushSubscription.newcomer_id == Newcomer.id)
    reminders_on = or_(PushPreference.id.is_(None), PushPreference.reminders.is_(True))
    return (
        select(Newcomer)
        .outerjoin(PushPreference, PushPreference.newcomer_id == Newcomer.id)
        .where(has_device.exists(), reminders_on)
        .order_by(Newcomer.id)
    )


def _claim(newcomer: Newcomer, reminder: Reminder) -> bool:
    """Mark one reminder as queued; False when it was already (by this run or another)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderLog(
                    newcomer_id=newcomer.id,
                    step_key=reminder.mark,
                    days_before=reminder.days_before,
                    due_date=reminder.due_date,
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
    sources = current_app.extensions.get(SOURCES, [])
    queued = []
    for newcomer in db.session.scalars(_subscribed_with_reminders()).all():
        steps = reminders_due(build_checklist(newcomer, pack, today), today, days_before)
        if not steps and not sources:
            continue
        with speaking_to(newcomer):
            due = [_step_reminder(item, days) for item, days in steps]
            for source in sources:
                due.extend(source(newcomer, today))
            claimed = [reminder for reminder in due if _claim(newcomer, reminder)]
            composed = compose(claimed) if claimed else None
        if composed is None:
            if due:
                db.session.rollback()
            continue
        marks = sorted(f"{r.mark}:{r.days_before}:{r.due_date}" for r in claimed)
        key = f"reminders:{newcomer.id}:" + hashlib.sha256("|".join(marks).encode()).hexdigest()
        title, body, url = composed
        message = queue(newcomer, key, title, body, url, now=now)
        db.session.commit()
        if message is not None:
            queued.append(message.id)
    return queued
