"""The OpenAPI 3 document for /api/v1, kept beside the code it describes."""

from ..checklist.models import STATUSES
from ..i18n import LANGUAGES, bcp47

_LANGUAGE_TAGS = [bcp47(code) for code in LANGUAGES]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json(_ref("Error"))}


_DATE = {"type": "string", "format": "date"}
_CSRF = [{"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}]

_SUBSCRIPTION = {
    "type": "object",
    "required": ["endpoint", "keys"],
    "properties": {
        "endpoint": {
            "type": "string",
            "format": "uri",
            "description": "https on a public host (plain http on loopback only with "
            "AANKOMST_PUSH_ALLOW_INSECURE=1)",
        },
        "keys": {
            "type": "object",
            "required": ["p256dh", "auth"],
            "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}},
        },
    },
}
_PREFERENCES = {
    "type": "object",
    "properties": {
        "reminders": {"type": "boolean"},
        "quiet_start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "quiet_end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
    },
}
_SIGNED_IN = _error("Not signed in (newcomer or staff)")
_PUSH_PATHS = {
    "/api/v1/push/key": {
        "get": {
            "summary": "The VAPID public key, as pushManager.subscribe wants it",
            "responses": {
                "200": {
                    "description": "Uncompressed P-256 point, base64url without padding",
                    **_json({"type": "object", "properties": {"public_key": {"type": "string"}}}),
                },
                "503": _error("Push is not configured on this server"),
            },
        }
    },
    "/api/v1/push/subscriptions": {
        "post": {
            "summary": "Store this device's subscription (at most 5; a sixth replaces the oldest)",
            "parameters": _CSRF,
            "requestBody": {"required": True, **_json(_SUBSCRIPTION)},
            "responses": {
                "201": {"description": "Stored", **_json({"type": "object"})},
                "400": _error("Invalid subscription or endpoint"),
                "401": _SIGNED_IN,
                "503": _error("Push is not configured on this server"),
            },
        },
        "delete": {
            "summary": "Forget this device",
            "parameters": _CSRF,
            "requestBody": {
                "required": True,
                **_json({"type": "object", "properties": {"endpoint": {"type": "string"}}}),
            },
            "responses": {
                "204": {"description": "Forgotten"},
                "400": _error("Invalid input"),
                "401": _SIGNED_IN,
                "404": _error("Not one of this person's devices"),
            },
        },
    },
    "/api/v1/push/preferences": {
        "get": {
            "summary": "Reminders on or off and the quiet hours (Europe/Amsterdam)",
            "responses": {
                "200": {"description": "The preferences", **_json(_PREFERENCES)},
                "401": _SIGNED_IN,
            },
        },
        "put": {
            "summary": "Change any of the preferences",
            "parameters": _CSRF,
            "requestBody": {"required": True, **_json(_PREFERENCES)},
            "responses": {
                "200": {"description": "The preferences", **_json(_PREFERENCES)},
                "400": _error("Invalid input, e.g. a time that is not HH:MM"),
                "401": _SIGNED_IN,
            },
        },
    },
}

_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string", "description": "Translated, for people."},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "JoinRequest": {
        "type": "object",
        "required": ["token", "language", "arrival_date", "stay_plan"],
        "properties": {
            "token": {"type": "string"},
            "language": {"type": "string", "enum": _LANGUAGE_TAGS + ["pt_BR"]},
            "arrival_date": _DATE,
            "first_workday_date": {**_DATE, "nullable": True},
            "stay_plan": {"type": "string", "enum": ["short", "medium", "settle"]},
            "nickname": {"type": "string", "maxLength": 40, "nullable": True},
            "temporary_protection": {"type": "boolean"},
        },
    },
    "Step": {
        "type": "object",
        "required": [
            "key",
            "title",
            "summary",
            "status",
            "due_date",
            "overdue",
            "note",
            "stuck",
            "stuck_reason",
            "requires",
            "blocked",
        ],
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "due_date": {**_DATE, "nullable": True},
            "due_kind": {"type": "string", "enum": ["deadline", "target"]},
            "overdue": {"type": "boolean"},
            "note": {"type": "string", "nullable": True},
            "stuck": {"type": "boolean"},
            "stuck_reason": {"type": "string", "nullable": True},
            "requires": {"type": "array", "items": {"type": "string"}},
            "blocked": {"type": "boolean"},
        },
    },
    "StepChange": {
        "type": "object",
        "minProperties": 1,
        "properties": {
            "status": {"type": "string", "enum": list(STATUSES)},
            "note": {"type": "string", "maxLength": 2000, "nullable": True},
            "stuck": {"type": "boolean"},
            "stuck_reason": {"type": "string", "maxLength": 500, "nullable": True},
        },
    },
    "SyncRequest": {
        "type": "object",
        "required": ["ops"],
        "properties": {
            "ops": {
                "type": "array",
                "maxItems": 500,
                "items": {
                    "allOf": [
                        _ref("StepChange"),
                        {
                            "type": "object",
                            "required": ["op_id", "key", "at"],
                            "properties": {
                                "op_id": {"type": "string", "maxLength": 64},
                                "key": {"type": "string"},
                                "at": {"type": "string", "format": "date-time"},
                            },
                        },
                    ]
                },
            }
        },
    },
    "Code": {
        "type": "object",
        "required": ["id", "token", "url", "qr_png_url", "qr_svg_url", "max_uses", "expires_at"],
        "properties": {
            "id": {"type": "integer"},
            "location_id": {"type": "integer"},
            "token": {"type": "string", "nullable": True},
            "url": {"type": "string", "nullable": True},
            "qr_png_url": {"type": "string"},
            "qr_svg_url": {"type": "string"},
            "max_uses": {"type": "integer"},
            "uses": {"type": "integer"},
            "state": {"type": "string", "enum": ["active", "used_up", "expired", "revoked"]},
            "language": {"type": "string", "nullable": True},
            "arrival_date": {**_DATE, "nullable": True},
            "expires_at": {"type": "string", "format": "date-time"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "CodeRequest": {
        "type": "object",
        "required": ["location_id"],
        "properties": {
            "location_id": {"type": "integer"},
            "count": {"type": "integer", "minimum": 1, "maximum": 200, "default": 1},
            "single_use": {"type": "boolean", "default": True},
            "max_uses": {"type": "integer", "minimum": 2, "maximum": 50},
            "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 14},
            "language": {"type": "string"},
            "arrival_date": _DATE,
        },
    },
    "SyncResponse": {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["op_id", "result"],
                    "properties": {
                        "op_id": {"type": "string", "nullable": True},
                        "result": {
                            "type": "string",
                            "enum": ["applied", "duplicate", "superseded", "invalid"],
                        },
                        "error": {"type": "string"},
                    },
                },
            }
        },
    },
}


