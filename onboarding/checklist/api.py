"""Checklist API: read, change one step, and replay offline changes."""

from flask import g, jsonify

from ..accounts import newcomer_required, read_with_session, reads_with_session
from ..api import bp
from ..api.openapi import CSRF, DATE, NOT_SIGNED_IN, error, exact, json_content, ref
from ..content import current_pack
from ..transactions import read_only
from ..validation import json_body
from .inputs import NOTE_MAX, OP_ID_MAX, STUCK_REASON_MAX, SYNC_BATCH_MAX, parse_change, parse_ops
from .models import STATUSES, STUCK_CATEGORIES
from .present import checklist_json, item_json
from .services import PROGRESS_COLUMNS, apply_sync, build_checklist, update_step


@bp.get("/checklist")
@read_only
@reads_with_session(*PROGRESS_COLUMNS)
@newcomer_required
def api_checklist():
    """The person's steps, by due date."""
    items = build_checklist(g.newcomer, current_pack(), progress=read_with_session().rows)
    return jsonify(checklist_json(items))


@bp.patch("/checklist/<key>")
@newcomer_required
def api_update_step(key: str):
    """Change status, note or "I'm stuck" of one step."""
    change = parse_change(json_body())
    return jsonify(item_json(update_step(g.newcomer, current_pack(), key, change)))


@bp.post("/sync")
@newcomer_required
def api_sync():
    """Replay changes made offline; each op_id takes effect once."""
    results = apply_sync(g.newcomer, current_pack(), parse_ops(json_body()))
    return jsonify({"results": results})


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

OPENAPI = {
    "paths": {
        "/api/v1/checklist": {
            "get": {
                "summary": "The person's checklist, by due date, undated last",
                "responses": {
                    "200": {
                        "description": "Steps",
                        **json_content(exact({"steps": {"type": "array", "items": ref("Step")}})),
                    },
                    "401": NOT_SIGNED_IN,
                },
            }
        },
        "/api/v1/checklist/{key}": {
            "patch": {
                "summary": "Change one step (counts as made at server time)",
                "parameters": CSRF
                + [{"name": "key", "in": "path", "required": True, "schema": ref("StepKey")}],
                "requestBody": {"required": True, **json_content(ref("StepChange"))},
                "responses": {
                    "200": {"description": "The step", **json_content(ref("Step"))},
                    "400": error("Invalid input"),
                    "401": NOT_SIGNED_IN,
                    "404": error("Not on this checklist"),
                },
            }
        },
        "/api/v1/sync": {
            "post": {
                "summary": "Replay offline changes; each op_id applies once, newest `at` wins",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(ref("SyncRequest"))},
                "responses": {
                    "200": {"description": "A result per op", **json_content(ref("SyncResponse"))},
                    "400": error("Invalid input"),
                    "401": NOT_SIGNED_IN,
                },
            }
        },
    },
    "schemas": {
        "Step": exact(
            {
                "key": ref("StepKey"),
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "status": {"type": "string", "enum": list(STATUSES)},
                "due_date": {**DATE, "nullable": True},
                "due_kind": {"type": "string", "enum": ["deadline", "target"]},
                "overdue": {"type": "boolean"},
                "note": {"type": "string", "nullable": True},
                "stuck": {"type": "boolean"},
                "stuck_reason": {"type": "string", "nullable": True},
                "stuck_category": {
                    "type": "string",
                    "enum": [*STUCK_CATEGORIES, None],
                    "nullable": True,
                },
                "requires": {"type": "array", "items": ref("StepKey")},
                "blocked": {"type": "boolean"},
            }
        ),
        "StepChange": {
            "type": "object",
            "minProperties": 1,
            "properties": {
                "status": {"type": "string", "enum": list(STATUSES)},
                "note": {"type": "string", "maxLength": NOTE_MAX, "nullable": True},
                "stuck": {"type": "boolean"},
                "stuck_reason": {"type": "string", "maxLength": STUCK_REASON_MAX, "nullable": True},
                "stuck_category": {
                    "type": "string",
                    "enum": [*STUCK_CATEGORIES, None],
                    "nullable": True,
                },
            },
        },
        "SyncRequest": {
            "type": "object",
            "required": ["ops"],
            "properties": {
                "ops": {
                    "type": "array",
                    "maxItems": SYNC_BATCH_MAX,
                    "items": {
                        "allOf": [
                            ref("StepChange"),
                            {
                                "type": "object",
                                "required": ["op_id", "key", "at"],
                                "properties": {
                                    "op_id": {"type": "string", "maxLength": OP_ID_MAX},
                                    "key": {"type": "string"},
                                    "at": {"type": "string", "format": "date-time"},
                                },
                            },
                        ]
                    },
                }
            },
        },
        "SyncResponse": exact(
            {
                "results": {
                    "type": "array",
                    "items": exact(
                        {
                            "op_id": {"type": "string", "nullable": True},
                            "result": {
                                "type": "string",
                                "enum": ["applied", "duplicate", "superseded", "invalid"],
                            },
                            "error": {"type": "string", "description": "Why, when invalid"},
                        },
                        optional=("error",),
                    ),
                }
            }
        ),
    },
}
