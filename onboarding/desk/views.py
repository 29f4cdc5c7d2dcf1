"""The desk's pages: the staff member's locations, one location's desk, and what staff do for
one newcomer (a recovery QR; an admin deleting an account on request)."""

from dataclasses import asdict

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..buddies.lifecycle import unmet_need
from ..buddies.services import buddies_at
from ..codes.inputs import parse_code_request
from ..codes.qr import qr_svg
from ..codes.services import code_counts, code_state, codes_of, issue_codes, public_url
from ..content import current_pack
from ..forms import form_page
from ..i18n import _
from ..privacy.services import erase_person
from ..staff import staff_required
from ..staff.inputs import parse_contact_line
from ..staff.services import location_for, update_contact_line, visible_locations
from .services import arrivals, make_recovery_link, newcomer_for

bp = Blueprint("desk", __name__, url_prefix="/staff")


@bp.get("/")
@staff_required()
def home():
    """The staff member's locations with their code counts."""
    locations = visible_locations(g.staff)
    return render_template(
        "staff/home.html", locations=[(loc, code_counts(loc)) for loc in locations]
    )


@bp.route("/locations/<id:location_id>", methods=["GET", "POST"])
@staff_required()
def location(location_id: int):
    """One location: issue codes, see codes and arrivals, set the contact line."""
    place = location_for(g.staff, location_id)

    def act():
        form = request.form
        if form.get("form") == "contact":
            update_contact_line(g.staff, place, parse_contact_line(form))
            flash(_("Saved."))
            return redirect(url_for("desk.location", location_id=place.id), code=303)
        wanted = parse_code_request({k: v for k, v in form.items() if v != "" or k == "single_use"})
        issued = issue_codes(place, staff=g.staff, **asdict(wanted))
        ids = ",".join(str(code.id) for code, _token in issued)
        return redirect(url_for("codes.print_sheet", ids=ids), code=303)

    def page(errors):
        pack = current_pack()
        return render_template(
            "staff/desk.html",
            location=place,
            counts=code_counts(place),
            codes=[(code, code_state(code)) for code in codes_of([place.id])],
            arrivals=arrivals(place, pack),
            buddies=buddies_at(place.id),
            unmet=unmet_need(place.id, pack),
            errors=errors,
            form=request.form,
        )

    return form_page(page, act)


@bp.post("/newcomers/<id:newcomer_id>/recovery")
@staff_required()
def recovery_link(newcomer_id: int):
    """A one-time recovery QR for a newcomer who lost phone and recovery code."""
    newcomer = newcomer_for(g.staff, newcomer_id)
    full_url = public_url(
        url_for("accounts.recover_link", token=make_recovery_link(g.staff, newcomer))
    )
    return render_template(
        "staff/recovery.html", newcomer=newcomer, url=full_url, qr=qr_svg(full_url)
    )


@bp.post("/newcomers/<id:newcomer_id>/erase")
@staff_required(admin=True)
def erase_newcomer(newcomer_id: int):
    """An admin removes a newcomer and everything about them (for example when the person asks
    at the desk without their phone); audited, and their buddy is set free."""
    newcomer = newcomer_for(g.staff, newcomer_id)
    location_id = newcomer.location_id
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that this person's account should be deleted."))
    else:
        erase_person(newcomer, by=g.staff)
        flash(_("The account and all its data were deleted."))
    return redirect(url_for("desk.location", location_id=location_id, _anchor="arrivals"), code=303)
