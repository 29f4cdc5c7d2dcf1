"""The rules of check-ins: which questions are due, answering each once, "not now" and
"never ask me", and the person's own export."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, bindparam, delete, literal_column, null, select, union_all
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Newcomer
from ..clock import iso, today_in_amsterdam
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from .models import DAYS, NEVER, TOPICS, CheckinAnswer, CheckinPause

# After this many days here a question about the first weeks is stale: not asked any more (so
# someone who joins long after arriving gets none).
ASKED_UNTIL_DAY = 180
# "Not now" asks again after this many days.
POSTPONE_DAYS = 3


@dataclass(frozen=True)
class Checkin:
    """One question: a topic, asked a number of days after arrival."""

    key: str
    day: int
    topic: str

    def due_on(self, newcomer: Newcomer) -> date:
        return newcomer.arrival_date + timedelta(days=self.day)


# Earliest day first; on each day housing, work, then health.
CHECKINS = tuple(Checkin(f"day{day}_{topic}", day, topic) for day in DAYS for topic in TOPICS)
BY_KEY = {checkin.key: checkin for checkin in CHECKINS}


def checkin_for(key: object) -> Checkin | None:
    """The check-in with this key, or None for anything else."""
    return BY_KEY.get(key) if isinstance(key, str) else None


def known_checkin(key: object) -> Checkin:
    """The check-in named in a URL; 404 for a key that is none."""
    checkin = checkin_for(key)
    if checkin is None:
        raise AppError("not_found", 404, _("This question does not exist."))
    return checkin


def days_here(newcomer: Newcomer, today: date) -> int:
    return (today - newcomer.arrival_date).days


def is_open(checkin: Checkin, newcomer: Newcomer, today: date) -> bool:
    """Its day has come, and the first weeks are not so long ago that the question is stale."""
    return checkin.day <= days_here(newcomer, today) <= ASKED_UNTIL_DAY


def switched_off(newcomer: Newcomer) -> bool:
    """The person chose "never ask me"."""
    return db.session.get(CheckinPause, (newcomer.id, NEVER)) is not None


# One query for both, built once: the checklist page asks on every visit.
_PAUSES_AND_ANSWERS = union_all(
    select(CheckinPause.key, CheckinPause.until, literal_column("'pause'")).where(
        CheckinPause.newcomer_id == bindparam("newcomer_id")
    ),
    select(CheckinAnswer.key, null().cast(Date), literal_column("'answer'")).where(
        CheckinAnswer.newcomer_id == bindparam("newcomer_id")
    ),
)


def due_checkins(newcomer: Newcomer, today: date | None = None) -> list[Checkin]:
    """Open check-ins not answered, not put off to a later day, and not switched off; earliest
    day first."""
    today = today or today_in_amsterdam()
    open_now = [c for c in CHECKINS if is_open(c, newcomer, today)]
    if not open_now:
        return []
    pauses, answered = {}, set()
    for key, until, kind in db.session.execute(_PAUSES_AND_ANSWERS, {"newcomer_id": newcomer.id}):
        if kind == "answer":
            answered.add(key)
        else:
            pauses[key] = until
    if NEVER in pauses:
        return []
    return [
        c
        for c in open_now
        if c.key not in answered and not (c.key in pauses and pauses[c.key] > today)
    ]


def _already_answered() -> AppError:
    return AppError("already_answered", 409, _("You have already answered this question."))


def answer_checkin(
    newcomer: Newcomer,
    checkin: Checkin,
    score: int,
    category: str | None,
    today: date | None = None,
) -> CheckinAnswer:
    """Store the answer; each check-in is answered once (409 again, also for two taps at the
    same moment), and only while it is open."""
    today = today or today_in_amsterdam()
    if not is_open(checkin, newcomer, today):
        raise AppError("not_open", 409, _("This question is not open now."))
    exists = select(CheckinAnswer.id).where(
        CheckinAnswer.newcomer_id == newcomer.id, CheckinAnswer.key == checkin.key
    )
    if db.session.scalar(exists) is not None:
        raise _already_answered()
    answer = CheckinAnswer(
        newcomer_id=newcomer.id,
        key=checkin.key,
        topic=checkin.topic,
        score=score,
        category=category,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        raise _already_answered() from None
    return answer


def _pause(newcomer: Newcomer, key: str, until: date | None) -> None:
    """Insert or change a pause; two requests at once end with one row."""
    row = db.session.get(CheckinPause, (newcomer.id, key))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(CheckinPause(newcomer_id=newcomer.id, key=key, until=until))
            return
        except IntegrityError:
            row = db.session.get(CheckinPause, (newcomer.id, key), populate_existing=True)
            if row is None:  # the other request rolled back after all: try once more
                return _pause(newcomer, key, until)
    row.until = until
    db.session.flush()


def dismiss_checkin(
    newcomer: Newcomer, checkin: Checkin, never: bool, today: date | None = None
) -> None:
    """ "Not now": ask this one again in a few days. "Never ask me": no check-in any more (until
    the person switches them on again in the settings)."""
    if never:
        _pause(newcomer, NEVER, None)
    else:
        _pause(newcomer, checkin.key, (today or today_in_amsterdam()) + timedelta(POSTPONE_DAYS))


def set_checkins_wanted(newcomer: Newcomer, wanted: bool) -> None:
    """The settings switch: check-ins on again, or off ("never ask me")."""
    if wanted:
        db.session.execute(
            delete(CheckinPause).where(
                CheckinPause.newcomer_id == newcomer.id, CheckinPause.key == NEVER
            )
        )
    else:
        _pause(newcomer, NEVER, None)


def export_checkins(newcomer: Newcomer) -> dict:
    """The person's own answers and pauses, for their data export."""
    answers = db.session.scalars(
        select(CheckinAnswer)
        .where(CheckinAnswer.newcomer_id == newcomer.id)
        .order_by(CheckinAnswer.answered_at, CheckinAnswer.id)
    ).all()
    pauses = db.session.scalars(
        select(CheckinPause)
        .where(CheckinPause.newcomer_id == newcomer.id)
        .order_by(CheckinPause.key)
    ).all()
    return {
        "checkins": {
            "answers": [
                {
                    "key": answer.key,
                    "topic": answer.topic,
                    "score": answer.score,
                    "category": answer.category,
                    "answered_at": iso(answer.answered_at),
                }
                for answer in answers
            ],
            "never_ask": any(pause.key == NEVER for pause in pauses),
            "not_now": [
                {"key": pause.key, "until": iso(pause.until)}
                for pause in pauses
                if pause.key != NEVER
            ],
        }
    }
