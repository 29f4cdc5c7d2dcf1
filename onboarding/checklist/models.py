"""A newcomer's progress on each checklist step, and the offline changes already applied."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import UTCDateTime, db, utcnow

STATUSES = ("todo", "doing", "done", "skipped")
# Why someone is stuck, in words the municipality may count (never the private free text).
STUCK_CATEGORIES = (
    "dont_understand",
    "no_appointment",
    "costs_money",
    "employer_or_agency",
    "language",
    "other",
)


class StepProgress(db.Model):
    """Status, private note and "I'm stuck" for one step; each field remembers when it changed,
    so offline changes arriving out of order still end with the newest one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomer.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="todo")
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    note_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stuck: Mapped[bool] = mapped_column(default=False, server_default="0")
    stuck_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stuck_reason: Mapped[str | None] = mapped_column(String(500))
    stuck_reason_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stuck_category: Mapped[str | None] = mapped_column(String(20))
    stuck_category_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("newcomer_id", "step_key"),)


class SyncOp(db.Model):
    """An offline change already applied; its op_id never takes effect twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomer.id", ondelete="CASCADE"))
    op_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("newcomer_id", "op_id"),)
