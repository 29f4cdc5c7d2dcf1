"""Check-ins: a newcomer's own answers to "how is it going?" at day 7, 30 and 90 after arrival,
and the questions they put off or never want to be asked.

Answers are counted only in the municipality's insights, where small counts are suppressed;
no page or API shows one person's answers to anyone but that person.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import UTCDateTime, db, utcnow

# Days after arrival, and the topics asked on each of them (in this order).
DAYS = (7, 30, 90)
TOPICS = ("housing", "work", "health")
# What can go wrong per topic; one may be given with an answer (labels in present.py).
CATEGORIES = {
    "housing": ("crowded", "repairs", "costs", "contract"),
    "work": ("unpaid_hours", "too_many_hours", "unsafe", "treated_badly"),
    "health": ("alone", "no_doctor", "stress", "ill"),
}
SCORE_MIN, SCORE_MAX = 1, 5
# The key of a pause that stands for "never ask me" (all check-ins).
NEVER = "*"


class CheckinAnswer(db.Model):
    """One answer: a score from 1 (very bad) to 5 (very good), maybe a category. A check-in is
    answered once; the unique key says so, also when two taps arrive together."""

    __tablename__ = "checkin_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(10))
    score: Mapped[int]
    category: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("newcomer_id", "key"),
        CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="score_range"),
    )


class CheckinPause(db.Model):
    """A check-in put off until a day ("not now"), or, with the key `*` and no day, every
    check-in switched off ("never ask me")."""

    __tablename__ = "checkin_pause"

    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    until: Mapped[date | None]
