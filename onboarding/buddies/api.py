"""Buddy API: opting in, and approval by staff."""

from flask import Response, g, jsonify, request

from ..accounts import newcomer_required
from ..api import bp
from ..api.openapi import CSRF, DATE, error, exact, json_content, ref
from ..content import current_pack
from ..staff import staff_required
from ..validation import json_body
from .inputs import (
    CAPACITY_MAX,
    CONTACT_MAX,
    DETAILS_MAX,
    EMPLOYER_MAX,
    HELP_MINUTES_MAX,
    MESSAGE_MAX,
    REASON_MAX,
    parse_decline,
    parse_help,
    parse_profile,
    parse_report,
    parse_request,
)
from .lifecycle import (
    accept_offer,
    cancel_request,
    create_request,
    decline_offer,
    end_match,
    offers_received,
    report_buddy,
    report_newcomer,
    requests_made,
    retry_request,
)
from .matching import AVAILABILITY
from .models import OFFER_STATES, REPORT_REASONS, REQUEST_STATES
from .present import offer_json, profile_json, request_json
from .recognition import log_help, thank
from .services import profile_for_staff, save_profile, set_approval


@bp.put("/buddy/profile")
@newcomer_required
def api_buddy_profile():
    """Offer to help others (or change the offer)."""
    values = parse_profile(json_body(), current_pack())
    return jsonify(profile_json(save_profile(g.newcomer, values)))


@bp.post("/buddy/approve/<id:user_id>")
@staff_required()
def api_buddy_approve(user_id: int):
    """Approve a buddy of one's own location (admins: any)."""
    set_approval(g.staff, profile_for_staff(g.staff, user_id), approved=True)
    return Response(status=204)


@bp.delete("/buddy/approve/<id:user_id>")
@staff_required()
def api_buddy_withdraw(user_id: int):
    """Withdraw a buddy's approval."""
    set_approval(g.staff, profile_for_staff(g.staff, user_id), approved=False)
    return Response(status=204)


# --- requests and offers -------------------------------------------------------------------


@bp.post("/buddy/requests")
@newcomer_required
def api_create_request():
    """Ask for a buddy; the best one gets the request at once."""
    values = parse_request(json_body(), current_pack(), g.newcomer)
    return jsonify(request_json(create_request(g.newcomer, values))), 201


@bp.get("/buddy/requests")
@newcomer_required
def api_list_requests():
    """The person's own requests, and the offers they received as a buddy."""
    made = requests_made(g.newcomer)
    received = offers_received(g.newcomer)
    return jsonify(
        {"made": [request_json(r) for r in made], "received": [offer_json(o) for o in received]}
    )


@bp.post("/buddy/offers/<id:offer_id>/accept")
@newcomer_required
def api_accept_offer(offer_id: int):
    """Say yes to helping this newcomer."""
    return jsonify(offer_json(accept_offer(g.newcomer, offer_id)))


@bp.post("/buddy/offers/<id:offer_id>/decline")
@newcomer_required
def api_decline_offer(offer_id: int):
    """Say no; the request moves on to the next buddy."""
    reason = parse_decline(json_body() if request.data else {})
    return jsonify(offer_json(decline_offer(g.newcomer, offer_id, reason)))


@bp.post("/buddy/requests/<id:request_id>/cancel")
@newcomer_required
def api_cancel_request(request_id: int):
    """Stop asking, or end the match when it was accepted."""
    return jsonify(request_json(cancel_request(g.newcomer, request_id)))


@bp.post("/buddy/requests/<id:request_id>/retry")
@newcomer_required
def api_retry_request(request_id: int):
    """Ask again after nobody was free."""
    return jsonify(request_json(retry_request(g.newcomer, request_id)))


@bp.post("/buddy/offers/<id:offer_id>/end")
@newcomer_required
def api_end_match(offer_id: int):
    """The buddy ends the match."""
    return jsonify(offer_json(end_match(g.newcomer, offer_id)))


@bp.post("/buddy/requests/<id:request_id>/report")
@newcomer_required
def api_report_buddy(request_id: int):
    """Report the buddy: suspended at once, reviewed by an admin, never matched again."""
    report_buddy(g.newcomer, request_id, parse_report(json_body()))
    return Response(status=204)


@bp.post("/buddy/offers/<id:offer_id>/report")
@newcomer_required
def api_report_newcomer(offer_id: int):
    """Report the newcomer: the match ends and the pair is never matched again."""
    report_newcomer(g.newcomer, offer_id, parse_report(json_body()))
    return Response(status=204)


@bp.post("/buddy/offers/<id:offer_id>/help")
@newcomer_required
def api_log_help(offer_id: int):
    """The buddy logs help given: date, step and minutes."""
    entry = log_help(g.newcomer, offer_id, parse_help(json_body(), current_pack()))
    body = {
        "id": entry.id,
        "date": entry.helped_on.isoformat(),
        "topic": entry.topic,
        "minutes": entry.minutes,
    }
    return jsonify(body), 201


