"""Pages: download my data, delete my account."""

import json

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from ..accounts import CLEAR_SITE_DATA, newcomer_required, sign_out
from ..i18n import _
from .services import erase_person, export_person

bp = Blueprint("privacy", __name__)


@bp.get("/me/export")
@newcomer_required
def export_download():
    """All data about the person as a JSON file."""
    body = json.dumps(export_person(g.newcomer), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="aankomst-my-data.json"'},
    )


@bp.route("/me/delete", methods=["GET", "POST"])
@newcomer_required
def delete_account():
    """Erase the person after a clear confirmation."""
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm that you want to delete everything."))
            return redirect(url_for("privacy.delete_account"), code=303)
        erase_person(g.newcomer)
        sign_out()
        flash(_("Everything about you has been deleted."))
        response = redirect(url_for("checklist.home"), code=303)
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
    return render_template("privacy/delete.html")
