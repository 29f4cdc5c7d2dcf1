"""Guessing a secret typed or scanned by a newcomer (a join code, a recovery code) is slowed down
per address: each unknown one (a 404) counts, 20 a minute. Successes never count, and a real
secret works even while the address is held back, since a whole house shares one Wi-Fi address."""

from collections.abc import Callable

from flask_limiter.util import get_remote_address

from .extensions import limiter

UNKNOWN_SECRET_LIMIT = "20 per minute"


def unknown_secret_limit(scope: str, is_real: Callable[[], bool], methods: list[str] | None = None):
    """A view decorator counting the view's 404s against the caller's address."""
    return limiter.shared_limit(
        UNKNOWN_SECRET_LIMIT,
        scope=scope,
        key_func=get_remote_address,
        methods=methods,
        deduct_when=lambda response: response.status_code == 404,
        exempt_when=is_real,
    )
