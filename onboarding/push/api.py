"""Push API: the public key, this device's subscription, and the person's preferences."""

from functools import wraps

from flask import Response, g, jsonify

from ..api import bp
from ..api.openapi import CSRF, error, exact, json_content
from ..errors import AppError
from ..i18n import _
from ..validation import json_body
from .inputs import parse_preferences, parse_subscription
from .keys import public_key_of, required_vapid
from .present import preferences_json
from .services import preferences, subscribe, unsubscribe, update_preferences


def person_required(view):
    """Newcomers (buddies too) and staff; the newcomer when a browser is signed in as both."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        person = g.get("newcomer") or g.get("staff")
        if person is None:
            raise AppError("not_signed_in", 401, _("Please sign in first."))
        return view(person, *args, **kwargs)

    return wrapper


@bp.get("/push/key")
def api_push_key():
    """The VAPID public key for pushManager.subscribe (503 when push is not set up)."""
    return jsonify({"public_key": public_key_of(required_vapid().private_key)})


@bp.post("/push/subscriptions")
@person_required
def api_subscribe(person):
    """Store this device's subscription (a sixth device replaces the oldest)."""
    required_vapid()
    subscription = subscribe(person, parse_subscription(json_body()))
    return jsonify({"endpoint": subscription.endpoint}), 201


@bp.delete("/push/subscriptions")
@person_required
def api_unsubscribe(person):
    """Forget this device."""
    unsubscribe(person, json_body().get("endpoint"))
    return Response(status=204)


@bp.get("/push/preferences")
@person_required
def api_get_preferences(person):
    """Reminders on or off and the quiet hours."""
    return jsonify(preferences_json(preferences(person)))


@bp.put("/push/preferences")
@person_required
def api_put_preferences(person):
    """Change any of reminders, quiet_start, quiet_end."""
    return jsonify(preferences_json(update_preferences(person, parse_preferences(json_body()))))


# --- this part of the OpenAPI document (merged in api/openapi.py) ---------------------------

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
_HOUR_MINUTE = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
_PREFERENCE_FIELDS = {
    "reminders": {"type": "boolean"},
    "quiet_start": _HOUR_MINUTE,
    "quiet_end": _HOUR_MINUTE,
}
_PREFERENCES = exact(_PREFERENCE_FIELDS)
_PREFERENCES_CHANGE = {"type": "object", "properties": _PREFERENCE_FIELDS}
_SIGNED_IN = error("Not signed in (newcomer or staff)")


OPENAPI = {
    "paths": {
        "/api/v1/push/key": {
            "get": {
                "summary": "The VAPID public key, as pushManager.subscribe wants it",
                "responses": {
                    "200": {
                        "description": "Uncompressed P-256 point, base64url without padding",
                        **json_content(exact({"public_key": {"type": "string"}})),
                    },
                    "503": error("Push is not configured on this server"),
                },
            }
        },
        "/api/v1/push/subscriptions": {
            "post": {
                "summary": "Store this device (5 at most; a sixth replaces the oldest)",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(_SUBSCRIPTION)},
                "responses": {
                    "201": {
                        "description": "Stored",
                        **json_content(exact({"endpoint": {"type": "string"}})),
                    },
                    "400": error("Invalid subscription or endpoint"),
                    "401": _SIGNED_IN,
                    "409": error("This device gets notifications for another account"),
                    "503": error("Push is not configured on this server"),
                },
            },
            "delete": {
                "summary": "Forget this device",
                "parameters": CSRF,
                "requestBody": {
                    "required": True,
                    **json_content(
                        {"type": "object", "properties": {"endpoint": {"type": "string"}}}
                    ),
                },
                "responses": {
                    "204": {"description": "Forgotten"},
                    "400": error("Invalid input"),
                    "401": _SIGNED_IN,
                    "404": error("Not one of this person's devices"),
                },
            },
        },
        "/api/v1/push/preferences": {
            "get": {
                "summary": "Reminders on or off and the quiet hours (Europe/Amsterdam)",
                "responses": {
                    "200": {"description": "The preferences", **json_content(_PREFERENCES)},
                    "401": _SIGNED_IN,
                },
            },
            "put": {
                "summary": "Change any of the preferences",
                "parameters": CSRF,
                "requestBody": {"required": True, **json_content(_PREFERENCES_CHANGE)},
                "responses": {
                    "200": {"description": "The preferences", **json_content(_PREFERENCES)},
                    "400": error("Invalid input, e.g. a time that is not HH:MM"),
                    "401": _SIGNED_IN,
                },
            },
        },
    },
}
