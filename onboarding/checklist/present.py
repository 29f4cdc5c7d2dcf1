"""The checklist as the API and the list page show it."""

from flask import get_template_attribute, render_template
from markupsafe import Markup, escape

from ..content import pack_texts
from ..i18n import _, _l, current_language, format_day
from ..templating import kept_per_mount_point
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


# Where a kept card takes the page's own due line and CSRF field.
DUE_LINE_HOLE, CSRF_FIELD_HOLE = "\x00due-line\x00", "\x00csrf-field\x00"


def step_cards(
    items: list[ChecklistItem], due_lines: dict[str, str], step_urls: dict[str, str]
) -> list[Markup]:
    """The list page's cards. A card shows the step in the reader's language and the state of
    their step, which many people share: rendered once per language and state and kept with the
    pack, it saves the page most of its template work (a step's card cost about 700 Python
    opcodes to render, a kept one about 50). The due line (a date) and the CSRF field (the
    session's) are put in per page."""
    language = current_language()
    csrf_field = get_template_attribute("_macros/forms.html", "csrf")()
    cards = []
    for item in items:
        state = (
            "card", language, item.key, item.status, item.overdue, item.due_date is not None,
            item.stuck, tuple(step.key for step in item.blocked_by),
        )  # fmt: skip
        card = kept_per_mount_point(state, lambda item=item: _render_card(item, step_urls))
        if item.due_date is not None:
            card = card.replace(DUE_LINE_HOLE, escape(due_lines[item.key]))
        cards.append(Markup(card.replace(CSRF_FIELD_HOLE, csrf_field)))
    return cards


def _render_card(item: ChecklistItem, step_urls: dict[str, str]) -> str:
    return render_template(
        "checklist/_card.html",
        item=item,
        step_urls=step_urls,
        due_line=Markup(DUE_LINE_HOLE),
        csrf_field=Markup(CSRF_FIELD_HOLE),
    )


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
