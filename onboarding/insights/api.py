"""GET /api/v1/insights: the insights page's counts as JSON, k-anonymous."""

from flask import g, jsonify

from ..api import bp
from ..api.openapi import DATE, LANGUAGE_TAGS, NOT_SIGNED_IN, error, exact, json_content, ref
from ..checkins.models import CATEGORIES as CHECKIN_CATEGORIES
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
    "minimum": 0,
    "nullable": True,
    "description": f"0 or at least {K}; null when from 1 to {K - 1} or when it could reveal one",
}


def _counts(*names: str, **more: dict) -> dict:
    return exact({**dict.fromkeys(names, COUNT), **more, "suppressed": {"type": "boolean"}})


_COUNT_BY_KEY = {"type": "object", "additionalProperties": COUNT}
_BUDDY_COUNTS = ("made", "matched", "unmatched")


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
        "Insights": exact(
            {
                "k": {"type": "integer", "enum": [K]},
                "people": COUNT,
                "suppressed": {"type": "boolean"},
                "steps": {
                    "type": "array",
                    "items": _counts(
                        "applies",
                        "done",
                        "skipped",
                        "stuck",
                        key=ref("StepKey"),
                        stuck_categories=exact(dict.fromkeys(STUCK_CATEGORIES, COUNT)),
                    ),
                },
                "brp_median_days": {"type": "number", "nullable": True},
                "buddy_requests": _counts(
                    *_BUDDY_COUNTS,
                    by_language={
                        "type": "object",
                        "description": "By ISO 639-1 code",
                        "additionalProperties": _counts(*_BUDDY_COUNTS),
                    },
                ),
                "checkins": exact(
                    {
                        topic: _counts(
                            "answers",
                            mean={"type": "number", "minimum": 1, "maximum": 5, "nullable": True},
                            categories=exact(dict.fromkeys(categories, COUNT)),
                        )
                        for topic, categories in CHECKIN_CATEGORIES.items()
                    }
                ),
                "questions": _counts(
                    "asked", topics={**_COUNT_BY_KEY, "description": "Non-zero, by topic key"}
                ),
            }
        )
    },
}
