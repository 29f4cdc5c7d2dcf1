"""When the scheduler process runs each job: pure functions of the time, so they are tested
without waiting. A job runs at most once per scheduled moment, and a moment missed while a
long job ran (or the machine slept) is run once, never caught up many times over."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from ..clock import AMSTERDAM


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes, at whole multiples from the hour (UTC), plus `offset` minutes:
    Every(15) runs at :00, :15, :30 and :45; Every(60, offset=5) at :05 each hour."""

    minutes: int
    offset: int = 0

    def next_after(self, moment: datetime) -> datetime:
        step = timedelta(minutes=self.minutes)
        start = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        candidate = start - timedelta(hours=1) + timedelta(minutes=self.offset)
        while candidate <= moment:
            candidate += step
        return candidate


@dataclass(frozen=True)
class Daily:
    """Once a day at a wall-clock time in Amsterdam (03:30 exists exactly once every day, also
    when the clocks change at 02:00 and 03:00)."""

    at: time

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(AMSTERDAM)
        day = local.date()
        while True:
            candidate = datetime.combine(day, self.at, AMSTERDAM).astimezone(UTC)
            if candidate > moment:
                return candidate
            day += timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    command: tuple[str, ...]  # the `flask --app wsgi` command it runs
    when: Every | Daily


def due(jobs: list[Job], last: datetime, now: datetime) -> list[Job]:
    """The jobs with a scheduled moment after `last` and at or before `now`, in list order."""
    return [job for job in jobs if job.when.next_after(last) <= now]


def next_wakeup(jobs: list[Job], last: datetime) -> datetime:
    """The earliest scheduled moment after `last`."""
    return min(job.when.next_after(last) for job in jobs)
