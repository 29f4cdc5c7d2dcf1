"""axe-core on every page type, in Polish and Ukrainian, and screenshots of the main screens."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..conftest import STAFF_PASSWORD
from .conftest import PHONE
from .test_pwa import join_in_browser

ARTIFACTS = Path(os.environ.get("AANKOMST_ARTIFACTS", "test-artifacts")) / "screenshots"
BLOCKING = {"serious", "critical"}


def problems(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_every_page_type_passes_axe_and_is_photographed(
    app, server, browser, make_code, make_staff, make_location, language
):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    folder = ARTIFACTS / language
    folder.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        found[name] = problems(page)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    page.goto(server.url + "/")
    check("start")
    token = make_code()
    page.goto(f"{server.url}/join/{token}")
    check("join-language")
    page.goto(f"{server.url}/join/{token}?language={language}")
    check("join-form")
    page.click("form button.button-large")  # submitted empty: the error summary
    check("join-errors")
    join_in_browser(page, server, make_code, language)
    check("checklist")
    page.goto(server.url + "/steps/register_brp")
    check("step")
    page.goto(server.url + "/settings")
    check("settings")
    page.goto(server.url + "/me/delete")
    check("delete")
    page.goto(server.url + "/offline")
    check("offline")
    page.goto(server.url + "/help")
    check("help")
    for help_page in app.extensions["aankomst_pack"].help_pages:
        page.goto(f"{server.url}/help/{help_page.key}")
        check(f"help-{help_page.key}")

    staff = browser.new_context(viewport=PHONE, locale=language)
    page = staff.new_page()
    page.goto(server.url + "/recover")
    check("recover")
    page.goto(server.url + "/staff/login")
    check("staff-login")
    location_id = make_location("Bloemenhof")
    page.fill("#email", make_staff("admin", [location_id]))
    page.fill("#password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    check("staff-home")
    page.goto(f"{server.url}/staff/locations/{location_id}")
    check("desk")
    page.fill("#count", "2")
    page.locator("main section form button[type=submit]").first.click()
    check("print")
    for name, path in (
        ("admin-locations", "/staff/admin/locations"),
        ("admin-staff", "/staff/admin/staff"),
        ("audit", "/staff/admin/audit"),
        ("admin-content", "/staff/admin/content"),
        ("insights", "/staff/insights"),
    ):
        page.goto(server.url + path)
        check(name)
    context.close()
    staff.close()
    assert {name: issues for name, issues in found.items() if issues} == {}
