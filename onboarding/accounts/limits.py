"""Guessing recovery codes is slowed down per address (see `onboarding.guessing`)."""

from flask import request

from ..guessing import unknown_secret_limit
from .services import recovery_code_exists


def _real_recovery_code() -> bool:
    """The request carries someone's recovery code: never held back by guessers."""
    if request.is_json:
        body = request.get_json(silent=True)
        text = body.get("recovery_code") if isinstance(body, dict) else None
    else:
        text = request.form.get("recovery_code")
    return recovery_code_exists(text)


unknown_recovery_code_limit = unknown_secret_limit(
    "recover-unknown-code", _real_recovery_code, methods=["POST"]
)
