"""Guessing recovery codes is slowed down per address (see `onboarding.guessing`)."""

from ..guessing import unknown_secret_limit
from ..validation import submitted
from .services import recovery_code_exists


def _real_recovery_code() -> bool:
    """The request carries someone's recovery code: never held back by guessers."""
    return recovery_code_exists(submitted("recovery_code"))


unknown_recovery_code_limit = unknown_secret_limit(
    "recover-unknown-code", _real_recovery_code, methods=["POST"]
)
