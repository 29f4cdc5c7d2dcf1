"""Push API: the public key, this device's subscription, and the person's preferences."""

from functools import wraps

from flask import Response, g, jsonify

from ..api import bp
from ..errors import AppError
from ..i18n import _
from ..validation import json_body
from .keys import public_key_of, required_vapid
from .services import (
    parse_subscription,
    preferences,
    preferences_json,
    subscribe,
    unsubscribe,
    update_preferences,
)


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
    return jsonify(preferences_json(update_preferences(person, json_body())))
