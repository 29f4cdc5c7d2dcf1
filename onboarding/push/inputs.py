"""What a browser sends about push, read into plain values: its subscription and the person's
preferences."""

import base64
import binascii
from dataclasses import dataclass
from datetime import time

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

from ..errors import ValidationError
from ..i18n import _
from ..validation import Fields
from .endpoints import check_endpoint

# The browser's P-256 public key (uncompressed point) and its 16-byte auth secret.
_KEY_BYTES = {"p256dh": 65, "auth": 16}


@dataclass(frozen=True)
class Subscription:
    """The browser's PushSubscription: where to post, and the keys to encrypt for."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PreferencesChange:
    """Any of: reminders on or off, the start and end of the quiet hours (None: unchanged)."""

    reminders: bool | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None


def _key_of_length(value: object, length: int) -> bool:
    """base64url (padding optional) of exactly `length` bytes."""
    if not isinstance(value, str) or len(value) > 2 * length:
        return False
    text = value.strip()
    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) == length
    except (ValueError, binascii.Error):
        return False


def _on_curve(value: str) -> bool:
    text = value.strip()
    point = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return True


def parse_subscription(data: dict) -> Subscription:
    """The browser's PushSubscription JSON: {endpoint, keys: {p256dh, auth}}."""
    fields = Fields(data)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    values = {}
    for name, length in _KEY_BYTES.items():
        value = keys.get(name)
        if not _key_of_length(value, length) or (name == "p256dh" and not _on_curve(value)):
            fields.errors[name] = _("The browser sent an incomplete push subscription.")
        else:
            values[name] = value.strip()
    try:
        values["endpoint"] = check_endpoint(
            data.get("endpoint"), current_app.config.get("AANKOMST_PUSH_ALLOW_INSECURE", False)
        )
    except ValidationError as error:
        fields.errors.update(error.fields)
    fields.check()
    return Subscription(**values)


def _clock_time(fields: Fields, name: str) -> str | None:
    value = fields.data.get(name)
    if name not in fields.data:
        return None
    try:
        if not isinstance(value, str) or len(value) != 5:
            raise ValueError
        return time.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        fields.errors[name] = _("Please give a time as HH:MM, for example 21:00.")
        return None


def parse_preferences(data: dict) -> PreferencesChange:
    """PUT /api/v1/push/preferences (partial) and the settings form."""
    fields = Fields(data)
    reminders = data.get("reminders")
    if "reminders" in data and not isinstance(reminders, bool):
        fields.errors["reminders"] = _("Please answer yes or no.")
    start, end = _clock_time(fields, "quiet_start"), _clock_time(fields, "quiet_end")
    fields.check()
    return PreferencesChange(reminders if isinstance(reminders, bool) else None, start, end)