_CODE_ID = [{"name": "code_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_STAFF_ONLY = {"401": _error("Not signed in as staff"), "403": _error("Not your location")}


def _image(kind: str) -> dict:
    return {
        "get": {
            "summary": f"The code's QR image ({kind})",
            "parameters": _CODE_ID,
            "responses": {
                "200": {"description": "The image", "content": {kind: {}}},
                **_STAFF_ONLY,
                "404": _error("Unknown code"),
            },
        }
    }


_OFFER_ID = [{"name": "offer_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_REQUEST_ID = [
    {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}
]
_REPORT = {
    "type": "object",
    "required": ["reason"],
    "properties": {
        "reason": {"type": "string", "enum": ["no_show", "disrespect", "asked_for_money", "other"]},
        "details": {"type": "string", "maxLength": 500},
    },
}


def _buddy_action(
    summary: str, ids: list, unknown: str, report: bool = False, ok: str = "200"
) -> dict:
    operation = {
        "summary": summary,
        "parameters": _CSRF + ids,
        "responses": {
            ("204" if report else ok): {"description": "Done"},
            "400": _error("Invalid input"),
            "401": _error("Not signed in"),
            "404": _error(unknown),
            "409": _error("No longer open"),
        },
    }
    if report:
        operation["requestBody"] = {"required": True, **_json(_REPORT)}
    return {"post": operation}


_USER_ID = [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_BUDDY_PROFILE = {
    "type": "object",
    "required": ["languages", "location_id", "topics", "availability", "capacity", "contact"],
    "properties": {
        "user_id": {"type": "integer", "readOnly": True},
        "approved": {"type": "boolean", "readOnly": True},
        "languages": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
        "location_id": {"type": "integer"},
        "topics": {"type": "array", "items": {"type": "string"}},
        "availability": {
            "type": "array",
            "items": {"type": "string", "enum": ["weekday_daytime", "weekday_evening", "weekend"]},
        },
        "capacity": {"type": "integer", "minimum": 1, "maximum": 5},
        "contact": {"type": "string", "maxLength": 120},
        "supervises_at": {"type": "string", "nullable": True},
        "coordinates_location_id": {"type": "integer", "nullable": True},
        "away_until": {**_DATE, "nullable": True},
    },
}
_APPROVAL = {
    "parameters": _CSRF + _USER_ID,
    "responses": {
        "204": {"description": "Done (audited)"},
        "401": _error("Not signed in as staff"),
        "403": _error("Not the buddy's location"),
        "404": _error("No buddy profile"),
    },
}

_STAFF_PATHS = {
    "/api/v1/buddy/profile": {
        "put": {
            "summary": "Offer to be a buddy, or change the offer",
            "parameters": _CSRF,
            "requestBody": {"required": True, **_json(_BUDDY_PROFILE)},
            "responses": {
                "200": {"description": "The profile", **_json(_BUDDY_PROFILE)},
                "400": _error("Invalid input"),
                "401": _error("Not signed in"),
                "409": _error("Capacity below the current matches"),
            },
        }
    },
    "/api/v1/buddy/requests": {
        "post": {
            "summary": "Ask for a buddy; the best approved buddy gets the request at once",
            "parameters": _CSRF,
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["topics", "contact"],
                        "properties": {
                            "topics": {"type": "array", "items": {"type": "string"}},
                            "contact": {"type": "string", "maxLength": 120},
                            "languages": {"type": "array", "items": {"type": "string"}},
                            "availability": {"type": "array", "items": {"type": "string"}},
                            "employer": {"type": "string", "maxLength": 120},
                            "message": {"type": "string", "maxLength": 500},
                        },
                    }
                ),
            },
            "responses": {
                "201": {
                    "description": "The request, pending or unmatched",
                    **_json({"type": "object"}),
                },
                "400": _error("Invalid input"),
                "401": _error("Not signed in"),
            },
        },
        "get": {
            "summary": "Requests made, and offers received as a buddy (contact after acceptance)",
            "responses": {
                "200": {"description": "made and received", **_json({"type": "object"})},
                "401": _error("Not signed in"),
            },
        },
    },
    "/api/v1/buddy/offers/{offer_id}/accept": {
        "post": {
            "summary": "Accept: the match starts and contacts are shown to both",
            "parameters": _CSRF + _OFFER_ID,
            "responses": {
                "200": {"description": "The offer", **_json({"type": "object"})},
                "401": _error("Not signed in"),
                "404": _error("Not this buddy's offer"),
                "409": _error("No longer open, or capacity full"),
            },
        }
    },
    "/api/v1/buddy/offers/{offer_id}/decline": {
        "post": {
            "summary": "Decline (reason optional); the request moves on",
            "parameters": _CSRF + _OFFER_ID,
            "requestBody": _json(
                {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 200}}}
            ),
            "responses": {
                "200": {"description": "The offer", **_json({"type": "object"})},
                "400": _error("Invalid input"),
                "401": _error("Not signed in"),
                "404": _error("Not this buddy's offer"),
                "409": _error("No longer open"),
            },
        }
    },
    "/api/v1/buddy/requests/{request_id}/cancel": _buddy_action(
        "The newcomer stops asking, or ends the accepted match",
        _REQUEST_ID,
        "Not this newcomer's request",
    ),
    "/api/v1/buddy/requests/{request_id}/retry": _buddy_action(
        "Ask again after nobody was free (an unmatched request only)",
        _REQUEST_ID,
        "Not this newcomer's request",
    ),
    "/api/v1/buddy/offers/{offer_id}/end": _buddy_action(
        "The buddy ends the accepted match", _OFFER_ID, "Not this buddy's offer"
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
            "parameters": _CSRF + _OFFER_ID,
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["date", "topic", "minutes"],
                        "properties": {
                            "date": _DATE,
                            "topic": {"type": "string"},
                            "minutes": {"type": "integer", "minimum": 1, "maximum": 600},
                        },
                    }
                ),
            },
            "responses": {
                "201": {"description": "Logged", **_json({"type": "object"})},
                "400": _error("Invalid input"),
                "401": _error("Not signed in"),
                "404": _error("Not this buddy's offer"),
                "409": _error("Not a match"),
            },
        }
    },
    "/api/v1/buddy/requests/{request_id}/thanks": _buddy_action(
        "The newcomer thanks the buddy of the match",
        _REQUEST_ID,
        "Not this newcomer's request",
        ok="204",
    ),
    "/api/v1/buddy/approve/{user_id}": {
        "post": {"summary": "Approve a buddy", **_APPROVAL},
        "delete": {"summary": "Withdraw a buddy's approval", **_APPROVAL},
    },
    "/api/v1/staff/login": {
        "post": {
            "summary": "Staff login (email case-insensitive); a new session id",
            "parameters": _CSRF,
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["email", "password"],
                        "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
                    }
                ),
            },
            "responses": {
                "200": {
                    "description": "Logged in",
                    **_json(
                        {
                            "type": "object",
                            "properties": {
                                "role": {"type": "string", "enum": ["coordinator", "admin"]},
                                "email": {"type": "string"},
                                "location_ids": {"type": "array", "items": {"type": "integer"}},
                            },
                        }
                    ),
                },
                "401": _error("Wrong email or password (one message for both)"),
                "403": _error("Account switched off"),
                "429": _error("Too many failed attempts; says when to try again"),
            },
        }
    },
    "/api/v1/staff/logout": {
        "post": {
            "summary": "Staff logout",
            "parameters": _CSRF,
            "responses": {"204": {"description": "Logged out"}, "401": _error("Not signed in")},
        }
    },
    "/api/v1/locations": {
        "get": {
            "summary": "Housing locations (staff: their own; admins and newcomers: all)",
            "responses": {
                "200": {
                    "description": "Locations",
                    **_json(
                        {
                            "type": "object",
                            "properties": {
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "name": {"type": "string"},
                                            "village": {"type": "string"},
                                            "address": {"type": "string", "nullable": True},
                                        },
                                    },
                                }
                            },
                        }
                    ),
                },
                "401": _error("Not signed in"),
            },
        }
    },
    "/api/v1/codes": {
        "post": {
            "summary": "Issue 1 to 200 join codes for a location",
            "parameters": _CSRF,
            "requestBody": {"required": True, **_json(_ref("CodeRequest"))},
            "responses": {
                "201": {
                    "description": "The codes",
                    **_json(
                        {
                            "type": "object",
                            "properties": {"codes": {"type": "array", "items": _ref("Code")}},
                        }
                    ),
                },
                "400": _error("Invalid input"),
                **_STAFF_ONLY,
                "404": _error("Unknown location"),
            },
        },
        "get": {
            "summary": "Codes with uses and state",
            "parameters": [
                {
                    "name": "location_id",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                }
            ],
            "responses": {
                "200": {
                    "description": "The codes",
                    **_json(
                        {
                            "type": "object",
                            "properties": {"codes": {"type": "array", "items": _ref("Code")}},
                        }
                    ),
                },
                **_STAFF_ONLY,
                "404": _error("Unknown location"),
            },
        },
    },
    "/api/v1/codes/{code_id}": {
        "delete": {
            "summary": "Revoke a code",
            "parameters": _CSRF + _CODE_ID,
            "responses": {
                "204": {"description": "Revoked"},
                **_STAFF_ONLY,
                "404": _error("Unknown code"),
            },
        }
    },
    "/api/v1/codes/{code_id}/qr.png": _image("image/png"),
    "/api/v1/codes/{code_id}/qr.svg": _image("image/svg+xml"),
}


