"""The checklist as the API shows it."""

from ..content import pack_text
from ..i18n import _l
from .services import ChecklistItem

# What each "I'm stuck" category says, to the person and (as a count) to the municipality.
STUCK_CATEGORY_LABELS = {
    "dont_understand": _l("I do not understand what to do"),
    "no_appointment": _l("I cannot get an appointment"),
    "costs_money": _l("It costs money I do not have"),
    "employer_or_agency": _l("My employer or agency is in the way"),
    "language": _l("The language is a problem"),
    "other": _l("Something else"),
}


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
        "stuck_category": item.stuck_category,
        "requires": [step.key for step in item.requires],
        "blocked": item.blocked,
    }
