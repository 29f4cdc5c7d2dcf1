"""A request for help and its offers: to the best buddy first, then the next one after a
decline or 48 hours without an answer; contact details only after acceptance."""

import json
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..accounts.models import Newcomer
from ..clock import today_in_amsterdam, utcnow
from ..content import Pack, current_pack, pack_text
from ..errors import AppError
from ..extensions import db
from ..i18n import ISO_CODES, _
from ..push.jobs import dispatch
from ..staff.models import Location
from . import notify
from .inputs import HelpRequest, Report
from .matching import Ask, Candidate, availability_bits, availability_names, why
from .models import BuddyOffer, BuddyProfile, BuddyReport, BuddyRequest
from .queries import best_buddy
from .services import language_names

OFFER_HOURS = 48


def _reported_pairs(newcomer_id: int) -> set[int]:
    """Everyone this newcomer reported or was reported by: never matched again."""
    rows = db.session.execute(
        select(BuddyReport.reporter_id, BuddyReport.reported_id).where(
            or_(BuddyReport.reporter_id == newcomer_id, BuddyReport.reported_id == newcomer_id)
        )
    )
    return {other for pair in rows for other in pair if other not in (None, newcomer_id)}


def ask_for(request: BuddyRequest, newcomer: Newcomer) -> Ask:
    asked = {offer.buddy_id for offer in request.offers if offer.buddy_id is not None}
    asked |= _reported_pairs(newcomer.id)
    return Ask(
        newcomer_id=newcomer.id,
        languages=frozenset(json.loads(request.languages)),
        location_id=newcomer.location_id,
        village=newcomer.location.village if newcomer.location else None,
        topics=frozenset(json.loads(request.topics)),
        availability=frozenset(availability_names(request.availability)),
        employer=request.employer,
        excluded_ids=frozenset(asked),
    )


def offer_next(request: BuddyRequest, now: datetime) -> BuddyOffer | None:
    """Put the request to the best buddy not asked yet, or mark it unmatched."""
    newcomer = db.session.get(Newcomer, request.newcomer_id)
    buddy = best_buddy(ask_for(request, newcomer), today_in_amsterdam())
    if buddy is None:
        request.state = "unmatched"
        return None
    hours = current_app.config.get("BUDDY_OFFER_HOURS", OFFER_HOURS)
    offer = BuddyOffer(
        request=request,
        buddy_id=buddy.user_id,
        state="pending",
        expires_at=now + timedelta(hours=hours),
    )
    buddy.last_offer_at = now
    request.state = "pending"
    db.session.add(offer)
    return offer


def create_request(newcomer: Newcomer, values: HelpRequest) -> BuddyRequest:
    """A new request, put to the best buddy at once."""
    request = BuddyRequest(
        newcomer_id=newcomer.id,
        topics=json.dumps(values.topics),
        languages=json.dumps(values.languages),
        availability=availability_bits(values.availability),
        employer=values.employer,
        message=values.message,
        contact=values.contact,
    )
    db.session.add(request)
    db.session.flush()
    offer_next(request, utcnow())
    dispatch(notify.request_answered(request))
    return request


def retry_request(newcomer: Newcomer, request_id: int) -> BuddyRequest:
    """Ask again after nobody was free: buddies may have been approved or freed up since."""
    request = request_of(newcomer, request_id)
    if request.state != "unmatched":
        raise AppError("request_closed", 409, _("This request is no longer open."))
    offer_next(request, utcnow())
    dispatch(notify.request_answered(request))
    return request


def requests_made(newcomer: Newcomer) -> list[BuddyRequest]:
    """The person's own requests, oldest first; unanswered offers are moved on first."""
    expire_offers()  # also checked on read, so nobody waits for the cron job
    return list(
        db.session.scalars(
            select(BuddyRequest)
            .where(BuddyRequest.newcomer_id == newcomer.id)
            .order_by(BuddyRequest.id)
        )
    )


def offers_received(buddy: Newcomer) -> list[BuddyOffer]:
    """The requests put to this person as a buddy, oldest first."""
    expire_offers()
    return list(
        db.session.scalars(
            select(BuddyOffer).where(BuddyOffer.buddy_id == buddy.id).order_by(BuddyOffer.id)
        )
    )


def matched_offer(request: BuddyRequest) -> BuddyOffer | None:
    """The offer that became a match (accepted, or ended since), if any."""
    return next((o for o in reversed(request.offers) if o.state in ("accepted", "ended")), None)


def first_activity(topics: list[str], pack: Pack) -> str:
    """Something to do together first: from the earliest requested step that suggests one."""
    for step in pack.steps:
        if step.key in topics and step.buddy_activity:
            return pack_text(step.buddy_activity)
    return _("Meet for a coffee and go through your checklist together.")


