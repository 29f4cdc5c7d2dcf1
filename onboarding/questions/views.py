"""Question pages: the newcomer's /questions (ask, read answers, close) and /staff/questions
(read and answer)."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..accounts import newcomer_required
from ..content import Pack, current_pack, pack_text
from ..errors import AppError, ValidationError
from ..extensions import db
from ..i18n import _
from ..staff import staff_required
from ..staff.services import visible_locations
from .inputs import ANSWER_MAX, TEXT_MAX, parse_answer, parse_close, parse_question, topics
from .services import (
    DAILY_LIMIT,
    answer_question,
    ask_question,
    close_question,
    questions_of,
    staff_questions,
)

bp = Blueprint("questions", __name__)


def topic_titles(pack: Pack) -> dict[str, str]:
    """Step and help page titles by key, in the reader's language."""
    entries = (*pack.steps, *pack.help_pages)
    return {entry.key: pack_text(entry.title) for entry in entries}


@bp.route("/questions", methods=["GET", "POST"])
@newcomer_required
def page():
    """My questions with their answers, and a form to ask one (five a day)."""
    pack = current_pack()
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            ask_question(g.newcomer, parse_question(request.form, pack))
        except ValidationError as refused:
            db.session.rollback()
            errors, status = refused.fields, 400
        except AppError as refused:  # the daily limit
            if refused.status != 429:
                raise
            db.session.rollback()
            errors, status = {"text": refused.message}, 429
        else:
            flash(_("Your question was sent. You will see the answer here."))
            return redirect(url_for("questions.page"), code=303)
    topic = request.values.get("topic", "")
    return render_template(
        "questions/page.html",
        questions=questions_of(g.newcomer),
        titles=topic_titles(pack),
        topic=topic if topic in topics(pack) else "",
        text=request.form.get("text", "") if errors else "",
        errors=errors,
        text_max=TEXT_MAX,
        daily_limit=DAILY_LIMIT,
    ), status


@bp.post("/questions/<id:question_id>/close")
@newcomer_required
def close(question_id: int):
    """Close a question: it helped, it did not, or without saying."""
    close_question(g.newcomer, question_id, parse_close(request.form))
    flash(_("Thank you. The question is closed."))
    return redirect(url_for("questions.page"), code=303)


def _staff_page(errors: dict | None = None, answering: int | None = None, status: int = 200):
    """Open questions to answer, and answered ones the person has not closed yet."""
    shown = staff_questions(g.staff, ("open", "answered"))
    return render_template(
        "questions/staff.html",
        open_questions=[s for s in shown if s.question.status == "open"],
        answered=[s for s in shown if s.question.status == "answered"],
        titles=topic_titles(current_pack()),
        locations={location.id: location.name for location in visible_locations(g.staff)},
        errors=errors or {},
        answering=answering,
        form=request.form,
        answer_max=ANSWER_MAX,
    ), status


@bp.get("/staff/questions")
@staff_required()
def staff_page():
    """Questions for this staff member: their locations, in the languages they speak."""
    return _staff_page()


@bp.post("/staff/questions/<id:question_id>/answer")
@staff_required()
def staff_answer(question_id: int):
    """Answer one question; back to the list."""
    try:
        answer_question(g.staff, question_id, parse_answer(request.form))
    except ValidationError as refused:
        db.session.rollback()
        return _staff_page(refused.fields, question_id, 400)
    flash(_("Your answer was sent."))
    return redirect(url_for("questions.staff_page"), code=303)
