"""Buddy events reach phones right away, each in its recipient's language: a new request (to
the buddy), accepted, moved on after a decline or no answer, nobody free (to the newcomer),
and a report's outcome. Through RQ on the real Redis when REDIS_URL is set."""

import os
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from onboarding.buddies.models import BuddyProfile
from onboarding.extensions import db, utcnow

from ..buddies.test_profile import body as profile_body
from ..buddies.test_profile import put
from ..conftest import IN_CI, ApiClient, join_body, translated
from .conftest import check_vapid


def person(app, make_code, location, device, language, nickname):
    """A newcomer who joined at `location` and subscribed a phone."""
    client, phone = ApiClient(app.test_client()), device(nickname)
    answer = client.post(
        "/api/v1/join", json=join_body(make_code(location), language=language, nickname=nickname)
    )
    assert answer.status_code == 201
    assert client.post("/api/v1/push/subscriptions", json=phone.subscription()).status_code == 201
    return client, phone


def buddy(app, make_code, location, device, admin, nickname, language="uk", **profile):
    client, phone = person(app, make_code, location, device, language, nickname)
    put(client, profile_body(location, languages=["pl", "uk"], **profile))
    with app.app_context():
        user_id = db.session.scalar(
            select(BuddyProfile.user_id).order_by(BuddyProfile.user_id.desc())
        )
    assert admin.post(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    return client, phone, user_id


def ask(client):
    answer = client.post(
        "/api/v1/buddy/requests", json={"topics": ["register_gp"], "contact": "ola-signal"}
    )
    assert answer.status_code == 201
    return answer.get_json()


def messages(receiver, phone):
    return [phone.decrypt(r) for r in receiver.for_path(phone.path)]


@pytest.fixture(autouse=True)
def daytime():
    """Outside the default quiet hours (21:00-08:00 in Amsterdam), whenever the suite runs."""
    with time_machine.travel("2026-12-01 10:00Z"):
        yield


@pytest.fixture
def house(make_location, staff_client):
    return make_location("Bloemenhof"), staff_client("admin")


def test_a_new_request_reaches_the_buddy_in_their_language_and_acceptance_the_newcomer(
    app, receiver, device, make_code, house
):
    location, admin = house
    marek, marek_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
    ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
    made = ask(ola)
    [asked] = messages(receiver, marek_phone)
    assert asked["title"] == translated(app, "uk", "Someone asks for your help")
    offer_id = marek.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert asked["url"] == f"/buddy/offers/{offer_id}"
    [request] = receiver.for_path(marek_phone.path)
    assert request.headers["urgency"] == "high"
    check_vapid(request, receiver)
    assert messages(receiver, ola_phone) == []

    assert marek.post(f"/api/v1/buddy/offers/{offer_id}/accept").status_code == 200
    [accepted] = messages(receiver, ola_phone)
    assert accepted["title"] == translated(app, "pl", "You have a buddy!")
    assert accepted["body"] == translated(
        app,
        "pl",
        "%(name)s will help you. Open the app to see how to reach each other.",
        name="Marek",
    )
    assert accepted["url"] == f"/buddy/requests/{made['id']}"
    assert "ola-signal" not in str(asked)  # contact details never travel in a notification


def test_a_decline_moves_on_and_both_newcomer_and_next_buddy_hear_of_it(
    app, receiver, device, make_code, house
):
    location, admin = house
    first, first_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
    second, second_phone, _ = buddy(app, make_code, location, device, admin, "Anna", "pl")
    ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
    ask(ola)
    asked_phone, asked, other_phone, other_name = (
        (first_phone, first, second_phone, "Marek")
        if messages(receiver, first_phone)
        else (second_phone, second, first_phone, "Anna")
    )
    offer_id = asked.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert asked.post(f"/api/v1/buddy/offers/{offer_id}/decline").status_code == 200
    [moved] = messages(receiver, ola_phone)
    assert moved["title"] == translated(app, "pl", "We are asking another buddy")
    assert moved["body"] == translated(
        app,
        "pl",
        "%(name)s cannot help this time. We asked another buddy who speaks your language.",
        name=other_name,
    )
    assert len(messages(receiver, other_phone)) == 1
    assert len(messages(receiver, asked_phone)) == 1  # only the first request


def test_no_answer_in_time_and_then_nobody_free(app, runner, receiver, device, make_code, house):
    location, admin = house
    _marek, marek_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
    ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
    ask(ola)
    with time_machine.travel(utcnow() + timedelta(hours=49)):
        result = runner.invoke(args=["buddies", "expire"])
        assert "1 offer(s) moved on" in result.output
    [nobody] = messages(receiver, ola_phone)
    assert nobody["title"] == translated(app, "pl", "No buddy is free right now")
    assert len(messages(receiver, marek_phone)) == 1


def test_the_newcomer_hears_when_the_buddy_did_not_answer_in_time(
    app, runner, receiver, device, make_code, house
):
    location, admin = house
    buddy(app, make_code, location, device, admin, "Marek")
    buddy(app, make_code, location, device, admin, "Anna", "pl")
    ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
    ask(ola)
    with time_machine.travel(utcnow() + timedelta(hours=49)):
        runner.invoke(args=["buddies", "expire"])
    [moved] = messages(receiver, ola_phone)
    assert moved["title"] == translated(app, "pl", "We are asking another buddy")
    late = "%(name)s did not answer in time. We asked another buddy who speaks your language."
    assert moved["body"] in {translated(app, "pl", late, name=n) for n in ("Marek", "Anna")}


def test_a_report_outcome_reaches_the_buddy_and_the_reporter(
    app, receiver, device, make_code, house
):
    location, admin = house
    marek, marek_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
    ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
    made = ask(ola)
    offer_id = marek.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    marek.post(f"/api/v1/buddy/offers/{offer_id}/accept")
    assert (
        ola.post(f"/api/v1/buddy/requests/{made['id']}/report", json={"reason": "no_show"})
    ).status_code == 204
    from onboarding.buddies.models import BuddyReport

    with app.app_context():
        report_id = db.session.scalar(select(BuddyReport.id))
    assert admin.form(f"/staff/admin/reports/{report_id}", {"decision": "lift"}).status_code == 303
    outcome = messages(receiver, marek_phone)[-1]
    assert outcome["title"] == translated(app, "uk", "You can help again")
    reviewed = messages(receiver, ola_phone)[-1]
    assert reviewed["title"] == translated(app, "pl", "Your report was reviewed")


def test_buddy_news_in_quiet_hours_waits_for_the_morning(
    app, runner, receiver, device, make_code, make_location, staff_client
):
    location = make_location("Bloemenhof")
    with time_machine.travel("2026-12-01 22:00Z", tick=False):  # 23:00 in Amsterdam
        admin = staff_client("admin")
        _marek, marek_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
        ola, _ola_phone = person(app, make_code, location, device, "pl", "Ola")
        ask(ola)
    assert messages(receiver, marek_phone) == []
    with time_machine.travel("2026-12-02 07:00Z", tick=False):  # 08:00 in Amsterdam
        runner.invoke(args=["reminders", "send"])
    news = [m for m in messages(receiver, marek_phone) if m["tag"].startswith("offer:")]
    assert len(news) == 1 and news[0]["url"].startswith("/buddy/offers/")


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} in CI")
        pytest.skip("Redis is not running")
    return connection


def test_with_redis_the_event_goes_through_an_rq_job(
    app, other_app, receiver, device, make_code, house
):
    from rq import Queue, SimpleWorker

    connection = _redis_or_skip()
    connection.flushdb()
    location, admin = house
    _marek, marek_phone, _ = buddy(app, make_code, location, device, admin, "Marek")
    with_redis = other_app(REDIS_URL=REDIS_URL)  # the same database, with the queue
    ola = ApiClient(with_redis.test_client())
    ola.post("/api/v1/join", json=join_body(make_code(location), nickname="Ola"))
    ask(ola)

    queue = Queue("aankomst", connection=connection)
    assert queue.count == 1 and receiver.received == []  # queued, not sent by the request
    with with_redis.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)
    [asked] = messages(receiver, marek_phone)
    assert asked["title"] == translated(app, "uk", "Someone asks for your help")
    connection.flushdb()
