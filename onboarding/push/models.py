"""Push subscriptions and preferences per person, and the messages waiting to go out.

A person is a newcomer (also when they are a buddy) or a staff member: exactly one of the two
owner columns is set.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db, utcnow

ONE_OWNER = "(newcomer_id IS NULL) <> (staff_id IS NULL)"


class PushSubscription(db.Model):
    """One device's push endpoint and keys (the browser's PushSubscription)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int | None] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint(ONE_OWNER, name="one_owner"),)


class PushPreference(db.Model):
    """Reminders on or off and quiet hours (HH:MM, Europe/Amsterdam); defaults when absent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int | None] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), unique=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), unique=True
    )
    reminders: Mapped[bool] = mapped_column(default=True)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")

    __table_args__ = (CheckConstraint(ONE_OWNER, name="one_owner"),)


class PushMessage(db.Model):
    """A notification for one person, already in their language; `key` makes queueing the
    same event twice a no-op."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    newcomer_id: Mapped[int | None] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(500))
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    ttl: Mapped[int] = mapped_column(default=86400)
    # Quiet hours: nothing goes out before this moment.
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list["PushDelivery"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True
    )


class PushDelivery(db.Model):
    """A message to one device: pending, sending (claimed by a run), sent or failed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("push_message.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]

    message: Mapped[PushMessage] = relationship(back_populates="deliveries")

    __table_args__ = (UniqueConstraint("message_id", "subscription_id"),)


class ReminderLog(db.Model):
    """A reminder that was queued: a step, how many days before its due date (-1: the day it
    became overdue) and that due date. The primary key makes every reminder go out once."""

    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), primary_key=True
    )
    step_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    days_before: Mapped[int] = mapped_column(primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
