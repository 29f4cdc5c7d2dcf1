"""Requests and offers as each side sees them; shared by the API and the pages, so the rule
"contact details only after acceptance" lives in one place."""

import json

from ..accounts.models import Newcomer
from ..clock import today_in_amsterdam
from ..extensions import db
from ..i18n import _
from .lifecycle import why_sentence
from .matching import availability_names
from .models import BuddyOffer, BuddyProfile, BuddyRequest
from .services import display_name


def request_json(request: BuddyRequest) -> dict:
    """A request as its newcomer sees it: the buddy's contact only once they accepted."""
    live = request.live_offer
    buddy = db.session.get(BuddyProfile, live.buddy_id) if live and live.buddy_id else None
    person = db.session.get(Newcomer, buddy.user_id) if buddy else None
    body = {
        "id": request.id,
        "state": request.state,
        "topics": json.loads(request.topics),
        "why": why_sentence(buddy, request) if buddy else None,
        "buddy": None,
    }
    if buddy:
        body["buddy"] = {
            "name": display_name(person, _("Buddy")),
            "languages": [row.language for row in buddy.languages],
        }
        if request.state == "accepted":
            body["buddy"]["contact"] = buddy.contact
    return body


def offer_json(offer: BuddyOffer) -> dict:
    """An offer as its buddy sees it: the newcomer's contact only after accepting."""
    request = offer.request
    newcomer = db.session.get(Newcomer, request.newcomer_id)
    body = {
        "id": offer.id,
        "state": offer.state,
        "topics": json.loads(request.topics),
        "message": request.message,
        "newcomer": {
            "name": display_name(newcomer, _("Newcomer")),
            "languages": json.loads(request.languages),
            "location": newcomer.location.name if newcomer and newcomer.location else None,
        },
        "expires_at": offer.expires_at.isoformat(),
    }
    if offer.state == "accepted":
        body["newcomer"]["contact"] = request.contact
    return body


def profile_json(profile: BuddyProfile) -> dict:
    """The profile as the API shows it to its owner."""
    return {
        "user_id": profile.user_id,
        "approved": profile.approved_at is not None,
        "languages": [row.language for row in profile.languages],
        "location_id": profile.location_id,
        "topics": [row.topic for row in profile.topics],
        "availability": availability_names(profile.availability),
        "capacity": profile.capacity,
        "contact": profile.contact,
        "supervises_at": profile.supervises_at,
        "coordinates_location_id": profile.coordinates_location_id,
        "away_until": profile.away_until.isoformat() if profile.away_until else None,
        "away": bool(profile.away_until and profile.away_until >= today_in_amsterdam()),
    }
