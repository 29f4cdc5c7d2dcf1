"""Asking, reading and closing one's questions: input checks with translated messages, five a
day (by the calendar in Amsterdam, also under parallel requests), only one's own questions,
and a push when an answer comes (only to a phone that switched notifications on)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
import time_machine
from sqlalchemy import func, select

from onboarding.extensions import db
from onboarding.push.models import PushMessage
from onboarding.questions.models import Question

from ..conftest import join_body, translated
from .conftest import ask

# 23:30 in Amsterdam (winter time): the next calendar day starts 30 minutes later.
LATE_EVENING = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
UNSTORABLE = "This text contains characters that cannot be saved. Please type it again."
NOT_A_TOPIC = "This is not a step or help page of the app."
LIMIT_MESSAGE = "You can ask at most %(max)d questions a day. Please ask again tomorrow."


def test_a_question_is_stored_with_the_persons_location_and_language(
    app, make_location, newcomer_at
):
    home = make_location()
    client = newcomer_at(home, "uk")
    question_id = ask(client, "Де знайти лікаря?", topic="sick")
    assert ask(client, "Без теми", topic=None)
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert (question.location_id, question.language, question.topic) == (home, "uk", "sick")
        assert question.status == "open" and question.asked_at is not None
    listed = client.get("/api/v1/questions").get_json()["questions"]
    assert [q["text"] for q in listed] == ["Без теми", "Де знайти лікаря?"]
    assert listed[1] == {
        "id": question_id,
        "text": "Де знайти лікаря?",
        "topic": "sick",
        "status": "open",
        "answers": [],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "text", "Please fill in this field."),
        ({"text": ""}, "text", "Please fill in this field."),
        ({"text": " \n "}, "text", "Please fill in this field."),
        ({"text": "\x00"}, "text", "Please fill in this field."),
        ({"text": "x" * 1001}, "text", "This is too long: at most %(max)d characters."),
        ({"text": 12}, "text", "Please enter text."),
        ({"text": ["a"]}, "text", "Please enter text."),
        ({"text": "a \udc00"}, "text", UNSTORABLE),
        ({"text": "ok", "topic": "no_such_step"}, "topic", NOT_A_TOPIC),
        ({"text": "ok", "topic": 5}, "topic", NOT_A_TOPIC),
        ({"text": "ok", "topic": ["sick"]}, "topic", NOT_A_TOPIC),
    ],
)  # fmt: skip
def test_invalid_questions_are_refused_with_a_message_in_the_persons_language(
    app, make_location, newcomer_at, body, field, message
):
    client = newcomer_at(make_location(), "pl")
    refused = client.post("/api/v1/questions", json=body)
    assert refused.status_code == 400
    expected = translated(app, "pl", message, **({"max": 1000} if "%(max)d" in message else {}))
    assert refused.get_json()["error"]["fields"][field] == expected
    assert client.get("/api/v1/questions").get_json()["questions"] == []


def test_a_question_of_exactly_1000_characters_and_a_help_page_topic_are_fine(
    make_location, newcomer_at
):
    client = newcomer_at(make_location())
    ask(client, "ą" * 1000, topic="first_days")


def test_a_body_that_is_not_an_object_is_400_and_strangers_are_401(newcomer_client, make_api):
    assert newcomer_client.post("/api/v1/questions", json=["text"]).status_code == 400
    stranger = make_api()
    assert stranger.get("/api/v1/questions").status_code == 401
    assert stranger.post("/api/v1/questions", json={"text": "hi"}).status_code == 401
    assert stranger.get("/api/v1/staff/questions").status_code == 401
    assert newcomer_client.get("/api/v1/staff/questions").status_code == 401


def test_five_questions_a_day_then_429_and_the_next_day_again(app, make_location, newcomer_at):
    with time_machine.travel(LATE_EVENING, tick=False) as traveller:
        client = newcomer_at(make_location(), "pl")
        for n in range(5):
            ask(client, f"Pytanie {n}")
        refused = client.post("/api/v1/questions", json={"text": "Szóste"})
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "too_many_questions"
        assert refused.get_json()["error"]["message"] == translated(app, "pl", LIMIT_MESSAGE, max=5)
        # Closing does not give a question back.
        first = client.get("/api/v1/questions").get_json()["questions"][-1]["id"]
        assert client.post(f"/api/v1/questions/{first}/close").status_code == 204
        assert client.post("/api/v1/questions", json={"text": "Szóste"}).status_code == 429
        # 00:05 in Amsterdam, still 23:05 in UTC: a new day.
        traveller.move_to(LATE_EVENING + timedelta(minutes=35))
        ask(client, "Nowy dzień")
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 6


def test_six_parallel_questions_make_exactly_five(app, live_server, make_code, make_location):
    session = requests.Session()
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    joined = session.post(
        f"{live_server}/api/v1/join",
        json=join_body(make_code(make_location())),
        headers={"X-CSRFToken": csrf},
    )
    assert joined.status_code == 201
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]

    def post(i):
        return session.post(
            f"{live_server}/api/v1/questions",
            json={"text": f"Question {i}"},
            headers={"X-CSRFToken": csrf},
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(post, range(6)))
    assert statuses == [201] * 5 + [429]
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 5


def test_the_person_who_asked_closes_and_says_whether_it_helped_others_get_404(
    app, make_location, newcomer_at
):
    home = make_location()
    owner, other = newcomer_at(home), newcomer_at(home)
    helped, not_helped, unsaid = ask(owner, "A"), ask(owner, "B"), ask(owner, "C")
    assert other.post(f"/api/v1/questions/{helped}/close", json={"helped": True}).status_code == 404
    assert other.get("/api/v1/questions").get_json()["questions"] == []
    assert owner.post("/api/v1/questions/99999/close").status_code == 404
    for bad in ({"helped": "maybe"}, {"helped": 3}, {"helped": []}):
        refused = owner.post(f"/api/v1/questions/{helped}/close", json=bad)
        assert refused.status_code == 400, bad
        assert refused.get_json()["error"]["fields"]["helped"] == translated(
            app, "pl", "Please answer yes or no."
        )
    assert owner.post(f"/api/v1/questions/{helped}/close", json={"helped": True}).status_code == 204
    assert (
        owner.post(f"/api/v1/questions/{not_helped}/close", json={"helped": False}).status_code
        == 204
    )
    assert owner.post(f"/api/v1/questions/{unsaid}/close", json={"helped": None}).status_code == 204
    # Closing again changes nothing.
    assert (
        owner.post(f"/api/v1/questions/{helped}/close", json={"helped": False}).status_code == 204
    )
    with app.app_context():
        stored = {q.id: (q.status, q.helped) for q in db.session.scalars(select(Question))}
        assert all(q.closed_at is not None for q in db.session.scalars(select(Question)))
    assert stored == {
        helped: ("closed", True),
        not_helped: ("closed", False),
        unsaid: ("closed", None),
    }
    statuses = {
        q["id"]: q["status"] for q in owner.get("/api/v1/questions").get_json()["questions"]
    }
    assert set(statuses.values()) == {"closed"}


@pytest.fixture
def daytime():
    """Outside the default quiet hours (21:00-08:00 in Amsterdam), whenever the suite runs."""
    with time_machine.travel("2026-12-01 10:00Z"):
        yield


def test_an_answer_sends_a_push_without_the_question_only_to_a_subscribed_person(
    app, daytime, receiver, device, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    subscribed, silent = newcomer_at(home, "pl"), newcomer_at(home, "pl")
    phone = device("ola")
    assert (
        subscribed.post("/api/v1/push/subscriptions", json=phone.subscription()).status_code == 201
    )
    asked = ask(subscribed, "Tajne pytanie o mojej pracy")
    not_subscribed = ask(silent, "Inne pytanie")
    assert (
        coordinator.post(
            f"/api/v1/staff/questions/{not_subscribed}/answer", json={"text": "Tak."}
        ).status_code
        == 201
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(PushMessage.id))) == 0
    assert receiver.received == []

    assert (
        coordinator.post(
            f"/api/v1/staff/questions/{asked}/answer", json={"text": "Odpowiedź"}
        ).status_code
        == 201
    )
    [received] = receiver.for_path(phone.path)
    message = phone.decrypt(received)
    assert message["title"] == translated(app, "pl", "Your question was answered.")
    assert message["url"] == f"/questions#question-{asked}"
    assert "Tajne" not in str(message) and "Odpowiedź" not in str(message)


def test_a_failed_answer_sends_nothing(
    app, daytime, receiver, device, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    client, phone = newcomer_at(home, "pl"), device("ola")
    client.post("/api/v1/push/subscriptions", json=phone.subscription())
    asked = ask(client)
    refused = coordinator.post(f"/api/v1/staff/questions/{asked}/answer", json={"text": ""})
    assert refused.status_code == 400
    assert receiver.received == []
