"""GET /api/v1/insights: the insights page's counts as JSON, k-anonymous."""

from flask import g, jsonify

from ..api import bp
from ..api.openapi import DATE, LANGUAGE_TAGS, NOT_SIGNED_IN, error, json_content, ref
from ..checklist.models import STUCK_CATEGORIES
from ..staff.services import forbidden_error, not_signed_in_error
from .anonymity import K
from .present import insights_json
from .views import current_insights


@bp.get("/insights")
def api_insights():
    """Coordinators for their own locations, admins for all; a newcomer is refused (403)."""
    if g.get("staff") is None:
        raise forbidden_error() if g.get("newcomer") is not None else not_signed_in_error()
    return jsonify(insights_json(current_insights()))


COUNT = {
    "type": "integer",
    "nullable": True,
    "description": f"0 or at least {K}; null when from 1 to {K - 1} or when it could reveal one",
}


def _counts(*names: str) -> dict:
    return {
        "type": "object",
        "required": [*names, "suppressed"],
        "properties": {**dict.fromkeys(names, COUNT), "suppressed": {"type": "boolean"}},
    }


def _count_map(keys=None) -> dict:
    schema = {"type": "object", "additionalProperties": COUNT}
    if keys:
        schema["properties"] = dict.fromkeys(keys, COUNT)
    return schema


OPENAPI = {
    "paths": {
        "/api/v1/insights": {
            "get": {
                "summary": "k-anonymous counts for the municipality (staff)",
                "parameters": [
                    {"name": "location_id", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "language",
                        "in": "query",
                        "schema": {"type": "string", "enum": LANGUAGE_TAGS},
                    },
                    {"name": "since", "in": "query", "schema": DATE},
                ],
                "responses": {
                    "200": {"description": "The counts", **json_content(ref("Insights"))},
                    "400": error("A filter is not valid (named in fields)"),
                    "401": NOT_SIGNED_IN,
                    "403": error("Not staff, or a location the caller may not see"),
                    "404": error("No such location"),
                },
            }
        }
    },
    "schemas": {
        "Insights": {
            "type": "object",
            "required": [
                "k",
                "people",
                "steps",
                "brp_median_days",
                "buddy_requests",
                "checkins",
                "questions",
            ],
            "properties": {
                "k": {"type": "integer", "enum": [K]},
                "people": COUNT,
                "suppressed": {"type": "boolean"},
                "steps": {
                    "type": "array",
                    "items": {
                        "allOf": [
                            _counts("applies", "done", "skipped", "stuck"),
                            {
                                "type": "object",
                                "required": ["key", "stuck_categories"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "stuck_categories": _count_map(STUCK_CATEGORIES),
                                },
                            },
                        ]
                    },
                },
                "brp_median_days": {"type": "number", "nullable": True},
                "buddy_requests": {
                    "allOf": [
                        _counts("made", "matched", "unmatched"),
                        {
                            "type": "object",
                            "properties": {
                                "by_language": {
                                    "type": "object",
                                    "additionalProperties": _counts("made", "matched", "unmatched"),
                                }
                            },
                        },
                    ]
                },
                "checkins": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["answers", "mean", "categories", "suppressed"],
                        "properties": {
                            "answers": COUNT,
                            "mean": {"type": "number", "nullable": True},
                            "categories": _count_map(),
                            "suppressed": {"type": "boolean"},
                        },
                    },
                },
                "questions": {
                    "type": "object",
                    "required": ["asked", "topics", "suppressed"],
                    "properties": {
                        "asked": COUNT,
                        "topics": _count_map(),
                        "suppressed": {"type": "boolean"},
                    },
                },
            },
        }
    },
}
