"""Staff pages of the foundation: login, logout, and the admin's locations, staff accounts and
audit log. The desk and the features' own staff pages build on these."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..clock import today_in_amsterdam
from ..content import current_pack
from ..content.check import check_pack
from ..errors import AppError, ValidationError
from ..extensions import db
from ..forms import form_page
from ..i18n import LANGUAGES, _, next_page
from . import sign_in_staff, sign_out_staff, staff_required
from .inputs import parse_location, parse_new_staff, parse_staff_update
from .limits import failed_login_limits
from .models import Location, StaffUser
from .services import (
    audit_log,
    authenticate,
    create_staff,
    location_for,
    record,
    save_location,
    update_staff_account,
    visible_locations,
)

bp = Blueprint("staff", __name__, url_prefix="/staff")
# The first page after signing in: the desk, which composes the features on top of this.
HOME = "desk.home"


def _after_login(target: str | None) -> str:
    """Back to the staff page that asked for a login, or the desk."""
    page = next_page(target, None) if target else None
    return page if page and page.startswith("/staff/") else url_for(HOME)


@bp.route("/login", methods=["GET", "POST"])
@failed_login_limits
def login():
    """Email and password; a wrong one of either gets the same answer."""
    error = None
    if request.method == "POST":
        try:
            staff = authenticate(request.form.get("email", ""), request.form.get("password", ""))
        except AppError as refused:
            error = refused
        else:
            sign_in_staff(staff)
            record(staff, "staff.login")
            return redirect(_after_login(request.args.get("next")), code=303)
    status = error.status if error else 200
    return render_template("staff/login.html", error=error), status


@bp.post("/logout")
def logout():
    """Log out; always possible, also when the session has already ended."""
    if g.staff is not None:
        record(g.staff, "staff.logout")
    sign_out_staff()
    flash(_("You are logged out."))
    return redirect(url_for("staff.login"), code=303)


def _location_form(template: str, location: Location | None = None, **context):
    """Show a location form; on a valid submit save it (new or changed) and go back to the list."""

    def save():
        save_location(g.staff, parse_location(request.form), location)
        flash(_("Saved."))
        return redirect(url_for("staff.admin_locations"), code=303)

    return form_page(
        lambda errors: render_template(
            template, location=location, errors=errors, form=request.form, **context
        ),
        save,
    )


@bp.route("/admin/locations", methods=["GET", "POST"])
@staff_required(admin=True)
def admin_locations():
    """All housing locations; add one."""
    return _location_form("staff/admin_locations.html", locations=visible_locations(g.staff))


@bp.route("/admin/locations/<id:location_id>", methods=["GET", "POST"])
@staff_required(admin=True)
def admin_location(location_id: int):
    """Change a location's name, village or address."""
    return _location_form("staff/admin_location.html", location_for(g.staff, location_id))


@bp.route("/admin/staff", methods=["GET", "POST"])
@staff_required(admin=True)
def admin_staff():
    """Coordinators and admins; add one."""

    def create():
        values = parse_new_staff(request.form)
        try:
            account = create_staff(
                values.email, values.password, values.role, values.locations, values.languages
            )
        except AppError as refused:  # a weak password, or the email is in use
            field = "password" if refused.code == "weak_password" else "email"
            raise ValidationError({field: refused.message}) from None
        record(g.staff, "staff.create", detail=f"{account.email} ({account.role})")
        flash(_("Saved."))
        return redirect(url_for("staff.admin_staff"), code=303)

    def page(errors):
        accounts = db.session.scalars(db.select(StaffUser).order_by(StaffUser.email)).all()
        return render_template(
            "staff/admin_staff.html",
            accounts=accounts,
            locations=visible_locations(g.staff),
            errors=errors,
            form=request.form,
        )

    return form_page(page, create)


@bp.post("/admin/staff/<id:staff_id>")
@staff_required(admin=True)
def admin_update_staff(staff_id: int):
    """Switch an account on or off, and assign its locations."""
    account = db.session.get(StaffUser, staff_id)
    if account is None:
        abort(404)
    update_staff_account(g.staff, account, parse_staff_update(request.form))
    flash(_("Saved."))
    return redirect(url_for("staff.admin_staff"), code=303)


@bp.get("/admin/audit")
@staff_required(admin=True)
def admin_audit():
    """What staff did, newest first."""
    names = {loc.id: loc.name for loc in db.session.scalars(db.select(Location))}
    return render_template("staff/audit.html", entries=audit_log(), location_names=names)


@bp.get("/admin/content")
@staff_required(admin=True)
def admin_content():
    """The same list as `flask content check`: what in the content pack needs an editor."""
    today = today_in_amsterdam()
    findings = check_pack(current_pack(), today)
    return render_template("staff/admin_content.html", findings=findings, today=today)


@bp.app_context_processor
def _staff_context() -> dict:
    return {"LANGUAGE_NAMES": LANGUAGES}
