"""The checklist as the API shows it."""

from ..content import pack_text
from .services import ChecklistItem


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
