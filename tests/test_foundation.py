"""The app factory, configuration, security headers and the database set-up."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import time_machine
from flask import request as flask_request
from sqlalchemy import literal, select, text

from onboarding import create_app
from onboarding.clock import today_in_amsterdam
from onboarding.config import ConfigError, load_config
from onboarding.extensions import DescribedOnReadCursor, ResultDescription, db

from .conftest import translated

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("AANKOMST_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


STRONG_KEY = "k3Y-9fQ2_vLx8ZrT0mWp4sNc7HbJ6dGe1uAoYiRq"


def test_production_refuses_a_weak_or_placeholder_secret_key(tmp_path):
    for weak in ("x", "short-but-random-9f2", "x" * 40, "change-me", "Secret", "development"):
        with pytest.raises(ConfigError) as refused:
            load_config(tmp_path, {"AANKOMST_ENV": "production", "SECRET_KEY": weak})
        message = str(refused.value)
        assert "SECRET_KEY" in message, weak
        assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in message, weak
    accepted = load_config(tmp_path, {"AANKOMST_ENV": "production", "SECRET_KEY": STRONG_KEY})
    assert accepted["SECRET_KEY"] == STRONG_KEY
    # Development keeps working with any key, for tests and demos.
    assert load_config(tmp_path, {"SECRET_KEY": "x"})["SECRET_KEY"] == "x"


def test_production_sets_secure_cookies_and_hsts(tmp_path):
    config = load_config(
        tmp_path,
        {"AANKOMST_ENV": "production", "SECRET_KEY": STRONG_KEY, "DATABASE_URL": "sqlite://"},
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    app = create_app({**config})
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_keeps_a_stable_local_secret(tmp_path):
    first = load_config(tmp_path, {})["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(tmp_path, {})["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_variables_are_read(tmp_path):
    config = load_config(
        tmp_path,
        {
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgresql+psycopg://db/aankomst",
            "AANKOMST_PUBLIC_URL": "https://welkom.example/",
            "AANKOMST_CONTENT": "noordwijk",
            "AANKOMST_PROXY_FIX": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/aankomst"
    assert config["AANKOMST_PUBLIC_URL"] == "https://welkom.example"
    assert config["AANKOMST_PROXY_FIX"] is True
    assert config["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert load_config(tmp_path, {"SECRET_KEY": "s"})["SQLALCHEMY_DATABASE_URI"].startswith(
        "sqlite:///"
    )


def test_proxy_fix_takes_the_client_address_from_the_proxy(other_app):
    app = other_app(AANKOMST_PROXY_FIX=True)
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == "203.0.113.9"


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/csrf", "/join/unknown-token-aaaaaaaa"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_every_answer_carries_the_fixed_headers_once_and_a_views_own_wins(other_app):
    app = other_app(AANKOMST_ENV="production", SECRET_KEY="x" * 48, SESSION_COOKIE_SECURE=False)

    @app.get("/_framed")
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN"}

    client = app.test_client()
    asset = client.get("/manifest.webmanifest").headers
    for answer in (client.get("/_framed"), client.get("/no-such-page"), client.get("/api/v1/csrf")):
        names = [name.lower() for name, _value in answer.headers]
        for name in ("content-security-policy", "x-content-type-options", "x-frame-options",
                     "referrer-policy", "permissions-policy", "cross-origin-opener-policy",
                     "strict-transport-security"):  # fmt: skip
            assert names.count(name) == 1, (answer.request.path, name)
    assert client.get("/_framed").headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"
    assert asset["Strict-Transport-Security"].startswith("max-age=")


def test_a_kept_session_cookie_still_expires_and_a_changed_one_is_refused(app, api):
    """Checked cookies are kept per process (security.KeptCookieSessions); what a cookie says
    still ends with its lifetime, and a cookie changed by hand says nothing."""
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    signed = datetime(2027, 6, 9, 10, tzinfo=UTC)
    with time_machine.travel(signed, tick=False):
        api.form("/language", {"lang": "bg", "next": "/"})
        cookie = api.client.get_cookie("aankomst_session").value
        for _visit in range(2):
            assert '<html lang="bg"' in api.get("/").get_data(as_text=True)
    with time_machine.travel(signed + lifetime - timedelta(minutes=1), tick=False):
        assert '<html lang="bg"' in api.get("/").get_data(as_text=True)
    with time_machine.travel(signed + lifetime + timedelta(minutes=1), tick=False):
        assert '<html lang="en"' in api.get("/").get_data(as_text=True)
    with time_machine.travel(signed, tick=False):
        # That answer set a new cookie (with a CSRF token and no language): the first again.
        api.client.set_cookie("aankomst_session", cookie)
        assert '<html lang="bg"' in api.get("/").get_data(as_text=True)
        payload, signature = cookie.rsplit(".", 1)
        api.client.set_cookie("aankomst_session", f"{payload}.{signature[::-1]}")
        assert '<html lang="en"' in api.get("/").get_data(as_text=True)


def test_a_kept_session_is_a_fresh_copy_and_lists_are_never_kept(app):
    from flask.sessions import SecureCookieSessionInterface

    from onboarding.security import KeptCookieSessions

    interface = app.session_interface
    assert isinstance(interface, KeptCookieSessions)
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    plain, listed = signer.dumps({"lang": "pl"}), signer.dumps({"_flashes": [["info", "Saved"]]})
    for cookie in (plain, listed):
        with app.test_request_context("/", headers={"Cookie": f"aankomst_session={cookie}"}):
            first = interface.open_session(app, flask_request)
            first.setdefault("_flashes", []).append(["info", "Another"])
            first["lang"] = "uk"
        with app.test_request_context("/", headers={"Cookie": f"aankomst_session={cookie}"}):
            again = interface.open_session(app, flask_request)
        assert again.get("lang") == ("pl" if cookie == plain else None)
        assert again.get("_flashes", []) == ([] if cookie == plain else [["info", "Saved"]])


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/api/v1/csrf")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_templates_have_no_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template
        assert "<style" not in source, template
        assert not re.search(r"\sstyle=", source), template
        assert not re.search(r"\son[a-z]+=", source), template


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    else:
        assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_unknown_page_is_a_translated_404(app, client):
    response = client.get("/no-such-page", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert translated(app, "pl", "This page does not exist.") in response.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "pl"})
    assert api.status_code == 404
    assert api.get_json()["error"] == {
        "code": "not_found",
        "message": translated(app, "pl", "This page does not exist."),
    }


def test_nothing_behind_a_session_is_kept_by_any_cache(
    app, newcomer_client, staff_client, make_location, make_api
):
    for path in ("/", "/steps/register_brp", "/api/v1/checklist", "/me/export", "/buddy"):
        response = newcomer_client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "Cookie" in response.headers["Vary"]
    location = make_location()
    admin = staff_client("admin")
    [code] = admin.post("/api/v1/codes", json={"location_id": location}).get_json()["codes"]
    for path in (
        "/staff/",
        f"/staff/locations/{location}",
        f"/staff/codes/print?ids={code['id']}",
        f"/staff/codes/sheet.pdf?ids={code['id']}",  # join codes on paper
        f"/staff/codes/sheet.svg?ids={code['id']}",
        "/staff/admin/buddies.csv",
        code["qr_png_url"],
        "/api/v1/codes",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
    # Public pages and shared files keep their own rules.
    anonymous = make_api()
    assert anonymous.get("/").headers["Cache-Control"] == "private, no-cache"
    assert anonymous.get("/staff/login").headers["Cache-Control"] == "private, no-cache"
    assert newcomer_client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert newcomer_client.get("/offline").headers["Cache-Control"] != "private, no-store"


def test_a_locked_sqlite_database_answers_503_not_500(tmp_path, other_app):
    """Past the busy timeout the person gets a clear "try again" instead of a crash."""
    import sqlite3

    path = tmp_path / "busy.db"
    app = other_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=50)
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        client = app.test_client()
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        answer = client.post(
            "/api/v1/recover",
            json={"recovery_code": "ABCD-EFGH-JKMN-PQRS"},
            headers={"X-CSRFToken": token},
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json()["error"]["code"] == "busy"


def test_forms_work_over_https_in_production(other_app, make_code):
    """Strict CSRF over HTTPS needs a same-origin Referer, which our Referrer-Policy keeps."""
    app = other_app(AANKOMST_ENV="production", WTF_CSRF_SSL_STRICT=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    base = "https://localhost"
    token = client.get("/api/v1/csrf", base_url=base).get_json()["csrf_token"]
    answer = client.post(
        "/api/v1/join",
        json={
            "token": make_code(),
            "language": "pl",
            "arrival_date": today_in_amsterdam().isoformat(),
            "stay_plan": "short",
        },
        headers={"X-CSRFToken": token, "Referer": f"{base}/join/abc"},
        base_url=base,
    )
    assert answer.status_code == 201, answer.get_json()


def test_deeply_nested_json_is_a_400(api, caplog):
    # The rate limits of these three read the body before the view does; nothing may fail there.
    for path in ("/api/v1/join", "/api/v1/recover", "/api/v1/staff/login"):
        answer = api.post(path, data="[" * 100_000, content_type="application/json")
        assert answer.status_code == 400
        assert answer.get_json()["error"]["code"] == "invalid_json"
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []


def test_production_warns_when_several_processes_count_limits_apart(tmp_path, monkeypatch, caplog):
    from onboarding.config import worker_count

    assert worker_count(["gunicorn", "-w", "4", "wsgi:app"], {}) == 4
    assert worker_count(["gunicorn", "--workers=3"], {}) == 3
    assert worker_count(["gunicorn", "-w2"], {}) == 2
    assert worker_count(["gunicorn"], {"GUNICORN_CMD_ARGS": "--workers 5"}) == 5
    assert worker_count(["gunicorn"], {"WEB_CONCURRENCY": "6"}) == 6
    assert worker_count(["flask", "run"], {}) == 1
    config = {"AANKOMST_ENV": "production", "SECRET_KEY": STRONG_KEY, "DATABASE_URL": "sqlite://"}
    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "2", "wsgi:app"])
    with caplog.at_level("WARNING"):
        create_app(load_config(tmp_path, config))
    assert "2 app processes without REDIS_URL" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app(load_config(tmp_path, {**config, "REDIS_URL": "redis://127.0.0.1:6379/0"}))
        create_app(load_config(tmp_path, {"SECRET_KEY": "dev", "DATABASE_URL": "sqlite://"}))
    assert "REDIS_URL" not in caplog.text


def test_an_id_the_database_cannot_hold_is_a_404_for_every_method(api):
    # Two methods share the path; the range check once ran after the method check (a 405).
    for user_id in ("0", "00", "01", "2147483648", "99999999999"):
        for method in ("POST", "DELETE"):
            answer = api.call(method, f"/api/v1/buddy/approve/{user_id}")
            assert answer.status_code == 404, (method, user_id)
            assert answer.get_json()["error"]["code"] == "not_found"
    for user_id in ("1", "2147483647"):  # the whole range reaches the view: not signed in
        assert api.call("DELETE", f"/api/v1/buddy/approve/{user_id}").status_code == 401


class _Result:
    """A stand-in for psycopg's PGresult: two named columns of known types."""

    nfields, status = 2, None

    def fname(self, index: int) -> bytes:
        return [b"step_key", "überall".encode()][index]

    def ftype(self, index: int) -> int:
        return [25, 1082][index]


