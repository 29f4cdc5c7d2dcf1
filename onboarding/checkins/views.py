"""The check-in card on the checklist (plain forms: one tap on a face answers), "not now",
"never ask me", and the switch on the settings page."""

from flask import Blueprint, flash, g, redirect, request, session, url_for

from ..accounts import newcomer_required
from ..errors import AppError
from ..i18n import _
from .inputs import parse_answer
from .present import CATEGORY_LABELS, LOW_SCORE, QUESTIONS, SCORES, help_after
from .services import (
    answer_checkin,
    dismiss_checkin,
    due_checkins,
    known_checkin,
    set_checkins_wanted,
    switched_off,
)

bp = Blueprint("checkins", __name__)
SECTION = "checkins"


def next_checkin() -> dict | None:
    """The first check-in due for the person on this page, as the card shows it; None when
    none is due or nobody is signed in. Called by the card's template, so only the checklist
    page asks the database."""
    newcomer = g.get("newcomer")
    due = due_checkins(newcomer) if newcomer is not None else []
    if not due:
        return None
    checkin = due[0]
    return {
        "key": checkin.key,
        "topic": checkin.topic,
        "question": str(QUESTIONS[checkin.topic]),
        "scores": [(score, mouth, str(label)) for score, mouth, label in SCORES],
        "categories": [(key, str(label)) for key, label in CATEGORY_LABELS[checkin.topic].items()],
    }


# After a hard answer, the checklist shows once where to find help (a link cannot be flashed).
HELP_KEY = "checkin_help"


def help_after_answer() -> dict | None:
    """The help link owed after a hard answer, once: {"url", "text"} in the page's language."""
    owed = session.pop(HELP_KEY, None)
    if not isinstance(owed, dict) or owed.get("topic") not in QUESTIONS:
        return None
    found = help_after(owed["topic"], owed.get("category"), LOW_SCORE)
    return {"url": found[0], "text": found[1]} if found else None


@bp.app_context_processor
def _card() -> dict:
    return {"next_checkin": next_checkin, "checkin_help": help_after_answer}


def settings_context(newcomer) -> dict:
    """What the settings page shows of this feature."""
    return {"wanted": not switched_off(newcomer)}


@bp.post("/checkins/<key>")
@newcomer_required
def answer(key: str):
    """A tap on a face (with the category, if one was chosen): thank, and point to help after
    a hard answer."""
    checkin = known_checkin(key)
    values = parse_answer({**request.form.to_dict(), "key": checkin.key})
    try:
        answer_checkin(g.newcomer, checkin, values.score, values.category)
    except AppError as refused:
        if refused.code != "already_answered":
            raise
        flash(_("You have already answered this question. Thank you."))  # a double tap
        return redirect(url_for("checklist.home"), code=303)
    flash(_("Thank you for your answer."))
    if help_after(checkin.topic, values.category, values.score):
        session[HELP_KEY] = {"topic": checkin.topic, "category": values.category}
    return redirect(url_for("checklist.home"), code=303)


@bp.post("/checkins/<key>/dismiss")
@newcomer_required
def dismiss(key: str):
    """ "Not now" or "Never ask me" on the card."""
    checkin = known_checkin(key)
    never = request.form.get("never") == "1"
    dismiss_checkin(g.newcomer, checkin, never)
    if never:
        flash(
            _(
                "We will not ask you these questions again. To switch them on, go to "
                "“My details and privacy”."
            )
        )
    else:
        flash(_("Okay. We will ask again in a few days."))
    return redirect(url_for("checklist.home"), code=303)


@bp.post("/settings/checkins")
@newcomer_required
def settings():
    """Short questions on or off, from the settings page."""
    set_checkins_wanted(g.newcomer, request.form.get("checkins") == "1")
    flash(_("Saved."))
    return redirect(url_for("accounts.settings"), code=303)
