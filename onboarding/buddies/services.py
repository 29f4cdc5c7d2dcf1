"""Becoming a buddy and being approved; matching and requests build on these."""

import re
from dataclasses import dataclass
from datetime import timedelta

from babel import Locale
from flask_babel import get_locale
from sqlalchemy import select

from ..accounts.models import Newcomer
from ..clock import today_in_amsterdam, utcnow
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from ..security import hash_token
from ..staff.models import Location, StaffUser
from ..staff.services import forbidden_error, record
from .inputs import ProfileInput
from .matching import AVAILABILITY, availability_bits, organisation_key
from .models import BuddyLanguage, BuddyProfile, BuddyTopic

_LANGUAGE = re.compile(r"[a-z]{2}")


def display_name(newcomer: Newcomer | None, fallback: str) -> str:
    """The nickname, or a neutral label when the person gave none."""
    return newcomer.nickname if newcomer and newcomer.nickname else fallback


def language_names(codes) -> list[str]:
    """ISO 639-1 codes as language names in the page's language (from CLDR)."""
    names = Locale.parse(str(get_locale())).languages
    return [names.get(code, code) for code in codes]


# What staff judged when they approved: where the buddy lives (so which coordinators answer
# for them) and the work or housing roles that could give them power over a newcomer.
APPROVED_ON = {
    "location_id": "home location",
    "supervises_key": "work role",
    "coordinates_location_id": "housing role",
}


def save_profile(newcomer: Newcomer, values: ProfileInput) -> BuddyProfile:
    """Create or change the person's buddy profile. An approval stays until withdrawn, unless
    something staff approved on changes: then the profile waits for approval again (audited),
    at its new location."""
    profile = db.session.get(BuddyProfile, newcomer.id)
    if profile is None:
        profile = BuddyProfile(user_id=newcomer.id, contact=values.contact, active_matches=0)
        db.session.add(profile)
    if values.capacity < profile.active_matches:
        raise AppError(
            "capacity_in_use",
            409,
            _("You help more people right now than this number. End a match first."),
        )
    approved_on = {name: getattr(profile, name) for name in APPROVED_ON}
    profile.location_id = values.location.id
    profile.availability = availability_bits(values.availability)
    profile.capacity = values.capacity
    profile.contact = values.contact
    profile.supervises_at = values.supervises_at
    profile.supervises_key = organisation_key(values.supervises_at)
    profile.coordinates_location_id = (
        values.coordinates_location.id if values.coordinates_location else None
    )
    profile.away_until = values.away_until
    profile.languages = [BuddyLanguage(language=code) for code in values.languages]
    profile.topics = [BuddyTopic(topic=key) for key in values.topics]
    changed = [name for name, before in approved_on.items() if getattr(profile, name) != before]
    if profile.approved_at is not None and changed:
        profile.approved_at = None
        record(
            None,
            "buddy.approval_needed",
            profile.location_id,
            f"buddy #{profile.user_id} changed {', '.join(APPROVED_ON[name] for name in changed)}",
        )
    db.session.flush()
    return profile


def profile_for_staff(staff: StaffUser, user_id: int) -> BuddyProfile:
    """A buddy profile of one of this staff member's locations."""
    profile = db.session.get(BuddyProfile, user_id)
    if profile is None:
        raise AppError("not_found", 404, _("This person has not offered to be a buddy."))
    if not staff.manages(profile.location_id):
        raise forbidden_error()
    return profile


def set_approval(staff: StaffUser, profile: BuddyProfile, approved: bool) -> None:
    """Approve a buddy (only then are they asked to help), or withdraw the approval."""
    profile.approved_at = utcnow() if approved else None
    record(
        staff,
        "buddy.approve" if approved else "buddy.withdraw",
        profile.location_id,
        f"buddy #{profile.user_id}",
    )
    db.session.flush()


@dataclass
class DeskBuddy:
    """A buddy as their location's desk shows them: no contact details, nothing they asked."""

    profile: BuddyProfile
    name: str
    languages: list[str]


def buddies_at(location_id: int) -> list[DeskBuddy]:
    """The buddy profiles of one location, for approval on its desk: waiting ones first."""
    profiles = db.session.scalars(
        select(BuddyProfile)
        .where(BuddyProfile.location_id == location_id)
        .order_by(BuddyProfile.approved_at.is_not(None), BuddyProfile.user_id)
    )
    return [
        DeskBuddy(
            profile,
            db.session.get(Newcomer, profile.user_id).nickname
            or _("Buddy %(number)d", number=profile.user_id),
            language_names(row.language for row in profile.languages),
        )
        for profile in profiles
    ]


def ensure_demo_buddy(
    nickname: str,
    language: str,
    spoken: list[str],
    topics: list[str],
    location: Location,
    recovery_code: str,
) -> Newcomer:
    """An approved demo buddy, found again by its recovery code (so seeding twice is a no-op)."""
    found = db.session.scalar(
        select(Newcomer).where(Newcomer.recovery_hash == hash_token(recovery_code))
    )
    if found is not None:
        return found
    newcomer = Newcomer(
        nickname=nickname,
        language=language,
        arrival_date=today_in_amsterdam() - timedelta(days=2 * 365),
        stay_plan="settle",
        location_id=location.id,
        recovery_hash=hash_token(recovery_code),
    )
    db.session.add(newcomer)
    db.session.flush()
    db.session.add(
        BuddyProfile(
            user_id=newcomer.id,
            location_id=location.id,
            availability=availability_bits(AVAILABILITY),
            capacity=3,
            active_matches=0,
            contact=f"@demo_{nickname.lower()} (Signal, demo)",
            approved_at=utcnow(),
            languages=[BuddyLanguage(language=code) for code in spoken],
            topics=[BuddyTopic(topic=key) for key in topics],
        )
    )
    db.session.flush()
    return newcomer
