"""Device sessions, recovery codes, "forget this device", export and erasure."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, literal, select

from onboarding.accounts.models import DeviceSession, Newcomer
from onboarding.accounts.services import normalize_recovery_code, session_lookup
from onboarding.checklist.models import StepProgress, SyncOp
from onboarding.extensions import db
from onboarding.security import hash_token


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_recovery_code_restores_the_checklist_on_a_new_phone(joined, make_api):
    phone, recovery = joined()
    phone.patch("/api/v1/checklist/register_brp", json={"status": "done", "note": "afspraak 2 dec"})
    new_phone = make_api()
    assert new_phone.get("/api/v1/checklist").status_code == 401
    answer = new_phone.post(
        "/api/v1/recover", json={"recovery_code": recovery.lower().replace("-", " ")}
    )
    assert answer.status_code == 200
    steps = {s["key"]: s for s in new_phone.get("/api/v1/checklist").get_json()["steps"]}
    assert steps["register_brp"]["status"] == "done"
    assert steps["register_brp"]["note"] == "afspraak 2 dec"


def test_recovery_code_is_stored_only_as_a_hash(app, joined):
    _client, recovery = joined()
    with app.app_context():
        newcomer = db.session.scalar(select(Newcomer))
        assert newcomer.recovery_hash == hash_token(recovery)
        assert recovery not in repr([getattr(newcomer, c.key) for c in Newcomer.__table__.columns])


def test_recovery_refusals(app, make_api):
    bad_shape = make_api().post("/api/v1/recover", json={"recovery_code": "1234"})
    assert bad_shape.status_code == 400 and bad_shape.get_json()["error"]["code"] == "invalid_input"
    unknown = make_api().post("/api/v1/recover", json={"recovery_code": "ABCD-EFGH-JKMN-PQRS"})
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "recovery_code_unknown"
    assert make_api().post("/api/v1/recover", json={"recovery_code": 42}).status_code == 400
    assert make_api().post("/api/v1/recover", json={}).status_code == 400


def test_guessing_recovery_codes_is_limited_per_address_but_a_real_code_works(joined, make_api):
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _phone, recovery = joined()
        for _ in range(25):  # a code of the wrong shape is a typo, not a guess
            assert (
                make_api().post("/api/v1/recover", json={"recovery_code": "12"}).status_code == 400
            )
        for index in range(20):
            guess = {"recovery_code": f"ABCD-EFGH-JKMN-PQR{index % 10}"}
            assert make_api().post("/api/v1/recover", json=guess).status_code == 404
        guess = {"recovery_code": "ABCD-EFGH-JKMN-PQRS"}
        blocked = make_api().post("/api/v1/recover", json=guess)
        assert blocked.status_code == 429
        assert blocked.get_json()["error"]["code"] == "too_many_attempts"
        assert make_api().form("/recover", guess).status_code == 429
        assert make_api().get("/recover").status_code == 200  # the form still shows
        elsewhere = {"environ_base": {"REMOTE_ADDR": "198.51.100.9"}}
        assert make_api().post("/api/v1/recover", json=guess, **elsewhere).status_code == 404
        # A house shares one Wi-Fi address: a real code still works while guessing is blocked.
        assert (
            make_api().post("/api/v1/recover", json={"recovery_code": recovery}).status_code == 200
        )
        assert make_api().form("/recover", {"recovery_code": recovery}).status_code == 303
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        assert make_api().post("/api/v1/recover", json=guess).status_code == 404


def test_recovery_codes_forgive_case_spaces_and_look_alikes():
    assert normalize_recovery_code("abcd efgh jkmn pqr0") == "ABCD-EFGH-JKMN-PQR0"
    assert normalize_recovery_code("ABCD-EFGH-JKMN-PQRO") == "ABCD-EFGH-JKMN-PQR0"
    assert normalize_recovery_code("ABCD-EFGH-JKMN-PQRI") == "ABCD-EFGH-JKMN-PQR1"
    assert normalize_recovery_code("ABCD-EFGH-JKMN") is None
    assert normalize_recovery_code("ABCD-EFGH-JKMN-PQR!") is None


def test_recover_page_signs_in(app, joined, make_api):
    _phone, recovery = joined()
    browser = make_api()
    response = browser.form("/recover", {"recovery_code": recovery})
    assert response.status_code == 303
    assert browser.get("/api/v1/checklist").status_code == 200
    wrong = make_api().form("/recover", {"recovery_code": "ABCD-EFGH-JKMN-PQRS"})
    assert wrong.status_code == 404


def test_forget_this_device_ends_the_session_and_clears_site_data(app, newcomer_client):
    cookie = newcomer_client.client.get_cookie("aankomst_session")
    answer = newcomer_client.post("/api/v1/logout")
    assert answer.status_code == 204
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert newcomer_client.get("/api/v1/checklist").status_code == 401
    assert count(app, DeviceSession) == 0
    # The old cookie, replayed, no longer works either.
    replay = app.test_client()
    replay.set_cookie("aankomst_session", cookie.value)
    assert replay.get("/api/v1/checklist").status_code == 401


def test_logout_page_form(app, newcomer_client):
    response = newcomer_client.form("/logout", {})
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"]
    assert newcomer_client.get("/api/v1/checklist").status_code == 401


def test_logout_when_not_signed_in_is_401(api):
    answer = api.post("/api/v1/logout")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "not_signed_in"


def test_session_lasts_180_days_and_is_renewed_on_use(app, joined):
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        client, _recovery = joined()
    with time_machine.travel(start + timedelta(days=179), tick=False):
        assert client.get("/api/v1/checklist").status_code == 200  # renewed here
    with time_machine.travel(start + timedelta(days=179 + 179), tick=False):
        assert client.get("/api/v1/checklist").status_code == 200
    with time_machine.travel(start + timedelta(days=179 + 179 + 181), tick=False):
        assert client.get("/api/v1/checklist").status_code == 401


def test_session_cookie_is_persistent(newcomer_client):
    cookie = newcomer_client.client.get_cookie("aankomst_session")
    assert cookie.expires is not None
    assert cookie.expires - datetime.now(UTC) > timedelta(days=170)


def test_export_contains_everything_stored_about_the_person(newcomer_client):
    newcomer_client.patch(
        "/api/v1/checklist/register_gp",
        json={"status": "doing", "note": "Dr. at Voorstraat?", "stuck": True},
    )
    answer = newcomer_client.get("/api/v1/me/export")
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["profile"]["language"] == "pl"
    assert data["profile"]["stay_plan"] == "medium"
    assert data["checklist"] == [
        {
            "key": "register_gp",
            "status": "doing",
            "status_changed_at": data["checklist"][0]["status_changed_at"],
            "note": "Dr. at Voorstraat?",
            "stuck": True,
            "stuck_reason": None,
            "stuck_category": None,
        }
    ]
    assert len(data["devices"]) == 1
    download = newcomer_client.get("/me/export")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.get_json()["profile"] == data["profile"]


def test_delete_me_erases_everything_of_that_person_only(app, joined, make_api):
    other, _ = joined(make_api())
    other.patch("/api/v1/checklist/register_brp", json={"note": "keep me"})
    me, recovery = joined(make_api())
    me.patch("/api/v1/checklist/register_brp", json={"status": "done", "note": "mine"})
    me.post(
        "/api/v1/sync",
        json={
            "ops": [
                {
                    "op_id": "1",
                    "key": "register_gp",
                    "at": "2026-11-27T10:00:00+01:00",
                    "status": "doing",
                }
            ]
        },
    )
    answer = me.delete("/api/v1/me")
    assert answer.status_code == 204 and answer.headers["Clear-Site-Data"]
    assert count(app, Newcomer) == 1
    assert count(app, StepProgress) == 1 and count(app, SyncOp) == 0
    assert count(app, DeviceSession) == 1
    assert me.get("/api/v1/checklist").status_code == 401
    assert make_api().post("/api/v1/recover", json={"recovery_code": recovery}).status_code == 404
    assert other.get("/api/v1/checklist").get_json()["steps"]


def test_delete_page_needs_confirmation(app, newcomer_client):
    unconfirmed = newcomer_client.form("/me/delete", {})
    assert unconfirmed.status_code == 303 and count(app, Newcomer) == 1
    confirmed = newcomer_client.form("/me/delete", {"confirm": "yes"})
    assert confirmed.status_code == 303 and count(app, Newcomer) == 0


def test_newcomer_pages_send_strangers_to_the_start(client):
    for path in ("/settings", "/steps/register_brp", "/me/delete", "/me/export", "/welcome"):
        assert client.get(path).status_code == 302
    for path in ("/api/v1/checklist", "/api/v1/me/export"):
        assert client.get(path).status_code == 401


def test_join_and_recover_answers_carry_the_new_sessions_csrf_token(app, make_code, joined):
    from ..conftest import join_body

    client = app.test_client()
    old = client.get("/api/v1/csrf").get_json()["csrf_token"]
    joined_answer = client.post(
        "/api/v1/join", json=join_body(make_code()), headers={"X-CSRFToken": old}
    )
    assert joined_answer.status_code == 201
    new = joined_answer.get_json()["csrf_token"]
    patch = {"status": "doing"}
    stale = client.patch("/api/v1/checklist/register_gp", json=patch, headers={"X-CSRFToken": old})
    assert stale.status_code == 400 and stale.get_json()["error"]["code"] == "csrf_failed"
    fresh = client.patch("/api/v1/checklist/register_gp", json=patch, headers={"X-CSRFToken": new})
    assert fresh.status_code == 200
    recovery = joined_answer.get_json()["recovery_code"]
    phone = app.test_client()
    token = phone.get("/api/v1/csrf").get_json()["csrf_token"]
    answer = phone.post(
        "/api/v1/recover", json={"recovery_code": recovery}, headers={"X-CSRFToken": token}
    )
    after = phone.patch(
        "/api/v1/checklist/register_gp",
        json=patch,
        headers={"X-CSRFToken": answer.get_json()["csrf_token"]},
    )
    assert after.status_code == 200


def test_the_recovery_code_never_sits_readable_in_the_cookie(app, api, make_code):
    import base64
    import zlib

    token = make_code()
    api.client.get(f"/join/{token}?language=en")
    api.form(
        f"/join/{token}",
        {
            "language": "en",
            "arrival_date": datetime.now(UTC).date().isoformat(),
            "stay_plan": "short",
        },
    )
    cookie = api.client.get_cookie("aankomst_session").value
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()
    page = api.get("/welcome").get_data(as_text=True)
    shown = page.split('class="recovery-code" translate="no">')[1].split("<")[0]
    assert shown.count("-") == 3
    assert shown not in text


def test_an_unseen_recovery_code_expires_from_the_cookie(app, api, make_code):
    token = make_code()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        api.client.get(f"/join/{token}?language=en")
        api.form(
            f"/join/{token}",
            {"language": "en", "arrival_date": start.date().isoformat(), "stay_plan": "short"},
        )
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert api.get("/welcome").status_code == 302


def test_a_new_recovery_code_replaces_the_old_one(app, joined, make_api):
    phone, old_code = joined(language="en")
    answer = phone.form("/settings/recovery-code", {})
    assert answer.headers["Location"].endswith("/welcome")
    page = phone.get("/welcome").get_data(as_text=True)
    assert "Your old recovery code no longer works." in page
    new_code = page.split('class="recovery-code" translate="no">')[1].split("<")[0]
    assert new_code != old_code
    assert make_api().post("/api/v1/recover", json={"recovery_code": old_code}).status_code == 404
    assert make_api().post("/api/v1/recover", json={"recovery_code": new_code}).status_code == 200


def test_a_session_lookup_refuses_rows_that_would_say_something_else_than_they_seem():
    """Built at import: a clashing name (SQLAlchemy would rename it quietly), a second table
    (every person's rows would come along) or a first joined column that may be NULL (it tells
    a missing row) is a programming error, refused at once."""
    assert session_lookup(StepProgress.step_key, StepProgress.status).joined_width == 2
    with pytest.raises(ValueError, match="unique"):
        session_lookup(StepProgress.step_key, StepProgress.id)  # the newcomer's id
    with pytest.raises(ValueError, match="unique"):
        session_lookup(values=[literal("x").label("language")])
    with pytest.raises(ValueError, match="one table"):
        session_lookup(StepProgress.step_key, SyncOp.op_id)
    with pytest.raises(ValueError, match="NOT NULL"):
        session_lookup(StepProgress.note, StepProgress.step_key)


def form_token(client) -> str:
    """The CSRF token in a page's form (the language switcher), as a browser sends it back."""
    page = client.get("/").get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_a_pages_form_token_is_kept_a_few_minutes_then_signed_anew(joined, make_api):
    """Pages sign a session's form token once every ten minutes (kept in between); each session
    has its own, and every token a page gives is accepted by a form for the day it is valid."""
    moment = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)

    def switch_language(client, token):
        return client.client.post("/language", data={"csrf_token": token, "lang": "pl"})

    with time_machine.travel(moment, tick=False):
        phone, _ = joined()
        other, _ = joined(make_api())
        first = form_token(phone)
        assert form_token(other) != first
    with time_machine.travel(moment + timedelta(minutes=9), tick=False):
        assert form_token(phone) == first
    with time_machine.travel(moment + timedelta(minutes=11), tick=False):
        second = form_token(phone)
        assert second != first
    with time_machine.travel(moment + timedelta(minutes=10), tick=False):
        # The clock set back: a token signed "later" than now would be refused, so none is given.
        earlier = form_token(phone)
        assert earlier not in (first, second)
        assert switch_language(phone, first).status_code == 303
        assert switch_language(phone, earlier).status_code == 303
    with time_machine.travel(moment + timedelta(hours=24, minutes=5), tick=False):
        assert switch_language(phone, first).status_code == 400  # older than a day
        assert switch_language(phone, earlier).status_code == 303
