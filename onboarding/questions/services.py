"""The rules of asking a person: who may ask how often, which staff see a question (one rule,
for the page and the API alike), answering, closing, and how long questions are kept."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import url_for
from sqlalchemy import and_, delete, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Newcomer
from ..clock import AMSTERDAM, amsterdam_date, iso, utcnow
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from ..push.jobs import dispatch
from ..push.messages import queue, speaking_to
from ..security import keyed_digest
from ..staff.models import StaffUser
from ..staff.services import record
from .inputs import NewQuestion
from .models import Question, QuestionAnswer

DAILY_LIMIT = 5
# A question nobody who speaks its language answered in this time goes to every admin.
ESCALATE_AFTER = timedelta(days=2)
# Closed questions, and answered ones never closed, are kept this long (from closing, or from
# the last answer).
KEEP = timedelta(days=180)


# --- the newcomer's side -----------------------------------------------------------------


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar day in Amsterdam that `now` falls on, as UTC moments [start, end)."""
    day = amsterdam_date(now)
    start = datetime.combine(day, time(), AMSTERDAM)
    end = datetime.combine(day + timedelta(days=1), time(), AMSTERDAM)
    return start.astimezone(UTC), end.astimezone(UTC)


def too_many_questions_error() -> AppError:
    return AppError(
        "too_many_questions",
        429,
        _(
            "You can ask at most %(max)d questions a day. Please ask again tomorrow.",
            max=DAILY_LIMIT,
        ),
    )


def ask_question(newcomer: Newcomer, values: NewQuestion, now: datetime | None = None) -> Question:
    """Store a question for the staff of the person's location who speak their language; at
    most five a calendar day (in Amsterdam), also when several arrive at once: the person's row
    is locked while counting (SQLite writes one transaction at a time anyway)."""
    now = now or utcnow()
    db.session.execute(select(Newcomer.id).where(Newcomer.id == newcomer.id).with_for_update())
    start, end = _day_bounds(now)
    asked = db.session.scalar(
        select(func.count(Question.id)).where(
            Question.newcomer_id == newcomer.id, Question.asked_at >= start, Question.asked_at < end
        )
    )
    if asked >= DAILY_LIMIT:
        raise too_many_questions_error()
    question = Question(
        newcomer_id=newcomer.id,
        location_id=newcomer.location_id,
        language=newcomer.language,
        topic=values.topic,
        text=values.text,
        status="open",
        asked_at=now,
    )
    db.session.add(question)
    db.session.flush()
    return question


def questions_of(newcomer: Newcomer) -> list[Question]:
    """The person's questions with their answers, newest first."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.newcomer_id == newcomer.id)
            .options(selectinload(Question.answers))
            .order_by(Question.asked_at.desc(), Question.id.desc())
        )
    )


def _not_found() -> AppError:
    return AppError("question_unknown", 404, _("This question does not exist."))


def close_question(
    newcomer: Newcomer, question_id: int, helped: bool | None, now: datetime | None = None
) -> Question:
    """The person closes their question and may say whether the answer helped; closing again
    changes nothing. Someone else's question is unknown (404)."""
    question = db.session.scalar(
        select(Question)
        .where(Question.id == question_id, Question.newcomer_id == newcomer.id)
        .with_for_update()
    )
    if question is None:
        raise _not_found()
    if question.status != "closed":
        question.status, question.helped = "closed", helped
        question.closed_at = now or utcnow()
        db.session.flush()
    return question


# --- the staff's side --------------------------------------------------------------------


def visible_to(staff: StaffUser, now: datetime):
    """The one rule for which questions a staff member may see and answer (any that is not
    closed): a coordinator those of their locations in languages they speak; an admin those of
    every location in languages they speak, and any still unanswered after two days."""
    spoken = staff.language_codes
    in_their_language = Question.language.in_(spoken) if spoken else false()
    if staff.is_admin:
        waiting = and_(Question.status == "open", Question.asked_at <= now - ESCALATE_AFTER)
        rule = or_(in_their_language, waiting)
    else:
        location_ids = [location.id for location in staff.locations]
        rule = and_(in_their_language, Question.location_id.in_(location_ids))
    return and_(Question.status != "closed", rule)


