"""Push notifications for buddy events, in the recipient's language: a new request (to the
buddy); accepted, declined or unanswered and moved on, or nobody free (to the newcomer); and
a report's outcome. Each function queues its messages in the same transaction as the change
and returns their ids; the caller commits, then hands the ids to `push.jobs.dispatch`, so a
notification is sent only for a change that was stored, and nothing reads rows after the commit
(another request may have erased them by then)."""

import json

from flask import url_for

from ..accounts.models import Newcomer
from ..content import current_pack, pack_text
from ..extensions import db
from ..i18n import _
from ..push.messages import queue, speaking_to
from .models import BuddyOffer, BuddyReport, BuddyRequest
from .services import display_name


def _person(person_id: int | None) -> Newcomer | None:
    return db.session.get(Newcomer, person_id) if person_id else None


def _ids(messages) -> list[int]:
    return [message.id for message in messages if message is not None]


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


def request_answered(request: BuddyRequest) -> list[int]:
    """After a request was made or asked again: the buddy it went to hears of it."""
    offer = request.live_offer
    return _ids([_asked(offer)]) if offer is not None and offer.state == "pending" else []


def offer_accepted(offer: BuddyOffer) -> list[int]:
    """To the newcomer: you have a buddy."""
    newcomer, buddy = _person(offer.request.newcomer_id), _person(offer.buddy_id)
    if newcomer is None:
        return []
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
    return _ids([message])


def moved_on(offer: BuddyOffer) -> list[int]:
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
    return _ids([*messages, *_next_buddy_asked(request, offer)])


def newcomer_left(offer: BuddyOffer, was_match: bool) -> list[int]:
    """To the buddy, when the newcomer deleted their account or was removed: the match ended
    or the request was withdrawn. No name: the person asked to be forgotten."""
    buddy = _person(offer.buddy_id)
    if buddy is None:
        return []
    with speaking_to(buddy):
        if was_match:
            title = _("Your match has ended")
            body = _(
                "The person you were helping no longer uses Aankomst. Your place is free for "
                "someone new. Thank you for your help."
            )
        else:
            title = _("A request for help was withdrawn")
            body = _("The person who asked no longer uses Aankomst. You do not need to answer.")
        return _ids([queue(buddy, f"offer:{offer.id}:left", title, body, url_for("buddies.home"))])


def buddy_left(offer: BuddyOffer) -> list[int]:
    """To the newcomer, when their buddy (or the buddy asked) left Aankomst: another buddy was
    asked, or nobody is free now; and to that next buddy, the request."""
    request = offer.request
    newcomer = _person(request.newcomer_id)
    messages = []
    if newcomer is not None:
        with speaking_to(newcomer):
            if request.state == "unmatched":
                body = _(
                    "Your buddy no longer uses Aankomst, and no other buddy is free right now. "
                    "You can ask again later in the app."
                )
            else:
                body = _(
                    "Your buddy no longer uses Aankomst. We asked another buddy who speaks your "
                    "language."
                )
            messages.append(
                queue(
                    newcomer,
                    f"offer:{offer.id}:buddy_left",
                    _("Your buddy has left"),
                    body,
                    url_for("buddies.request_page", request_id=request.id),
                    urgency="high",
                )
            )
    return _ids([*messages, *_next_buddy_asked(request, offer)])


def _next_buddy_asked(request: BuddyRequest, previous: BuddyOffer) -> list:
    """The buddy a request moved on to hears of it."""
    live = request.live_offer
    return [_asked(live)] if live is not None and live.id != previous.id else []


def report_reviewed(report: BuddyReport) -> list[int]:
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
    return _ids(messages)
