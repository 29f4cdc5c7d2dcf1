"""The buddy pages: asking from a step, offering help, answering, both sides' match page, and
approval and unmet need on the coordinator's desk."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from onboarding.buddies.models import BuddyOffer, BuddyProfile, BuddyReport, HelpLog
from onboarding.clock import today_in_amsterdam
from onboarding.extensions import db
from onboarding.staff.models import AuditEntry

from ..conftest import translated
from .test_lifecycle import make_buddy, newcomer_at

BUDDY_CONTACT = "+31 6 5555 0000"
WEEK_AGO = (today_in_amsterdam() - timedelta(days=7)).isoformat()
ASKER_CONTACT = "ola-signal-handle"


@pytest.fixture
def pair(app, make_api, make_code, make_location, staff_client):
    """An approved Polish buddy and a Polish newcomer at the same house."""
    home = make_location("Bloemenhof")
    buddy, buddy_id = make_buddy(
        app, make_api, make_code, staff_client("admin"), home, "Marek", contact=BUDDY_CONTACT
    )
    return SimpleNamespace(
        buddy=buddy, buddy_id=buddy_id, asker=newcomer_at(make_api, make_code, home)
    )


def page(client, path) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def ask_on_page(client, topics=("register_gp",), **fields):
    answer = client.form("/buddy/ask", {"topics": list(topics), "contact": ASKER_CONTACT, **fields})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    return answer.headers["Location"]


def offer_id_of(app, buddy_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(BuddyOffer.id).where(BuddyOffer.buddy_id == buddy_id).order_by(BuddyOffer.id)
        )


def test_a_step_page_leads_to_the_ask_form_with_that_step_ticked(newcomer_client):
    step = page(newcomer_client, "/steps/bike_route")
    assert 'href="/buddy/ask?step=bike_route"' in step
    form = page(newcomer_client, "/buddy/ask?step=bike_route")
    assert re.search(r'name="topics" value="bike_route"\s+checked', form)
    assert not re.search(r'name="topics" value="register_gp"\s+checked', form)


def test_contacts_stay_hidden_on_both_pages_until_the_buddy_says_yes(app, pair):
    buddy, buddy_id, asker = pair.buddy, pair.buddy_id, pair.asker
    request_page = ask_on_page(asker, message="I have an appointment on Monday.")
    offer_page = f"/buddy/offers/{offer_id_of(app, buddy_id)}"

    waiting = page(asker, request_page)
    assert translated(app, "pl", "We asked %(name)s", name="Marek") in waiting
    assert BUDDY_CONTACT not in waiting
    asked = page(buddy, offer_page)
    assert "I have an appointment on Monday." in asked and ASKER_CONTACT not in asked
    assert ASKER_CONTACT not in page(buddy, "/buddy") and BUDDY_CONTACT not in page(asker, "/buddy")

    assert buddy.form(f"{offer_page}/accept", {}).status_code == 303
    assert BUDDY_CONTACT in page(asker, request_page)
    assert ASKER_CONTACT in page(buddy, offer_page)


def test_the_match_page_suggests_a_first_activity_from_the_requested_steps(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location("Bloemenhof")
    admin = staff_client("admin")
    buddy, buddy_id = make_buddy(
        app,
        make_api,
        make_code,
        admin,
        home,
        "Marek",
        topics=["bike_route", "dutch_lessons"],
        capacity=2,
    )
    asker = newcomer_at(make_api, make_code, home)
    request_page = ask_on_page(asker, topics=("dutch_lessons", "bike_route"))
    buddy.form(f"/buddy/offers/{offer_id_of(app, buddy_id)}/accept", {})
    bike = translated(app, "pl", "Ride the bike route to work together before the first workday.")
    assert bike in page(asker, request_page)
    assert bike in page(buddy, f"/buddy/offers/{offer_id_of(app, buddy_id)}")


def test_without_a_suggestion_in_the_pack_the_match_page_offers_a_general_one(
    app, make_api, make_code, make_location, staff_client, monkeypatch
):
    from dataclasses import replace

    from onboarding.content import current_pack

    home = make_location("Bloemenhof")
    admin = staff_client("admin")
    buddy, buddy_id = make_buddy(app, make_api, make_code, admin, home, "Marek")
    asker = newcomer_at(make_api, make_code, home)
    with app.app_context():
        pack = current_pack()
        bare = replace(pack, steps=tuple(replace(s, buddy_activity=None) for s in pack.steps))
    monkeypatch.setattr("onboarding.buddies.views.current_pack", lambda: bare)
    request_page = ask_on_page(asker)
    buddy.form(f"/buddy/offers/{offer_id_of(app, buddy_id)}/accept", {})
    general = translated(app, "pl", "Meet for a coffee and go through your checklist together.")
    assert general in page(asker, request_page)


def test_ask_form_answers_bad_input_in_the_persons_language(app, newcomer_client):
    answer = newcomer_client.form("/buddy/ask", {"topics": ["no_such_step"], "contact": ""})
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert translated(app, "pl", "Please choose at least one step you need help with.") in text
    assert 'aria-invalid="true"' in text


def test_becoming_a_buddy_on_the_page_then_approval_on_the_desk_is_audited(
    app, make_api, make_code, make_location, staff_client
):
    home, other = make_location("Bloemenhof"), make_location("Duinzicht")
    volunteer = newcomer_at(make_api, make_code, home, nickname="Iryna")
    form = page(volunteer, "/buddy/profile")
    assert 'name="languages" value="pl"' in form
    bad = volunteer.form(
        "/buddy/profile",
        {"languages": ["pl"], "location_id": str(home), "topics": ["digid"], "capacity": "9",
         "contact": "iryna-tg"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert translated(
        app, "pl", "Please give a whole number from %(low)d to %(high)d.", low=1, high=5
    ) in bad.get_data(as_text=True)
    saved = volunteer.form(
        "/buddy/profile",
        {"languages": ["pl", "uk"], "location_id": str(home), "topics": ["digid"],
         "availability": ["weekend"], "capacity": "2", "contact": "iryna-tg"},
    )  # fmt: skip
    assert saved.status_code == 303
    waiting = translated(
        app,
        "pl",
        "Thank you for offering to help. Your housing coordinator still needs to approve you. "
        "Until then, nobody is asked to contact you.",
    )
    assert waiting in page(volunteer, "/buddy")

    with app.app_context():
        user_id = db.session.scalar(select(BuddyProfile.user_id))
    other_coordinator = staff_client("coordinator", [other])
    assert "Iryna" not in page(other_coordinator, f"/staff/locations/{other}")
    assert other_coordinator.form(f"/staff/buddies/{user_id}/approve", {}).status_code == 403

    coordinator = staff_client("coordinator", [home])
    desk = page(coordinator, f"/staff/locations/{home}")
    assert "Iryna" in desk and "iryna-tg" not in desk  # no contact details on the desk
    assert coordinator.form(f"/staff/buddies/{user_id}/approve", {}).status_code == 303
    with app.app_context():
        assert db.session.get(BuddyProfile, user_id).approved_at is not None
        assert (
            db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()))
            == "buddy.approve"
        )
    assert coordinator.form(f"/staff/buddies/{user_id}/withdraw", {}).status_code == 303
    with app.app_context():
        assert db.session.get(BuddyProfile, user_id).approved_at is None


def test_unmet_need_is_counted_on_the_desk_without_personal_details(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location("Bloemenhof")
    coordinator = staff_client("coordinator", [home])
    for nickname in ("Ola", "Piotr"):
        asker = newcomer_at(make_api, make_code, home, nickname=nickname)
        ask_on_page(asker, topics=("bike_route",), message=f"secret message of {nickname}")
    uk = newcomer_at(make_api, make_code, home, language="uk", nickname="Oksana")
    ask_on_page(uk, topics=("bike_route", "digid"))
    desk = page(coordinator, f"/staff/locations/{home}")
    section = desk[desk.index('id="buddies"') :]
    assert re.search(r"<td>Polish</td><td>2</td>", section)
    assert re.search(r"<td>Ukrainian</td><td>1</td>", section)
    assert re.search(r"<td>Practise your route to work</td><td>3</td>", section)
    assert re.search(
        r"<td>Get DigiD, your login for Dutch government services</td><td>1</td>", section
    )
    for private in ("secret message", ASKER_CONTACT):
        assert private not in desk


def test_nobody_free_then_ask_again_once_a_buddy_is_approved(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location("Bloemenhof")
    admin = staff_client("admin")
    asker = newcomer_at(make_api, make_code, home)
    request_page = ask_on_page(asker)
    nobody = page(asker, request_page)
    assert translated(app, "pl", "No buddy is free right now") in nobody
    make_buddy(app, make_api, make_code, admin, home, "Marek")
    assert asker.form(f"{request_page}/retry", {}).status_code == 303
    assert translated(app, "pl", "We asked %(name)s", name="Marek") in page(asker, request_page)


def test_help_thanks_end_and_report_from_the_pages(app, pair):
    buddy, buddy_id, asker = pair.buddy, pair.buddy_id, pair.asker
    request_page = ask_on_page(asker)
    offer_page = f"/buddy/offers/{offer_id_of(app, buddy_id)}"
    buddy.form(f"{offer_page}/accept", {})

    wrong = buddy.form(
        f"{offer_page}/help", {"date": "2020-01-01", "topic": "register_gp", "minutes": "0"}
    )
    assert wrong.status_code == 400
    assert (
        buddy.form(
            f"{offer_page}/help", {"date": WEEK_AGO, "topic": "register_gp", "minutes": "45"}
        ).status_code
        == 303
    )
    with app.app_context():
        entry = db.session.scalar(select(HelpLog))
        assert (entry.minutes, entry.topic, entry.buddy_id) == (45, "register_gp", buddy_id)
    assert "45" in page(buddy, offer_page)

    assert asker.form(f"{request_page}/thanks", {}).status_code == 303
    assert translated(app, "pl", "You said thank you. Your buddy will be glad.") in page(
        asker, request_page
    )

    no_reason = asker.form(f"{request_page}/report", {"reason": "stole"})
    assert no_reason.status_code == 400
    assert (
        asker.form(
            f"{request_page}/report", {"reason": "asked_for_money", "details": "50 euro"}
        ).status_code
        == 303
    )
    with app.app_context():
        report = db.session.scalar(select(BuddyReport))
        assert (report.reason, report.reported_id) == ("asked_for_money", buddy_id)
        assert db.session.get(BuddyProfile, buddy_id).suspended_at is not None
    ended = page(asker, request_page)
    assert BUDDY_CONTACT not in ended
    assert translated(app, "pl", "Ended") in ended
    suspended = translated(
        app,
        "pl",
        "You are not asked to help right now, because someone reported a problem. "
        "An administrator will look at it.",
    )
    assert suspended in page(buddy, "/buddy")


def test_a_buddy_declines_on_the_page_and_the_next_buddy_is_asked(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location("Bloemenhof")
    admin = staff_client("admin")
    first, first_id = make_buddy(app, make_api, make_code, admin, home, "Marek")
    second, second_id = make_buddy(app, make_api, make_code, admin, home, "Anna")
    asker = newcomer_at(make_api, make_code, home)
    request_page = ask_on_page(asker)
    with app.app_context():
        offer = db.session.scalar(select(BuddyOffer))
        asked_id, offer_page = offer.buddy_id, f"/buddy/offers/{offer.id}"
    asked, other_name = (first, "Anna") if asked_id == first_id else (second, "Marek")
    assert second_id != first_id
    too_long = asked.form(f"{offer_page}/decline", {"reason": "x" * 201})
    assert too_long.status_code == 400
    assert asked.form(f"{offer_page}/decline", {"reason": "Working nights"}).status_code == 303
    assert translated(app, "pl", "We asked %(name)s", name=other_name) in page(asker, request_page)


def test_the_data_export_holds_ones_own_buddy_data_and_never_the_others_contact(app, pair):
    buddy, buddy_id, asker = pair.buddy, pair.buddy_id, pair.asker
    ask_on_page(asker, message="Monday 9:00")
    offer_page = f"/buddy/offers/{offer_id_of(app, buddy_id)}"
    buddy.form(f"{offer_page}/accept", {})
    buddy.form(f"{offer_page}/help", {"date": WEEK_AGO, "topic": "register_gp", "minutes": "30"})

    mine = asker.get("/api/v1/me/export").get_json()
    [made] = mine["buddy_requests"]
    assert (made["contact"], made["message"], made["state"]) == (
        ASKER_CONTACT,
        "Monday 9:00",
        "accepted",
    )
    assert BUDDY_CONTACT not in str(mine)
    theirs = buddy.get("/api/v1/me/export").get_json()
    assert theirs["buddy_help_given"] == [{"date": WEEK_AGO, "topic": "register_gp", "minutes": 30}]
    assert [o["state"] for o in theirs["buddy_requests_received"]] == ["accepted"]
    assert ASKER_CONTACT not in str(theirs) and "Monday 9:00" not in str(theirs)
