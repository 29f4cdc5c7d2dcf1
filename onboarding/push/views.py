"""The reminders part of the settings page: on or off, and the quiet hours."""

from flask import Blueprint, flash, g, redirect, request, url_for

from ..accounts import newcomer_required
from ..accounts.views import settings_page
from ..errors import ValidationError
from ..i18n import _
from .inputs import parse_preferences
from .services import preferences, update_preferences

bp = Blueprint("push", __name__)
SECTION = "reminders"


def settings_context(newcomer) -> dict:
    """What the settings page shows of this feature."""
    return {"preferences": preferences(newcomer)}


@bp.post("/settings/reminders")
@newcomer_required
def reminders():
    """Reminders on or off and the quiet hours, from the settings page."""
    form = {
        "reminders": request.form.get("reminders") == "1",
        "quiet_start": request.form.get("quiet_start", ""),
        "quiet_end": request.form.get("quiet_end", ""),
    }
    try:
        update_preferences(g.newcomer, parse_preferences(form))
    except ValidationError as error:
        return settings_page(section=(SECTION, error.fields)), 400
    flash(_("Saved."))
    return redirect(url_for("accounts.settings"), code=303)
