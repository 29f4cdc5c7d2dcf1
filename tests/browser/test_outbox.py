"""Changes made offline: shown at once, kept through a closed tab and a restarted browser,
and applied on the server exactly once when the connection is back."""

from sqlalchemy import func, select

from onboarding.checklist.models import StepProgress, SyncOp
from onboarding.extensions import db

from ..conftest import translated
from .conftest import CHROMIUM, FLAGS, PHONE, wait_for_worker, wait_until
from .test_pwa import join_in_browser

OUTBOX_EMPTY = "!!self.AankomstOutbox && self.AankomstOutbox.all().then((ops) => ops.length === 0)"


def server_state(app, key="register_brp"):
    with app.app_context():
        status = db.session.scalar(select(StepProgress.status).where(StepProgress.step_key == key))
        ops = db.session.scalar(select(func.count(SyncOp.id)))
    return status, ops


def become_ready(app, page):
    wait_for_worker(page)
    ready = translated(app, "pl", "Ready to use offline.")
    page.wait_for_selector(f"#app-status:has-text('{ready}')")


def tick_brp(page):
    page.click("form[data-step=register_brp] button")


def test_a_step_ticked_offline_survives_a_closed_tab_and_syncs_exactly_once(
    app, server, phone, make_code
):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    waiting = translated(app, "pl", "Waiting to sync")
    done = translated(app, "pl", "Done")

    server.stop()
    try:
        tick_brp(page)
        card = page.locator("#step-register_brp")
        card.locator(f".pending-mark:has-text('{waiting}')").wait_for()
        assert card.locator(".badge").inner_text() == done
        page.close()
        reopened = phone.new_page()
        reopened.goto(server.url + "/")  # offline: the saved page, with the change on top
        card = reopened.locator("#step-register_brp")
        card.locator(f".pending-mark:has-text('{waiting}')").wait_for()
        assert card.locator(".badge").inner_text() == done
        assert server_state(app) == (None, 0)
    finally:
        server.start()

    reopened.reload()  # app start: the outbox is sent
    wait_until(reopened, OUTBOX_EMPTY)
    wait_until(reopened, "document.querySelectorAll('.pending-mark').length === 0")
    assert server_state(app) == ("done", 1)
    reopened.reload()
    reopened.wait_for_timeout(500)
    assert server_state(app) == ("done", 1)  # exactly once
    assert reopened.evaluate("self.AankomstOutbox.all().then((ops) => ops.length)") == 0


def test_the_outbox_survives_a_restarted_browser(
    app, server, playwright_instance, make_code, tmp_path
):
    def launch():
        return playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=FLAGS,
            viewport=PHONE,
            locale="pl-PL",
        )

    browser = launch()
    page = browser.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    server.stop()
    try:
        tick_brp(page)
        page.locator("#step-register_brp .pending-mark").wait_for()
    finally:
        browser.close()
        server.start()

    browser = launch()
    try:
        page = browser.new_page()
        page.goto(server.url + "/")
        wait_until(page, "document.querySelector('#step-register_brp .badge') !== null")
        wait_until(
            page, "self.AankomstOutbox && self.AankomstOutbox.all().then((ops) => ops.length === 0)"
        )
        assert server_state(app) == ("done", 1)
    finally:
        browser.close()


def test_an_expired_csrf_token_does_not_lose_the_queue(app, server, phone, make_code):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    page.evaluate("self.__aankomstCsrf = 'a-token-that-expired-while-offline'")
    tick_brp(page)
    wait_until(page, OUTBOX_EMPTY)
    assert server_state(app) == ("done", 1)


def test_notes_and_stuck_from_the_step_page_go_through_the_outbox(app, server, phone, make_code):
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    page.goto(server.url + "/steps/register_gp")
    page.fill("#note", "Zadzwonić w poniedziałek")
    page.click(".note-form button")
    page.check("input[name=stuck]")
    page.fill("#stuck_reason", "Lista pełna")
    page.click(".stuck-form button")
    wait_until(page, OUTBOX_EMPTY)
    with app.app_context():
        row = db.session.scalar(select(StepProgress).where(StepProgress.step_key == "register_gp"))
        assert (row.note, row.stuck, row.stuck_reason) == (
            "Zadzwonić w poniedziałek",
            True,
            "Lista pełna",
        )


def test_on_a_shared_phone_the_next_person_never_gets_the_previous_ones_changes(
    app, server, phone, make_code
):
    from onboarding.accounts.models import DeviceSession

    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    server.stop()
    try:
        page.goto(server.url + "/steps/register_gp")
        page.fill("#note", "A's private note")
        page.click(".note-form button")
        page.locator(".pending-mark").wait_for()
    finally:
        server.start()
    with app.app_context():  # A's session ends on the server (e.g. deleted from another phone)
        db.session.execute(DeviceSession.__table__.delete())
        db.session.commit()
    join_in_browser(page, server, make_code, "pl")  # B joins on the same phone
    wait_until(
        page, "self.AankomstOutbox && self.AankomstOutbox.all().then((ops) => ops.length === 0)"
    )
    page.wait_for_timeout(500)
    with app.app_context():
        notes = db.session.scalars(select(StepProgress.note)).all()
    assert "A's private note" not in notes
    page.goto(server.url + "/steps/register_gp")
    assert page.locator("#note").input_value() == ""


def test_a_change_the_server_cannot_store_is_dropped_and_the_person_told(
    app, server, phone, make_code
):
    """Half of a surrogate pair in a note can never be stored: the server refuses that change
    alone, the other change is applied, the outbox is empty, and the step says so."""
    page = phone.new_page()
    join_in_browser(page, server, make_code, "pl")
    become_ready(app, page)
    page.evaluate(
        """async () => {
            const owner = document.querySelector("meta[name=aankomst-owner]").content;
            const at = new Date().toISOString();
            await self.AankomstOutbox.add({op_id: "bad-1", owner, key: "register_gp", at,
                                           note: "lunch \\ud83d"});
            await self.AankomstOutbox.add({op_id: "good-1", owner, key: "register_brp", at,
                                           status: "done"});
        }"""
    )
    page.reload()  # app start: the outbox is sent
    wait_until(page, OUTBOX_EMPTY)
    refused = translated(app, "pl", "This change could not be saved.")
    reason = translated(
        app, "pl", "This text contains characters that cannot be saved. Please type it again."
    )
    alert = page.locator("#step-register_gp .sync-error")
    alert.wait_for()
    assert alert.inner_text() == f"{refused} {reason}"
    assert server_state(app) == ("done", 1)
    owner = "document.querySelector('meta[name=aankomst-owner]').content"
    wait_until(page, f"self.AankomstOutbox.refused({owner}).then((ops) => ops.length === 0)")
    page.reload()
    assert page.locator(".sync-error").count() == 0  # said once
