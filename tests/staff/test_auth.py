"""Staff login: passwords, session rotation and lifetime, disabled accounts, rate limits."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from onboarding.extensions import db
from onboarding.staff.models import AuditEntry, StaffSession

from ..conftest import STAFF_PASSWORD, translated


def login(client, email, password=STAFF_PASSWORD, **kwargs):
    return client.post("/api/v1/staff/login", json={"email": email, "password": password}, **kwargs)


def test_login_answers_role_email_and_locations(api, make_staff, make_location):
    location_id = make_location()
    email = make_staff("coordinator", [location_id], email="Anna@Example.org")
    answer = login(api, "  ANNA@example.org ")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "role": "coordinator",
        "email": "anna@example.org",
        "location_ids": [location_id],
    }
    assert email == "Anna@Example.org"


def test_wrong_email_and_wrong_password_get_the_same_answer(app, make_api, make_staff):
    email = make_staff()
    wrong_password = login(make_api(), email, "not the password")
    wrong_email = login(make_api(), "nobody@example.org")
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert wrong_password.get_json() == wrong_email.get_json()
    assert wrong_email.get_json()["error"]["code"] == "wrong_login"


def test_disabled_account_is_403(make_api, make_staff):
    email = make_staff(active=False)
    answer = login(make_api(), email)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "account_disabled"


def test_login_input_is_checked(make_api):
    for body in ({}, {"email": "a@b.nl"}, {"email": 3, "password": []}):
        assert make_api().post("/api/v1/staff/login", json=body).status_code == 400


def test_session_id_rotates_at_login(app, api, make_staff):
    email = make_staff()
    login(api, email)
    first = api.client.get_cookie("aankomst_session").value
    login(api, email)
    with app.app_context():
        assert db.session.query(StaffSession).count() == 1  # the old session was ended
    stale = app.test_client()
    stale.set_cookie("aankomst_session", first)
    assert stale.get("/api/v1/codes").status_code == 401


def test_staff_session_ends_after_30_minutes_idle(app, make_api, make_staff):
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    client = make_api()
    with time_machine.travel(start, tick=False):
        login(client, make_staff())
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/api/v1/codes").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert client.get("/api/v1/codes").status_code == 401


def test_staff_session_ends_after_12_hours_however_busy(app, make_api, make_staff):
    start = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    client = make_api()
    with time_machine.travel(start, tick=False):
        login(client, make_staff())
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get("/api/v1/codes").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/api/v1/codes").status_code == 401


def test_logout_ends_the_session_and_is_audited(app, staff_client):
    client = staff_client()
    assert client.post("/api/v1/staff/logout").status_code == 204
    assert client.get("/api/v1/codes").status_code == 401
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["staff.login", "staff.logout"]


def test_switching_an_account_off_ends_its_sessions(app, make_api, make_staff):
    from onboarding.staff.models import StaffUser

    email = make_staff()
    client = make_api()
    login(client, email)
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == email)).active = False
        db.session.commit()
    assert client.get("/api/v1/codes").status_code == 401


def test_login_page_and_visible_logout(app, make_api, make_staff):
    email = make_staff()
    browser = make_api()
    assert browser.get("/staff/").status_code == 302
    wrong = browser.form("/staff/login", {"email": email, "password": "nope"})
    assert wrong.status_code == 401
    answer = browser.form("/staff/login", {"email": email, "password": STAFF_PASSWORD})
    assert answer.status_code == 303
    page = browser.get("/staff/").get_data(as_text=True)
    assert 'action="/staff/logout"' in page
    assert browser.form("/staff/logout", {}).status_code == 303
    assert browser.get("/staff/").status_code == 302


def test_failed_logins_are_limited_per_account(app, make_api, make_staff):
    email = make_staff()
    for _ in range(10):
        assert login(make_api(), email, "wrong password").status_code == 401
    blocked = login(make_api(), email, headers={"Accept-Language": "pl"})
    assert blocked.status_code == 429
    error = blocked.get_json()["error"]
    assert error["code"] == "too_many_attempts"
    assert re.search(r"\d{1,2}:\d{2}", error["message"])  # says when to try again
    assert "Retry-After" in blocked.headers
    other = make_staff()
    assert login(make_api(), other).status_code == 200  # other accounts are not locked


def test_successful_logins_do_not_count(app, make_api, make_staff):
    email = make_staff()
    for _ in range(12):
        assert login(make_api(), email).status_code == 200


def test_failed_logins_are_limited_per_address(app, make_api, make_staff):
    for index in range(30):
        assert login(make_api(), f"nobody{index}@example.org").status_code == 401
    assert login(make_api(), make_staff()).status_code == 429
    elsewhere = login(make_api(), make_staff(), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 200


def test_the_form_and_the_api_share_the_account_limit(app, make_api, make_staff):
    email = make_staff()
    for _ in range(5):
        make_api().form("/staff/login", {"email": email, "password": "wrong"})
    for _ in range(5):
        login(make_api(), email, "wrong")
    assert (
        make_api().form("/staff/login", {"email": email, "password": STAFF_PASSWORD}).status_code
        == 429
    )


def test_behind_a_proxy_the_limit_follows_x_forwarded_for(other_app, make_staff):
    app = other_app(AANKOMST_PROXY_FIX=True)
    from ..conftest import ApiClient

    for index in range(30):
        client = ApiClient(app.test_client())
        client.post(
            "/api/v1/staff/login",
            json={"email": f"nobody{index}@example.org", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
    blocked = ApiClient(app.test_client()).post(
        "/api/v1/staff/login",
        json={"email": "a@b.nl", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.5"},
    )
    other = ApiClient(app.test_client()).post(
        "/api/v1/staff/login",
        json={"email": "a@b.nl", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.6"},
    )
    assert blocked.status_code == 429 and other.status_code == 401


def test_with_redis_url_the_counters_live_in_redis(other_app, make_staff):
    """REDIS_URL alone puts the failed-login counters in Redis, where every worker sees them."""
    import os

    import pytest
    import redis
    from limits.storage import RedisStorage

    from onboarding.extensions import limiter

    url = "redis://127.0.0.1:6379/15"
    server = redis.Redis.from_url(url)
    try:
        server.flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on 127.0.0.1:6379 in CI (.ci/run starts it)")
        pytest.skip("no Redis on 127.0.0.1:6379")
    try:
        app = other_app(REDIS_URL=url)
        assert isinstance(limiter.storage, RedisStorage)
        email = make_staff()
        from ..conftest import ApiClient

        for _ in range(10):
            client = ApiClient(app.test_client())
            client.post("/api/v1/staff/login", json={"email": email, "password": "no"})
        keys = [key.decode() for key in server.keys("*staff-login-account*")]
        assert any(email in key for key in keys), keys
        # A worker that never saw these failures still refuses: the count is in Redis.
        server_side = ApiClient(other_app(REDIS_URL=url).test_client())
        answer = server_side.post(
            "/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD}
        )
        assert answer.status_code == 429
    finally:
        server.flushdb()


def test_logins_keep_working_when_redis_is_down(other_app, make_staff):
    app = other_app(REDIS_URL="redis://127.0.0.1:1/0")
    from ..conftest import ApiClient

    answer = ApiClient(app.test_client()).post(
        "/api/v1/staff/login", json={"email": make_staff(), "password": STAFF_PASSWORD}
    )
    assert answer.status_code == 200


def test_429_message_is_translated(app, make_api, make_staff):
    email = make_staff()
    for _ in range(10):
        login(make_api(), email, "wrong")
    blocked = login(make_api(), email, headers={"Accept-Language": "uk"})
    text = blocked.get_json()["error"]["message"]
    assert text.startswith(
        translated(
            app, "uk", "Too many attempts. Please try again after %(time)s.", time="X"
        ).split("X")[0]
    )
