"""The help pages: a list of situations, and one page per situation."""

from flask import Blueprint, abort, render_template

from ..content import current_pack
from ..i18n import LANGUAGES, current_language
from ..transactions import read_only

bp = Blueprint("help", __name__)


@bp.route("/help")
@read_only
def index():
    """Every situation, in the pack's order; reachable from the urgent-help bar."""
    return render_template("help/index.html", pages=current_pack().help_pages)


@bp.route("/help/<key>")
@read_only
def page(key: str):
    """What to do today, who helps for free, and sentences to show in Dutch."""
    help_page = current_pack().help_page(key)
    if help_page is None:
        abort(404)
    others = [code for code in LANGUAGES if code not in ("nl", current_language())]
    return render_template("help/page.html", page=help_page, other_languages=others)
