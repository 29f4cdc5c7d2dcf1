"""Push in Chromium: the worker shows a pushed notification with the app's icon and badge and,
on click, opens its page; "Remind me" asks for permission only when tapped, and the phone's
subscription is handed to the server again at every start."""

import json

import pytest
from sqlalchemy import delete, select

from onboarding.extensions import db
from onboarding.push.models import PushSubscription

from ..conftest import translated
from .conftest import PHONE, wait_for_worker, wait_until
from .test_pwa import join_in_browser

ENDPOINT = "http://127.0.0.1:9/push/chromium"
# A real P-256 point and auth secret, as a browser would give (the server checks them).
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"
STUB = (
    """
(() => {
  const KEY = "test-push-subscription";
  window.__permissionAsked = 0;
  Notification.requestPermission = async () => { window.__permissionAsked += 1; return "granted"; };
  const wrap = (data) => data && {
    endpoint: data.endpoint,
    toJSON: () => data,
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  };
  PushManager.prototype.subscribe = async function () {
    const data = { endpoint: "__ENDPOINT__", keys: { p256dh: "__P256DH__", auth: "__AUTH__" } };
    localStorage.setItem(KEY, JSON.stringify(data));
    return wrap(data);
  };
  PushManager.prototype.getSubscription = async function () {
    return wrap(JSON.parse(localStorage.getItem(KEY) || "null"));
  };
})();
""".replace("__ENDPOINT__", ENDPOINT)
    .replace("__P256DH__", P256DH)
    .replace("__AUTH__", AUTH)
)


DELIVERIES = 3
SHOWN = "navigator.serviceWorker.ready.then((r) => r.getNotifications())"


def push_to_phone(server, browser, make_code, message: dict):
    """A joined phone whose worker receives `message` as a push (through DevTools).

    On a loaded machine Chromium now and then drops a DevTools delivery without a word (the
    worker is running and activated, and no notification ever comes), so an undelivered push is
    sent again, as a push service would; a tag keeps a late first copy from showing twice."""
    message = {"tag": "test-push", **message}
    context = browser.new_context(viewport=PHONE, locale="pl-PL", service_workers="allow")
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    join_in_browser(page, server, make_code)
    wait_for_worker(page)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # the registrations arrive as events
        if registrations:
            break
        page.wait_for_timeout(50)
    shown = f"{SHOWN}.then((list) => list.length === 1)"
    for attempt in range(1, DELIVERIES + 1):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": server.url, "registrationId": registrations[0], "data": json.dumps(message)},
        )
        try:
            wait_until(page, shown, timeout=8.0)
            break
        except AssertionError:
            if attempt == DELIVERIES:
                raise
    cdp.detach()
    return context, page


def test_a_pushed_message_is_shown_and_its_click_opens_the_page(app, server, browser, make_code):
    message = {"title": "Przypomnienie", "body": "Jutro", "url": "/steps/register_brp", "tag": "t1"}
    context, page = push_to_phone(server, browser, make_code, message)
    [notification] = page.evaluate(
        f"{SHOWN}.then((list) => list.map((n) => ({{title: n.title, body: n.body, "
        "url: n.data.url, icon: n.icon, badge: n.badge, tag: n.tag})))"
    )
    assert notification["title"] == "Przypomnienie" and notification["body"] == "Jutro"
    assert notification["url"] == "/steps/register_brp" and notification["tag"] == "t1"
    assert notification["icon"].endswith("/icons/icon-192.png")
    assert notification["badge"].endswith("/icons/badge-96.png")

    [worker] = context.service_workers
    worker.evaluate(
        "self.registration.getNotifications().then((list) => self.dispatchEvent("
        "new NotificationEvent('notificationclick', {notification: list[0]})))"
    )
    page.wait_for_url(server.url + "/steps/register_brp")
    wait_until(page, f"{SHOWN}.then((list) => list.length === 0)")  # closed on click
    context.close()


@pytest.mark.parametrize("url", ["https://evil.example/steal", "//evil.example/steal"])
def test_a_foreign_url_in_a_push_never_leaves_the_app(app, server, browser, make_code, url):
    message = {"title": "x", "body": "y", "url": url}
    context, page = push_to_phone(server, browser, make_code, message)
    assert page.evaluate(f"{SHOWN}.then((list) => list[0].data.url)") == "/"
    context.close()


def test_remind_me_asks_only_when_tapped_and_the_subscription_is_resent_at_start(
    app, server, browser, make_code
):
    context = browser.new_context(viewport=PHONE, locale="pl-PL", service_workers="allow")
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(STUB)
    page = context.new_page()
    join_in_browser(page, server, make_code)
    wait_for_worker(page)
    page.reload()
    page.wait_for_selector("[data-push]:not([hidden])")
    assert page.evaluate("window.__permissionAsked") == 0  # never on load
    with app.app_context():
        assert db.session.scalar(select(PushSubscription)) is None

    page.click("[data-push-enable]")
    on = translated(app, "pl", "Reminders are on for this phone.")
    page.wait_for_selector(f"text={on}")
    assert page.evaluate("window.__permissionAsked") == 1
    with app.app_context():
        assert db.session.scalar(select(PushSubscription.endpoint)) == ENDPOINT
        db.session.execute(delete(PushSubscription))  # the server lost it
        db.session.commit()

    page.reload()
    page.wait_for_selector(f"text={on}")
    with app.app_context():
        for _ in range(50):
            if db.session.scalar(select(PushSubscription.endpoint)) == ENDPOINT:
                break
            db.session.remove()
            page.wait_for_timeout(100)
        assert db.session.scalar(select(PushSubscription.endpoint)) == ENDPOINT
    assert page.evaluate("window.__permissionAsked") == 0  # a fresh page: resent, not asked
    context.close()
