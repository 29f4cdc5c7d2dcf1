"""API: the person's data export and erasure."""

from flask import Response, g, jsonify

from ..accounts import CLEAR_SITE_DATA, newcomer_required, sign_out
from ..api import bp
from .services import erase_person, export_person


@bp.get("/me/export")
@newcomer_required
def api_export():
    """Everything stored about the person."""
    return jsonify(export_person(g.newcomer))


@bp.delete("/me")
@newcomer_required
def api_delete_me():
    """Erase the person and sign out."""
    erase_person(g.newcomer)
    sign_out()
    return Response(status=204, headers={"Clear-Site-Data": CLEAR_SITE_DATA})