def unmet_need(location_id: int, pack: Pack) -> tuple[list, list]:
    """How many requests of this location's newcomers found no buddy, by their language and by
    step; counts only, nobody's name or message."""
    rows = db.session.execute(
        select(Newcomer.language, BuddyRequest.topics)
        .join(Newcomer, Newcomer.id == BuddyRequest.newcomer_id)
        .where(Newcomer.location_id == location_id, BuddyRequest.state == "unmatched")
    ).all()
    by_language = Counter(ISO_CODES[language] for language, _topics in rows)
    by_step = Counter(key for _language, topics in rows for key in json.loads(topics))
    steps = [(pack_text(step.title), by_step[step.key]) for step in pack.steps if by_step[step.key]]
    languages = sorted(zip(language_names(by_language), by_language.values(), strict=True))
    return languages, steps


def _own_or_404(query, message, lock: bool):
    """The row if it belongs to the asker, else a 404; locked for the transaction when it is
    about to change (pages that only show it take no lock)."""
    found = db.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise AppError("not_found", 404, message)
    return found


def offer_of(buddy: Newcomer, offer_id: int, lock: bool = True) -> BuddyOffer:
    """One of the buddy's own offers (404 for anyone else's)."""
    return _own_or_404(
        select(BuddyOffer).where(BuddyOffer.id == offer_id, BuddyOffer.buddy_id == buddy.id),
        _("This request for help is not for you."),
        lock,
    )


def _still_open(offer: BuddyOffer, now: datetime) -> None:
    if offer.state != "pending" or offer.expires_at <= now:
        raise AppError("offer_closed", 409, _("This request is no longer open."))


