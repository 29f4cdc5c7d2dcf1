"""Housing locations and staff accounts (coordinators and municipality admins)."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db, utcnow

ROLES = ("coordinator", "admin")

staff_location = Table(
    "staff_location",
    db.metadata,
    Column("staff_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class Location(db.Model):
    """A housing location; its coordinators hand out the QR codes for it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    village: Mapped[str] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(200))
    # The contact line newcomers of this location see in their app.
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    office_hours: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffUser(db.Model):
    """A coordinator or admin; signs in with email and password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored in lower case, so look-ups are case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    # The languages this person speaks (codes of i18n.LANGUAGES, comma-separated): shown to
    # the newcomers of their locations, and questions in these languages reach them.
    languages: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locations: Mapped[list[Location]] = relationship(
        secondary=staff_location, order_by=Location.name
    )

    @property
    def is_admin(self) -> bool:
        """Municipality admins manage every location, the staff accounts and the audit log."""
        return self.role == "admin"

    @property
    def language_codes(self) -> list[str]:
        """The languages spoken, as a list of codes."""
        return [code for code in (self.languages or "").split(",") if code]

    def manages(self, location_id: int | None) -> bool:
        """Admins manage every location; a coordinator only the ones assigned to them."""
        return self.is_admin or any(loc.id == location_id for loc in self.locations)


class StaffSession(db.Model):
    """A signed-in staff browser; ends after 30 minutes idle or 12 hours in all."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser] = relationship()


class AuditEntry(db.Model):
    """One staff action, readable by admins. The email is copied so the entry outlives the
    account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    staff_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(300))
