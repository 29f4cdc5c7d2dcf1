"""Configuration read from the environment, with safe defaults for a local run."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot give a safe configuration."""


def _days_list(value: str) -> tuple[int, ...]:
    """Days before a due date that get a reminder, e.g. "3,1"."""
    try:
        days = tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))
    except ValueError:
        raise ConfigError(
            f"AANKOMST_REMINDER_DAYS must be numbers like 3,1 (got {value!r})"
        ) from None
    if any(day < 1 or day > 60 for day in days):
        raise ConfigError("AANKOMST_REMINDER_DAYS must be whole days from 1 to 60")
    return days


def _inactive_days(value: str) -> int:
    """How long an unused account is kept before `purge-inactive` erases it."""
    if not value.strip().isdigit() or not 30 <= int(value) <= 3650:
        raise ConfigError(
            f"AANKOMST_INACTIVE_DAYS must be whole days from 30 to 3650 (got {value!r})"
        )
    return int(value)


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so demo links stay the same between runs."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask configuration from environment variables (listed in the README)."""
    env = os.environ if environ is None else environ
    production = env.get("AANKOMST_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production (AANKOMST_ENV=production) Aankomst "
                "refuses to start without it: set SECRET_KEY to a long random value, e.g. "
                "the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        secret_key = _dev_secret_key(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'aankomst.db'}"
    return {
        "AANKOMST_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "AANKOMST_CONTENT": env.get("AANKOMST_CONTENT", "noordwijk"),
        "AANKOMST_PUBLIC_URL": env.get("AANKOMST_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "AANKOMST_PROXY_FIX": env.get("AANKOMST_PROXY_FIX") == "1",
        "VAPID_PRIVATE_KEY": env.get("VAPID_PRIVATE_KEY") or None,
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT") or None,
        "AANKOMST_PUSH_ALLOW_INSECURE": env.get("AANKOMST_PUSH_ALLOW_INSECURE") == "1",
        "REMINDER_DAYS_BEFORE": _days_list(env.get("AANKOMST_REMINDER_DAYS", "3,1")),
        "AANKOMST_INACTIVE_DAYS": _inactive_days(env.get("AANKOMST_INACTIVE_DAYS", "365")),
        # Newcomers keep their phone: a long session, renewed on every visit.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=180),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "aankomst_session",
        "WTF_CSRF_TIME_LIMIT": 24 * 3600,
        "WTF_CSRF_SSL_STRICT": production,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "SQLITE_BUSY_TIMEOUT_MS": 15000,
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }
