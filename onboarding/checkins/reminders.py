"""The push reminder for check-ins: once, when a day's questions become due, as one more line
of the person's daily reminder (push sends it only to people with reminders on)."""

from datetime import date

from flask import url_for

from ..accounts.models import Newcomer
from ..i18n import _
from ..push.reminders import Reminder
from .models import DAYS
from .services import days_here, due_checkins

# Only a question that became due in the last few days is worth a notification; older ones
# wait on the checklist (and the reminder log forgets marks after a month).
REMIND_WITHIN_DAYS = 3


def checkin_reminders(newcomer: Newcomer, today: date) -> list[Reminder]:
    """At most one reminder: for the day (7, 30 or 90) whose questions just became due and are
    not answered, put off or switched off."""
    here = days_here(newcomer, today)
    if not any(day <= here < day + REMIND_WITHIN_DAYS for day in DAYS):
        return []  # the usual case, without asking the database
    fresh = [c for c in due_checkins(newcomer, today) if c.day <= here < c.day + REMIND_WITHIN_DAYS]
    if not fresh:
        return []
    first = fresh[0]
    return [
        Reminder(
            mark=f"checkin:day{first.day}",
            due_date=first.due_on(newcomer),
            days_before=0,
            # i18n: title of a push notification inviting a short check-in question
            title=_("How is it going?"),
            line=_("One short question for you. One tap answers it."),
            label=_("A short question: how is it going?"),
            url=url_for("checklist.home"),
        )
    ]
