"""Buddy API: opting in, and approval by staff."""

from flask import Response, g, jsonify

from ..accounts import newcomer_required
from ..api import bp
from ..content import current_pack
from ..staff import staff_required
from ..validation import json_body
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
