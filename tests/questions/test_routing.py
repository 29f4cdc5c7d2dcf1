"""Who sees a question: the staff of the person's location who speak their language, admins
who speak it, and every admin once it waited two days; nobody else, in the API or on the page.
The answer comes back to the person."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from onboarding.extensions import db
from onboarding.staff.models import AuditEntry

from ..conftest import translated
from .conftest import ask, login, staff_ids

START = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_a_polish_question_reaches_the_polish_coordinator_of_the_location_and_the_answer_comes_back(
    app, make_location, newcomer_at, speaker
):
    a, b = make_location("House A"), make_location("House B")
    polish_a = speaker("coordinator", [a], ["pl", "en"])
    polish_b = speaker("coordinator", [b], ["pl"])
    english_a = speaker("coordinator", [a], ["en"])
    ola = newcomer_at(a, "pl", nickname="Ola")
    question_id = ask(ola, "Jak zapisać się do lekarza?", topic="register_gp")

    [seen] = polish_a.get("/api/v1/staff/questions").get_json()["questions"]
    assert seen == {
        "id": question_id,
        "text": "Jak zapisać się do lekarza?",
        "topic": "register_gp",
        "language": "pl",
        "location_id": a,
        "label": "Ola",
        "status": "open",
        "asked_at": seen["asked_at"],
    }
    page = polish_a.get("/staff/questions").get_data(as_text=True)
    assert "Jak zapisać się do lekarza?" in page
    for other in (polish_b, english_a):
        assert staff_ids(other) == []
        assert "Jak zapisać się do lekarza?" not in other.get("/staff/questions").get_data(
            as_text=True
        )
        refused = other.post(
            f"/api/v1/staff/questions/{question_id}/answer", json={"text": "Hello"}
        )
        assert refused.status_code == 404

    answered = polish_a.post(
        f"/api/v1/staff/questions/{question_id}/answer",
        json={"text": "Proszę zadzwonić do przychodni w Noordwijku."},
    )
    assert answered.status_code == 201
    [mine] = ola.get("/api/v1/questions").get_json()["questions"]
    assert mine["status"] == "answered"
    assert [a["text"] for a in mine["answers"]] == ["Proszę zadzwonić do przychodni w Noordwijku."]
    assert "Proszę zadzwonić do przychodni" in ola.get("/questions").get_data(as_text=True)
    # Answered: no longer in the open list of the API, but still on the page until closed.
    assert staff_ids(polish_a) == []
    assert "Jak zapisać się do lekarza?" in polish_a.get("/staff/questions").get_data(as_text=True)


def test_staff_see_a_neutral_label_when_there_is_no_nickname_and_nothing_else_of_the_person(
    make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["uk"])
    first, second = newcomer_at(home, "uk"), newcomer_at(home, "uk")
    ask(first, "Питання один")
    ask(second, "Питання два")
    labels = [
        q["label"] for q in coordinator.get("/api/v1/staff/questions").get_json()["questions"]
    ]
    assert all(
        label.startswith("Newcomer ") and len(label) == len("Newcomer 4F2A") for label in labels
    )
    assert labels[0] != labels[1]


def test_languages_follow_the_person_and_brazilian_portuguese_is_a_bcp47_tag(
    make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pt_BR"])
    ask(newcomer_at(home, "pt-BR"), "Onde fica a prefeitura?")
    ask(newcomer_at(home, "ro"), "Unde este primăria?")
    [seen] = coordinator.get("/api/v1/staff/questions").get_json()["questions"]
    assert seen["language"] == "pt-BR" and seen["text"] == "Onde fica a prefeitura?"


def test_admins_see_every_location_in_their_languages_and_the_rest_after_two_days(
    app, make_location, newcomer_at, speaker
):
    a, b = make_location("House A"), make_location("House B")
    with time_machine.travel(START, tick=False) as traveller:
        polish_admin = speaker("admin", [], ["pl"])
        dutch_admin = speaker("admin", [], ["nl"])
        bulgarian = ask(newcomer_at(a, "bg"), "Къде е общината?")
        polish = ask(newcomer_at(b, "pl"), "Gdzie jest urząd?")
        assert staff_ids(polish_admin) == [polish]
        assert staff_ids(dutch_admin) == []
        page = dutch_admin.get("/staff/questions").get_data(as_text=True)
        assert "Къде е общината?" not in page

        traveller.move_to(START + timedelta(days=2) - timedelta(minutes=1))
        login(dutch_admin)
        assert staff_ids(dutch_admin) == []
        traveller.move_to(START + timedelta(days=2))
        login(dutch_admin)
        login(polish_admin)
        assert staff_ids(dutch_admin) == [bulgarian, polish]
        assert staff_ids(polish_admin) == [bulgarian, polish]
        page = dutch_admin.get("/staff/questions").get_data(as_text=True)
        assert "Къде е общината?" in page
        assert "No one who speaks this language answered in 2 days." in page

        # Once the Polish question is answered it is no longer waiting: the Dutch admin loses
        # it, and may no longer answer it.
        assert (
            polish_admin.post(
                f"/api/v1/staff/questions/{polish}/answer", json={"text": "Na Voorstraat."}
            ).status_code
            == 201
        )
        assert staff_ids(dutch_admin) == [bulgarian]
        late = dutch_admin.post(f"/api/v1/staff/questions/{polish}/answer", json={"text": "x"})
        assert late.status_code == 404
        assert (
            dutch_admin.post(
                f"/api/v1/staff/questions/{bulgarian}/answer", json={"text": "Voorstraat 1."}
            ).status_code
            == 201
        )


def test_a_coordinator_without_languages_sees_nothing_and_is_told_why(
    make_location, newcomer_at, speaker
):
    home = make_location()
    silent = speaker("coordinator", [home], [])
    ask(newcomer_at(home, "pl"))
    assert staff_ids(silent) == []
    assert "No languages are set for your account" in silent.get("/staff/questions").get_data(
        as_text=True
    )


def test_every_read_and_every_answer_is_in_the_audit_log(app, make_location, newcomer_at, speaker):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    client = newcomer_at(home, "pl")
    first, second = ask(client, "Pierwsze"), ask(client, "Drugie")
    coordinator.get("/api/v1/staff/questions")
    coordinator.get("/staff/questions")
    coordinator.post(f"/api/v1/staff/questions/{first}/answer", json={"text": "Odpowiedź"})
    with app.app_context():
        entries = db.session.execute(
            select(
                AuditEntry.action, AuditEntry.detail, AuditEntry.location_id, AuditEntry.staff_email
            )
            .where(AuditEntry.action.like("question.%"))
            .order_by(AuditEntry.id)
        ).all()
    reads = [(f"question #{first}", home), (f"question #{second}", home)]
    assert [(d, loc) for action, d, loc, _e in entries if action == "question.read"] == reads * 2
    assert [(a, d) for a, d, _loc, _e in entries if a == "question.answer"] == [
        ("question.answer", f"question #{first}")
    ]
    assert {email for *_rest, email in entries} == {coordinator.email}


def test_answers_are_checked_and_unknown_or_closed_questions_are_404(
    app, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    client = newcomer_at(home, "pl")
    question_id = ask(client)
    url = f"/api/v1/staff/questions/{question_id}/answer"
    for body, message in (
        ({}, "Please fill in this field."),
        ({"text": "   "}, "Please fill in this field."),
        ({"text": "\x00\x01"}, "Please fill in this field."),
        ({"text": 5}, "Please enter text."),
        ({"text": "x" * 2001}, "This is too long: at most %(max)d characters."),
        (
            {"text": "half \ud83d"},
            "This text contains characters that cannot be saved. Please type it again.",
        ),
    ):
        refused = coordinator.post(url, json=body, headers={"Accept-Language": "pl"})
        assert refused.status_code == 400, body
        expected = (
            translated(app, "pl", message, max=2000)
            if "%(max)d" in message
            else translated(app, "pl", message)
        )
        assert refused.get_json()["error"]["fields"]["text"] == expected
    assert coordinator.post(url, json=["text"]).status_code == 400
    assert (
        coordinator.post("/api/v1/staff/questions/99999/answer", json={"text": "x"}).status_code
        == 404
    )
    assert coordinator.post(url, json={"text": "x" * 2000}).status_code == 201
    assert coordinator.post(url, json={"text": "And one more thing."}).status_code == 201
    assert client.post(f"/api/v1/questions/{question_id}/close").status_code == 204
    assert coordinator.post(url, json={"text": "Too late"}).status_code == 404
    assert client.post(url, json={"text": "I am no staff"}).status_code == 401