def test_a_results_description_is_made_when_read_and_says_what_psycopg_says(app):
    """DescribedOnReadCursor: DB-API entries, made on reading; on PostgreSQL the same names
    and type codes as psycopg's own, None after a statement without rows, and SQLAlchemy
    reads new statements (whose description it does read) and known ones alike."""
    described = ResultDescription(_Result(), "utf-8")
    assert len(described) == 2
    assert described[0] == ("step_key", 25, None, None, None, None, None)
    assert described[-1][:2] == ("überall", 1082)
    assert [entry[0] for entry in described[::-1]] == ["überall", "step_key"]
    with pytest.raises(IndexError):
        described[2]
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        connection = db.engine.raw_connection()
        try:
            driver = connection.driver_connection
            assert driver.cursor_factory is DescribedOnReadCursor
            query = "SELECT 1 AS one, 'x'::text AS two, now()::date AS three"
            ours, theirs = driver.cursor(), psycopg.Cursor(driver)
            ours.execute(query)
            theirs.execute(query)
            assert [tuple(entry[:2]) for entry in ours.description] == [
                (column.name, column.type_code) for column in theirs.description
            ]
            ours.execute("SET search_path TO public")
            assert ours.description is None
            ours.execute("SELECT")
            assert ours.description is not None and len(ours.description) == 0
        finally:
            connection.close()
        for _ in range(2):  # first compiled and described, then known
            assert db.session.execute(text("SELECT 7 AS seven")).one().seven == 7
            assert db.session.execute(select(literal(8).label("eight"))).one().eight == 8
