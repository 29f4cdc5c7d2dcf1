"""The person's questions are in their export, go with them when they are erased, and are
deleted 180 days after they were closed (or last answered, when never closed)."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from onboarding.extensions import db
from onboarding.questions.models import Question, QuestionAnswer
from onboarding.questions.services import purge_old_questions

from .conftest import ask, login

START = datetime(2026, 6, 1, 9, tzinfo=UTC)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_export_has_the_questions_and_answers_with_dates(
    app, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    client = newcomer_at(home, "pl")
    question_id = ask(client, "Moje pytanie", topic="register_gp")
    coordinator.post(f"/api/v1/staff/questions/{question_id}/answer", json={"text": "Odpowiedź"})
    client.post(f"/api/v1/questions/{question_id}/close", json={"helped": True})
    [exported] = client.get("/api/v1/me/export").get_json()["questions"]
    assert exported["text"] == "Moje pytanie" and exported["topic"] == "register_gp"
    assert (exported["status"], exported["helped"], exported["language"]) == ("closed", True, "pl")
    assert exported["asked_at"] and exported["answered_at"] and exported["closed_at"]
    [answer] = exported["answers"]
    assert answer["text"] == "Odpowiedź" and answer["at"]
    assert coordinator.email not in str(exported)


def test_erasing_the_person_erases_their_questions_and_answers(
    app, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    leaving, staying = newcomer_at(home, "pl"), newcomer_at(home, "pl")
    question_id = ask(leaving, "Odchodzę")
    ask(staying, "Zostaję")
    coordinator.post(f"/api/v1/staff/questions/{question_id}/answer", json={"text": "Ok"})
    assert leaving.delete("/api/v1/me").status_code == 204
    with app.app_context():
        assert db.session.scalars(select(Question.text)).all() == ["Zostaję"]
    assert count(app, QuestionAnswer) == 0
    assert [
        q["text"] for q in coordinator.get("/api/v1/staff/questions").get_json()["questions"]
    ] == ["Zostaję"]


def test_closed_and_answered_questions_go_180_days_later_open_ones_stay(
    app, runner, make_location, newcomer_at, speaker
):
    home = make_location()
    with time_machine.travel(START, tick=False) as traveller:
        coordinator = speaker("coordinator", [home], ["pl"])
        client = newcomer_at(home, "pl")
        closed, answered, waiting = (
            ask(client, "closed"),
            ask(client, "answered"),
            ask(client, "open"),
        )
        for question_id in (closed, answered):
            coordinator.post(f"/api/v1/staff/questions/{question_id}/answer", json={"text": "a"})
        traveller.move_to(START + timedelta(days=10))
        client.post(f"/api/v1/questions/{closed}/close")
        # The last answer counts for an answered question never closed.
        login(coordinator)
        coordinator.post(f"/api/v1/staff/questions/{answered}/answer", json={"text": "b"})

        traveller.move_to(START + timedelta(days=189))
        client.get("/api/v1/questions")  # the person still uses the app
        assert runner.invoke(args=["purge-inactive"]).exit_code == 0
        assert count(app, Question) == 3
        traveller.move_to(START + timedelta(days=190, minutes=1))
        assert runner.invoke(args=["purge-inactive"]).exit_code == 0
        with app.app_context():
            assert set(db.session.scalars(select(Question.id))) == {waiting}
        assert count(app, QuestionAnswer) == 0
        assert [q["id"] for q in client.get("/api/v1/questions").get_json()["questions"]] == [
            waiting
        ]


def test_purging_returns_how_many_went(app, make_location, newcomer_at):
    with time_machine.travel(START, tick=False):
        client = newcomer_at(make_location(), "pl")
        question_id = ask(client)
        client.post(f"/api/v1/questions/{question_id}/close")
    with app.app_context():
        assert purge_old_questions(START + timedelta(days=179)) == 0
        assert purge_old_questions(START + timedelta(days=180)) == 1
        db.session.commit()
