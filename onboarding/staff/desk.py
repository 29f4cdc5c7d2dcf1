"""The coordinator's desk: arrivals per location, the contact line, recovery links, admin."""

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import Newcomer
from ..accounts.services import issue_recovery_token
from ..checklist.services import build_checklist, progress_counts
from ..content import Pack
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from ..validation import Fields, parse_ids
from .models import ROLES, AuditEntry, Location, StaffUser
from .services import create_location, location_for, record

AUDIT_PAGE = 200


@dataclass
class Arrival:
    """A newcomer as the desk shows them: progress only if they chose to share it."""

    newcomer: Newcomer
    progress: tuple[int, int] | None


def arrivals(location: Location, pack: Pack) -> list[Arrival]:
    """Newcomers who joined with this location's codes, newest first. Notes and "I'm stuck"
    reasons are never part of this."""
    newcomers = db.session.scalars(
        select(Newcomer).where(Newcomer.location_id == location.id).order_by(Newcomer.id.desc())
    )
    return [
        Arrival(n, progress_counts(build_checklist(n, pack)) if n.share_progress else None)
        for n in newcomers
    ]


def update_contact_line(staff: StaffUser, location: Location, data) -> None:
    """The coordinator's name, phone and office hours that newcomers see in their app."""
    fields = Fields(data)
    name = fields.text("contact_name", 80)
    phone = fields.text("contact_phone", 40)
    hours = fields.text("office_hours", 200)
    fields.check()
    location.contact_name, location.contact_phone, location.office_hours = name, phone, hours
    record(staff, "location.contact", location.id)
    db.session.flush()


def newcomer_for(staff: StaffUser, newcomer_id: int) -> Newcomer:
    """A newcomer of one of this staff member's locations."""
    newcomer = db.session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise AppError("not_found", 404, _("This person is not known here."))
    location_for(staff, newcomer.location_id)
    return newcomer


def make_recovery_link(staff: StaffUser, newcomer: Newcomer) -> str:
    """A one-time link (shown as a QR code) that restores this newcomer's checklist."""
    token = issue_recovery_token(newcomer)
    record(staff, "newcomer.recovery_link", newcomer.location_id, f"newcomer #{newcomer.id}")
    db.session.flush()
    return token


# --- admin ---------------------------------------------------------------------------------


def parse_location(data) -> dict:
    """Name, village and address of a location form."""
    fields = Fields(data)
    values = {
        "name": fields.text("name", 120, required=True),
        "village": fields.text("village", 80, required=True),
        "address": fields.text("address", 200),
    }
    fields.check()
    return values


def save_location(staff: StaffUser, data, location: Location | None = None) -> Location:
    """Create a location, or change one; names stay unique."""
    values = parse_location(data)
    if location is None:
        location = create_location(values["name"], values["village"], values["address"])
        record(staff, "location.create", location.id, location.name)
    else:
        other = db.session.scalar(select(Location).where(Location.name == values["name"]))
        if other is not None and other.id != location.id:
            raise AppError(
                "location_exists",
                409,
                _("A location named %(name)s already exists.", name=values["name"]),
            )
        location.name, location.village, location.address = (
            values["name"],
            values["village"],
            values["address"],
        )
        record(staff, "location.update", location.id, location.name)
    db.session.flush()
    return location


def _ticked_locations(data) -> list[Location]:
    """The locations whose checkboxes were ticked on an admin form."""
    wanted = parse_ids(data.getlist("location_ids"))
    return list(db.session.scalars(select(Location).where(Location.id.in_(wanted))))


def update_staff_account(admin: StaffUser, account: StaffUser, data) -> None:
    """Switch an account on or off and set its locations."""
    locations = _ticked_locations(data)
    active = data.get("active") in ("1", "on", "true")
    if account.id == admin.id and not active:
        raise AppError("forbidden", 403, _("You cannot switch off your own account."))
    account.active = active
    account.locations = locations
    record(
        admin,
        "staff.update",
        detail=f"{account.email}: {'active' if active else 'disabled'}, "
        f"locations {sorted(loc.id for loc in locations)}",
    )
    db.session.flush()


def parse_new_staff(data) -> dict:
    """Email, role, password and locations of the new-coordinator form."""
    fields = Fields(data)
    values = {
        "email": fields.text("email", 254, required=True),
        "role": fields.choice("role", ROLES, required=True),
        "password": fields.text("password", 200, required=True),
    }
    fields.check()
    values["locations"] = _ticked_locations(data)
    return values


def audit_log() -> list[AuditEntry]:
    """The latest staff actions, newest first."""
    return list(
        db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE))
    )
