"""Guessing join codes is slowed down per address (see `onboarding.guessing`)."""

from flask import request

from ..guessing import unknown_secret_limit
from .services import code_exists


def _real_code() -> bool:
    """The request carries a code that exists (usable or not): never held back by guessers."""
    token = (request.view_args or {}).get("token")
    if token is None and request.is_json:
        body = request.get_json(silent=True)
        token = body.get("token") if isinstance(body, dict) else None
    return code_exists(token)


unknown_code_limit = unknown_secret_limit("join-unknown-code", _real_code)
