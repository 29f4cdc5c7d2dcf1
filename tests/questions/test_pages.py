"""The pages: /questions for the newcomer (ask from a step or help page, read answers, close),
/staff/questions (read, answer), the links to them, the contact card's languages, and the
languages on the admin's staff page."""

import re
from datetime import UTC, datetime

import time_machine
from sqlalchemy import literal, select, update

from onboarding.accounts.models import DeviceSession
from onboarding.extensions import db
from onboarding.questions.models import Question
from onboarding.staff.models import Location, StaffUser

from ..conftest import STAFF_PASSWORD, ApiClient, translated
from .conftest import ask

HINT = "Write in any language. Do not write your BSN or passport number."


def page(client, path) -> str:
    answer = client.client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.get_data(as_text=True)


def test_step_and_help_pages_lead_to_the_form_with_their_topic(app, make_location, newcomer_at):
    client = newcomer_at(make_location(), "en")
    assert 'href="/questions?topic=register_gp"' in page(client, "/steps/register_gp")
    assert 'href="/questions?topic=sick"' in page(client, "/help/sick")
    form = page(client, "/questions?topic=register_gp")
    assert 'name="topic" value="register_gp"' in form
    with app.test_request_context():
        from onboarding.content import current_pack

        title = current_pack().step("register_gp").title
    assert f"About: {title}" in form
    assert HINT in form and 'maxlength="1000"' in form
    # An unknown topic in the address is left out, not an error.
    assert 'name="topic"' not in page(client, "/questions?topic=nonsense")
    # Someone not signed in sees no link on a help page, and no questions page.
    stranger = ApiClient(app.test_client())
    assert "/questions?topic=sick" not in page(stranger, "/help/sick")
    assert stranger.client.get("/questions").status_code == 302


def test_asking_on_the_page_and_the_sixth_question_a_day(app, make_location, newcomer_at):
    with time_machine.travel(datetime(2026, 12, 8, 12, tzinfo=UTC), tick=False):
        client = newcomer_at(make_location(), "pl")
        sent = client.form("/questions", {"text": "Pytanie z formularza", "topic": "sick"})
        assert sent.status_code == 303 and sent.headers["Location"] == "/questions"
        with app.app_context():
            question = db.session.scalar(select(Question))
            assert (question.text, question.topic) == ("Pytanie z formularza", "sick")
        shown = page(client, "/questions")
        assert "Pytanie z formularza" in shown
        assert translated(app, "pl", "Waiting for an answer") in shown
        empty = client.form("/questions", {"text": "  "})
        assert empty.status_code == 400
        assert translated(app, "pl", "Please fill in this field.") in empty.get_data(as_text=True)
        for n in range(4):
            assert client.form("/questions", {"text": f"Pytanie {n}"}).status_code == 303
        refused = client.form("/questions", {"text": "Szóste pytanie"})
        assert refused.status_code == 429
        body = refused.get_data(as_text=True)
        message = translated(
            app,
            "pl",
            "You can ask at most %(max)d questions a day. Please ask again tomorrow.",
            max=5,
        )
        assert message in body
        assert "Szóste pytanie" in body  # what was typed is not lost


def test_the_answer_on_the_page_and_closing_with_did_this_help(
    app, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["en"])
    client = newcomer_at(home, "en")
    question_id = ask(client, "Where is the town hall?\nAnd when is it open?")
    staff_page = page(coordinator, "/staff/questions")
    assert "Where is the town hall?" in staff_page and "And when is it open?" in staff_page
    answered = coordinator.form(
        f"/staff/questions/{question_id}/answer", {"text": "Voorstraat 1.\nMonday to Friday."}
    )
    assert answered.status_code == 303 and answered.headers["Location"] == "/staff/questions"
    shown = page(client, "/questions")
    assert "<p>Voorstraat 1.</p><p>Monday to Friday.</p>" in shown
    assert "Did this help?" in shown and "Close without saying" in shown
    closed = client.form(f"/questions/{question_id}/close", {"helped": "yes"})
    assert closed.status_code == 303
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert (question.status, question.helped) == ("closed", True)
    assert "Did this help?" not in page(client, "/questions")
    assert "Where is the town hall?" not in page(coordinator, "/staff/questions")
    # Someone else's question cannot be closed from a form either.
    other = newcomer_at(home, "en")
    assert other.form(f"/questions/{question_id}/close", {"helped": "no"}).status_code == 404


def test_an_invalid_answer_on_the_staff_page_keeps_the_text_and_says_why(
    app, make_location, newcomer_at, speaker
):
    home = make_location()
    coordinator = speaker("coordinator", [home], ["pl"])
    question_id = ask(newcomer_at(home, "pl"))
    refused = coordinator.form(f"/staff/questions/{question_id}/answer", {"text": "x" * 2001})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert f'id="answer-{question_id}-error"' in body and "x" * 2001 in body
    other = speaker("coordinator", [make_location()], ["pl"])
    assert other.form(f"/staff/questions/{question_id}/answer", {"text": "Hi"}).status_code == 404


def test_staff_see_questions_in_the_staff_menu(make_location, speaker):
    coordinator = speaker("coordinator", [make_location()], ["pl"])
    assert 'href="/staff/questions"' in page(coordinator, "/staff/")