@dataclass(frozen=True)
class StaffQuestion:
    """A question as staff see it: a label instead of the person, and whether it reached an
    admin only because nobody who speaks its language answered in two days."""

    question: Question
    label: str
    escalated: bool


def label(question: Question, nickname: str | None) -> str:
    """The nickname, or a neutral label that differs per question and says nothing more."""
    if nickname:
        return nickname
    code = keyed_digest("question-label", str(question.id), 2).hex().upper()
    # i18n: shown to staff instead of a name; %(code)s is four letters and digits, e.g. 4F2A
    return _("Newcomer %(code)s", code=code)


def staff_questions(
    staff: StaffUser, statuses: tuple[str, ...] = ("open",), now: datetime | None = None
) -> list[StaffQuestion]:
    """The questions this staff member may see, longest waiting first; each one read is
    written to the audit log."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Question, Newcomer.nickname)
        .join(Newcomer, Newcomer.id == Question.newcomer_id)
        .where(visible_to(staff, now), Question.status.in_(statuses))
        .options(selectinload(Question.answers))
        .order_by(Question.asked_at, Question.id)
    ).all()
    spoken = set(staff.language_codes)
    shown = []
    for question, nickname in rows:
        record(staff, "question.read", question.location_id, f"question #{question.id}")
        shown.append(
            StaffQuestion(question, label(question, nickname), question.language not in spoken)
        )
    return shown


def answer_question(
    staff: StaffUser, question_id: int, text: str, now: datetime | None = None
) -> QuestionAnswer:
    """Answer a question this staff member may see (else 404, as if it did not exist); audited,
    and the person hears of it by push when they switched notifications on."""
    now = now or utcnow()
    question = db.session.scalar(
        select(Question).where(Question.id == question_id, visible_to(staff, now)).with_for_update()
    )
    # Locked, then checked again: the person may have closed it a moment ago.
    if question is None or question.status == "closed":
        raise _not_found()
    answer = QuestionAnswer(question_id=question.id, staff_id=staff.id, text=text, at=now)
    db.session.add(answer)
    question.status, question.answered_at = "answered", now
    record(staff, "question.answer", question.location_id, f"question #{question.id}")
    db.session.flush()
    dispatch(_tell_newcomer(question, answer))
    return answer


def _tell_newcomer(question: Question, answer: QuestionAnswer) -> list[int]:
    """A push to the person's phones (none when they have not switched notifications on); the
    question itself is never in it, since a lock screen shows it."""
    newcomer = db.session.get(Newcomer, question.newcomer_id)
    if newcomer is None:
        return []
    with speaking_to(newcomer):
        message = queue(
            newcomer,
            f"question:{question.id}:answer:{answer.id}",
            _("Your question was answered."),
            _("Open Aankomst to read the answer."),
            url_for("questions.page", _anchor=f"question-{question.id}"),
        )
    return [message.id] if message is not None else []


# --- privacy -------------------------------------------------------------------------------


def questions_export(newcomer: Newcomer) -> list[dict]:
    """The person's questions and answers, with their dates (who answered is not theirs)."""
    return [
        {
            "text": question.text,
            "topic": question.topic,
            "language": question.language,
            "status": question.status,
            "helped": question.helped,
            "asked_at": iso(question.asked_at),
            "answered_at": iso(question.answered_at),
            "closed_at": iso(question.closed_at),
            "answers": [{"text": a.text, "at": iso(a.at)} for a in question.answers],
        }
        for question in questions_of(newcomer)
    ]


def purge_old_questions(now: datetime | None = None) -> int:
    """Delete questions closed 180 days ago, and answered ones never closed 180 days after the
    last answer (their answers go with them); returns how many."""
    cutoff = (now or utcnow()) - KEEP
    return db.session.execute(
        delete(Question).where(
            or_(
                and_(Question.status == "closed", Question.closed_at <= cutoff),
                and_(Question.status == "answered", Question.answered_at <= cutoff),
            )
        )
    ).rowcount
