"""Pages for joining, recovering, settings and "forget this device"."""

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import refresh

from ..clock import today_in_amsterdam
from ..codes.limits import unknown_code_limit
from ..codes.services import find_usable_code
from ..errors import AppError
from ..forms import form_page
from ..i18n import _, normalize_language
from ..security import decrypt_secret, encrypt_secret
from . import (
    CLEAR_SITE_DATA,
    already_signed_in_error,
    newcomer_required,
    settings_sections,
    sign_in,
    sign_out,
)
from .inputs import parse_profile
from .limits import unknown_recovery_code_limit
from .models import STAY_PLANS
from .services import (
    join,
    recover,
    redeem_recovery_token,
    renew_recovery_code,
    set_share_progress,
    update_profile,
)

bp = Blueprint("accounts", __name__)

# A new recovery code waits, encrypted and for half an hour at most, for the page showing it.
ONCE_KEY = "recovery_code_once"
ONCE_PURPOSE = "recovery-code-once"
ONCE_MAX_AGE = 30 * 60


def hand_over_recovery_code(recovery_code: str, renewed: bool = False) -> None:
    """Keep a new recovery code for the one page that shows it."""
    session[ONCE_KEY] = encrypt_secret(recovery_code, ONCE_PURPOSE)
    session["recovery_code_renewed"] = renewed


def _form_data() -> dict:
    data = request.form.to_dict()
    data.setdefault("temporary_protection", "")
    return data


@bp.route("/join/<token>", methods=["GET", "POST"])
@unknown_code_limit
def join_page(token: str):
    """Step 1: choose a language; step 2: dates and plan. Only the submit uses the code."""
    if g.newcomer is not None:
        error = already_signed_in_error()
        return render_template("accounts/already_signed_in.html", error=error), error.status
    chosen = normalize_language(request.values.get("language"))
    if chosen:
        session["lang"] = chosen
        refresh()  # this very page already speaks the chosen language
    code = find_usable_code(token)
    if request.method == "GET" and not chosen:
        return render_template("accounts/join_language.html", token=token, code=code)

    def submitted() -> dict:
        return {**_form_data(), "language": chosen or session.get("lang")}

    def make_checklist():
        newcomer, recovery_code = join(token, parse_profile(submitted()))
        sign_in(newcomer)
        hand_over_recovery_code(recovery_code)
        return redirect(url_for("accounts.welcome"), code=303)

    def page(errors):
        first = {"arrival_date": (code.arrival_date or today_in_amsterdam()).isoformat()}
        values = submitted() if request.method == "POST" else first
        return render_template(
            "accounts/join_form.html", token=token, values=values, errors=errors, plans=STAY_PLANS
        )

    return form_page(page, make_checklist)


@bp.get("/welcome")
@newcomer_required
def welcome():
    """Show a new recovery code exactly once: right after joining, or after renewing it."""
    sealed = session.pop(ONCE_KEY, None)
    renewed = session.pop("recovery_code_renewed", False)
    recovery_code = decrypt_secret(sealed, ONCE_PURPOSE, ONCE_MAX_AGE) if sealed else None
    if recovery_code is None:
        return redirect(url_for("checklist.home"))
    return render_template("accounts/welcome.html", recovery_code=recovery_code, renewed=renewed)


@bp.route("/recover", methods=["GET", "POST"])
@unknown_recovery_code_limit
def recover_page():
    """Move a checklist to a new phone with the recovery code."""
    error = None
    if request.method == "POST":
        try:
            newcomer = recover(request.form.get("recovery_code", ""))
        except AppError as refused:
            error = refused
        else:
            sign_in(newcomer)
            flash(_("Welcome back. Your checklist is on this phone now."))
            return redirect(url_for("checklist.home"), code=303)
    status = error.status if error else 200
    return render_template("accounts/recover.html", error=error), status


@bp.route("/recover/<token>", methods=["GET", "POST"])
def recover_link(token: str):
    """A one-time recovery QR from the coordinator: confirm, then this phone gets the checklist."""
    if request.method == "POST":
        newcomer, recovery_code = redeem_recovery_token(token)
        sign_in(newcomer)
        hand_over_recovery_code(recovery_code, renewed=True)
        flash(_("Welcome back. Your checklist is on this phone now."))
        return redirect(url_for("accounts.welcome"), code=303)
    return render_template("accounts/recover_link.html")


@bp.post("/settings/sharing")
@newcomer_required
def sharing():
    """Switch sharing of progress with the housing coordinator on or off."""
    share = request.form.get("share_progress") == "1"
    set_share_progress(g.newcomer, share)
    if share:
        flash(_("Your housing coordinator can now see how many steps you have finished."))
    else:
        flash(_("Your housing coordinator can no longer see your progress."))
    return redirect(url_for("accounts.settings"), code=303)


@bp.post("/logout")
def logout():
    """Forget this device: end the session and ask the browser to drop cached data."""
    sign_out()
    flash(_("You are signed out on this phone. Use your recovery code to come back."))
    response = redirect(url_for("checklist.home"), code=303)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def _current_values(newcomer) -> dict:
    """The settings form filled in with what is stored."""
    return {
        "arrival_date": newcomer.arrival_date.isoformat(),
        "first_workday_date": (
            newcomer.first_workday_date.isoformat() if newcomer.first_workday_date else ""
        ),
        "stay_plan": newcomer.stay_plan,
        "nickname": newcomer.nickname or "",
        "temporary_protection": "1" if newcomer.temporary_protection else "",
        "eu_citizen": {True: "yes", False: "no"}.get(newcomer.eu_citizen, ""),
    }


@bp.route("/settings", methods=["GET", "POST"])
@newcomer_required
def settings():
    """Change stay plan, dates and nickname; due dates follow."""

    def save():
        update_profile(g.newcomer, parse_profile(_form_data(), partial_of=g.newcomer))
        flash(_("Saved. Your dates and steps are up to date."))
        return redirect(url_for("checklist.home"), code=303)

    return form_page(lambda errors: settings_page(_form_data() if errors else None, errors), save)


def settings_page(values: dict | None = None, errors: dict | None = None, section: tuple = ()):
    """The settings page with the sections features add; `section` is (name, field errors) of
    a section whose form was just refused."""
    refused_name, refused_errors = section or (None, {})
    sections = [
        (
            part.template,
            {
                **part.context(g.newcomer),
                "errors": refused_errors if part.name == refused_name else {},
            },
        )
        for part in settings_sections()
    ]
    return render_template(
        "accounts/settings.html",
        values=values or _current_values(g.newcomer),
        errors=errors or {},
        plans=STAY_PLANS,
        sections=sections,
    )


@bp.post("/settings/recovery-code")
@newcomer_required
def renew_recovery_code_page():
    """A new recovery code for someone who lost theirs but still has this phone."""
    hand_over_recovery_code(renew_recovery_code(g.newcomer), renewed=True)
    return redirect(url_for("accounts.welcome"), code=303)
