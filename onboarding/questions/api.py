"""Questions API: the newcomer asks, reads answers and closes; staff read and answer."""

from flask import Response, g, jsonify, request

from ..accounts import newcomer_required
from ..api import bp
from ..api.openapi import CSRF, LANGUAGE_TAGS, NOT_SIGNED_IN, error, json_content, ref
from ..content import current_pack
from ..staff import staff_required
from ..validation import json_body
from .inputs import ANSWER_MAX, TEXT_MAX, parse_answer, parse_close, parse_question
from .models import STATUSES
from .present import question_json, staff_question_json
from .services import (
    answer_question,
    ask_question,
    close_question,
    questions_of,
    staff_questions,
)


@bp.post("/questions")
@newcomer_required
def api_ask_question():
    """Ask the staff of one's location a question, in any language (five a day)."""
    question = ask_question(g.newcomer, parse_question(json_body(), current_pack()))
    return jsonify({"id": question.id}), 201


@bp.get("/questions")
@newcomer_required
def api_questions():
    """The person's questions and their answers, newest first."""
    return jsonify({"questions": [question_json(q) for q in questions_of(g.newcomer)]})


@bp.post("/questions/<id:question_id>/close")
@newcomer_required
def api_close_question(question_id: int):
    """Close one's question, saying whether the answer helped (or not saying)."""
    helped = parse_close(json_body() if request.data else {})
    close_question(g.newcomer, question_id, helped)
    return Response(status=204)


@bp.get("/staff/questions")
@staff_required()
def api_staff_questions():
    """Open questions this staff member may answer; each one read is audited."""
    return jsonify({"questions": [staff_question_json(s) for s in staff_questions(g.staff)]})


@bp.post("/staff/questions/<id:question_id>/answer")
@staff_required()
def api_answer_question(question_id: int):
    """Answer a question one may see (others: 404); the person gets a push if switched on."""
    answer_question(g.staff, question_id, parse_answer(json_body()))
    return Response(status=201)


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

_QUESTION_ID = [
    {"name": "question_id", "in": "path", "required": True, "schema": {"type": "integer"}}
]
_TIMESTAMP = {"type": "string", "format": "date-time"}

OPENAPI = {
    "paths": {
        "/api/v1/questions": {
            "post": {
                "summary": "Ask the staff of one's location a question (at most 5 a day)",
                "parameters": CSRF,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
                                "topic": {
                                    "type": "string",
                                    "nullable": True,
                                    "description": "A step key or help page key",
                                },
                            },
                        }
                    ),
                },
                "responses": {
                    "201": {
                        "description": "Asked",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["id"],
                                "additionalProperties": False,
                                "properties": {"id": {"type": "integer"}},
                            }
                        ),
                    },
                    "400": error("Invalid input"),
                    "401": NOT_SIGNED_IN,
                    "429": error("Five questions asked today already"),
                },
            },
            "get": {
                "summary": "The person's questions with their answers, newest first",
                "responses": {
                    "200": {
                        "description": "Questions",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["questions"],
                                "additionalProperties": False,
                                "properties": {
                                    "questions": {"type": "array", "items": ref("Question")}
                                },
                            }
                        ),
                    },
                    "401": NOT_SIGNED_IN,
                },
            },
        },
        "/api/v1/questions/{question_id}/close": {
            "post": {
                "summary": "Close one's question; say whether the answer helped (optional)",
                "parameters": CSRF + _QUESTION_ID,
                "requestBody": json_content(
                    {
                        "type": "object",
                        "properties": {"helped": {"type": "boolean", "nullable": True}},
                    }
                ),
                "responses": {
                    "204": {"description": "Closed"},
                    "400": error("Invalid input"),
                    "401": NOT_SIGNED_IN,
                    "404": error("Not this person's question"),
                },
            }
        },
        "/api/v1/staff/questions": {
            "get": {
                "summary": (
                    "Open questions of the caller's locations in languages they speak (admins: "
                    "every location, and any unanswered for 2 days); each read is audited"
                ),
                "responses": {
                    "200": {
                        "description": "Questions, longest waiting first",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["questions"],
                                "additionalProperties": False,
                                "properties": {
                                    "questions": {"type": "array", "items": ref("StaffQuestion")}
                                },
                            }
                        ),
                    },
                    "401": error("Not signed in as staff"),
                },
            }
        },
        "/api/v1/staff/questions/{question_id}/answer": {
            "post": {
                "summary": "Answer a question one may see (audited; a push to the person)",
                "parameters": CSRF + _QUESTION_ID,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {"type": "string", "minLength": 1, "maxLength": ANSWER_MAX}
                            },
                        }
                    ),
                },
                "responses": {
                    "201": {"description": "Answered"},
                    "400": error("Invalid input"),
                    "401": error("Not signed in as staff"),
                    "404": error("Unknown, closed, or not for this staff member"),
                },
            }
        },
    },
    "schemas": {
        "Question": {
            "type": "object",
            "required": ["id", "text", "topic", "status", "answers"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "topic": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": list(STATUSES)},
                "answers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["text", "at"],
                        "additionalProperties": False,
                        "properties": {"text": {"type": "string"}, "at": _TIMESTAMP},
                    },
                },
            },
        },
        "StaffQuestion": {
            "type": "object",
            "required": [
                "id",
                "text",
                "topic",
                "language",
                "location_id",
                "label",
                "status",
                "asked_at",
            ],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "text": {"type": "string"},
                "topic": {"type": "string", "nullable": True},
                "language": {"type": "string", "enum": LANGUAGE_TAGS},
                "location_id": {"type": "integer", "nullable": True},
                "label": {"type": "string", "description": "The nickname, or a neutral label"},
                "status": {"type": "string", "enum": list(STATUSES)},
                "asked_at": _TIMESTAMP,
            },
        },
    },
}
