"""Buddy pages: ask for a buddy, offer to help, answer requests, and each side's match page."""

import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..accounts import newcomer_required
from ..accounts.models import Newcomer
from ..accounts.services import lives_here_long
from ..clock import today_in_amsterdam
from ..content import Pack, current_pack, pack_text
from ..errors import ValidationError
from ..extensions import db
from ..forms import form_page
from ..i18n import ISO_CODES, _, _l
from ..staff.services import visible_locations
from .inputs import parse_decline, parse_help, parse_profile, parse_report, parse_request
from .lifecycle import (
    accept_offer,
    cancel_request,
    create_request,
    decline_offer,
    end_match,
    first_activity,
    matched_offer,
    offer_of,
    offers_received,
    report_buddy,
    report_newcomer,
    request_of,
    requests_made,
    retry_request,
)
from .matching import AVAILABILITY, availability_names
from .models import REPORT_REASONS, BuddyProfile, HelpLog
from .present import offer_json, request_json
from .recognition import log_help, thank
from .services import display_name, language_names, save_profile

bp = Blueprint("buddies", __name__, url_prefix="/buddy")

# Languages offered as tick boxes: the app's languages first, then others common among
# labour migrants in the region. Names come from CLDR in the reader's language.
SPOKEN_LANGUAGES = (
    "pl", "uk", "bg", "ro", "pt", "nl", "en", "ru", "lt", "lv", "hu", "sk", "cs", "de", "es", "tr",
)  # fmt: skip
_LISTS = ("languages", "topics", "availability")


@bp.context_processor
def _buddy_context() -> dict:
    """Labels for the buddy pages only: other pages do not translate them on every render."""
    return {
        "availability_labels": {
            "weekday_daytime": _("Weekdays, daytime"),
            "weekday_evening": _("Weekday evenings"),
            "weekend": _("Weekends"),
        },
        "report_reason_labels": {
            "no_show": _("Did not come to the meeting"),
            "disrespect": _("Was disrespectful"),
            "asked_for_money": _("Asked for money"),
            "other": _("Something else"),
        },
        "REPORT_REASONS": REPORT_REASONS,
        "today": today_in_amsterdam(),
        "AVAILABILITY": AVAILABILITY,
    }


def _form() -> dict:
    """The submitted form, with the tick-box groups as lists (as the API takes them)."""
    data = request.form.to_dict()
    for name in _LISTS:
        data[name] = request.form.getlist(name)
    return data


def _steps(pack: Pack, keys=None) -> list[tuple[str, str]]:
    """(key, title) of the given steps (all when none are given), in checklist order."""
    return [
        (step.key, pack_text(step.title)) for step in pack.steps if keys is None or step.key in keys
    ]


def _language_choices() -> list[tuple[str, str]]:
    return list(zip(SPOKEN_LANGUAGES, language_names(SPOKEN_LANGUAGES), strict=True))


@bp.get("")
@newcomer_required
def home():
    """My requests for help, the requests put to me as a buddy, and my buddy profile."""
    pack = current_pack()

    def titles(keys: str) -> list[str]:
        return [title for _key, title in _steps(pack, json.loads(keys))]

    made = [(r, request_json(r), titles(r.topics)) for r in reversed(requests_made(g.newcomer))]
    received = [
        (o, offer_json(o), titles(o.request.topics)) for o in reversed(offers_received(g.newcomer))
    ]
    return render_template(
        "buddies/home.html",
        made=made,
        received=received,
        profile=db.session.get(BuddyProfile, g.newcomer.id),
        lives_here_long=lives_here_long(g.newcomer),
    )


@bp.route("/ask", methods=["GET", "POST"])
@newcomer_required
def ask():
    """Ask for a buddy: which steps, how to reach me, and when I have time."""
    pack = current_pack()

    def send():
        created = create_request(g.newcomer, parse_request(_form(), pack, g.newcomer))
        if created.state == "unmatched":
            flash(
                _(
                    "No buddy is free for this right now. Your housing coordinator knows "
                    "that help is needed."
                )
            )
        else:
            flash(_("We asked a buddy. You will see here when they answer."))
        return redirect(url_for("buddies.request_page", request_id=created.id), code=303)

    def page(errors):
        own = ISO_CODES[g.newcomer.language]
        asked = {"topics": [request.args.get("step", "")], "languages": [], "availability": []}
        return render_template(
            "buddies/ask.html",
            values=_form() if request.method == "POST" else asked,
            errors=errors,
            steps=_steps(pack),
            languages=[(code, name) for code, name in _language_choices() if code != own],
        )

    return form_page(page, send)


def _stored_profile(existing: BuddyProfile | None) -> dict:
    """The profile form filled in with what is stored, or with a newcomer's likely answers."""
    if existing is None:
        return {
            "languages": [ISO_CODES[g.newcomer.language]],
            "topics": [],
            "availability": [],
            "capacity": "1",
            "location_id": str(g.newcomer.location_id or ""),
        }
    return {
        "languages": [row.language for row in existing.languages],
        "topics": [row.topic for row in existing.topics],
        "availability": availability_names(existing.availability),
        "capacity": str(existing.capacity),
        "contact": existing.contact,
        "location_id": str(existing.location_id or ""),
        "supervises_at": existing.supervises_at or "",
        "coordinates_location_id": str(existing.coordinates_location_id or ""),
        "away_until": existing.away_until.isoformat() if existing.away_until else "",
    }