def test_the_contact_card_names_the_languages_the_locations_staff_speak(
    app, make_location, make_staff, newcomer_at, speaker
):
    home, elsewhere = make_location("Home"), make_location("Elsewhere")
    empty = make_location("Nobody here")
    speaker("coordinator", [home], ["pl", "en"])
    speaker("coordinator", [home], ["uk"])
    speaker("coordinator", [elsewhere], ["bg"])
    switched_off = make_staff("coordinator", [home], active=False)
    with app.app_context():
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == switched_off))
        staff.languages = "ro"
        db.session.commit()
    client = newcomer_at(home, "en")
    card = page(client, "/")
    assert (
        'Staff here speak: <span lang="pl">Polski</span>, <span lang="uk">Українська</span>, '
        '<span lang="en">English</span>' in card
    )
    assert "Română" not in card.split("contact-line", 1)[1].split("</aside>", 1)[0]
    with app.app_context():
        from onboarding.staff.services import contact_card, contact_values

        def card_of(location_id):
            values = db.session.execute(select(*contact_values(literal(location_id)))).one()
            return contact_card(values)

        assert card_of(home).languages == ["pl", "uk", "en"]
        assert card_of(elsewhere).languages == ["bg"]
        assert card_of(None) is None
        assert card_of(empty) is None
        db.session.get(Location, home).contact_name = "Marta"
        db.session.commit()
    assert "Marta" in page(client, "/")


def test_no_languages_line_when_nobody_at_the_location_has_languages(
    make_location, newcomer_at, speaker
):
    home = make_location()
    speaker("coordinator", [home], [])
    assert "Staff here speak" not in page(newcomer_at(home, "en"), "/")


def test_the_admin_sets_a_staff_members_languages_on_the_staff_page(
    app, make_location, make_staff, speaker
):
    home = make_location()
    admin = speaker("admin")
    email = make_staff("coordinator", [home])
    with app.app_context():
        account_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    listing = page(admin, "/staff/admin/staff")
    assert 'name="languages" value="pt_BR"' in listing
    changed = admin.form(
        f"/staff/admin/staff/{account_id}",
        {"active": "1", "location_ids": [str(home)], "languages": ["uk", "pl", "xx"]},
    )
    assert changed.status_code == 303
    with app.app_context():
        assert db.session.get(StaffUser, account_id).languages == "pl,uk"
    listing = page(admin, "/staff/admin/staff")
    assert re.search(r'name="languages" value="uk"\s+checked', listing)
    created = admin.form(
        "/staff/admin/staff",
        {
            "email": "new@example.org",
            "role": "coordinator",
            "password": STAFF_PASSWORD,
            "location_ids": [str(home)],
            "languages": ["en", "bg"],
        },
    )
    assert created.status_code == 303
    with app.app_context():
        new = db.session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org"))
        assert new.language_codes == ["bg", "en"]


def test_each_person_sees_only_their_own_steps_and_their_own_locations_card(
    app, make_location, newcomer_at, speaker
):
    """The checklist's one query joins the session, the person's progress and their
    location's card: nothing of another person or another location comes along."""
    with time_machine.travel(datetime(2027, 6, 9, 10, tzinfo=UTC), tick=False):
        home, elsewhere = make_location("Home"), make_location("Elsewhere")
        speaker("coordinator", [home], ["pl"])
        speaker("coordinator", [elsewhere], ["bg"])
        with app.app_context():
            db.session.get(Location, home).contact_name = "Marta"
            db.session.get(Location, elsewhere).contact_name = "Boris"
            db.session.commit()
        anna, ben, new = (newcomer_at(home, "en"), newcomer_at(elsewhere, "en"),
                          newcomer_at(home, "en"))  # fmt: skip
        first, second = [s["key"] for s in anna.get("/api/v1/checklist").get_json()["steps"][:2]]
        changes = {
            anna: (first, {"status": "doing", "note": "note of Anna", "stuck": True}),
            ben: (second, {"status": "done", "note": "note of Ben"}),
        }
        for client, (key, change) in changes.items():
            assert client.patch(f"/api/v1/checklist/{key}", json=change).status_code == 200
        seen = {}
        for client in (anna, ben, new):
            steps = client.get("/api/v1/checklist").get_json()["steps"]
            listing = page(client, "/")
            card = listing.split("contact-line", 1)[1].split("</aside>", 1)[0]
            changed = {s["key"]: (s["status"], s["note"], s["stuck"]) for s in steps}
            seen[client] = (
                {key: step for key, step in changed.items() if step[0] != "todo"},
                listing.count("You said you are stuck here."),
                re.findall(r"Marta|Boris", card),
                re.findall(r'lang="(pl|bg)"', card),
            )  # fmt: skip
    assert seen[anna] == ({first: ("doing", "note of Anna", True)}, 1, ["Marta"], ["pl"])
    assert seen[ben] == ({second: ("done", "note of Ben", False)}, 0, ["Boris"], ["bg"])
    assert seen[new] == ({}, 0, ["Marta"], ["pl"])


def test_an_expired_session_shows_the_start_page_and_no_checklist(app, make_location, newcomer_at):
    """The session's expiry is checked in the query that reads the checklist with it (the
    cookie, which the phone would drop by then, is still sent here)."""
    with time_machine.travel(datetime(2027, 6, 9, 10, tzinfo=UTC), tick=False):
        client = newcomer_at(make_location(), "en")
        assert "data-offline-key" in page(client, "/")
        with app.app_context():
            db.session.execute(update(DeviceSession).values(expires_at=datetime.now(UTC)))
            db.session.commit()
        start = page(client, "/")
        assert "data-offline-key" not in start and "contact-line" not in start
        assert client.get("/api/v1/checklist").status_code == 401
