"""The scheduler's timing: reminders every 15 minutes, buddy offers hourly at :05, the purge
daily at 03:30 in Amsterdam (also on the days the clocks change); a missed moment runs once."""

from datetime import UTC, datetime, time, timedelta

import time_machine

from onboarding.cli import SCHEDULE, run_scheduled
from onboarding.clock import utcnow
from onboarding.ops.schedule import Daily, Every, due, next_wakeup


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def names(jobs) -> list[str]:
    return [job.name for job in jobs]


def test_every_quarter_hour_falls_on_the_quarters():
    every = Every(15)
    assert every.next_after(utc("2027-05-01 10:00:00")) == utc("2027-05-01 10:15:00")
    assert every.next_after(utc("2027-05-01 10:14:59")) == utc("2027-05-01 10:15:00")
    assert every.next_after(utc("2027-05-01 23:50:00")) == utc("2027-05-02 00:00:00")


def test_hourly_at_five_past():
    hourly = Every(60, offset=5)
    assert hourly.next_after(utc("2027-05-01 10:04:59")) == utc("2027-05-01 10:05:00")
    assert hourly.next_after(utc("2027-05-01 10:05:00")) == utc("2027-05-01 11:05:00")
    assert hourly.next_after(utc("2027-12-31 23:30:00")) == utc("2028-01-01 00:05:00")


def test_daily_at_half_past_three_in_amsterdam_across_the_clock_changes():
    daily = Daily(time(3, 30))
    # Winter (UTC+1), summer (UTC+2), and the nights the clocks change.
    assert daily.next_after(utc("2027-01-10 12:00")) == utc("2027-01-11 02:30")
    assert daily.next_after(utc("2027-07-10 12:00")) == utc("2027-07-11 01:30")
    assert daily.next_after(utc("2027-03-27 12:00")) == utc("2027-03-28 01:30")  # 02:00 -> 03:00
    assert daily.next_after(utc("2027-03-28 01:30")) == utc("2027-03-29 01:30")
    assert daily.next_after(utc("2027-10-30 12:00")) == utc("2027-10-31 02:30")  # 03:00 -> 02:00
    assert daily.next_after(utc("2028-02-28 03:00")) == utc("2028-02-29 02:30")  # a leap day


def test_a_day_of_the_schedule_runs_each_job_the_right_number_of_times():
    runs = {job.name: 0 for job in SCHEDULE}
    last = utc("2027-03-27 12:00")
    end = last + timedelta(days=1)
    while (wake := next_wakeup(SCHEDULE, last)) <= end:
        for job in due(SCHEDULE, last, wake):
            runs[job.name] += 1
        last = wake
    assert runs == {"reminders": 96, "buddies": 24, "purge": 1}


def test_moments_missed_during_a_long_run_are_run_once_not_caught_up():
    last = utc("2027-05-01 10:00")
    # The purge ran for three hours (or the machine slept): every job is due, once each.
    assert names(due(SCHEDULE, last, utc("2027-05-02 13:00"))) == ["reminders", "buddies", "purge"]
    assert due(SCHEDULE, last, utc("2027-05-01 10:04")) == []
    assert names(due(SCHEDULE, last, utc("2027-05-01 10:05"))) == ["buddies"]
    assert names(due(SCHEDULE, last, utc("2027-05-01 10:15"))) == ["reminders", "buddies"]


def test_next_wakeup_follows_the_clock():
    with time_machine.travel("2027-12-31 23:59:30Z", tick=False):
        now = utcnow()
        assert next_wakeup(SCHEDULE, now) == utc("2028-01-01 00:00")
        assert names(due(SCHEDULE, now, utc("2028-01-01 00:00"))) == ["reminders"]


def test_a_scheduled_job_runs_its_command_and_a_failure_does_not_stop_the_scheduler(app, capsys):
    [reminders, buddies, purge] = SCHEDULE
    assert run_scheduled(app, buddies) == 0
    assert "offer(s) moved on" in capsys.readouterr().out
    assert run_scheduled(app, purge) == 0
    assert "inactive account(s)" in capsys.readouterr().out
    app.config["VAPID_PRIVATE_KEY"] = None  # push not configured: the command exits 1
    assert run_scheduled(app, reminders) == 1


def test_scheduler_once_runs_every_job(runner):
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    for said in ("reminder(s) queued", "offer(s) moved on", "inactive account(s)"):
        assert said in result.output


class _Stop(Exception):
    pass


def test_the_loop_sleeps_until_each_moment_and_runs_what_is_due(runner, monkeypatch):
    """Two hours of the real loop on a moved clock: sleeping shifts time instead of waiting."""
    import onboarding.cli as cli

    ran = []
    with time_machine.travel("2027-10-31 00:52:00Z", tick=False) as traveller:
        end = utc("2027-10-31 02:52:00")

        def sleep(seconds):
            assert 0 < seconds <= 60
            traveller.shift(seconds)
            if utcnow() > end:
                raise _Stop

        def run(app, job):
            ran.append((job.name, utcnow().strftime("%H:%M")))
            if job.name == "purge":
                traveller.shift(20 * 60)  # a long purge: the moments it spans run once after
            return 0

        monkeypatch.setattr(cli.time, "sleep", sleep)
        monkeypatch.setattr(cli, "run_scheduled", run)
        result = runner.invoke(args=["scheduler"])
    assert isinstance(result.exception, _Stop), result.output
    # 03:30 in Amsterdam on the night summer time ends (02:00 -> 03:00 UTC+2 -> UTC+1) is 02:30.
    assert ran == [
        ("reminders", "01:00"), ("buddies", "01:05"), ("reminders", "01:15"),
        ("reminders", "01:30"), ("reminders", "01:45"), ("reminders", "02:00"),
        ("buddies", "02:05"), ("reminders", "02:15"), ("reminders", "02:30"),
        ("purge", "02:30"), ("reminders", "02:50"),
    ]  # fmt: skip
