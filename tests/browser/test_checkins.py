"""The day-7 check-in in real Chromium: someone who arrived 7 days ago sees it at the top of the
checklist, one tap on a face answers it (a plain form: also without JavaScript), and it does
not come back."""

from datetime import timedelta

from flask_babel import force_locale, gettext

from onboarding.clock import today_in_amsterdam

from .conftest import PHONE
from .test_accessibility import problems


def polish(app, message: str) -> str:
    """The Polish text (English until the translators have it)."""
    with app.test_request_context(), force_locale("pl"):
        return gettext(message)


def join_arrived_days_ago(page, server, make_code, days: int) -> None:
    page.goto(f"{server.url}/join/{make_code()}?language=pl")
    page.fill("#arrival_date", (today_in_amsterdam() - timedelta(days=days)).isoformat())
    page.check("input[name=stay_plan][value=medium]")
    page.click("form button.button-large")
    page.click("a.button-large")  # "I have saved it. Show my checklist"
    page.wait_for_selector("ol.checklist")


def card_key(page) -> str | None:
    card = page.locator("section.checkin-card")
    return card.get_attribute("data-checkin") if card.count() else None


def due_keys(page) -> list[str]:
    due = page.evaluate("fetch('/api/v1/checkins').then((r) => r.json())")["due"]
    return [checkin["key"] for checkin in due]


def test_the_day_seven_check_in_is_answered_with_one_tap_and_does_not_come_back(
    app, server, phone, make_code
):
    page = phone.new_page()
    # Arrived 7 days ago (should midnight pass during the test, day 8 still asks day 7).
    join_arrived_days_ago(page, server, make_code, 7)
    assert card_key(page) == "day7_housing"
    card = page.locator("section.checkin-card")
    assert card.get_by_role("heading").inner_text() == polish(app, "How is your housing?")
    faces = card.locator("button.checkin-face")
    assert faces.count() == 5
    assert problems(page) == []  # axe: the faces have names, the card is in order

    # One tap: the face's accessible name is its score in words.
    card.get_by_role("button", name=polish(app, "2 of 5: bad")).click()
    page.wait_for_selector("ol.checklist")
    assert polish(app, "Thank you for your answer.") in page.inner_text("main")
    help_link = page.locator("main p.notice a[href='/help/housing_problem']")
    assert help_link.count() == 1  # a hard answer points to help
    assert card_key(page) != "day7_housing"

    page.reload()
    page.wait_for_selector("ol.checklist")
    assert card_key(page) == "day7_work"  # the next one is due; the answered one is gone
    assert "day7_housing" not in due_keys(page)
    page.goto(server.url + "/steps/register_brp")
    page.goto(server.url + "/")
    assert card_key(page) == "day7_work"


def test_the_card_works_without_javascript_with_a_category(app, server, browser, make_code):
    context = browser.new_context(viewport=PHONE, locale="pl-PL", java_script_enabled=False)
    page = context.new_page()
    try:
        join_arrived_days_ago(page, server, make_code, 7)
        card = page.locator("section.checkin-card")
        card.locator("summary").click()  # "Tell more (optional)"
        card.get_by_label(polish(app, "My room is too crowded")).check()
        card.get_by_role("button", name=polish(app, "4 of 5: good")).click()
        page.wait_for_selector("ol.checklist")
        assert card_key(page) == "day7_work"
        card.get_by_role("button", name=polish(app, "Not now")).click()
        page.wait_for_selector("ol.checklist")
        assert card_key(page) == "day7_health"
        # No horizontal scrolling at 360 px: the five faces fit in one row.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        page.reload()
        assert card_key(page) == "day7_health"
    finally:
        context.close()