@bp.post("/buddy/requests/<id:request_id>/thanks")
@newcomer_required
def api_thank(request_id: int):
    """The newcomer thanks their buddy."""
    thank(g.newcomer, request_id)
    return Response(status=204)


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

_OFFER_ID = [{"name": "offer_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_REQUEST_ID = [
    {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}
]
_REPORT = {
    "type": "object",
    "required": ["reason"],
    "properties": {
        "reason": {"type": "string", "enum": list(REPORT_REASONS)},
        "details": {"type": "string", "maxLength": DETAILS_MAX},
    },
}


def _buddy_action(
    summary: str, ids: list, unknown: str, report: bool = False, answer: str | None = None
) -> dict:
    done = {"description": "Done", **(json_content(ref(answer)) if answer else {})}
    operation = {
        "summary": summary,
        "parameters": CSRF + ids,
        "responses": {
            ("200" if answer else "204"): done,
            "400": error("Invalid input"),
            "401": error("Not signed in"),
            "404": error(unknown),
            "409": error("No longer open"),
        },
    }
    if report:
        operation["requestBody"] = {"required": True, **json_content(_REPORT)}
    return {"post": operation}


_USER_ID = [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_LANGUAGES = {
    "type": "array",
    "minItems": 1,
    "maxItems": 10,
    "items": {"type": "string", "pattern": "^[a-z]{2}$", "description": "ISO 639-1"},
}
_AVAILABILITY = {"type": "array", "items": {"type": "string", "enum": list(AVAILABILITY)}}
_STEPS = {"type": "array", "minItems": 1, "items": ref("StepKey")}
# Steps as stored: a later content pack may no longer have one of them.
_STORED_STEPS = {"type": "array", "items": {"type": "string"}}
_PROFILE_FIELDS = {
    "languages": _LANGUAGES,
    "location_id": {"type": "integer"},
    "topics": _STEPS,
    "availability": {**_AVAILABILITY, "minItems": 1},
    "capacity": {"type": "integer", "minimum": 1, "maximum": CAPACITY_MAX},
    "contact": {"type": "string", "minLength": 1, "maxLength": CONTACT_MAX},
    "supervises_at": {"type": "string", "maxLength": EMPLOYER_MAX, "nullable": True},
    "coordinates_location_id": {"type": "integer", "nullable": True},
    "away_until": {**DATE, "nullable": True},
}
_BUDDY_PROFILE = {
    "type": "object",
    "required": ["languages", "location_id", "topics", "availability", "capacity", "contact"],
    "properties": _PROFILE_FIELDS,
}
_BUDDY_PROFILE_ANSWER = exact(
    {
        "user_id": {"type": "integer"},
        "approved": {"type": "boolean"},
        **_PROFILE_FIELDS,
        "topics": _STORED_STEPS,
        "away": {"type": "boolean", "description": "away_until is today or later"},
    }
)
_APPROVAL = {
    "parameters": CSRF + _USER_ID,
    "responses": {
        "204": {"description": "Done (audited)"},
        "401": error("Not signed in as staff"),
        "403": error("Not the buddy's location"),
        "404": error("No buddy profile"),
    },
}


OPENAPI = {
    "paths": {
        "/api/v1/buddy/profile": {
            "put": {
                "summary": "Offer to be a buddy, or change the offer",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(_BUDDY_PROFILE)},
                "responses": {
                    "200": {"description": "The profile", **json_content(_BUDDY_PROFILE_ANSWER)},
                    "400": error("Invalid input"),
                    "401": error("Not signed in"),
                    "409": error("Capacity below the current matches"),
                },
            }
        },
        "/api/v1/buddy/requests": {
            "post": {
                "summary": "Ask for a buddy; the best approved buddy gets the request at once",
                "parameters": CSRF,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["topics", "contact"],
                            "properties": {
                                "topics": _STEPS,
                                "contact": {
                                    "type": "string",
                                    "minLength": 1,
                                    "maxLength": CONTACT_MAX,
                                },
                                "languages": {**_LANGUAGES, "minItems": 0},
                                "availability": _AVAILABILITY,
                                "employer": {"type": "string", "maxLength": EMPLOYER_MAX},
                                "message": {"type": "string", "maxLength": MESSAGE_MAX},
                            },
                        }
                    ),
                },
                "responses": {
                    "201": {
                        "description": "The request, pending or unmatched",
                        **json_content(ref("BuddyRequest")),
                    },
                    "400": error("Invalid input"),
                    "401": error("Not signed in"),
                },
            },
            "get": {
                "summary": "Requests made, and offers received as a buddy (contacts once accepted)",
                "responses": {
                    "200": {
                        "description": "made and received",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["made", "received"],
                                "additionalProperties": False,
                                "properties": {
                                    "made": {"type": "array", "items": ref("BuddyRequest")},
                                    "received": {"type": "array", "items": ref("BuddyOffer")},
                                },
                            }
                        ),
                    },
                    "401": error("Not signed in"),
                },
            },
        },
        "/api/v1/buddy/offers/{offer_id}/accept": {
            "post": {
                "summary": "Accept: the match starts and contacts are shown to both",
                "parameters": CSRF + _OFFER_ID,
                "responses": {
                    "200": {"description": "The offer", **json_content(ref("BuddyOffer"))},
                    "401": error("Not signed in"),
                    "404": error("Not this buddy's offer"),
                    "409": error("No longer open, or capacity full"),
                },
            }
        },
        "/api/v1/buddy/offers/{offer_id}/decline": {
            "post": {
                "summary": "Decline (reason optional); the request moves on",
                "parameters": CSRF + _OFFER_ID,
                "requestBody": json_content(
                    {
                        "type": "object",
                        "properties": {"reason": {"type": "string", "maxLength": REASON_MAX}},
                    }
                ),
                "responses": {
                    "200": {"description": "The offer", **json_content(ref("BuddyOffer"))},
                    "400": error("Invalid input"),
                    "401": error("Not signed in"),
                    "404": error("Not this buddy's offer"),
                    "409": error("No longer open"),
                },
            }
        },
        "/api/v1/buddy/requests/{request_id}/cancel": _buddy_action(
            "The newcomer stops asking, or ends the accepted match",
            _REQUEST_ID,
            "Not this newcomer's request",
            answer="BuddyRequest",
        ),
        "/api/v1/buddy/requests/{request_id}/retry": _buddy_action(
            "Ask again after nobody was free (an unmatched request only)",
            _REQUEST_ID,
            "Not this newcomer's request",
            answer="BuddyRequest",
        ),
        "/api/v1/buddy/offers/{offer_id}/end": _buddy_action(
            "The buddy ends the accepted match",
            _OFFER_ID,
            "Not this buddy's offer",
            answer="BuddyOffer",
        ),
        "/api/v1/buddy/requests/{request_id}/report": _buddy_action(
            "Report the buddy (suspended at once; never matched again)",
            _REQUEST_ID,
            "Not this newcomer's request",
            report=True,
        ),
        "/api/v1/buddy/offers/{offer_id}/report": _buddy_action(
            "Report the newcomer (the match ends; never matched again)",
            _OFFER_ID,
            "Not this buddy's offer",
            report=True,
        ),
        "/api/v1/buddy/offers/{offer_id}/help": {
            "post": {
                "summary": "The buddy logs help given in a match",
                "parameters": CSRF + _OFFER_ID,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {
                            "type": "object",
                            "required": ["date", "topic", "minutes"],
                            "properties": {
                                "date": {**DATE, "description": "Today or in the past year"},
                                "topic": ref("StepKey"),
                                "minutes": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": HELP_MINUTES_MAX,
                                },
                            },
                        }
                    ),
                },
                "responses": {
                    "201": {
                        "description": "Logged",
                        **json_content(
                            {
                                "type": "object",
                                "required": ["id", "date", "topic", "minutes"],
                                "additionalProperties": False,
                                "properties": {
                                    "id": {"type": "integer"},
                                    "date": DATE,
                                    "topic": ref("StepKey"),
                                    "minutes": {"type": "integer", "minimum": 1},
                                },
                            }
                        ),
                    },
                    "400": error("Invalid input"),
                    "401": error("Not signed in"),
                    "404": error("Not this buddy's offer"),
                    "409": error("Not a match"),
                },
            }
        },
        "/api/v1/buddy/requests/{request_id}/thanks": _buddy_action(
            "The newcomer thanks the buddy of the match",
            _REQUEST_ID,
            "Not this newcomer's request",
        ),
        "/api/v1/buddy/approve/{user_id}": {
            "post": {"summary": "Approve a buddy", **_APPROVAL},
            "delete": {"summary": "Withdraw a buddy's approval", **_APPROVAL},
        },
    },
    "schemas": {
        "BuddyRequest": {
            "type": "object",
            "required": ["id", "state", "topics", "why", "buddy"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "state": {"type": "string", "enum": list(REQUEST_STATES)},
                "topics": _STORED_STEPS,
                "why": {"type": "string", "nullable": True},
                "buddy": {
                    "type": "object",
                    "nullable": True,
                    "required": ["name", "languages"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "languages": {"type": "array", "items": {"type": "string"}},
                        "contact": {"type": "string", "description": "Only once accepted"},
                    },
                },
            },
        },
        "BuddyOffer": {
            "type": "object",
            "required": ["id", "state", "topics", "message", "newcomer", "expires_at"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "state": {"type": "string", "enum": list(OFFER_STATES)},
                "topics": _STORED_STEPS,
                "message": {"type": "string", "nullable": True},
                "newcomer": {
                    "type": "object",
                    "required": ["name", "languages", "location"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "languages": {"type": "array", "items": {"type": "string"}},
                        "location": {"type": "string", "nullable": True},
                        "contact": {"type": "string", "description": "Only once accepted"},
                    },
                },
                "expires_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}
