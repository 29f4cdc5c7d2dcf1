"""API for joining, recovery and "forget this device"."""

from flask import Response, g, jsonify
from flask_wtf.csrf import generate_csrf

from ..api import bp
from ..codes.limits import unknown_code_limit
from ..validation import json_body
from . import CLEAR_SITE_DATA, already_signed_in_error, newcomer_required, sign_in, sign_out
from .services import join, parse_profile, recover


@bp.post("/join")
@unknown_code_limit
def api_join():
    """Redeem a join code and sign in on this device; the recovery code is shown once."""
    if g.newcomer is not None:
        raise already_signed_in_error()
    data = json_body()
    profile = parse_profile(data)
    newcomer, recovery_code = join(data.get("token"), profile)
    sign_in(newcomer)
    # Signing in starts a new session, so the client needs the new session's CSRF token.
    response = jsonify({"recovery_code": recovery_code, "csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.post("/recover")
def api_recover():
    """Sign in on this device with a recovery code."""
    sign_in(recover(json_body().get("recovery_code")))
    response = jsonify(
        {"language": g.newcomer.language.replace("_", "-"), "csrf_token": generate_csrf()}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
@newcomer_required
def api_logout():
    """Forget this device."""
    sign_out()
    return Response(status=204, headers={"Clear-Site-Data": CLEAR_SITE_DATA})
