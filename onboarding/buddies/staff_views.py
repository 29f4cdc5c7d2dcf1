"""The buddy pages for staff: approving a location's buddies, the help they gave (also as CSV)
and the reports an admin reviews."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from ..i18n import _
from ..staff import staff_required
from .recognition import monthly_totals, open_reports, review_report, totals_csv
from .services import profile_for_staff, set_approval

bp = Blueprint("buddy_admin", __name__, url_prefix="/staff")
DESK = "desk.location"


@bp.post("/buddies/<id:user_id>/<choice>")
@staff_required()
def approval(user_id: int, choice: str):
    """Approve a buddy of one's location, or withdraw the approval, from the desk."""
    if choice not in ("approve", "withdraw"):
        abort(404)
    profile = profile_for_staff(g.staff, user_id)
    set_approval(g.staff, profile, approved=choice == "approve")
    flash(_("Approved.") if choice == "approve" else _("Approval withdrawn."))
    return redirect(url_for(DESK, location_id=profile.location_id, _anchor="buddies"), code=303)


@bp.get("/admin/buddies")
@staff_required(admin=True)
def totals():
    """Help given by buddies, per buddy and month."""
    return render_template("staff/buddy_totals.html", rows=monthly_totals())


@bp.get("/admin/buddies.csv")
@staff_required(admin=True)
def totals_as_csv():
    """The same totals as a CSV file."""
    return Response(
        totals_csv(monthly_totals()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="aankomst-buddy-help.csv"'},
    )


@bp.get("/admin/reports")
@staff_required(admin=True)
def reports():
    """Reports between buddies and newcomers waiting for a decision."""
    return render_template("staff/reports.html", reports=open_reports())


@bp.post("/admin/reports/<id:report_id>")
@staff_required(admin=True)
def review(report_id: int):
    """Lift or keep the reported buddy's suspension."""
    decision = request.form.get("decision")
    if decision not in ("lift", "keep"):
        abort(400)
    review_report(g.staff, report_id, lift=decision == "lift")
    flash(_("Saved."))
    return redirect(url_for("buddy_admin.reports"), code=303)
