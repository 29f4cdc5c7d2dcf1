"""Failed staff logins are limited per account and per address, shared by page and API."""

from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..validation import submitted

LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"


def _login_email() -> str:
    email = submitted("email")
    return (
        f"account:{email.strip().lower()}"
        if isinstance(email, str) and email.strip()
        else "account:-"
    )


def _failed(response) -> bool:
    return response.status_code == 401


_per_account = limiter.shared_limit(
    LOGIN_LIMIT_PER_ACCOUNT, scope="staff-login-account", key_func=_login_email, deduct_when=_failed
)
_per_address = limiter.shared_limit(
    LOGIN_LIMIT_PER_ADDRESS,
    scope="staff-login-address",
    key_func=get_remote_address,
    deduct_when=_failed,
)


def failed_login_limits(view):
    """Both limits on a login view; only failed attempts (401) count."""
    return _per_account(_per_address(view))
