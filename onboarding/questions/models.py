"""A newcomer's questions to staff, and the answers they got."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db, utcnow

STATUSES = ("open", "answered", "closed")


class Question(db.Model):
    """One question. The location and language are the person's when they asked: they decide
    which staff see it, also if the person moves on or changes the app's language later."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(10))
    # A step key or help page key of the content pack: the insights count questions by topic.
    topic: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    # Did the answer help? None: not said (or not closed yet).
    helped: Mapped[bool | None]
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest answer: retention counts from it when the person never closes the question.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list["QuestionAnswer"]] = relationship(
        order_by="QuestionAnswer.id", passive_deletes=True, back_populates="question"
    )

    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered', 'closed')", name="status_known"),
    )


class QuestionAnswer(db.Model):
    """A staff member's answer; the account is forgotten (SET NULL) if it is ever deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="answers")
