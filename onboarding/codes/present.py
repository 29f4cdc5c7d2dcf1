"""Join codes as the API shows them to staff."""

from flask import url_for

from .models import OnboardingCode
from .services import code_state, join_url


def code_json(code: OnboardingCode, token: str | None) -> dict:
    """A code as the API shows it to staff (the token only while SECRET_KEY is unchanged)."""
    return {
        "id": code.id,
        "location_id": code.location_id,
        "token": token,
        "url": join_url(token) if token else None,
        "qr_png_url": url_for("api.code_qr_png", code_id=code.id, _external=False),
        "qr_svg_url": url_for("api.code_qr_svg", code_id=code.id, _external=False),
        "max_uses": code.max_uses,
        "uses": code.uses,
        "state": code_state(code),
        "language": code.language.replace("_", "-") if code.language else None,
        "arrival_date": code.arrival_date.isoformat() if code.arrival_date else None,
        "expires_at": code.expires_at.isoformat(),
        "created_at": code.created_at.isoformat(),
    }