def accept_offer(buddy: Newcomer, offer_id: int) -> BuddyOffer:
    """Say yes: the match starts and both see each other's contact details. The buddy's
    capacity holds under parallel accepts (one conditional UPDATE)."""
    now = utcnow()
    offer = offer_of(buddy, offer_id)
    _still_open(offer, now)
    taken = db.session.execute(
        update(BuddyProfile)
        .where(
            BuddyProfile.user_id == buddy.id, BuddyProfile.active_matches < BuddyProfile.capacity
        )
        .values(active_matches=BuddyProfile.active_matches + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise AppError(
            "capacity_full", 409, _("You already help as many people as you said you can.")
        )
    offer.state, offer.answered_at = "accepted", now
    offer.request.state = "accepted"
    dispatch(notify.offer_accepted(offer))
    return offer


def decline_offer(buddy: Newcomer, offer_id: int, reason: str | None) -> BuddyOffer:
    """Say no (a reason is optional); the request moves on to the next buddy at once."""
    now = utcnow()
    offer = offer_of(buddy, offer_id)
    _still_open(offer, now)
    offer.state, offer.answered_at, offer.reason = "declined", now, reason
    offer_next(offer.request, now)
    db.session.flush()
    dispatch(notify.moved_on(offer))
    return offer


def expire_offers(now: datetime | None = None) -> int:
    """Offers left unanswered past their time move on to the next buddy; returns how many."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(BuddyOffer)
        .where(BuddyOffer.state == "pending", BuddyOffer.expires_at <= now)
        .with_for_update()
    ).all()
    message_ids = []
    for offer in overdue:
        offer.state = "expired"
        offer_next(offer.request, now)
        db.session.flush()
        message_ids += notify.moved_on(offer)
    dispatch(message_ids)
    return len(overdue)


def why_sentence(buddy: BuddyProfile, request: BuddyRequest) -> str:
    """Why this buddy: shared languages, the same village, the steps they can help with."""
    newcomer = db.session.get(Newcomer, request.newcomer_id)
    candidate = Candidate(
        id=buddy.user_id,
        languages=frozenset(row.language for row in buddy.languages),
        location_id=buddy.location_id,
        village=db.session.get(Location, buddy.location_id).village if buddy.location_id else None,
        topics=frozenset(row.topic for row in buddy.topics),
        availability=frozenset(availability_names(buddy.availability)),
        capacity=buddy.capacity,
    )
    reasons = why(candidate, ask_for(request, newcomer))
    parts = [_("Speaks %(languages)s.", languages=", ".join(language_names(reasons.languages)))]
    if reasons.village:
        parts.append(_("Lives in %(village)s, like you.", village=reasons.village))
    if reasons.topics:
        pack = current_pack()
        titles = [pack_text(pack.step(key).title) for key in reasons.topics if pack.step(key)]
        parts.append(_("Can help with: %(steps)s.", steps="; ".join(titles)))
    return " ".join(parts)


def _free_place(buddy_id: int | None) -> None:
    if buddy_id is not None:
        db.session.execute(
            update(BuddyProfile)
            .where(BuddyProfile.user_id == buddy_id, BuddyProfile.active_matches > 0)
            .values(active_matches=BuddyProfile.active_matches - 1)
            .execution_options(synchronize_session=False)
        )


def _close(offer: BuddyOffer, now: datetime) -> None:
    """End an accepted match or withdraw a pending offer; the buddy's place is free again."""
    if offer.state == "accepted":
        offer.state = "ended"
        offer.request.state = "ended"
        _free_place(offer.buddy_id)
    elif offer.state == "pending":
        offer.state = "withdrawn"
    offer.answered_at = offer.answered_at or now


def request_of(newcomer: Newcomer, request_id: int, lock: bool = True) -> BuddyRequest:
    """One of the person's own requests (404 for anyone else's)."""
    return _own_or_404(
        select(BuddyRequest).where(
            BuddyRequest.id == request_id, BuddyRequest.newcomer_id == newcomer.id
        ),
        _("This request for help is not yours."),
        lock,
    )


def cancel_request(newcomer: Newcomer, request_id: int) -> BuddyRequest:
    """The newcomer stops asking (or ends the match when it was accepted)."""
    request = request_of(newcomer, request_id)
    if request.state not in ("pending", "accepted", "unmatched"):
        raise AppError("request_closed", 409, _("This request is no longer open."))
    now = utcnow()
    for offer in request.offers:
        _close(offer, now)
    request.state = "ended" if request.state == "ended" else "cancelled"
    return request


def end_match(buddy: Newcomer, offer_id: int) -> BuddyOffer:
    """The buddy ends an accepted match."""
    offer = offer_of(buddy, offer_id)
    if offer.state != "accepted":
        raise AppError("offer_closed", 409, _("This request is no longer open."))
    _close(offer, utcnow())
    return offer


def report_buddy(newcomer: Newcomer, request_id: int, values: Report) -> BuddyReport:
    """The newcomer reports the buddy: the buddy is suspended at once and never matched with
    this newcomer again; an admin reviews it."""
    request = request_of(newcomer, request_id)
    offer = next((o for o in reversed(request.offers) if o.buddy_id is not None), None)
    if offer is None:
        raise AppError("nobody_to_report", 409, _("There is no buddy to report for this request."))
    now = utcnow()
    report = BuddyReport(
        reporter_id=newcomer.id, reported_id=offer.buddy_id, offer_id=offer.id, **asdict(values)
    )
    db.session.add(report)
    db.session.execute(
        update(BuddyProfile).where(BuddyProfile.user_id == offer.buddy_id).values(suspended_at=now)
    )
    _close(offer, now)
    if request.state == "pending":
        offer_next(request, now)
    db.session.flush()
    dispatch(notify.request_answered(request))
    return report


def report_newcomer(buddy: Newcomer, offer_id: int, values: Report) -> BuddyReport:
    """The buddy reports the newcomer: the match ends and the pair is never matched again."""
    offer = offer_of(buddy, offer_id)
    now = utcnow()
    report = BuddyReport(
        reporter_id=buddy.id,
        reported_id=offer.request.newcomer_id,
        offer_id=offer.id,
        **asdict(values),
    )
    db.session.add(report)
    was_pending = offer.state == "pending"
    _close(offer, now)
    message_ids = []
    if was_pending:
        offer_next(offer.request, now)
        db.session.flush()
        message_ids = notify.moved_on(offer)
    dispatch(message_ids)
    return report


def _live_offers(condition) -> list[BuddyOffer]:
    """Pending and accepted offers matching `condition`, locked: an accept running at the same
    moment either finishes first (and is seen here) or finds the offer gone."""
    return list(
        db.session.scalars(
            select(BuddyOffer)
            .join(BuddyRequest, BuddyRequest.id == BuddyOffer.request_id)
            .where(condition, BuddyOffer.state.in_(("pending", "accepted")))
            .order_by(BuddyOffer.id)
            .with_for_update(of=BuddyOffer)
        )
    )


def release_person(person: Newcomer) -> list[int]:
    """Before a person's data is erased, nobody is left waiting for them: their own requests
    end (a buddy's place is freed and the buddy told, without a name), and requests put to them
    as a buddy move on to the next buddy (the newcomer told). Returns the notifications to send
    once the erasure is committed."""
    now = utcnow()
    messages = []
    for offer in _live_offers(BuddyRequest.newcomer_id == person.id):
        was_match = offer.state == "accepted"
        _close(offer, now)
        messages += notify.newcomer_left(offer, was_match)
    for offer in _live_offers(BuddyOffer.buddy_id == person.id):
        offer.state = "ended" if offer.state == "accepted" else "withdrawn"
        offer.answered_at = offer.answered_at or now
        offer_next(offer.request, now)
        db.session.flush()
        messages += notify.buddy_left(offer)
    return messages
