"""The installable, offline-first app in a real browser: manifest, worker, offline, update,
forgetting the device."""

from onboarding.clock import today_in_amsterdam

from ..conftest import translated
from .conftest import wait_for_worker, wait_until


def join_in_browser(page, server, make_code, language="pl"):
    token = make_code()
    page.goto(f"{server.url}/join/{token}?language={language}")
    page.fill("#arrival_date", today_in_amsterdam().isoformat())
    page.check("input[name=stay_plan][value=medium]")
    page.click("form button.button-large")
    page.click("a.button-large")  # "I have saved it. Show my checklist"
    page.wait_for_selector("ol.checklist")


def test_manifest_is_parsed_and_the_worker_controls_the_whole_site(app, server, phone):
    page = phone.new_page()
    page.goto(server.url + "/")
    wait_for_worker(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == server.url + "/"
    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    cdp.detach()
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    data = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
    assert data["scope"] == "/" and data["display"] == "standalone" and data["id"] == "/"
    assert data["name"] == translated(
        app, "pl", "Aankomst: your first weeks in %(place)s", place="Noordwijk"
    )
    purposes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }


def test_a_page_loaded_past_the_worker_is_taken_over(app, server, phone, make_code):
    """A hard reload (or a page that finished loading while the first worker was activating)
    leaves the page without a controller; it asks the worker to take over, so its own requests
    are answered offline."""
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    wait_for_worker(page)
    # Whether the page had a controller when it began, before the app's script could ask.
    page.add_init_script("window.controlledAtStart = !!navigator.serviceWorker.controller;")
    cdp = phone.new_cdp_session(page)
    with page.expect_navigation(wait_until="load"):
        cdp.send("Page.reload", {"ignoreCache": True})  # shift-reload: the worker is bypassed
    cdp.detach()
    assert page.evaluate("window.controlledAtStart") is False
    wait_until(page, "!!navigator.serviceWorker.controller", timeout=10.0)
    stylesheet = page.eval_on_selector("link[rel=stylesheet]", "(link) => link.href")
    server.stop()
    try:
        answer = page.evaluate(f"fetch({stylesheet!r}).then((r) => r.status, () => 'failed')")
        assert answer == 200
    finally:
        server.start()


def test_after_joining_the_checklist_works_offline_in_the_chosen_language(
    app, server, phone, make_code
):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    wait_for_worker(page)
    ready = translated(app, "pl", "Ready to use offline.")
    page.wait_for_selector(f"#app-status:has-text('{ready}')")
    pack = app.extensions["aankomst_pack"]
    brp_title = translated(app, "pl", pack.step("register_brp").title)

    server.stop()  # offline for real: the worker's own requests fail too
    try:
        page.reload()
        assert page.locator("html").get_attribute("lang") == "pl"
        assert brp_title in page.content()
        page.goto(server.url + "/steps/register_brp")  # never opened, but saved in one go
        assert page.locator("h1").inner_text() == brp_title
        page.goto(server.url + "/help")  # the help pages are saved with the steps
        for help_page in pack.help_pages:
            page.goto(f"{server.url}/help/{help_page.key}")
            assert page.locator("h1").inner_text() == translated(app, "pl", help_page.title)
        page.goto(server.url + "/recover")  # never visited and not saved
        assert translated(app, "pl", "You are offline") in page.locator("h1").inner_text()
    finally:
        server.start()


def test_a_new_version_asks_before_reloading_and_keeps_the_saved_pages(
    app, server, phone, make_code
):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    wait_for_worker(page)
    page.wait_for_selector(
        f"#app-status:has-text('{translated(app, 'pl', 'Ready to use offline.')}')"
    )
    app.config["ASSET_VERSION"] = "a-new-deploy"  # the next /sw.js differs
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    prompt = translated(app, "pl", "A new version of Aankomst is ready.")
    page.wait_for_selector(f"#app-status:has-text('{prompt}')")
    page.wait_for_timeout(1000)  # the prompt stays, whatever else the page reports
    assert prompt in page.locator("#app-status").inner_text()
    with page.expect_navigation():
        page.click("#app-status button")
    wait_for_worker(page)
    keys = page.evaluate("caches.keys().then((k) => k.join(' '))")
    assert "aankomst-shell-a-new-deploy" in keys and keys.count("aankomst-shell-") == 1
    assert "/assets/a-new-deploy/" in page.content()
    server.stop()
    try:  # the person's saved pages survived the deployment
        page.goto(server.url + "/steps/digid")
        title = app.extensions["aankomst_pack"].step("digid").title
        assert page.locator("h1").inner_text() == translated(app, "pl", title)
    finally:
        server.start()


def test_forget_this_device_clears_the_offline_data(app, server, phone, make_code):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    wait_for_worker(page)
    page.wait_for_selector(
        f"#app-status:has-text('{translated(app, 'pl', 'Ready to use offline.')}')"
    )
    assert "aankomst-pages" in page.evaluate("caches.keys().then((k) => k.join(' '))")
    waiting = "{op_id: 'x1', key: 'register_gp', at: new Date().toISOString(), note: 'private'}"
    page.evaluate(f"self.AankomstOutbox.add({waiting})")  # a private note not sent yet
    page.goto(server.url + "/settings")
    with page.expect_navigation():
        page.click("form[data-forget-device] button")
    keys = page.evaluate("caches.keys().then((k) => k.join(' '))")
    assert "aankomst-pages" not in keys and "aankomst-api" not in keys
    assert (
        page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('aankomst-')).length")
        == 0
    )
    assert page.evaluate("fetch('/api/v1/checklist').then((r) => r.status)") == 401
    assert page.evaluate("self.AankomstOutbox.all().then((ops) => ops.length)") == 0
