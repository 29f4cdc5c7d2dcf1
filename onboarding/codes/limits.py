"""Guessing codes is slowed down: unknown tokens count against the address, 20 a minute.
Successful joins never count, and a real code works even while the address is blocked, since
a whole house shares one Wi-Fi address."""

from flask import request
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from .services import code_exists

UNKNOWN_CODE_LIMIT = "20 per minute"


def _real_code() -> bool:
    """The request carries a code that exists (usable or not): never held back by guessers."""
    token = (request.view_args or {}).get("token")
    if token is None and request.is_json:
        body = request.get_json(silent=True)
        token = body.get("token") if isinstance(body, dict) else None
    return code_exists(token)


unknown_code_limit = limiter.shared_limit(
    UNKNOWN_CODE_LIMIT,
    scope="join-unknown-code",
    key_func=get_remote_address,
    deduct_when=lambda response: response.status_code == 404,
    exempt_when=_real_code,
)
