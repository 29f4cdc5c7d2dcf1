"""Staff pages: login, the coordinator's desk per location, printing codes, admin."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from ..buddies.lifecycle import unmet_need
from ..buddies.recognition import monthly_totals, open_reports, review_report, totals_csv
from ..buddies.services import buddies_at, profile_for_staff, set_approval
from ..clock import amsterdam_date
from ..codes.qr import Card, instructions, pages, qr_svg, sheet_pdf, sheet_svg
from ..codes.services import (
    code_counts,
    code_for,
    code_state,
    code_token,
    codes_of,
    issue_codes,
    join_url,
    parse_code_request,
    public_url,
    revoke_code,
)
from ..content import current_pack
from ..errors import AppError, ValidationError
from ..extensions import db
from ..i18n import LANGUAGES, _, next_page
from ..privacy.services import erase_person
from ..validation import parse_ids
from . import sign_in_staff, sign_out_staff, staff_required
from .desk import (
    arrivals,
    audit_log,
    make_recovery_link,
    newcomer_for,
    parse_new_staff,
    save_location,
    update_contact_line,
    update_staff_account,
)
from .limits import failed_login_limits
from .models import Location, StaffUser
from .services import authenticate, create_staff, location_for, record, visible_locations

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _after_login(target: str | None) -> str:
    """Back to the staff page that asked for a login, or the desk."""
    page = next_page(target, None) if target else None
    return page if page and page.startswith("/staff/") else url_for("staff.home")


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


@bp.get("/")
@staff_required()
def home():
    """The staff member's locations with their code counts."""
    locations = visible_locations(g.staff)
    return render_template(
        "staff/home.html",
        locations=[(loc, code_counts(loc)) for loc in locations],
    )


@bp.route("/locations/<id:location_id>", methods=["GET", "POST"])
@staff_required()
def desk(location_id: int):
    """One location: issue codes, see codes and arrivals, set the contact line."""
    location = location_for(g.staff, location_id)
    errors: dict = {}
    if request.method == "POST":
        form = request.form
        try:
            if form.get("form") == "contact":
                update_contact_line(g.staff, location, form)
                flash(_("Saved."))
                return redirect(url_for("staff.desk", location_id=location.id), code=303)
            values = parse_code_request(
                {k: v for k, v in form.items() if v != "" or k == "single_use"}
            )
            issued = issue_codes(location, staff=g.staff, **values)
            ids = ",".join(str(code.id) for code, _token in issued)
            return redirect(url_for("staff.print_codes", ids=ids), code=303)
        except ValidationError as error:
            errors = error.fields
    codes = codes_of([location.id])
    return render_template(
        "staff/desk.html",
        location=location,
        counts=code_counts(location),
        codes=[(code, code_state(code)) for code in codes],
        arrivals=arrivals(location, current_pack()),
        buddies=buddies_at(location.id),
        unmet=unmet_need(location.id, current_pack()),
        errors=errors,
        form=request.form,
    ), (400 if errors else 200)


@bp.post("/buddies/<id:user_id>/<choice>")
@staff_required()
def buddy_approval(user_id: int, choice: str):
    """Approve a buddy of one's location, or withdraw the approval, from the desk."""
    if choice not in ("approve", "withdraw"):
        abort(404)
    profile = profile_for_staff(g.staff, user_id)
    set_approval(g.staff, profile, approved=choice == "approve")
    flash(_("Approved.") if choice == "approve" else _("Approval withdrawn."))
    return redirect(
        url_for("staff.desk", location_id=profile.location_id, _anchor="buddies"), code=303
    )


@bp.post("/codes/<id:code_id>/revoke")
@staff_required()
def revoke(code_id: int):
    """Revoke a code from the desk."""
    code = code_for(g.staff, code_id)
    revoke_code(g.staff, code)
    flash(_("The code was revoked. It no longer works."))
    return redirect(url_for("staff.desk", location_id=code.location_id), code=303)


def _cards() -> list[Card]:
    """The cards for ?ids=1,2,3 (only codes this staff member may see, still printable)."""
    raw = request.args.get("ids", "")
    ids = parse_ids(raw.split(","))[:200]
    if not ids:
        abort(404)
    cards = []
    for code_id in ids:
        code = code_for(g.staff, code_id)
        token = code_token(code)
        if token is not None:
            cards.append(Card(join_url(token), code.location.name, amsterdam_date(code.expires_at)))
    return cards


