"""Guessing join codes is slowed down per address (see `onboarding.guessing`)."""

from flask import request

from ..guessing import unknown_secret_limit
from ..validation import submitted
from .services import code_exists


def _real_code() -> bool:
    """The request carries a code that exists (usable or not): never held back by guessers."""
    token = (request.view_args or {}).get("token")
    return code_exists(token if token is not None else submitted("token"))


unknown_code_limit = unknown_secret_limit("join-unknown-code", _real_code)
