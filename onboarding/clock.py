"""The one place that reads the clock: UTC for timestamps, Amsterdam for "today"."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def amsterdam_date(moment: datetime) -> date:
    """The calendar day a UTC moment falls on in the Netherlands."""
    return moment.astimezone(AMSTERDAM).date()


def today_in_amsterdam() -> date:
    """Due dates and "overdue" are judged by the calendar in the Netherlands."""
    return datetime.now(AMSTERDAM).date()


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (a negative number: later); 29 February becomes
    28 February in a year without it."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def iso(value: datetime | date | None) -> str | None:
    """A date or timestamp as the API and exports write it (None stays None)."""
    return value.isoformat() if value else None
