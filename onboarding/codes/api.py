"""Join codes in the JSON API: issue, list, revoke, and their QR images."""

from dataclasses import asdict

from flask import Response, g, jsonify, request

from ..api import bp
from ..api.openapi import CSRF, DATE, LANGUAGE_TAGS, error, exact, json_content, ref
from ..errors import AppError
from ..i18n import _
from ..staff import staff_required
from ..staff.services import location_for, visible_locations
from ..validation import json_body
from .inputs import COUNT_MAX, DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS_MAX, GROUP_MAX, parse_code_request
from .models import OnboardingCode
from .present import code_json
from .qr import qr_png, qr_svg
from .services import (
    code_for,
    code_token,
    codes_of,
    issue_codes,
    join_url,
    revoke_code,
)


@bp.post("/codes")
@staff_required()
def api_issue_codes():
    """Issue 1 to 200 codes for a location."""
    data = json_body()
    location = location_for(g.staff, data.get("location_id"))
    issued = issue_codes(location, staff=g.staff, **asdict(parse_code_request(data)))
    return jsonify({"codes": [code_json(code, token) for code, token in issued]}), 201


@bp.get("/codes")
@staff_required()
def api_list_codes():
    """Codes with uses and state, for one location or all of the staff member's."""
    raw = request.args.get("location_id")
    if raw is not None:
        ids = [location_for(g.staff, raw).id]
    else:
        ids = [location.id for location in visible_locations(g.staff)]
    return jsonify({"codes": [code_json(c, code_token(c)) for c in codes_of(ids)]})


@bp.delete("/codes/<id:code_id>")
@staff_required()
def api_revoke_code(code_id: int):
    """Revoke a code: it stops working at once."""
    revoke_code(g.staff, code_for(g.staff, code_id))
    return Response(status=204)


def _token_or_gone(code: OnboardingCode) -> str:
    token = code_token(code)
    if token is None:
        raise AppError(
            "code_unreadable", 410, _("This code can no longer be printed. Please issue a new one.")
        )
    return token


@bp.get("/codes/<id:code_id>/qr.png")
@staff_required()
def code_qr_png(code_id: int):
    """The code's QR image as PNG."""
    url = join_url(_token_or_gone(code_for(g.staff, code_id)))
    return Response(qr_png(url), mimetype="image/png")


@bp.get("/codes/<id:code_id>/qr.svg")
@staff_required()
def code_qr_svg(code_id: int):
    """The code's QR image as SVG."""
    url = join_url(_token_or_gone(code_for(g.staff, code_id)))
    return Response(qr_svg(url), mimetype="image/svg+xml")


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

_CODE_ID = [{"name": "code_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_STAFF_ONLY = {"401": error("Not signed in as staff"), "403": error("Not your location")}


def _image(kind: str) -> dict:
    return {
        "get": {
            "summary": f"The code's QR image ({kind})",
            "parameters": _CODE_ID,
            "responses": {
                "200": {"description": "The image", "content": {kind: {}}},
                **_STAFF_ONLY,
                "404": error("Unknown code"),
                "410": error("Unreadable since SECRET_KEY changed: issue a new code"),
            },
        }
    }


OPENAPI = {
    "paths": {
        "/api/v1/codes": {
            "post": {
                "summary": "Issue 1 to 200 join codes for a location",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(ref("CodeRequest"))},
                "responses": {
                    "201": {
                        "description": "The codes",
                        **json_content(exact({"codes": {"type": "array", "items": ref("Code")}})),
                    },
                    "400": error("Invalid input"),
                    **_STAFF_ONLY,
                    "404": error("Unknown location"),
                },
            },
            "get": {
                "summary": "Codes with uses and state",
                "parameters": [
                    {
                        "name": "location_id",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The codes",
                        **json_content(exact({"codes": {"type": "array", "items": ref("Code")}})),
                    },
                    **_STAFF_ONLY,
                    "400": error("location_id is not a number"),
                    "404": error("Unknown location"),
                },
            },
        },
        "/api/v1/codes/{code_id}": {
            "delete": {
                "summary": "Revoke a code",
                "parameters": CSRF + _CODE_ID,
                "responses": {
                    "204": {"description": "Revoked"},
                    **_STAFF_ONLY,
                    "404": error("Unknown code"),
                },
            }
        },
        "/api/v1/codes/{code_id}/qr.png": _image("image/png"),
        "/api/v1/codes/{code_id}/qr.svg": _image("image/svg+xml"),
    },
    "schemas": {
        "Code": exact(
            {
                "id": {"type": "integer"},
                "location_id": {"type": "integer"},
                "token": {
                    "type": "string",
                    "nullable": True,
                    "description": "null once SECRET_KEY changed",
                },
                "url": {"type": "string", "nullable": True},
                "qr_png_url": {"type": "string"},
                "qr_svg_url": {"type": "string"},
                "max_uses": {"type": "integer", "minimum": 1},
                "uses": {"type": "integer", "minimum": 0},
                "state": {"type": "string", "enum": ["active", "used_up", "expired", "revoked"]},
                "language": {"type": "string", "enum": [*LANGUAGE_TAGS, None], "nullable": True},
                "arrival_date": {**DATE, "nullable": True},
                "expires_at": {"type": "string", "format": "date-time"},
                "created_at": {"type": "string", "format": "date-time"},
            }
        ),
        "CodeRequest": {
            "type": "object",
            "required": ["location_id"],
            "properties": {
                "location_id": {"type": "integer"},
                "count": {"type": "integer", "minimum": 1, "maximum": COUNT_MAX, "default": 1},
                "single_use": {"type": "boolean", "default": True},
                "max_uses": {"type": "integer", "minimum": 2, "maximum": GROUP_MAX},
                "expires_in_days": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": EXPIRY_DAYS_MAX,
                    "default": DEFAULT_EXPIRY_DAYS,
                },
                "language": {"type": "string", "enum": LANGUAGE_TAGS},
                "arrival_date": {**DATE, "description": "At most a year before or after today"},
            },
        },
    },
}
