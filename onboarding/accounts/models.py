"""Newcomers and their device sessions. No BSN, passport or ID number is ever stored."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db, utcnow
from ..staff.models import Location

STAY_PLANS = ("short", "medium", "settle")


class Newcomer(db.Model):
    """A person who joined with a code; known only by an optional nickname."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10))
    arrival_date: Mapped[date]
    first_workday_date: Mapped[date | None]
    stay_plan: Mapped[str] = mapped_column(String(10))
    temporary_protection: Mapped[bool] = mapped_column(default=False, server_default="0")
    # An EU/EEA or Swiss citizen? None when not said: they see what EEA citizens see.
    eu_citizen: Mapped[bool | None]
    # The day the plan changed from "4 months or less" to longer: the BRP deadline counts from it.
    longer_stay_on: Mapped[date | None]
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    recovery_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Off by default: the coordinator sees progress only when the newcomer switches it on.
    share_progress: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Someone who arrived long ago first ticks the steps they already did; this says when.
    steps_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[Location | None] = relationship()
    sessions: Mapped[list["DeviceSession"]] = relationship(
        back_populates="newcomer", cascade="all, delete-orphan", passive_deletes=True
    )


class RecoveryToken(db.Model):
    """A one-time recovery QR a coordinator made for a newcomer who lost phone and code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeviceSession(db.Model):
    """One signed-in phone. The cookie holds a random id; the database only its hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    newcomer: Mapped[Newcomer] = relationship(back_populates="sessions")
