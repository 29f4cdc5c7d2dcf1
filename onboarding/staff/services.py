"""Locations and staff accounts."""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..errors import AppError
from ..extensions import db
from ..i18n import _
from .models import ROLES, Location, StaffUser

PASSWORD_MIN = 12


def find_location(name: str) -> Location | None:
    """The location with exactly this name, if any."""
    return db.session.scalar(select(Location).where(Location.name == name))


def create_location(name: str, village: str, address: str | None = None) -> Location:
    """A housing location; names are unique."""
    name, village = name.strip(), village.strip()
    if not name or not village:
        raise AppError("invalid_input", 400, _("A location needs a name and a village."))
    if find_location(name):
        raise AppError(
            "location_exists", 409, _("A location named %(name)s already exists.", name=name)
        )
    location = Location(name=name, village=village, address=(address or "").strip() or None)
    db.session.add(location)
    db.session.commit()
    return location


def find_staff(email: str) -> StaffUser | None:
    """The staff account for an email address, whatever its letter case."""
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AppError(
            "weak_password",
            400,
            _("The password needs at least %(min)d characters.", min=PASSWORD_MIN),
        )


def create_staff(
    email: str, password: str, role: str, locations: list[Location] | None = None
) -> StaffUser:
    """A coordinator or admin account with a scrypt password hash."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AppError("invalid_input", 400, _("The role must be coordinator or admin."))
    if "@" not in email:
        raise AppError("invalid_input", 400, _("Please give a valid email address."))
    if find_staff(email):
        raise AppError(
            "staff_exists", 409, _("A staff account for %(email)s already exists.", email=email)
        )
    _check_password(password)
    staff = StaffUser(
        email=email,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
        locations=list(locations or []),
    )
    db.session.add(staff)
    db.session.commit()
    return staff


def reset_password(email: str, password: str) -> StaffUser:
    """Set a new password for an existing account."""
    staff = find_staff(email)
    if staff is None:
        raise AppError(
            "staff_unknown", 404, _("There is no staff account for %(email)s.", email=email)
        )
    _check_password(password)
    staff.password_hash = generate_password_hash(password, method="scrypt")
    db.session.commit()
    return staff
