"""Locations and staff accounts."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Label, Row, and_, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..errors import AppError, ValidationError
from ..extensions import db
from ..i18n import LANGUAGES, _, normalize_language
from ..security import hash_token
from ..transactions import begin_writing
from ..validation import parse_id, storable, unstorable_message
from .inputs import ContactLine, LocationInput, StaffUpdate
from .models import ROLES, AuditEntry, Location, StaffSession, StaffUser, staff_location

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
    db.session.flush()
    return location


def find_staff(email: str) -> StaffUser | None:
    """The staff account for an email address, whatever its letter case."""
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def _hash_password(password: str) -> str:
    """scrypt; the test suite lowers its cost through PASSWORD_HASH_METHOD to stay fast."""
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AppError(
            "weak_password",
            400,
            _("The password needs at least %(min)d characters.", min=PASSWORD_MIN),
        )


def language_codes(text: str) -> list[str]:
    """`pl,en` (or `pt-BR`) as the app's language codes in the switcher's order; an unknown code
    is refused, naming the ones that exist."""
    codes = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [code for code in codes if normalize_language(code) is None]
    if unknown:
        raise AppError(
            "invalid_input",
            400,
            _(
                "Unknown language code: %(codes)s. Use these: %(known)s.",
                codes=", ".join(unknown),
                known=", ".join(LANGUAGES),
            ),
        )
    return ordered_languages(normalize_language(code) for code in codes)


def ordered_languages(codes) -> list[str]:
    """Known language codes, each once, in the order the language switcher shows them."""
    wanted = set(codes)
    return [code for code in LANGUAGES if code in wanted]


def create_staff(
    email: str,
    password: str,
    role: str,
    locations: list[Location] | None = None,
    languages: list[str] | None = None,
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
        password_hash=_hash_password(password),
        role=role,
        locations=list(locations or []),
        languages=",".join(ordered_languages(languages or [])),
    )
    db.session.add(staff)
    db.session.flush()
    return staff


def reset_password(email: str, password: str) -> StaffUser:
    """Set a new password for an existing account."""
    staff = find_staff(email)
    if staff is None:
        raise AppError(
            "staff_unknown", 404, _("There is no staff account for %(email)s.", email=email)
        )
    _check_password(password)
    staff.password_hash = _hash_password(password)
    db.session.flush()
    return staff


# --- signing in ------------------------------------------------------------------------------

STAFF_IDLE_LIMIT = timedelta(minutes=30)
STAFF_SESSION_LIMIT = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=1)
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def wrong_login_error() -> AppError:
    """One message for a wrong email and a wrong password: nobody learns which exists."""
    return AppError("wrong_login", 401, _("The email address or password is not right."))


def authenticate(email: object, password: object) -> StaffUser:
    """The active staff account for these credentials, or a refusal."""
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise AppError("invalid_input", 400, _("Please fill in your email address and password."))
    unreadable = {
        name: unstorable_message()
        for name, value in (("email", email), ("password", password))
        if not storable(value)
    }
    if unreadable:
        raise ValidationError(unreadable)
    staff = find_staff(email)
    if not check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password):
        raise wrong_login_error()
    if not staff.active:
        raise AppError(
            "account_disabled",
            403,
            _("This account is switched off. Please contact the municipality."),
        )
    return staff


def start_staff_session(staff: StaffUser) -> str:
    """A new staff session (a new id at every login); returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        StaffSession(staff=staff, token_hash=hash_token(token), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return token


def staff_for_session(token: str | None) -> StaffUser | None:
    """The staff member of a live session: not idle for 30 minutes, not older than 12 hours."""
    if not token:
        return None
    row = db.session.scalar(
        select(StaffSession).where(StaffSession.token_hash == hash_token(token))
    )
    if row is None:
        return None
    now = utcnow()
    ended = (
        now - row.last_seen_at > STAFF_IDLE_LIMIT
        or now - row.created_at > STAFF_SESSION_LIMIT
        or not row.staff.active
    )
    if (ended or now - row.last_seen_at >= _TOUCH_EVERY) and begin_writing():
        return staff_for_session(token)  # read again, now that this request may write
    if ended:
        db.session.delete(row)
        db.session.flush()
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.flush()
    return row.staff


def end_staff_session(token: str | None) -> None:
    """Log out: the session stops working at once."""
    if token:
        db.session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
        db.session.flush()


def record(
    staff: StaffUser | None, action: str, location_id: int | None = None, detail: str = ""
) -> None:
    """Add an audit entry; the caller commits it with the action itself."""
    db.session.add(
        AuditEntry(
            staff_id=staff.id if staff else None,
            staff_email=staff.email if staff else None,
            action=action,
            location_id=location_id,
            detail=detail[:300] or None,
        )
    )


def not_signed_in_error() -> AppError:
    """For staff pages and API calls made without a live staff session."""
    return AppError("not_signed_in", 401, _("Please log in first."))


def forbidden_error() -> AppError:
    """For a role or a location this staff member does not have."""
    return AppError("forbidden", 403, _("You are not allowed to do this."))


def location_for(staff: StaffUser, location_id: object) -> Location:
    """A location this staff member may manage: 404 if unknown, 403 if someone else's."""
    number = parse_id(location_id)
    if number is None:
        message = _("Please choose a housing location.")
        raise AppError("invalid_input", 400, message, {"location_id": message})
    location = db.session.get(Location, number)
    if location is None:
        raise AppError("location_unknown", 404, _("This housing location does not exist."))
    if not staff.manages(location.id):
        raise forbidden_error()
    return location


@dataclass(frozen=True)
class ContactCard:
    """What the checklist of a location's newcomers says about their housing coordinator."""

    contact_name: str | None
    contact_phone: str | None
    office_hours: str | None
    # The languages the location's active staff speak (codes, in the switcher's order).
    languages: list[str]


def contact_values(location_id: ColumnElement[int | None]) -> tuple[Label, ...]:
    """The contact card of the location `location_id` names, as labelled scalar subqueries: the
    checklist page, opened on every visit, reads them with the session in one query
    (`accounts.reads_with_session`). The contact line, and the languages the location's active
    staff speak (their lists joined by commas)."""

    def of_location(column: InstrumentedAttribute) -> Label:
        found = select(column).where(Location.id == location_id).scalar_subquery()
        return found.label(column.key)

    spoken = (
        select(func.aggregate_strings(StaffUser.languages, ","))
        .select_from(staff_location)
        .join(StaffUser, and_(StaffUser.id == staff_location.c.staff_id, StaffUser.active))
        .where(staff_location.c.location_id == location_id)
        .scalar_subquery()
    )
    return (
        of_location(Location.contact_name),
        of_location(Location.contact_phone),
        of_location(Location.office_hours),
        spoken.label("staff_languages"),
    )


def contact_card(values: Row) -> ContactCard | None:
    """The card from the values of `contact_values`; None when the location has nothing to
    show (or there is none)."""
    spoken = ordered_languages((values.staff_languages or "").split(","))
    card = ContactCard(values.contact_name, values.contact_phone, values.office_hours, spoken)
    shown = card.contact_name or card.contact_phone or card.office_hours or card.languages
    return card if shown else None


def visible_locations(staff: StaffUser | None) -> list[Location]:
    """Coordinators see their own locations; admins and newcomers see all of them."""
    if staff is not None and not staff.is_admin:
        return list(staff.locations)
    return list(db.session.scalars(select(Location).order_by(Location.name)))


# --- the admin's pages ----------------------------------------------------------------------

AUDIT_PAGE = 200


def save_location(staff: StaffUser, values: LocationInput, location: Location | None) -> Location:
    """Create a location, or change one; names stay unique (a clash is a field error)."""
    other = find_location(values.name)
    if other is not None and other is not location:
        raise ValidationError(
            {"name": _("A location named %(name)s already exists.", name=values.name)}
        )
    if location is None:
        location = create_location(values.name, values.village, values.address)
        record(staff, "location.create", location.id, location.name)
    else:
        location.name, location.village, location.address = (
            values.name,
            values.village,
            values.address,
        )
        record(staff, "location.update", location.id, location.name)
    db.session.flush()
    return location


def update_contact_line(staff: StaffUser, location: Location, line: ContactLine) -> None:
    """The coordinator's name, phone and office hours that newcomers see in their app."""
    location.contact_name, location.contact_phone = line.name, line.phone
    location.office_hours = line.office_hours
    record(staff, "location.contact", location.id)
    db.session.flush()


def update_staff_account(admin: StaffUser, account: StaffUser, update: StaffUpdate) -> None:
    """Switch an account on or off and set its locations and languages."""
    if account.id == admin.id and not update.active:
        raise AppError("forbidden", 403, _("You cannot switch off your own account."))
    account.active = update.active
    account.locations = update.locations
    account.languages = ",".join(ordered_languages(update.languages))
    record(
        admin,
        "staff.update",
        detail=f"{account.email}: {'active' if update.active else 'disabled'}, "
        f"locations {sorted(loc.id for loc in update.locations)}, "
        f"languages {account.languages or '-'}",
    )
    db.session.flush()


def audit_log() -> list[AuditEntry]:
    """The latest staff actions, newest first."""
    return list(
        db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE))
    )
