"""Two phones: a newcomer asks for a buddy from a step, the buddy accepts, both see each other's
contact only then, the buddy logs help and the newcomer says thank you. Every buddy page passes
axe on the way."""

import os
from pathlib import Path

from sqlalchemy import select

from onboarding.buddies.models import BuddyOffer, BuddyProfile, HelpLog
from onboarding.clock import today_in_amsterdam
from onboarding.extensions import db

from ..conftest import translated
from .conftest import PHONE
from .test_accessibility import problems

ARTIFACTS = Path(os.environ.get("AANKOMST_ARTIFACTS", "test-artifacts")) / "screenshots" / "buddy"
BUDDY_CONTACT = "+31 6 1234 5678"
NEWCOMER_CONTACT = "@ola_signal"


def join_as(browser, server, token: str, nickname: str, language: str):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    page.goto(f"{server.url}/join/{token}?language={language}")
    page.fill("#arrival_date", today_in_amsterdam().isoformat())
    page.check("input[name=stay_plan][value=medium]")
    page.fill("#nickname", nickname)
    page.click("form button.button-large")
    page.click("a.button-large")
    page.wait_for_selector("ol.checklist")
    return context, page


def test_two_phones_request_accept_contact_and_help_logged(
    app, server, browser, make_location, make_code, staff_client
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    home = make_location("Bloemenhof")
    found: dict[str, list[str]] = {}

    def check(page, name: str) -> None:
        page.wait_for_load_state("load")
        found[name] = problems(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    # Phone 1: an experienced Polish worker offers to help with the bike route.
    buddy_context, buddy = join_as(browser, server, make_code(home), "Marek", "pl")
    buddy.goto(server.url + "/buddy")
    check(buddy, "buddy-home-new")
    buddy.click("a[href='/buddy/profile']")
    buddy.select_option("#location_id", str(home))
    buddy.check("input[name=topics][value=bike_route]")
    buddy.check("input[name=availability][value=weekend]")
    buddy.fill("#capacity", "2")
    buddy.fill("#contact", BUDDY_CONTACT)
    check(buddy, "buddy-profile")
    buddy.click("form button.button-large")
    buddy.wait_for_url(server.url + "/buddy")
    with app.app_context():
        buddy_id = db.session.scalar(select(BuddyProfile.user_id))
    assert (
        staff_client("coordinator", [home]).post(f"/api/v1/buddy/approve/{buddy_id}").status_code
        == 204
    )

    # Phone 2: a newcomer asks for help from the bike-route step.
    newcomer_context, newcomer = join_as(browser, server, make_code(home), "Ola", "pl")
    newcomer.goto(server.url + "/steps/bike_route")
    newcomer.click("a[href='/buddy/ask?step=bike_route']")
    assert newcomer.is_checked("input[name=topics][value=bike_route]")
    newcomer.fill("#contact", NEWCOMER_CONTACT)
    newcomer.fill("#message", "Zaczynam pracę w poniedziałek.")
    check(newcomer, "ask")
    newcomer.click("form button.button-large")
    newcomer.wait_for_selector("section.match")
    waiting = newcomer.inner_text("main")
    assert translated(app, "pl", "We asked %(name)s", name="Marek") in waiting
    assert BUDDY_CONTACT not in waiting
    check(newcomer, "request-pending")
    request_url = newcomer.url

    # Phone 1: the request arrives; the newcomer's contact is not shown before saying yes.
    buddy.goto(server.url + "/buddy")
    buddy.click("a[href^='/buddy/offers/']")
    offer_page = buddy.inner_text("main")
    assert "Zaczynam pracę w poniedziałek." in offer_page and NEWCOMER_CONTACT not in offer_page
    check(buddy, "offer-pending")
    buddy.click("form[action$='/accept'] button")
    buddy.wait_for_selector(".contact-value")
    assert buddy.inner_text(".contact-value") == NEWCOMER_CONTACT
    bike = translated(app, "pl", "Ride the bike route to work together before the first workday.")
    assert bike in buddy.inner_text("main")
    check(buddy, "offer-accepted")

    # Phone 2: the buddy's contact is revealed now.
    newcomer.goto(request_url)
    assert newcomer.inner_text(".contact-value") == BUDDY_CONTACT
    assert bike in newcomer.inner_text("main")
    check(newcomer, "request-accepted")

    # Phone 1: the buddy logs an hour of help on the bike route.
    buddy.fill("#minutes", "60")
    buddy.click("form[action$='/help'] button")
    buddy.wait_for_selector("p.notice-success")
    with app.app_context():
        entry = db.session.scalar(select(HelpLog))
        offer = db.session.scalar(select(BuddyOffer))
        assert (entry.buddy_id, entry.topic, entry.minutes) == (buddy_id, "bike_route", 60)
        assert entry.helped_on == today_in_amsterdam() and offer.state == "accepted"
    check(buddy, "help-logged")

    # Phone 2: thank you.
    newcomer.click("form[action$='/thanks'] button")
    thanked = translated(app, "pl", "You said thank you. Your buddy will be glad.")
    newcomer.wait_for_selector(f"text={thanked}")
    with app.app_context():
        assert db.session.scalar(select(BuddyOffer.thanked_at)) is not None
    buddy_context.close()
    newcomer_context.close()
    assert found == {name: [] for name in found}
