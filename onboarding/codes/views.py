"""Staff pages for join codes: an A4 sheet of cards to print (also as PDF and SVG), revoking."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from ..clock import amsterdam_date
from ..i18n import _
from ..staff import staff_required
from ..validation import parse_ids
from .qr import Card, instructions, pages, qr_svg, sheet_pdf, sheet_svg
from .services import code_for, code_token, join_url, revoke_code

bp = Blueprint("codes", __name__, url_prefix="/staff/codes")
# Where a coordinator comes back to: the location's desk (composed on top of the features).
DESK = "desk.location"


@bp.post("/<id:code_id>/revoke")
@staff_required()
def revoke(code_id: int):
    """Revoke a code from the desk."""
    code = code_for(g.staff, code_id)
    revoke_code(g.staff, code)
    flash(_("The code was revoked. It no longer works."))
    return redirect(url_for(DESK, location_id=code.location_id), code=303)


def _cards() -> list[Card]:
    """The cards for ?ids=1,2,3 (only codes this staff member may see, still printable)."""
    ids = parse_ids(request.args.get("ids", "").split(","))[:200]
    if not ids:
        abort(404)
    cards = []
    for code_id in ids:
        code = code_for(g.staff, code_id)
        token = code_token(code)
        if token is not None:
            cards.append(Card(join_url(token), code.location.name, amsterdam_date(code.expires_at)))
    return cards


@bp.get("/print")
@staff_required()
def print_sheet():
    """An A4 sheet of 8 cards per page, ready for the browser's print dialog."""
    cards = _cards()
    return render_template(
        "staff/print.html",
        sheets=pages(cards),
        qr_images={card.url: qr_svg(card.url) for card in cards},
        instructions=instructions(),
        ids=request.args.get("ids"),
    )


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/sheet.svg")
@staff_required()
def sheet_as_svg():
    """The same sheet as one SVG file."""
    return _download(sheet_svg(_cards(), _("Valid until")), "image/svg+xml", "aankomst-codes.svg")


@bp.get("/sheet.pdf")
@staff_required()
def sheet_as_pdf():
    """The same sheet as a PDF."""
    return _download(sheet_pdf(_cards(), _("Valid until")), "application/pdf", "aankomst-codes.pdf")
