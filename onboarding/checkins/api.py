"""Check-in API: the questions due now, answering one, and "not now" / "never ask me"."""

from flask import Response, g, jsonify, request

from ..accounts import newcomer_required
from ..api import bp
from ..api.openapi import CSRF, error, json_content
from ..validation import json_body
from .inputs import parse_answer, parse_dismissal
from .models import CATEGORIES, DAYS, SCORE_MAX, SCORE_MIN, TOPICS
from .present import checkin_json, help_after
from .services import CHECKINS, answer_checkin, dismiss_checkin, due_checkins, known_checkin


@bp.get("/checkins")
@newcomer_required
def api_checkins():
    """The check-ins due now, earliest first, in the person's language."""
    return jsonify({"due": [checkin_json(checkin) for checkin in due_checkins(g.newcomer)]})


@bp.post("/checkins")
@newcomer_required
def api_answer_checkin():
    """Answer one check-in with a score and maybe a category; once only."""
    values = parse_answer(json_body())
    answer = answer_checkin(g.newcomer, values.checkin, values.score, values.category)
    help = help_after(answer.topic, answer.category, answer.score)
    body = {
        "key": answer.key,
        "topic": answer.topic,
        "score": answer.score,
        "category": answer.category,
        "help_url": help[0] if help else None,
    }
    return jsonify(body), 201


@bp.post("/checkins/<key>/dismiss")
@newcomer_required
def api_dismiss_checkin(key: str):
    """ "Not now" (ask again in 3 days) or, with never, no check-ins any more."""
    checkin = known_checkin(key)
    never = parse_dismissal(json_body() if request.get_data() else {})
    dismiss_checkin(g.newcomer, checkin, never)
    return Response(status=204)


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

_KEYS = [checkin.key for checkin in CHECKINS]
_ALL_CATEGORIES = sorted({key for keys in CATEGORIES.values() for key in keys})
_CHECKIN = {
    "type": "object",
    "required": ["key", "day", "topic", "question", "categories"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "enum": _KEYS},
        "day": {"type": "integer", "enum": list(DAYS), "description": "Days after arrival"},
        "topic": {"type": "string", "enum": list(TOPICS)},
        "question": {"type": "string", "description": "In the reader's language"},
        "categories": {
            "type": "array",
            "description": "What may be wrong, to choose one of with the answer (optional)",
            "items": {
                "type": "object",
                "required": ["key", "label"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "enum": _ALL_CATEGORIES},
                    "label": {"type": "string"},
                },
            },
        },
    },
}
_ANSWER = {
    "type": "object",
    "required": ["key", "score"],
    "properties": {
        "key": {"type": "string", "enum": _KEYS},
        "score": {
            "type": "integer",
            "minimum": SCORE_MIN,
            "maximum": SCORE_MAX,
            "description": "1 very bad … 5 very good",
        },
        "category": {
            "type": "string",
            "enum": _ALL_CATEGORIES,
            "description": "One of the check-in's categories",
        },
    },
}
_ANSWERED = {
    "type": "object",
    "required": ["key", "topic", "score", "category", "help_url"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "enum": _KEYS},
        "topic": {"type": "string", "enum": list(TOPICS)},
        "score": {"type": "integer", "minimum": SCORE_MIN, "maximum": SCORE_MAX},
        "category": {"type": "string", "enum": [*_ALL_CATEGORIES, None], "nullable": True},
        "help_url": {
            "type": "string",
            "nullable": True,
            "description": "A help page to offer after a low score (1 or 2), else null",
        },
    },
}
_KEY = [
    {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "enum": _KEYS}}
]

OPENAPI = {
    "paths": {
        "/api/v1/checkins": {
            "get": {
                "summary": "The check-ins due now (day 7, 30, 90 after arrival), earliest first",
                "responses": {
                    "200": {
                        "description": "Due check-ins; empty when none, or when switched off",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["due"],
                                "additionalProperties": False,
                                "properties": {"due": {"type": "array", "items": _CHECKIN}},
                            }
                        ),
                    },
                    "401": error("Not signed in"),
                },
            },
            "post": {
                "summary": "Answer a check-in; only counted in anonymous insights",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(_ANSWER)},
                "responses": {
                    "201": {"description": "Stored", **json_content(_ANSWERED)},
                    "400": error("Invalid key, score or category"),
                    "401": error("Not signed in"),
                    "409": error("Already answered, or not open (not yet, or too long ago)"),
                },
            },
        },
        "/api/v1/checkins/{key}/dismiss": {
            "post": {
                "summary": "Not now (asked again in 3 days), or never ask me (all check-ins)",
                "parameters": CSRF + _KEY,
                "requestBody": json_content(
                    {"type": "object", "properties": {"never": {"type": "boolean"}}}
                ),
                "responses": {
                    "204": {"description": "Done"},
                    "400": error("Invalid input"),
                    "401": error("Not signed in"),
                    "404": error("No such check-in"),
                },
            }
        },
    },
}
