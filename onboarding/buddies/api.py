"""Buddy API: opting in, and approval by staff."""

from flask import Response, g, jsonify, request

from ..accounts import newcomer_required
from ..api import bp
from ..content import current_pack
from ..staff import staff_required
from ..validation import json_body
from .lifecycle import (
    accept_offer,
    cancel_request,
    create_request,
    decline_offer,
    end_match,
    offers_received,
    parse_decline,
    parse_report,
    parse_request,
    report_buddy,
    report_newcomer,
    requests_made,
    retry_request,
)
from .present import offer_json, request_json
from .recognition import log_help, thank
from .services import parse_profile, profile_for_staff, profile_json, save_profile, set_approval


@bp.put("/buddy/profile")
@newcomer_required
def api_buddy_profile():
    """Offer to help others (or change the offer)."""
    values = parse_profile(json_body(), current_pack())
    return jsonify(profile_json(save_profile(g.newcomer, values)))


@bp.post("/buddy/approve/<id:user_id>")
@staff_required()
def api_buddy_approve(user_id: int):
    """Approve a buddy of one's own location (admins: any)."""
    set_approval(g.staff, profile_for_staff(g.staff, user_id), approved=True)
    return Response(status=204)


@bp.delete("/buddy/approve/<id:user_id>")
@staff_required()
def api_buddy_withdraw(user_id: int):
    """Withdraw a buddy's approval."""
    set_approval(g.staff, profile_for_staff(g.staff, user_id), approved=False)
    return Response(status=204)


# --- requests and offers -------------------------------------------------------------------


@bp.post("/buddy/requests")
@newcomer_required
def api_create_request():
    """Ask for a buddy; the best one gets the request at once."""
    values = parse_request(json_body(), current_pack(), g.newcomer)
    return jsonify(request_json(create_request(g.newcomer, values))), 201


@bp.get("/buddy/requests")
@newcomer_required
def api_list_requests():
    """The person's own requests, and the offers they received as a buddy."""
    made = requests_made(g.newcomer)
    received = offers_received(g.newcomer)
    return jsonify(
        {"made": [request_json(r) for r in made], "received": [offer_json(o) for o in received]}
    )


@bp.post("/buddy/offers/<id:offer_id>/accept")
@newcomer_required
def api_accept_offer(offer_id: int):
    """Say yes to helping this newcomer."""
    return jsonify(offer_json(accept_offer(g.newcomer, offer_id)))


@bp.post("/buddy/offers/<id:offer_id>/decline")
@newcomer_required
def api_decline_offer(offer_id: int):
    """Say no; the request moves on to the next buddy."""
    reason = parse_decline(json_body() if request.data else {})
    return jsonify(offer_json(decline_offer(g.newcomer, offer_id, reason)))


@bp.post("/buddy/requests/<id:request_id>/cancel")
@newcomer_required
def api_cancel_request(request_id: int):
    """Stop asking, or end the match when it was accepted."""
    return jsonify(request_json(cancel_request(g.newcomer, request_id)))


@bp.post("/buddy/requests/<id:request_id>/retry")
@newcomer_required
def api_retry_request(request_id: int):
    """Ask again after nobody was free."""
    return jsonify(request_json(retry_request(g.newcomer, request_id)))


@bp.post("/buddy/offers/<id:offer_id>/end")
@newcomer_required
def api_end_match(offer_id: int):
    """The buddy ends the match."""
    return jsonify(offer_json(end_match(g.newcomer, offer_id)))


@bp.post("/buddy/requests/<id:request_id>/report")
@newcomer_required
def api_report_buddy(request_id: int):
    """Report the buddy: suspended at once, reviewed by an admin, never matched again."""
    report_buddy(g.newcomer, request_id, parse_report(json_body()))
    return Response(status=204)


@bp.post("/buddy/offers/<id:offer_id>/report")
@newcomer_required
def api_report_newcomer(offer_id: int):
    """Report the newcomer: the match ends and the pair is never matched again."""
    report_newcomer(g.newcomer, offer_id, parse_report(json_body()))
    return Response(status=204)


@bp.post("/buddy/offers/<id:offer_id>/help")
@newcomer_required
def api_log_help(offer_id: int):
    """The buddy logs help given: date, step and minutes."""
    entry = log_help(g.newcomer, offer_id, json_body(), current_pack())
    body = {
        "id": entry.id,
        "date": entry.helped_on.isoformat(),
        "topic": entry.topic,
        "minutes": entry.minutes,
    }
    return jsonify(body), 201


@bp.post("/buddy/requests/<id:request_id>/thanks")
@newcomer_required
def api_thank(request_id: int):
    """The newcomer thanks their buddy."""
    thank(g.newcomer, request_id)
    return Response(status=204)