@bp.route("/profile", methods=["GET", "POST"])
@newcomer_required
def profile():
    """Offer to help other newcomers, or change the offer."""
    pack = current_pack()
    existing = db.session.get(BuddyProfile, g.newcomer.id)

    def save():
        save_profile(g.newcomer, parse_profile(_form(), pack))
        flash(_("Saved. Thank you for offering to help!"))
        return redirect(url_for("buddies.home"), code=303)

    def page(errors):
        return render_template(
            "buddies/profile.html",
            values=_form() if request.method == "POST" else _stored_profile(existing),
            errors=errors,
            profile=existing,
            steps=_steps(pack),
            languages=_language_choices(),
            locations=visible_locations(None),
        )

    return form_page(page, save)


# --- the newcomer's side of a request --------------------------------------------------------


def _request_page(request_id: int, errors: dict | None = None, form: dict | None = None):
    ask_ = request_of(g.newcomer, request_id, lock=False)
    pack = current_pack()
    topics = json.loads(ask_.topics)
    match = matched_offer(ask_)
    buddy = db.session.get(BuddyProfile, match.buddy_id) if match and match.buddy_id else None
    buddy_languages = [row.language for row in buddy.languages] if buddy else []
    return render_template(
        "buddies/request.html",
        ask=ask_,
        body=request_json(ask_),
        match=match,
        match_name=display_name(
            db.session.get(Newcomer, match.buddy_id) if match and match.buddy_id else None,
            _("Buddy"),
        ),
        shared=language_names(sorted(set(json.loads(ask_.languages)) & set(buddy_languages))),
        steps=_steps(pack, topics),
        activity=first_activity(topics, pack),
        errors=errors or {},
        form=form or {},
    ), (400 if errors else 200)


@bp.get("/requests/<id:request_id>")
@newcomer_required
def request_page(request_id: int):
    """My request: who was asked and why, and once matched: contact, first activity, thanks."""
    return _request_page(request_id)


def _act(actions: dict, target_id: int, action: str, page):
    """Run one button's action and say it worked; on bad input, the page again with the
    messages (None when it worked)."""
    if action not in actions:
        abort(404)
    run, message = actions[action]
    form = request.form.to_dict()
    try:
        run(target_id, form)
    except ValidationError as error:
        db.session.rollback()  # the page shows what is stored, not the half-made change
        return page(target_id, error.fields, form)
    flash(str(message))
    return None


# What each button on a request does, and what the person is told afterwards.
REQUEST_ACTIONS = {
    "cancel": (lambda rid, form: cancel_request(g.newcomer, rid), _l("Your request is closed.")),
    "retry": (lambda rid, form: retry_request(g.newcomer, rid), _l("We asked again.")),
    "thanks": (lambda rid, form: thank(g.newcomer, rid), _l("Your thank-you was sent.")),
    "report": (
        lambda rid, form: report_buddy(g.newcomer, rid, parse_report(form)),
        _l(
            "Thank you for telling us. This buddy is not asked to help anyone until an "
            "administrator has looked at it, and you will not be matched with them again."
        ),
    ),
}


@bp.post("/requests/<id:request_id>/<action>")
@newcomer_required
def request_action(request_id: int, action: str):
    """Cancel or end, ask again, thank, or report the buddy."""
    failed = _act(REQUEST_ACTIONS, request_id, action, _request_page)
    if failed:
        return failed
    return redirect(url_for("buddies.request_page", request_id=request_id), code=303)


# --- the buddy's side of an offer -------------------------------------------------------------


def _offer_page(offer_id: int, errors: dict | None = None, form: dict | None = None):
    offer = offer_of(g.newcomer, offer_id, lock=False)
    pack = current_pack()
    topics = json.loads(offer.request.topics)
    helped = db.session.scalars(
        select(HelpLog).where(HelpLog.offer_id == offer.id).order_by(HelpLog.helped_on)
    ).all()
    profile_ = db.session.get(BuddyProfile, g.newcomer.id)
    own = {row.language for row in profile_.languages} if profile_ else set()
    return render_template(
        "buddies/offer.html",
        offer=offer,
        body=offer_json(offer),
        shared=language_names(sorted(set(json.loads(offer.request.languages)) & own)),
        languages=language_names(json.loads(offer.request.languages)),
        steps=_steps(pack, topics),
        activity=first_activity(topics, pack),
        helped=helped,
        all_steps=_steps(pack),
        errors=errors or {},
        form=form or {},
    ), (400 if errors else 200)


@bp.get("/offers/<id:offer_id>")
@newcomer_required
def offer_page(offer_id: int):
    """A request put to me: accept or decline; once matched: contact, first activity, help log."""
    return _offer_page(offer_id)


OFFER_ACTIONS = {
    "accept": (
        lambda oid, form: accept_offer(g.newcomer, oid),
        _l("Thank you! You can now see how to reach each other."),
    ),
    "decline": (
        lambda oid, form: decline_offer(g.newcomer, oid, parse_decline(form)),
        _l("That is fine. We will ask another buddy."),
    ),
    "end": (
        lambda oid, form: end_match(g.newcomer, oid),
        _l("The match has ended. Thank you for your help."),
    ),
    "help": (
        lambda oid, form: log_help(g.newcomer, oid, parse_help(form, current_pack())),
        _l("Your help is noted. Thank you!"),
    ),
    "report": (
        lambda oid, form: report_newcomer(g.newcomer, oid, parse_report(form)),
        _l(
            "Thank you for telling us. The match has ended, and you will not be matched with "
            "this person again."
        ),
    ),
}


@bp.post("/offers/<id:offer_id>/<action>")
@newcomer_required
def offer_action(offer_id: int, action: str):
    """Accept, decline, end, log help, or report the newcomer."""
    failed = _act(OFFER_ACTIONS, offer_id, action, _offer_page)
    if failed:
        return failed
    if action == "decline":
        return redirect(url_for("buddies.home"), code=303)
    return redirect(url_for("buddies.offer_page", offer_id=offer_id), code=303)
