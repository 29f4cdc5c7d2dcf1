"""VAPID keys: generated only on request (new keys break every subscription), read from
VAPID_PRIVATE_KEY as base64url of the raw 32-byte P-256 key or as the path of a PEM file."""

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid02

from ..errors import AppError
from ..i18n import _


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_keys() -> tuple[str, str]:
    """A new key pair: (private raw 32 bytes, public uncompressed point), both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(private), public_key_of(key)


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    """The public key as the browser's applicationServerKey wants it."""
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def load_vapid(value: str) -> Vapid02:
    """The signing key from the setting: a PEM file path, or base64url of the raw key."""
    path = Path(value)
    if value.strip().endswith(".pem") or (len(value) < 4096 and path.is_file()):
        return Vapid02.from_pem(path.read_bytes())
    return Vapid02.from_raw(value.strip().encode())


def vapid() -> Vapid02 | None:
    """This deployment's VAPID key, or None when push is not configured."""
    app = current_app
    if not app.config.get("VAPID_PRIVATE_KEY") or not app.config.get("VAPID_SUBJECT"):
        return None
    cached = app.extensions.get("aankomst_vapid")
    if cached is None:
        cached = app.extensions["aankomst_vapid"] = load_vapid(app.config["VAPID_PRIVATE_KEY"])
    return cached


def required_vapid() -> Vapid02:
    """The key, or a clear 503 saying push is not set up here."""
    key = vapid()
    if key is None:
        raise AppError(
            "push_not_configured",
            503,
            _("Notifications are not set up on this server yet."),
        )
    return key
