"""The app factory, configuration, security headers and the database set-up."""

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from onboarding import create_app
from onboarding.clock import today_in_amsterdam
from onboarding.config import ConfigError, load_config
from onboarding.extensions import db

from .conftest import translated

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("AANKOMST_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_sets_secure_cookies_and_hsts(tmp_path):
    config = load_config(
        tmp_path,
        {"AANKOMST_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"},
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


def test_personal_pages_are_not_kept_by_shared_caches(newcomer_client):
    for path in ("/", "/steps/register_brp", "/api/v1/checklist"):
        response = newcomer_client.get(path)
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "Cookie" in response.headers["Vary"]
    assert newcomer_client.get("/api/v1/me/export").headers["Cache-Control"] == "no-store"


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


def test_deeply_nested_json_is_a_400(api):
    answer = api.post("/api/v1/join", data="[" * 100_000, content_type="application/json")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_json"
