"""Finding the best buddy in the database: the hard rules as filters and the ranking as ORDER
BY, so one request never loads every buddy into Python. `matching.py` states the same rules
in plain Python; a test checks both agree."""

from datetime import date

from sqlalchemy import Float, case, cast, exists, func, literal, not_, or_, select

from ..extensions import db
from ..staff.models import Location
from .matching import Ask, availability_bits, organisation_key
from .models import BuddyLanguage, BuddyProfile, BuddyTopic


def best_buddy(ask: Ask, today: date) -> BuddyProfile | None:
    """The buddy to ask first for this request, or None when nobody fits."""
    profile = BuddyProfile
    employer = organisation_key(ask.employer)
    wanted_bits = availability_bits(ask.availability)
    topics_covered = (
        select(func.count())
        .select_from(BuddyTopic)
        .where(
            BuddyTopic.user_id == profile.user_id,
            BuddyTopic.topic.in_(sorted(ask.topics) or [""]),
        )
        .scalar_subquery()
    )
    shared = [bit for bit in (1, 2, 4) if wanted_bits & bit]
    overlap = sum(
        (case((profile.availability.op("&")(bit) != 0, 1), else_=0) for bit in shared),
        literal(0),
    )
    query = (
        select(profile)
        .outerjoin(Location, Location.id == profile.location_id)
        .where(
            profile.approved_at.is_not(None),
            profile.suspended_at.is_(None),
            or_(profile.away_until.is_(None), profile.away_until < today),
            profile.active_matches < profile.capacity,
            profile.user_id != ask.newcomer_id,
            profile.user_id.not_in(sorted(ask.excluded_ids) or [0]),
            exists().where(
                BuddyLanguage.user_id == profile.user_id,
                BuddyLanguage.language.in_(sorted(ask.languages) or [""]),
            ),
            # Never someone with power over the newcomer, at work or at home.
            or_(profile.supervises_key.is_(None), profile.supervises_key != (employer or "")),
            or_(
                profile.coordinates_location_id.is_(None),
                profile.coordinates_location_id != (ask.location_id or 0),
            ),
        )
        .order_by(
            case((profile.location_id == (ask.location_id or 0), 0), else_=1),
            case((Location.village == (ask.village or ""), 0), else_=1),
            topics_covered.desc(),
            overlap.desc(),
            (cast(profile.active_matches, Float) / profile.capacity).asc(),
            not_(profile.last_offer_at.is_(None)),
            profile.last_offer_at.asc(),
            profile.user_id.asc(),
        )
        .limit(1)
    )
    return db.session.scalar(query)
