"""Buddy profiles: newcomers who offered to help others, and what they can help with."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db, utcnow


class BuddyProfile(db.Model):
    """One newcomer account's offer to help; nobody is asked before staff approved it."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    # weekday_daytime = 1, weekday_evening = 2, weekend = 4: one column, filtered in SQL.
    availability: Mapped[int] = mapped_column(default=0)
    capacity: Mapped[int] = mapped_column(default=1)
    active_matches: Mapped[int] = mapped_column(default=0, server_default="0")
    contact: Mapped[str] = mapped_column(String(120))
    supervises_at: Mapped[str | None] = mapped_column(String(120))
    # The same name folded (case, spaces), so matching compares employers in SQL.
    supervises_key: Mapped[str | None] = mapped_column(String(120), index=True)
    coordinates_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL")
    )
    away_until: Mapped[date | None]
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_offer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    languages: Mapped[list["BuddyLanguage"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="BuddyLanguage.language"
    )
    topics: Mapped[list["BuddyTopic"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="BuddyTopic.topic"
    )

    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 5", name="capacity_range"),
        CheckConstraint(
            "active_matches >= 0 AND active_matches <= capacity", name="within_capacity"
        ),
    )


class BuddyLanguage(db.Model):
    """A language a buddy speaks (ISO 639-1), in its own table so matching filters in SQL."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("buddy_profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class BuddyTopic(db.Model):
    """A checklist step a buddy can help with."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("buddy_profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)


class BuddyRequest(db.Model):
    """A newcomer's ask for help; at most one live offer to one buddy at a time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomer.id", ondelete="CASCADE"), index=True
    )
    topics: Mapped[str] = mapped_column(Text)  # JSON list of step keys
    languages: Mapped[str] = mapped_column(Text)  # JSON list of ISO 639-1 codes
    availability: Mapped[int] = mapped_column(default=0)
    employer: Mapped[str | None] = mapped_column(String(120))
    message: Mapped[str | None] = mapped_column(String(500))
    contact: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    offers: Mapped[list["BuddyOffer"]] = relationship(
        back_populates="request", order_by="BuddyOffer.id", passive_deletes=True
    )

    @property
    def live_offer(self) -> "BuddyOffer | None":
        """The offer out now (pending) or the match (accepted), if there is one."""
        offer = self.offers[-1] if self.offers else None
        return offer if offer and offer.state in ("pending", "accepted") else None


class BuddyOffer(db.Model):
    """The request put to one buddy, who accepts or declines before it expires."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("buddy_request.id", ondelete="CASCADE"), index=True
    )
    # Kept when the buddy erases their account, without saying who it was.
    buddy_id: Mapped[int | None] = mapped_column(
        ForeignKey("buddy_profile.user_id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))
    thanked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[BuddyRequest] = relationship(back_populates="offers")


REPORT_REASONS = ("no_show", "disrespect", "asked_for_money", "other")
REQUEST_STATES = ("pending", "accepted", "unmatched", "cancelled", "ended")
OFFER_STATES = ("pending", "accepted", "declined", "expired", "withdrawn", "ended")


class BuddyReport(db.Model):
    """A report by either side of a match; a reported pair is never matched again, and a
    reported buddy is suspended until an admin has looked at it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("newcomer.id", ondelete="SET NULL"), index=True
    )
    reported_id: Mapped[int | None] = mapped_column(
        ForeignKey("newcomer.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("buddy_offer.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))  # "lifted" or "kept"


class HelpLog(db.Model):
    """Help a buddy gave (date, step, minutes), so the municipality can recognise it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("buddy_offer.id", ondelete="SET NULL"))
    buddy_id: Mapped[int | None] = mapped_column(
        ForeignKey("buddy_profile.user_id", ondelete="SET NULL"), index=True
    )
    newcomer_id: Mapped[int | None] = mapped_column(ForeignKey("newcomer.id", ondelete="SET NULL"))
    helped_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(40))
    minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
