"""Recognising buddies: help logged per match, thank-yous, and monthly totals for the admin."""

import csv
import io
import json
from collections import defaultdict

from sqlalchemy import select

from ..accounts.models import Newcomer
from ..clock import amsterdam_date, iso, utcnow
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from ..push.jobs import dispatch
from ..staff.models import StaffUser
from ..staff.services import record
from . import notify
from .inputs import HelpGiven
from .lifecycle import matched_offer, offer_of, request_of
from .matching import availability_names
from .models import BuddyOffer, BuddyProfile, BuddyReport, BuddyRequest, HelpLog
from .present import profile_json

HELPED = ("accepted", "ended")


def log_help(buddy: Newcomer, offer_id: int, given: HelpGiven) -> HelpLog:
    """The buddy notes help given in a match: a day in the past year, a step, minutes."""
    offer = offer_of(buddy, offer_id)
    if offer.state not in HELPED:
        raise AppError("offer_closed", 409, _("Help can be logged only in a match."))
    entry = HelpLog(
        offer_id=offer.id,
        buddy_id=buddy.id,
        newcomer_id=offer.request.newcomer_id,
        helped_on=given.helped_on,
        topic=given.topic,
        minutes=given.minutes,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def thank(newcomer: Newcomer, request_id: int) -> None:
    """The newcomer says thank you to the buddy of their match (once is enough)."""
    request = request_of(newcomer, request_id)
    offer = matched_offer(request)
    if offer is None:
        raise AppError("no_match", 409, _("There is no buddy to thank for this request yet."))
    offer.thanked_at = offer.thanked_at or utcnow()
    db.session.flush()


def buddy_export(person: Newcomer) -> dict:
    """What the buddy feature holds about this person, for their data export: their profile,
    requests, the requests put to them, help they logged and reports they made. Never the
    other person's contact details, nor who reported them."""
    profile = db.session.get(BuddyProfile, person.id)
    requests = db.session.scalars(
        select(BuddyRequest).where(BuddyRequest.newcomer_id == person.id).order_by(BuddyRequest.id)
    )
    offers = db.session.scalars(
        select(BuddyOffer).where(BuddyOffer.buddy_id == person.id).order_by(BuddyOffer.id)
    )
    helped = db.session.scalars(
        select(HelpLog).where(HelpLog.buddy_id == person.id).order_by(HelpLog.id)
    )
    reports = db.session.scalars(
        select(BuddyReport).where(BuddyReport.reporter_id == person.id).order_by(BuddyReport.id)
    )
    return {
        "buddy_profile": profile_json(profile) if profile else None,
        "buddy_requests": [
            {
                "id": r.id,
                "state": r.state,
                "topics": json.loads(r.topics),
                "languages": json.loads(r.languages),
                "availability": availability_names(r.availability),
                "employer": r.employer,
                "message": r.message,
                "contact": r.contact,
                "asked_at": iso(r.created_at),
            }
            for r in requests
        ],
        "buddy_requests_received": [
            {
                "id": o.id,
                "state": o.state,
                "received_at": iso(o.created_at),
                "answered_at": iso(o.answered_at),
                "reason": o.reason,
            }
            for o in offers
        ],
        "buddy_help_given": [
            {"date": h.helped_on.isoformat(), "topic": h.topic, "minutes": h.minutes}
            for h in helped
        ],
        "buddy_reports_made": [
            {"reason": r.reason, "details": r.details, "reported_at": iso(r.created_at)}
            for r in reports
        ],
    }


def monthly_totals() -> list[dict]:
    """Per buddy and month: help sessions, minutes, newcomers helped, thank-yous."""
    rows: dict = defaultdict(lambda: {"sessions": 0, "minutes": 0, "newcomers": set(), "thanks": 0})
    for entry in db.session.scalars(select(HelpLog).where(HelpLog.buddy_id.is_not(None))):
        total = rows[(entry.buddy_id, entry.helped_on.strftime("%Y-%m"))]
        total["sessions"] += 1
        total["minutes"] += entry.minutes
        total["newcomers"].add(entry.newcomer_id)
    thanked = select(BuddyOffer).where(
        BuddyOffer.thanked_at.is_not(None), BuddyOffer.buddy_id.is_not(None)
    )
    for offer in db.session.scalars(thanked):
        rows[(offer.buddy_id, amsterdam_date(offer.thanked_at).strftime("%Y-%m"))]["thanks"] += 1
    names = {
        n.id: n.nickname
        for n in db.session.scalars(select(Newcomer).where(Newcomer.id.in_({b for b, _m in rows})))
    }
    return [
        {
            "buddy_id": buddy_id,
            "nickname": names.get(buddy_id) or _("Buddy %(number)d", number=buddy_id),
            "month": month,
            "sessions": total["sessions"],
            "minutes": total["minutes"],
            "newcomers": len(total["newcomers"] - {None}),
            "thanks": total["thanks"],
        }
        for (buddy_id, month), total in sorted(
            rows.items(), key=lambda item: (item[0][1], item[0][0])
        )
    ]


def totals_csv(rows: list[dict]) -> str:
    """The totals as CSV, for the municipality's own records or payments."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["buddy", "month", "help_sessions", "minutes", "newcomers_helped", "thank_yous"]
    )
    for row in rows:
        writer.writerow(
            [
                row["nickname"],
                row["month"],
                row["sessions"],
                row["minutes"],
                row["newcomers"],
                row["thanks"],
            ]
        )
    return out.getvalue()


# --- the admin's review queue for reports --------------------------------------------------


def open_reports() -> list[BuddyReport]:
    """Reports nobody has reviewed yet, oldest first."""
    return list(
        db.session.scalars(
            select(BuddyReport).where(BuddyReport.reviewed_at.is_(None)).order_by(BuddyReport.id)
        )
    )


def review_report(admin: StaffUser, report_id: int, lift: bool) -> BuddyReport:
    """Close a report: lift the reported buddy's suspension, or keep it. The pair stays apart."""
    report = db.session.get(BuddyReport, report_id)
    if report is None or report.reviewed_at is not None:
        raise AppError("not_found", 404, _("This report is not waiting for a review."))
    report.reviewed_at = utcnow()
    report.outcome = "lifted" if lift else "kept"
    profile = db.session.get(BuddyProfile, report.reported_id) if report.reported_id else None
    if profile is not None and lift:
        profile.suspended_at = None
    record(
        admin,
        f"report.{report.outcome}",
        profile.location_id if profile else None,
        f"report #{report.id}",
    )
    dispatch(notify.report_reviewed(report))
    return report
