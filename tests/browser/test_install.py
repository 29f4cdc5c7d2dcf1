"""Installing: the app is installable, and the offer fits the browser without nagging."""

from ..conftest import translated
from .conftest import CHROMIUM, FLAGS, PHONE, wait_for_worker
from .test_pwa import join_in_browser

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FAKE_PROMPT = (
    "window.dispatchEvent(Object.assign("
    "new Event('beforeinstallprompt', {cancelable: true}),"
    " {prompt() { window.__prompted = true; },"
    " userChoice: Promise.resolve({outcome: 'accepted'})}))"
)


def test_the_app_is_installable(app, server, playwright_instance, make_code, tmp_path):
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS, viewport=PHONE
    )
    try:
        page = context.new_page()
        join_in_browser(page, server, make_code, "en")
        wait_for_worker(page)
        page.reload()
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        cdp.detach()
        assert errors == []
    finally:
        context.close()


def test_iphone_safari_gets_the_add_to_home_screen_steps(app, server, browser, make_code):
    context = browser.new_context(viewport=PHONE, user_agent=IPHONE_SAFARI, locale="pl-PL")
    try:
        page = context.new_page()
        join_in_browser(page, server, make_code, "pl")
        offer = page.locator("#install-offer")
        offer.wait_for()
        assert page.locator(".install-ios").is_visible()
        assert translated(app, "pl", "Choose “Add to Home Screen”.") in offer.inner_text()
        assert not page.locator(".install-now").is_visible()
    finally:
        context.close()


def test_the_browsers_prompt_is_offered_and_not_now_means_a_week(app, server, phone, make_code):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    page.wait_for_timeout(300)
    assert not page.locator("#install-offer").is_visible()  # nothing before the browser offers
    page.evaluate(FAKE_PROMPT)
    page.locator(".install-now").wait_for()
    assert not page.locator(".install-ios").is_visible()
    page.click(".install-later")
    assert not page.locator("#install-offer").is_visible()
    page.reload()
    page.wait_for_timeout(300)
    page.evaluate(FAKE_PROMPT)
    page.wait_for_timeout(300)
    assert not page.locator("#install-offer").is_visible()  # dismissed: gone for a week
    eight_days_ago = "String(Date.now() - 8 * 24 * 3600 * 1000)"
    page.evaluate(f"localStorage.setItem('aankomst-install-dismissed', {eight_days_ago})")
    page.reload()
    page.wait_for_timeout(300)
    page.evaluate(FAKE_PROMPT)
    page.locator(".install-now").wait_for()
    page.click(".install-now")
    assert page.evaluate("window.__prompted === true")
