"""Checklist API: read, change one step, and replay offline changes."""

from flask import g, jsonify

from ..accounts import newcomer_required
from ..api import bp
from ..content import current_pack, pack_text
from ..validation import json_body
from .services import ChecklistItem, apply_sync, build_checklist, parse_changes, update_step


def item_json(item: ChecklistItem) -> dict:
    """A step as the API documents it (see the OpenAPI document), in the reader's language."""
    return {
        "key": item.key,
        "title": pack_text(item.step.title),
        "summary": pack_text(item.step.summary),
        "status": item.status,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "due_kind": item.step.due.kind,
        "overdue": item.overdue,
        "note": item.note,
        "stuck": item.stuck,
        "stuck_reason": item.stuck_reason,
        "requires": [step.key for step in item.requires],
        "blocked": item.blocked,
    }


@bp.get("/checklist")
@newcomer_required
def api_checklist():
    """The person's steps, by due date."""
    items = build_checklist(g.newcomer, current_pack())
    return jsonify({"steps": [item_json(item) for item in items]})


@bp.patch("/checklist/<key>")
@newcomer_required
def api_update_step(key: str):
    """Change status, note or "I'm stuck" of one step."""
    changes = parse_changes(json_body())
    return jsonify(item_json(update_step(g.newcomer, current_pack(), key, changes)))


@bp.post("/sync")
@newcomer_required
def api_sync():
    """Replay changes made offline; each op_id takes effect once."""
    results = apply_sync(g.newcomer, current_pack(), json_body().get("ops"))
    return jsonify({"results": results})
