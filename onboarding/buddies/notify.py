"""Push notifications for buddy events, in the recipient's language: a new request (to the
buddy); accepted, declined or unanswered and moved on, or nobody free (to the newcomer); and
a report's outcome. Queued after the change is committed and sent off the request's path."""

import json

from flask import url_for

from ..accounts.models import Newcomer
from ..content import current_pack, pack_text
from ..extensions import db
from ..i18n import _
from ..push.jobs import dispatch
from ..push.messages import queue, speaking_to
from .models import BuddyOffer, BuddyReport, BuddyRequest
from .services import display_name


def _person(person_id: int | None) -> Newcomer | None:
    return db.session.get(Newcomer, person_id) if person_id else None


def _send(messages) -> None:
    ids = [message.id for message in messages if message is not None]
    db.session.commit()
    dispatch(ids)


def _asked(offer: BuddyOffer):
    """To the buddy: someone asks for your help."""
    buddy, newcomer = _person(offer.buddy_id), _person(offer.request.newcomer_id)
    if buddy is None:
        return None
    pack = current_pack()
    with speaking_to(buddy):
        steps = [
            pack_text(s.title) for s in pack.steps if s.key in json.loads(offer.request.topics)
        ]
        return queue(
            buddy,
            f"offer:{offer.id}:asked",
            _("Someone asks for your help"),
            _(
                "%(name)s asks for help with: %(steps)s.",
                name=display_name(newcomer, _("Newcomer")),
                steps="; ".join(steps),
            ),
            url_for("buddies.offer_page", offer_id=offer.id),
            urgency="high",
            ttl=max(60, int((offer.expires_at - offer.created_at).total_seconds())),
        )


def request_answered(request: BuddyRequest) -> None:
    """After a request was made or asked again: the buddy it went to hears of it."""
    offer = request.live_offer
    if offer is not None and offer.state == "pending":
        _send([_asked(offer)])


def offer_accepted(offer: BuddyOffer) -> None:
    """To the newcomer: you have a buddy."""
    newcomer, buddy = _person(offer.request.newcomer_id), _person(offer.buddy_id)
    if newcomer is None:
        return
    with speaking_to(newcomer):
        message = queue(
            newcomer,
            f"offer:{offer.id}:accepted",
            _("You have a buddy!"),
            _(
                "%(name)s will help you. Open the app to see how to reach each other.",
                name=display_name(buddy, _("Buddy")),
            ),
            url_for("buddies.request_page", request_id=offer.request_id),
            urgency="high",
        )
    _send([message])


def moved_on(offer: BuddyOffer) -> None:
    """After a decline, no answer in time or a report: the newcomer hears that the next buddy
    was asked (and that buddy hears of the request), or that nobody is free now."""
    request = offer.request
    newcomer, buddy = _person(request.newcomer_id), _person(offer.buddy_id)
    messages = []
    if newcomer is not None:
        with speaking_to(newcomer):
            name = display_name(buddy, _("Buddy"))
            if request.state == "unmatched":
                what, title = "unmatched", _("No buddy is free right now")
                body = _(
                    "Your housing coordinator knows that help is needed. You can ask again "
                    "later in the app."
                )
            elif offer.state == "expired":
                what, title = "expired", _("We are asking another buddy")
                body = _(
                    "%(name)s did not answer in time. We asked another buddy who speaks your "
                    "language.",
                    name=name,
                )
            else:  # declined, or withdrawn after a report
                what, title = "declined", _("We are asking another buddy")
                body = _(
                    "%(name)s cannot help this time. We asked another buddy who speaks your "
                    "language.",
                    name=name,
                )
            url = url_for("buddies.request_page", request_id=request.id)
            messages.append(queue(newcomer, f"offer:{offer.id}:{what}", title, body, url))
    live = request.live_offer
    if live is not None and live.id != offer.id:
        messages.append(_asked(live))
    _send(messages)


def report_reviewed(report: BuddyReport) -> None:
    """A reported buddy learns whether they can help again; the reporter that it was read."""
    messages = []
    reported, reporter = _person(report.reported_id), _person(report.reporter_id)
    offer = db.session.get(BuddyOffer, report.offer_id) if report.offer_id else None
    if reported is not None and offer is not None and offer.buddy_id == reported.id:
        with speaking_to(reported):
            lifted = report.outcome == "lifted"
            messages.append(
                queue(
                    reported,
                    f"report:{report.id}:outcome",
                    _("You can help again") if lifted else _("Your buddy role stays paused"),
                    _("An administrator looked at the report. You can be asked to help again.")
                    if lifted
                    else _(
                        "An administrator looked at the report. You will not be asked to help "
                        "for now."
                    ),
                    url_for("buddies.home"),
                )
            )
    if reporter is not None:
        with speaking_to(reporter):
            messages.append(
                queue(
                    reporter,
                    f"report:{report.id}:reviewed",
                    _("Your report was reviewed"),
                    _("Thank you for telling us. An administrator has looked at it."),
                    url_for("buddies.home"),
                )
            )
    _send(messages)
