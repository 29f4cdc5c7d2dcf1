"""Guessing codes is slowed down: unknown tokens count against the address, 20 a minute.
Successful joins never count, since a whole house shares one Wi-Fi address."""

from flask_limiter.util import get_remote_address

from ..extensions import limiter

UNKNOWN_CODE_LIMIT = "20 per minute"

unknown_code_limit = limiter.shared_limit(
    UNKNOWN_CODE_LIMIT,
    scope="join-unknown-code",
    key_func=get_remote_address,
    deduct_when=lambda response: response.status_code == 404,
)