@bp.get("/codes/print")
@staff_required()
def print_codes():
    """An A4 sheet of 8 cards per page, ready for the browser's print dialog."""
    cards = _cards()
    qr_images = {card.url: qr_svg(card.url) for card in cards}
    return render_template(
        "staff/print.html",
        sheets=pages(cards),
        qr_images=qr_images,
        instructions=instructions(),
        ids=request.args.get("ids"),
    )


@bp.get("/codes/sheet.svg")
@staff_required()
def sheet_as_svg():
    """The same sheet as one SVG file."""
    body = sheet_svg(_cards(), _("Valid until"))
    return Response(
        body,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": 'attachment; filename="aankomst-codes.svg"'},
    )


@bp.get("/codes/sheet.pdf")
@staff_required()
def sheet_as_pdf():
    """The same sheet as a PDF."""
    return Response(
        sheet_pdf(_cards(), _("Valid until")),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="aankomst-codes.pdf"'},
    )


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
    return redirect(url_for("staff.desk", location_id=location_id, _anchor="arrivals"), code=303)


# --- admin ---------------------------------------------------------------------------------


def _location_form(template: str, location: Location | None = None, **context):
    """Show a location form; on a valid submit save it (new or changed) and go back to the list."""
    errors: dict = {}
    if request.method == "POST":
        try:
            save_location(g.staff, request.form, location)
        except ValidationError as error:
            errors = error.fields
        except AppError as error:  # the name is taken
            errors = {"name": error.message}
        else:
            flash(_("Saved."))
            return redirect(url_for("staff.admin_locations"), code=303)
    return render_template(
        template, location=location, errors=errors, form=request.form, **context
    ), (400 if errors else 200)


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
    errors: dict = {}
    if request.method == "POST":
        try:
            values = parse_new_staff(request.form)
            account = create_staff(
                values["email"], values["password"], values["role"], values["locations"]
            )
        except ValidationError as error:
            errors = error.fields
        except AppError as error:
            field = "password" if error.code == "weak_password" else "email"
            errors = {field: error.message}
        else:
            record(g.staff, "staff.create", detail=f"{account.email} ({account.role})")
            flash(_("Saved."))
            return redirect(url_for("staff.admin_staff"), code=303)
    accounts = db.session.scalars(db.select(StaffUser).order_by(StaffUser.email)).all()
    return render_template(
        "staff/admin_staff.html",
        accounts=accounts,
        locations=visible_locations(g.staff),
        errors=errors,
        form=request.form,
    ), (400 if errors else 200)


@bp.post("/admin/staff/<id:staff_id>")
@staff_required(admin=True)
def admin_update_staff(staff_id: int):
    """Switch an account on or off, and assign its locations."""
    account = db.session.get(StaffUser, staff_id)
    if account is None:
        abort(404)
    update_staff_account(g.staff, account, request.form)
    flash(_("Saved."))
    return redirect(url_for("staff.admin_staff"), code=303)


@bp.get("/admin/audit")
@staff_required(admin=True)
def admin_audit():
    """What staff did, newest first."""
    names = {loc.id: loc.name for loc in db.session.scalars(db.select(Location))}
    return render_template("staff/audit.html", entries=audit_log(), location_names=names)


@bp.app_context_processor
def _staff_context() -> dict:
    return {"LANGUAGE_NAMES": LANGUAGES}


@bp.get("/admin/buddies")
@staff_required(admin=True)
def admin_buddy_totals():
    """Help given by buddies, per buddy and month."""
    return render_template("staff/buddy_totals.html", rows=monthly_totals())


@bp.get("/admin/buddies.csv")
@staff_required(admin=True)
def admin_buddy_totals_csv():
    """The same totals as a CSV file."""
    return Response(
        totals_csv(monthly_totals()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="aankomst-buddy-help.csv"'},
    )


@bp.get("/admin/reports")
@staff_required(admin=True)
def admin_reports():
    """Reports between buddies and newcomers waiting for a decision."""
    return render_template("staff/reports.html", reports=open_reports())


@bp.post("/admin/reports/<id:report_id>")
@staff_required(admin=True)
def admin_review_report(report_id: int):
    """Lift or keep the reported buddy's suspension."""
    decision = request.form.get("decision")
    if decision not in ("lift", "keep"):
        abort(400)
    review_report(g.staff, report_id, lift=decision == "lift")
    flash(_("Saved."))
    return redirect(url_for("staff.admin_reports"), code=303)
