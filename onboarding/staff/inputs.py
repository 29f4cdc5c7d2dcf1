"""The staff forms, read into plain values through the shared field checks."""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..i18n import LANGUAGES
from ..validation import Fields, parse_ids
from .models import ROLES, Location


@dataclass(frozen=True)
class LocationInput:
    """A housing location's name, village and address."""

    name: str
    village: str
    address: str | None


@dataclass(frozen=True)
class ContactLine:
    """What a location's newcomers see of their coordinator."""

    name: str | None
    phone: str | None
    office_hours: str | None


@dataclass(frozen=True)
class NewStaff:
    """A new coordinator or admin account."""

    email: str
    role: str
    password: str
    locations: list[Location]
    languages: list[str]


@dataclass(frozen=True)
class StaffUpdate:
    """An account switched on or off, its locations, and the languages the person speaks."""

    active: bool
    locations: list[Location]
    languages: list[str]


def _ticked_locations(data) -> list[Location]:
    """The locations whose checkboxes were ticked on an admin form."""
    wanted = parse_ids(data.getlist("location_ids"))
    return list(db.session.scalars(select(Location).where(Location.id.in_(wanted))))


def _ticked_languages(data) -> list[str]:
    """The languages whose checkboxes were ticked (anything else is ignored)."""
    return [code for code in LANGUAGES if code in data.getlist("languages")]


def parse_location(data) -> LocationInput:
    fields = Fields(data)
    values = LocationInput(
        name=fields.text("name", 120, required=True),
        village=fields.text("village", 80, required=True),
        address=fields.text("address", 200),
    )
    fields.check()
    return values


def parse_contact_line(data) -> ContactLine:
    fields = Fields(data)
    values = ContactLine(
        name=fields.text("contact_name", 80),
        phone=fields.text("contact_phone", 40),
        office_hours=fields.text("office_hours", 200),
    )
    fields.check()
    return values


def parse_new_staff(data) -> NewStaff:
    fields = Fields(data)
    email = fields.text("email", 254, required=True)
    role = fields.choice("role", ROLES, required=True)
    password = fields.text("password", 200, required=True)
    fields.check()
    return NewStaff(email, role, password, _ticked_locations(data), _ticked_languages(data))


def parse_staff_update(data) -> StaffUpdate:
    return StaffUpdate(
        data.get("active") in ("1", "on", "true"),
        _ticked_locations(data),
        _ticked_languages(data),
    )
