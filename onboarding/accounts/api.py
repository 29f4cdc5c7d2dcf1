"""API for joining, recovery and "forget this device"."""

from flask import Response, g, jsonify
from flask_wtf.csrf import generate_csrf

from ..api import bp
from ..api.openapi import (
    CSRF,
    DATE,
    LANGUAGE_TAGS,
    NOT_SIGNED_IN,
    error,
    exact,
    json_content,
    ref,
)
from ..codes.limits import unknown_code_limit
from ..validation import json_body
from . import CLEAR_SITE_DATA, already_signed_in_error, newcomer_required, sign_in, sign_out
from .inputs import NICKNAME_MAX, parse_profile
from .limits import unknown_recovery_code_limit
from .models import STAY_PLANS
from .services import join, recover


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
@unknown_recovery_code_limit
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


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

OPENAPI = {
    "paths": {
        "/api/v1/join": {
            "post": {
                "summary": "Redeem a join code and sign in on this device",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(ref("JoinRequest"))},
                "responses": {
                    "201": {
                        "description": "Joined; the recovery code is shown only now",
                        **json_content(
                            exact(
                                {
                                    "recovery_code": {"type": "string"},
                                    "csrf_token": {
                                        "type": "string",
                                        "description": "The new session's token",
                                    },
                                }
                            )
                        ),
                    },
                    "400": error("Invalid input"),
                    "404": error("Unknown code (code_unknown)"),
                    "409": error("Already signed in (already_signed_in)"),
                    "410": error("Expired, used up or revoked code"),
                    "429": error(
                        "Too many unknown codes from this address; says when to try again"
                    ),
                },
            }
        },
        "/api/v1/recover": {
            "post": {
                "summary": "Sign in on this device with a recovery code",
                "parameters": CSRF,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["recovery_code"],
                            "properties": {"recovery_code": {"type": "string"}},
                        }
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Signed in",
                        **json_content(
                            exact(
                                {
                                    "language": {"type": "string", "enum": LANGUAGE_TAGS},
                                    "csrf_token": {"type": "string"},
                                }
                            )
                        ),
                    },
                    "400": error("Not a recovery code"),
                    "404": error("Unknown recovery code"),
                    "429": error(
                        "Too many unknown recovery codes from this address; says when to try again"
                    ),
                },
            }
        },
        "/api/v1/logout": {
            "post": {
                "summary": "Forget this device",
                "parameters": CSRF,
                "responses": {"204": {"description": "Signed out"}, "401": NOT_SIGNED_IN},
            }
        },
    },
    "schemas": {
        "JoinRequest": {
            "type": "object",
            "required": ["token", "language", "arrival_date", "stay_plan"],
            "properties": {
                "token": {"type": "string"},
                "language": {"type": "string", "enum": LANGUAGE_TAGS + ["pt_BR"]},
                "arrival_date": DATE,
                "first_workday_date": {**DATE, "nullable": True},
                "stay_plan": {"type": "string", "enum": list(STAY_PLANS)},
                "nickname": {"type": "string", "maxLength": NICKNAME_MAX, "nullable": True},
                "temporary_protection": {"type": "boolean"},
                "eu_citizen": {"type": "boolean", "nullable": True},
            },
        },
    },
}