def openapi_document() -> dict:
    """The whole document; a test checks it is valid and covers every API route."""
    unauthorized = _error("Not signed in")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Aankomst API",
            "version": "1",
            "description": (
                'Errors are {"error": {"code", "message"}} with a translated message. '
                "Unsafe methods need the X-CSRFToken header (GET /api/v1/csrf). Answers speak "
                "the session's language, else Accept-Language."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/csrf": {
                "get": {
                    "summary": "A CSRF token for unsafe requests",
                    "responses": {
                        "200": {
                            "description": "The token",
                            **_json(
                                {"type": "object", "properties": {"csrf_token": {"type": "string"}}}
                            ),
                        }
                    },
                }
            },
            "/api/v1/join": {
                "post": {
                    "summary": "Redeem a join code and sign in on this device",
                    "parameters": _CSRF,
                    "requestBody": {"required": True, **_json(_ref("JoinRequest"))},
                    "responses": {
                        "201": {
                            "description": "Joined; the recovery code is shown only now",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "recovery_code": {"type": "string"},
                                        "csrf_token": {
                                            "type": "string",
                                            "description": "The new session's token",
                                        },
                                    },
                                }
                            ),
                        },
                        "400": _error("Invalid input"),
                        "404": _error("Unknown code (code_unknown)"),
                        "409": _error("Already signed in (already_signed_in)"),
                        "410": _error("Expired, used up or revoked code"),
                    },
                }
            },
            "/api/v1/recover": {
                "post": {
                    "summary": "Sign in on this device with a recovery code",
                    "parameters": _CSRF,
                    "requestBody": {
                        "required": True,
                        **_json(
                            {
                                "type": "object",
                                "required": ["recovery_code"],
                                "properties": {"recovery_code": {"type": "string"}},
                            }
                        ),
                    },
                    "responses": {
                        "200": {
                            "description": "Signed in",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "language": {"type": "string"},
                                        "csrf_token": {"type": "string"},
                                    },
                                }
                            ),
                        },
                        "400": _error("Not a recovery code"),
                        "404": _error("Unknown recovery code"),
                    },
                }
            },
            "/api/v1/logout": {
                "post": {
                    "summary": "Forget this device",
                    "parameters": _CSRF,
                    "responses": {"204": {"description": "Signed out"}, "401": unauthorized},
                }
            },
            "/api/v1/checklist": {
                "get": {
                    "summary": "The person's checklist, by due date, undated last",
                    "responses": {
                        "200": {
                            "description": "Steps",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "steps": {"type": "array", "items": _ref("Step")}
                                    },
                                }
                            ),
                        },
                        "401": unauthorized,
                    },
                }
            },
            "/api/v1/checklist/{key}": {
                "patch": {
                    "summary": "Change one step (counts as made at server time)",
                    "parameters": _CSRF
                    + [
                        {
                            "name": "key",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {"required": True, **_json(_ref("StepChange"))},
                    "responses": {
                        "200": {"description": "The step", **_json(_ref("Step"))},
                        "400": _error("Invalid input"),
                        "401": unauthorized,
                        "404": _error("Not on this checklist"),
                    },
                }
            },
            "/api/v1/sync": {
                "post": {
                    "summary": "Replay offline changes; each op_id applies once, newest `at` wins",
                    "parameters": _CSRF,
                    "requestBody": {"required": True, **_json(_ref("SyncRequest"))},
                    "responses": {
                        "200": {"description": "A result per op", **_json(_ref("SyncResponse"))},
                        "400": _error("Invalid input"),
                        "401": unauthorized,
                    },
                }
            },
            "/api/v1/me/export": {
                "get": {
                    "summary": "Everything stored about the person",
                    "responses": {
                        "200": {"description": "The data", **_json({"type": "object"})},
                        "401": unauthorized,
                    },
                }
            },
            **_STAFF_PATHS,
            **_PUSH_PATHS,
            "/api/v1/me": {
                "delete": {
                    "summary": "Erase the person and everything that belongs to them",
                    "parameters": _CSRF,
                    "responses": {"204": {"description": "Erased"}, "401": unauthorized},
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
