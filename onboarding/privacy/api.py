"""API: the person's data export and erasure."""

from flask import Response, g, jsonify

from ..accounts import CLEAR_SITE_DATA, newcomer_required, sign_out
from ..api import bp
from ..api.openapi import CSRF, NOT_SIGNED_IN, json_content
from .services import erase_person, export_person


@bp.get("/me/export")
@newcomer_required
def api_export():
    """Everything stored about the person."""
    return jsonify(export_person(g.newcomer))


@bp.delete("/me")
@newcomer_required
def api_delete_me():
    """Erase the person and sign out."""
    erase_person(g.newcomer)
    sign_out()
    return Response(status=204, headers={"Clear-Site-Data": CLEAR_SITE_DATA})


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

OPENAPI = {
    "paths": {
        "/api/v1/me/export": {
            "get": {
                "summary": "Everything stored about the person",
                "responses": {
                    "200": {
                        "description": "The data: each feature's part, and what is never stored",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["profile", "checklist", "not_stored"],
                                "properties": {
                                    "profile": {"type": "object"},
                                    "checklist": {"type": "array", "items": {"type": "object"}},
                                    "not_stored": {"type": "string"},
                                },
                            }
                        ),
                    },
                    "401": NOT_SIGNED_IN,
                },
            }
        },
        "/api/v1/me": {
            "delete": {
                "summary": "Erase the person and everything that belongs to them",
                "parameters": CSRF,
                "responses": {"204": {"description": "Erased"}, "401": NOT_SIGNED_IN},
            }
        },
    },
}
