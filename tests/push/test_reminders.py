"""Deadline reminders, end to end through a stand-in push service: the right days, grouped,
once only, in the person's language, not in quiet hours, and what the service answers."""

import threading
from datetime import date

import time_machine
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from onboarding.content import current_pack, pack_text
from onboarding.extensions import db
from onboarding.i18n import format_day
from onboarding.push.models import PushSubscription
from onboarding.push.reminders import queue_reminders
from onboarding.push.sender import send_due

from ..conftest import join_body, translated
from .conftest import check_vapid

ARRIVAL = "2026-12-01"


def at(day: str, clock: str = "10:00"):
    """A moment in Amsterdam (CET, UTC+1, in December)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return time_machine.travel(f"{day} {hours - 1:02d}:{minutes:02d}Z", tick=False)


def newcomer_with_phone(make_api, make_code, device, language="pl", **profile):
    """A newcomer who arrived on 1 December and subscribed one phone."""
    client, phone = make_api(), device()
    with at(ARRIVAL):
        body = join_body(make_code(), language=language, arrival_date=ARRIVAL, **profile)
        assert client.post("/api/v1/join", json=body).status_code == 201
        assert (
            client.post("/api/v1/push/subscriptions", json=phone.subscription()).status_code == 201
        )
    return client, phone


def run(runner):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def polish(app, message: str, **variables) -> str:
    with app.test_request_context(), force_locale("pl"):
        return gettext(message, **variables)


def step_title(app, key: str, language="pl") -> str:
    with app.test_request_context(), force_locale(language):
        return pack_text(current_pack().step(key).title)


def test_a_reminder_due_tomorrow_reaches_the_phone_once_decrypted_in_polish(
    app, runner, receiver, make_api, make_code, device
):
    _client, phone = newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-05"):  # registration (BRP) is due on 6 December
        first = run(runner)
        second = run(runner)
        [request] = receiver.for_path(phone.path)
        check_vapid(request, receiver)  # signed now, valid for at most 24 hours
    assert "1 reminder(s) queued; sent 1, failed 0, removed 0, to retry 0" in first
    assert "0 reminder(s) queued; sent 0" in second
    assert request.headers["urgency"] == "normal" and request.headers["ttl"] == "86400"
    message = phone.decrypt(request)
    title = translated(app, "pl", "Reminder: %(step)s", step=step_title(app, "register_brp"))
    with app.test_request_context(), force_locale("pl"):
        body = gettext("Due tomorrow, %(date)s.", date=format_day(date(2026, 12, 6), "MMMEd"))
    assert message["title"] == title and message["body"] == body
    assert "grudnia" in body or "gru" in body  # the date in Polish too
    assert message["url"] == "/steps/register_brp"


def test_reminders_fall_three_days_and_one_day_before_and_once_when_a_deadline_is_overdue(
    app, runner, receiver, make_api, make_code, device
):
    _client, phone = newcomer_with_phone(make_api, make_code, device)
    expected = {
        "2026-12-02": "/steps/bike_route",  # due 3 December (two days after arrival): 1 day
        "2026-12-03": "/steps/register_brp",  # due 6 December: 3 days
        "2026-12-04": None,  # bike practice is a target, not a legal deadline: never "overdue"
        "2026-12-05": "/steps/register_brp",  # 1 day
        "2026-12-07": "/steps/register_brp",  # overdue
        "2026-12-08": "/",  # day 7: the check-in question (onboarding/checkins)
        "2026-12-09": None,
    }
    for day, url in expected.items():
        before = len(receiver.received)
        with at(day):
            run(runner)
        new = receiver.received[before:]
        assert [phone.decrypt(r)["url"] for r in new] == ([url] if url else []), day


def test_several_reminders_on_one_day_come_as_one_and_finished_steps_never(
    app, runner, receiver, make_api, make_code, device
):
    client, phone = newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-12"):  # three steps are due on 15 December; one is done already
        answer = client.patch("/api/v1/checklist/bank_account", json={"status": "done"})
        assert answer.status_code == 200
        run(runner)
    [request] = receiver.received
    message = phone.decrypt(request)
    with app.test_request_context(), force_locale("pl"):
        title = ngettext(
            "%(num)d step needs your attention", "%(num)d steps need your attention", 2
        )
    assert message["title"] == title and message["url"] == "/"
    for key in ("register_gp", "worker_rights"):
        assert step_title(app, key) in message["body"]
    assert step_title(app, "bank_account") not in message["body"]


def test_quiet_hours_hold_a_reminder_until_the_morning(
    app, runner, receiver, make_api, make_code, device
):
    newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-05", "22:30"):
        assert "1 reminder(s) queued; sent 0" in run(runner)
    with at("2026-12-06", "07:59"):
        run(runner)
    assert receiver.received == []
    with at("2026-12-06", "08:00"):
        assert "sent 1" in run(runner)
    assert len(receiver.received) == 1


def test_reminders_switched_off_send_nothing(app, runner, receiver, make_api, make_code, device):
    client, _phone = newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-05"):
        client.client.open(
            "/api/v1/push/preferences",
            method="PUT",
            json={"reminders": False},
            headers={"X-CSRFToken": client.token()},
        )
        assert "0 reminder(s) queued" in run(runner)
    assert receiver.received == []


def test_gone_devices_are_removed_and_failing_ones_retried_on_a_later_run(
    app, runner, receiver, make_api, make_code, device
):
    phones = {name: newcomer_with_phone(make_api, make_code, device)[1] for name in
              ("gone", "unknown", "flaky", "busy", "moved", "fine")}  # fmt: skip
    receiver.answers[phones["gone"].path] = [410]
    receiver.answers[phones["unknown"].path] = [404]
    receiver.answers[phones["flaky"].path] = [500]
    receiver.answers[phones["busy"].path] = [429]
    receiver.answers[phones["moved"].path] = [307]
    with at("2026-12-05"):
        output = run(runner)
    assert "sent 1, failed 1, removed 2, to retry 2" in output
    assert receiver.for_path("/push/elsewhere") == []  # the redirect was not followed
    with app.app_context():
        endpoints = set(db.session.scalars(select(PushSubscription.endpoint)))
    assert endpoints == {phones[n].endpoint for n in ("flaky", "busy", "moved", "fine")}
    with at("2026-12-05", "10:00"):
        assert "sent 0" in run(runner)  # the backoff has not passed yet
    with at("2026-12-05", "10:05"):
        assert "sent 2, failed 0, removed 0, to retry 0" in run(runner)
    for name in ("flaky", "busy"):
        first, retried = receiver.for_path(phones[name].path)
        assert phones[name].decrypt(retried) == phones[name].decrypt(first)
    with at("2026-12-05", "11:00"):
        run(runner)
    assert [len(receiver.for_path(p.path)) for p in phones.values()] == [1, 1, 2, 2, 1, 1]


def test_an_unreachable_push_service_does_not_stop_the_batch(
    app, runner, receiver, make_api, make_code, device
):
    client, dead = newcomer_with_phone(make_api, make_code, device)
    _other, alive = newcomer_with_phone(make_api, make_code, device)
    with app.app_context():  # a port where nothing listens
        stored = db.session.scalar(
            select(PushSubscription).where(PushSubscription.endpoint == dead.endpoint)
        )
        stored.endpoint = "http://127.0.0.1:9/push/dead"
        db.session.commit()
    with at("2026-12-05"):
        assert "sent 1, failed 0, removed 0, to retry 1" in run(runner)
    assert len(receiver.for_path(alive.path)) == 1


def test_two_runs_at_once_send_each_reminder_once(app, receiver, make_api, make_code, device):
    phones = [newcomer_with_phone(make_api, make_code, device)[1] for _ in range(3)]
    barrier = threading.Barrier(2)
    errors = []

    def one_run():
        try:
            with app.app_context():
                barrier.wait()
                queue_reminders(current_pack())
                send_due()
                db.session.remove()
        except Exception as error:  # reported below, with the assertion
            errors.append(error)

    with at("2026-12-05"):
        threads = [threading.Thread(target=one_run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(r.path for r in receiver.received) == sorted(p.path for p in phones)


def test_without_vapid_keys_the_command_says_so(other_app):
    runner = other_app(VAPID_PRIVATE_KEY=None).test_cli_runner()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1 and "vapid generate" in result.output


def test_the_reminder_speaks_the_persons_language_whatever_the_server_speaks(
    app, runner, receiver, make_api, make_code, device
):
    _client, phone = newcomer_with_phone(make_api, make_code, device, language="uk")
    with at("2026-12-05"):
        run(runner)
    message = phone.decrypt(receiver.received[0])
    assert message["title"] == translated(
        app, "uk", "Reminder: %(step)s", step=step_title(app, "register_brp", "uk")
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_a_push_service_that_moved_inside_the_network_is_never_posted_to(
    app, other_app, receiver, make_api, make_code, device
):
    _client, phone = newcomer_with_phone(make_api, make_code, device)
    strict = other_app(AANKOMST_PUSH_ALLOW_INSECURE=False)  # loopback is no longer allowed
    with at("2026-12-05"), strict.app_context():
        queue_reminders(current_pack())
        summary = send_due()
    assert (summary.sent, summary.removed) == (0, 1)
    assert receiver.received == []


def test_sent_messages_and_old_reminder_marks_are_forgotten_after_a_month(
    app, runner, receiver, make_api, make_code, device
):
    from onboarding.push.models import PushMessage, ReminderLog

    newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-05"):
        run(runner)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushMessage)) == 1
    with at("2027-01-20"):
        run(runner)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 0


def test_a_device_whose_keys_cannot_work_is_removed_and_the_batch_goes_on(
    app, runner, receiver, make_api, make_code, device
):
    _a, broken = newcomer_with_phone(make_api, make_code, device)
    _b, fine = newcomer_with_phone(make_api, make_code, device)
    with app.app_context():  # stored before keys were checked this strictly
        stored = db.session.scalar(
            select(PushSubscription).where(PushSubscription.endpoint == broken.endpoint)
        )
        stored.p256dh = "BBBB"
        db.session.commit()
    with at("2026-12-05"):
        assert "sent 1, failed 0, removed 1, to retry 0" in run(runner)
    assert len(receiver.for_path(fine.path)) == 1 and receiver.for_path(broken.path) == []


def test_a_reopened_step_still_gets_its_own_reminder_that_day(
    app, runner, receiver, make_api, make_code, device
):
    client, phone = newcomer_with_phone(make_api, make_code, device)
    with at("2026-12-12", "09:00"):  # four steps due on 15 December; two are done already
        client.patch("/api/v1/checklist/bank_account", json={"status": "done"})
        client.patch("/api/v1/checklist/register_gp", json={"status": "done"})
        run(runner)
    with at("2026-12-12", "11:00"):  # one was marked done by mistake
        client.patch("/api/v1/checklist/register_gp", json={"status": "todo"})
        run(runner)
    first, second = (phone.decrypt(r) for r in receiver.received)
    assert step_title(app, "register_gp") not in first["body"]
    assert second["url"] == "/steps/register_gp"  # only the reminder not sent yet


def test_a_retry_waits_out_the_quiet_hours(app, runner, receiver, make_api, make_code, device):
    _client, phone = newcomer_with_phone(make_api, make_code, device)
    receiver.answers[phone.path] = [503]
    with at("2026-12-05", "20:59"):
        assert "to retry 1" in run(runner)
    with at("2026-12-05", "21:10"):  # the backoff has passed, but it is quiet now
        assert "sent 0" in run(runner)
    with at("2026-12-06", "08:00"):
        assert "sent 1" in run(runner)
    assert len(receiver.for_path(phone.path)) == 2


def test_sending_runs_in_parallel_within_a_bounded_pool(
    app, runner, receiver, make_api, make_code, device
):
    from onboarding.push.sender import POOL_SIZE

    phones = [newcomer_with_phone(make_api, make_code, device)[1] for _ in range(POOL_SIZE + 8)]
    receiver.delay = 0.2
    with at("2026-12-05"):
        assert f"sent {len(phones)}," in run(runner)
    assert 1 < receiver.most_in_flight <= POOL_SIZE
