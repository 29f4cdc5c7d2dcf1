"""Checklist pages: the list with progress, and one page per step."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from ..accounts import newcomer_required, read_with_session, reads_with_session
from ..accounts.models import Newcomer
from ..content import Pack, current_pack
from ..errors import ValidationError
from ..forms import form_page
from ..i18n import LANGUAGES, _, _l, current_language
from ..staff.services import contact_card, contact_values
from ..templating import kept_per_mount_point, owner_tag
from ..transactions import read_only
from .inputs import parse_change
from .present import STUCK_CATEGORY_LABELS, due_lines, step_cards
from .services import (
    PROGRESS_COLUMNS,
    build_checklist,
    checklist_item,
    mark_already_done,
    needs_review,
    progress_counts,
    stay_check_due,
    update_step,
)

bp = Blueprint("checklist", __name__)

STATUS_LABELS = {
    "todo": _l("To do"),
    "doing": _l("Doing"),
    "done": _l("Done"),
    # i18n: a step that does not apply to this person
    "skipped": _l("Not for me"),
}


@bp.app_context_processor
def _status_labels() -> dict:
    """The statuses' names in the reader's language, for every page: worked out once per
    language (and kept with the pack), not on every render."""
    return kept_per_mount_point(("status labels", current_language()), _labels_now)


def _labels_now() -> dict:
    return {"status_labels": {status: str(label) for status, label in STATUS_LABELS.items()}}


@bp.get("/")
@read_only
@reads_with_session(*PROGRESS_COLUMNS, values=contact_values(Newcomer.location_id))
def home():
    """The newcomer's checklist, or the start page for someone not signed in."""
    if g.newcomer is None:
        return render_template("checklist/start.html")
    if needs_review(g.newcomer):
        return _review_page({})
    pack = current_pack()
    read = read_with_session()
    items = build_checklist(g.newcomer, pack, progress=read.rows)
    finished, total = progress_counts(items)
    # The pages the service worker saves for offline use, and when to save them again.
    home_url, all_step_urls, other_urls = _addresses(pack)
    step_urls = {item.key: all_step_urls[item.key] for item in items}
    offline_urls = [home_url, *step_urls.values(), *other_urls]
    offline_key = ":".join(
        [current_app.config["ASSET_VERSION"], owner_tag(), g.newcomer.language, str(len(items))]
    )
    return render_template(
        "checklist/list.html",
        cards=step_cards(items, due_lines(items), step_urls),
        finished=finished,
        total=total,
        offline_urls=offline_urls,
        offline_key=offline_key,
        stay_check=stay_check_due(g.newcomer),
        contact=contact_card(read.values),
    )


def _addresses(pack: Pack) -> tuple[str, dict[str, str], list[str]]:
    """The list's address, every step page's, and the other pages saved for offline use. The
    same for everyone, so built once per pack and mount point instead of on every visit."""
    return kept_per_mount_point(
        ("checklist-addresses",),
        lambda: (
            url_for("checklist.home"),
            {step.key: url_for("checklist.step", key=step.key) for step in pack.steps},
            [
                url_for("help.index"),
                *[url_for("help.page", key=page.key) for page in pack.help_pages],
                url_for("pwa.offline"),
            ],
        ),
    )


def _review_page(errors: dict):
    """One screen of checkboxes: which steps someone who arrived long ago already did."""
    items = build_checklist(g.newcomer, current_pack())
    return render_template("checklist/review.html", items=items, errors=errors), (
        400 if errors else 200
    )


@bp.post("/review")
@newcomer_required
def review():
    """Save the steps already done, then show the usual list."""
    try:
        mark_already_done(g.newcomer, current_pack(), request.form.getlist("done"))
    except ValidationError as error:
        return _review_page(error.fields)
    flash(_("Saved. Here is what is left for you."))
    return redirect(url_for("checklist.home"), code=303)


@bp.route("/steps/<key>", methods=["GET", "POST"])
@read_only
@newcomer_required
def step(key: str):
    """Everything about one step; the forms on it change status, note or "I'm stuck"."""
    pack = current_pack()
    item = checklist_item(g.newcomer, pack, key)

    def save():
        data = request.form.to_dict()
        if "stuck" in data or data.get("form") == "stuck":
            data.setdefault("stuck", "")
            data.setdefault("stuck_category", "")
        data.pop("form", None)
        update_step(g.newcomer, pack, key, parse_change(data))
        flash(_("Saved."))
        back_to_list = request.form.get("next") == "list"
        return redirect(
            url_for("checklist.home", _anchor=f"step-{key}")
            if back_to_list
            else url_for("checklist.step", key=key),
            code=303,
        )

    def page(errors):
        others = [code for code in LANGUAGES if code not in ("nl", g.newcomer.language)]
        return render_template(
            "checklist/step.html",
            item=item,
            due_line=due_lines([item]).get(item.key),
            errors=errors,
            other_languages=others,
            stuck_categories=STUCK_CATEGORY_LABELS,
        )

    return form_page(page, save)
