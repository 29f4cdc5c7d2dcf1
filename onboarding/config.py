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


MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
# Values seen in examples and tutorials: whoever read the same page can sign sessions.
PLACEHOLDER_SECRETS = {
    "changeme", "change-me", "change_me", "secret", "secret-key", "secretkey", "your-secret-key",
    "dev", "development", "test", "testing", "default", "password", "please-change-me",
}  # fmt: skip


def _check_production_secret(secret_key: str | None) -> None:
    """Production refuses a missing, short or well-known key: it signs every session."""
    if not secret_key:
        problem = "SECRET_KEY is not set"
    elif secret_key.strip().lower() in PLACEHOLDER_SECRETS:
        problem = "SECRET_KEY is a well-known placeholder"
    elif len(secret_key) < 32 or len(set(secret_key)) < 8:
        problem = "SECRET_KEY is too weak (use at least 32 random characters)"
    else:
        return
    raise ConfigError(
        f"{problem}. In production (AANKOMST_ENV=production) Aankomst refuses to start: set "
        f"SECRET_KEY to a long random value, made for example with: {MAKE_A_KEY}"
    )


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so demo links stay the same between runs."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def worker_count(argv: list[str], environ) -> int:
    """How many app processes gunicorn starts, from its command line, GUNICORN_CMD_ARGS or
    WEB_CONCURRENCY (1 when none says)."""
    words = [*argv, *environ.get("GUNICORN_CMD_ARGS", "").split()]
    for index, word in enumerate(words):
        value = None
        if word in ("-w", "--workers") and index + 1 < len(words):
            value = words[index + 1]
        elif word.startswith("--workers="):
            value = word.split("=", 1)[1]
        elif word.startswith("-w") and word[2:].isdigit():
            value = word[2:]
        if value and value.isdigit():
            return int(value)
    concurrency = environ.get("WEB_CONCURRENCY", "")
    return int(concurrency) if concurrency.isdigit() else 1


LIMITS_NEED_REDIS = (
    "%d app processes without REDIS_URL: each process counts failed logins and unknown join "
    "codes on its own, so every limit is %d times as high. Set REDIS_URL to share them."
)


LOG_FORMATS = ("json", "text")


def _log_format(value: str | None, production: bool) -> str:
    """`json` (one JSON object a line, the default in production) or `text`."""
    value = (value or ("json" if production else "text")).strip().lower()
    if value not in LOG_FORMATS:
        raise ConfigError(f"AANKOMST_LOG_FORMAT must be json or text (got {value!r})")
    return value


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask configuration from environment variables (listed in the README)."""
    env = os.environ if environ is None else environ
    production = env.get("AANKOMST_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY")
    if production:
        _check_production_secret(secret_key)
    elif not secret_key:
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
        "AANKOMST_LOG_FORMAT": _log_format(env.get("AANKOMST_LOG_FORMAT"), production),
        # Lets a scraper that is not on this machine read /metrics (Authorization: Bearer ...).
        "AANKOMST_METRICS_TOKEN": env.get("AANKOMST_METRICS_TOKEN") or None,
        # Newcomers keep their phone: a long session, renewed on every visit.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=180),
        # The cookie goes out again when the session changes or is renewed (at most daily).
        "SESSION_REFRESH_EACH_REQUEST": False,
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
