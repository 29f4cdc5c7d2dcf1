"""Staff sign-in and the locations list in the JSON API."""

from flask import Response, g, jsonify

from ..api import bp
from ..api.openapi import CSRF, error, exact, json_content
from ..validation import json_body
from . import not_signed_in_error, sign_in_staff, sign_out_staff, staff_required
from .limits import failed_login_limits
from .models import ROLES
from .services import authenticate, record, visible_locations


@bp.post("/staff/login")
@failed_login_limits
def api_staff_login():
    """Log in with email and password; the session id is new."""
    data = json_body()
    staff = authenticate(data.get("email"), data.get("password"))
    sign_in_staff(staff)
    record(staff, "staff.login")
    return jsonify(
        {
            "role": staff.role,
            "email": staff.email,
            "location_ids": [location.id for location in staff.locations],
        }
    )


@bp.post("/staff/logout")
@staff_required()
def api_staff_logout():
    """Log out of the staff session."""
    record(g.staff, "staff.logout")
    sign_out_staff()
    return Response(status=204)


@bp.get("/locations")
def api_locations():
    """Housing locations: a coordinator's own; all for admins and newcomers."""
    if g.get("staff") is None and g.get("newcomer") is None:
        raise not_signed_in_error()
    locations = visible_locations(g.get("staff"))
    return jsonify(
        {
            "locations": [
                {"id": loc.id, "name": loc.name, "village": loc.village, "address": loc.address}
                for loc in locations
            ]
        }
    )


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

OPENAPI = {
    "paths": {
        "/api/v1/staff/login": {
            "post": {
                "summary": "Staff login (email case-insensitive); a new session id",
                "parameters": CSRF,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["email", "password"],
                            "properties": {
                                "email": {"type": "string"},
                                "password": {"type": "string"},
                            },
                        }
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Logged in",
                        **json_content(
                            exact(
                                {
                                    "role": {"type": "string", "enum": list(ROLES)},
                                    "email": {"type": "string"},
                                    "location_ids": {"type": "array", "items": {"type": "integer"}},
                                }
                            )
                        ),
                    },
                    "401": error("Wrong email or password (one message for both)"),
                    "403": error("Account switched off"),
                    "429": error("Too many failed attempts; says when to try again"),
                },
            }
        },
        "/api/v1/staff/logout": {
            "post": {
                "summary": "Staff logout",
                "parameters": CSRF,
                "responses": {"204": {"description": "Logged out"}, "401": error("Not signed in")},
            }
        },
        "/api/v1/locations": {
            "get": {
                "summary": "Housing locations (staff: their own; admins and newcomers: all)",
                "responses": {
                    "200": {
                        "description": "Locations",
                        **json_content(
                            exact(
                                {
                                    "locations": {
                                        "type": "array",
                                        "items": exact(
                                            {
                                                "id": {"type": "integer"},
                                                "name": {"type": "string"},
                                                "village": {"type": "string"},
                                                "address": {"type": "string", "nullable": True},
                                            }
                                        ),
                                    }
                                }
                            )
                        ),
                    },
                    "401": error("Not signed in"),
                },
            }
        },
    },
}
