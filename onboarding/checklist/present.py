"""The checklist as the API shows it."""

from ..content import pack_texts
from ..i18n import _, _l, format_day
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


def due_line(item: ChecklistItem) -> str:
    """When a step is due, as the list and the step page say it. In Python, not a template
    macro: a macro call cost the list a sixth of its work, for one sentence per step."""
    day = format_day(item.due_date)
    if item.step.due.kind == "deadline":
        return _("Deadline: %(date)s", date=day)
    if item.passed:
        return _("Planned for %(date)s", date=day)
    return _("Try to do this by %(date)s", date=day)


def item_json(item: ChecklistItem, texts: dict[str, str] | None = None) -> dict:
    """A step as the API documents it (see the OpenAPI document), in the reader's language
    (`texts`: the pack's texts in that language, when the caller has them already)."""
    texts = pack_texts() if texts is None else texts
    step = item.step
    return {
        "key": item.key,
        "title": texts.get(step.title, step.title),
        "summary": texts.get(step.summary, step.summary),
        "status": item.status,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "due_kind": step.due.kind,
        "overdue": item.overdue,
        "note": item.note,
        "stuck": item.stuck,
        "stuck_reason": item.stuck_reason,
        "stuck_category": item.stuck_category,
        "requires": [required.key for required in item.requires],
        "blocked": item.blocked,
    }


def checklist_json(items: list[ChecklistItem]) -> dict:
    """The whole checklist as `GET /api/v1/checklist` answers it."""
    texts = pack_texts()
    return {"steps": [item_json(item, texts) for item in items]}
