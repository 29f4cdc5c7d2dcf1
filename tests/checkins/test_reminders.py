"""The push reminder for check-ins, end to end through the stand-in push service: once when a
day's questions become due, in the person's language, only with reminders switched on, never
for questions answered or switched off, in one notification with the day's step reminders."""

import time_machine
from flask_babel import force_locale, ngettext

from onboarding.content import current_pack, pack_text

from ..conftest import join_body, translated

ARRIVAL = "2026-12-01"


def at(day: str, clock: str = "10:00"):
    """A moment in Amsterdam (CET, UTC+1, in December)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return time_machine.travel(f"{day} {hours - 1:02d}:{minutes:02d}Z", tick=False)


def with_phone(make_api, make_code, device, language="pl", **profile):
    """A newcomer who arrived on 1 December and subscribed one phone."""
    client, phone = make_api(), device()
    with at(ARRIVAL):
        body = join_body(make_code(), language=language, arrival_date=ARRIVAL, **profile)
        assert client.post("/api/v1/join", json=body).status_code == 201
        answer = client.post("/api/v1/push/subscriptions", json=phone.subscription())
        assert answer.status_code == 201
    return client, phone


def run(runner) -> str:
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def pushed(receiver, phone) -> list[dict]:
    return [phone.decrypt(r) for r in receiver.for_path(phone.path)]


def test_the_day_seven_question_is_pushed_once_in_the_persons_language(
    app, runner, receiver, make_api, make_code, device
):
    _client, phone = with_phone(make_api, make_code, device)
    with at("2026-12-07"):  # day 6: only the overdue registration
        run(runner)
    assert [m["url"] for m in pushed(receiver, phone)] == ["/steps/register_brp"]
    with at("2026-12-08"):  # day 7: no step reminder falls on this day
        assert "1 reminder(s) queued; sent 1" in run(runner)
        assert "0 reminder(s) queued" in run(runner)
    for day in ("2026-12-09", "2026-12-10", "2026-12-11"):
        with at(day):
            run(runner)
    [_overdue, message] = pushed(receiver, phone)
    assert message["title"] == translated(app, "pl", "How is it going?")
    assert message["body"] == translated(
        app, "pl", "One short question for you. One tap answers it."
    )
    assert message["url"] == "/"


def test_reminders_switched_off_means_no_push_but_the_card_stays(
    app, runner, receiver, make_api, make_code, device
):
    client, phone = with_phone(make_api, make_code, device)
    with at("2026-12-08"):
        client.client.open(
            "/api/v1/push/preferences",
            method="PUT",
            json={"reminders": False},
            headers={"X-CSRFToken": client.token()},
        )
        assert "0 reminder(s) queued" in run(runner)
        assert len(client.get("/api/v1/checkins").get_json()["due"]) == 3
    assert receiver.received == []


def test_nothing_is_pushed_for_questions_answered_or_switched_off(
    app, runner, receiver, make_api, make_code, device
):
    answered, answered_phone = with_phone(make_api, make_code, device)
    never, never_phone = with_phone(make_api, make_code, device)
    half, half_phone = with_phone(make_api, make_code, device)
    with at("2026-12-08", "07:00"):
        for key in ("day7_housing", "day7_work", "day7_health"):
            assert (
                answered.post("/api/v1/checkins", json={"key": key, "score": 4}).status_code == 201
            )
        never.post("/api/v1/checkins/day7_housing/dismiss", json={"never": True})
        half.post("/api/v1/checkins", json={"key": "day7_housing", "score": 4})
    with at("2026-12-08", "09:00"):
        run(runner)
    assert pushed(receiver, answered_phone) == [] and pushed(receiver, never_phone) == []
    assert [m["url"] for m in pushed(receiver, half_phone)] == ["/"]


def test_a_question_due_long_ago_is_not_pushed(app, runner, receiver, make_api, make_code, device):
    _client, phone = with_phone(make_api, make_code, device)
    with at("2026-12-11"):  # the first run since day 7 comes four days late
        run(runner)
    assert pushed(receiver, phone) == []


def test_the_question_joins_the_days_step_reminder_in_one_notification(
    app, runner, receiver, make_api, make_code, device
):
    # The first workday on 11 December: its reminder 3 days before falls on day 7 too.
    _client, phone = with_phone(make_api, make_code, device, first_workday_date="2026-12-11")
    with at("2026-12-08"):
        assert "1 reminder(s) queued; sent 1" in run(runner)
    [message] = pushed(receiver, phone)
    with app.test_request_context(), force_locale("pl"):
        title = ngettext("%(num)d reminder for you", "%(num)d reminders for you", 2)
        step = pack_text(current_pack().step("first_workday").title)
    assert message["title"] == title and message["url"] == "/"
    assert step in message["body"]
    assert translated(app, "pl", "A short question: how is it going?") in message["body"]


def test_quiet_hours_hold_the_question_until_the_morning(
    app, runner, receiver, make_api, make_code, device
):
    _client, phone = with_phone(make_api, make_code, device)
    with at("2026-12-08", "00:05"):
        assert "1 reminder(s) queued; sent 0" in run(runner)
    with at("2026-12-08", "08:00"):
        assert "sent 1" in run(runner)
    assert len(pushed(receiver, phone)) == 1


def test_day_thirty_and_ninety_are_pushed_too(app, runner, receiver, make_api, make_code, device):
    client, phone = with_phone(make_api, make_code, device)
    for key in ("day7_housing", "day7_work", "day7_health"):
        with at("2026-12-08", "07:00"):
            client.post("/api/v1/checkins", json={"key": key, "score": 4})
    label = translated(app, "pl", "A short question: how is it going?")
    title = translated(app, "pl", "How is it going?")
    for day in ("2026-12-31", "2027-03-01"):  # day 30 and day 90
        before = len(pushed(receiver, phone))
        with at(day):
            run(runner)
        new = pushed(receiver, phone)[before:]
        assert any(m["title"] == title or label in m["body"] for m in new), day
