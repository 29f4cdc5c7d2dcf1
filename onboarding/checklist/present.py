"""The checklist as the API shows it."""

from ..content import pack_texts
from ..i18n import _, _l, current_language, format_day
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


def due_lines(items: list[ChecklistItem]) -> dict[str, str]:
    """When each dated step is due, as the list and the step page say it, by step key. The
    three sentences and the reader's language are looked up once for the whole list: per step,
    through a template macro, this cost the list page a sixth of its work."""
    sentences = {
        "deadline": _("Deadline: %(date)s"),
        "passed": _("Planned for %(date)s"),
        "ahead": _("Try to do this by %(date)s"),
    }
    language = current_language()
    lines = {}
    for item in items:
        if item.due_date is None:
            continue
        kind = (
            "deadline" if item.step.due.kind == "deadline" else "passed" if item.passed else "ahead"
        )
        lines[item.key] = sentences[kind] % {"date": format_day(item.due_date, language=language)}
    return lines


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
