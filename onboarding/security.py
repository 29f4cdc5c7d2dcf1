"""Secrets derived from SECRET_KEY, token hashing and the HTTP security headers."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def derive_key(purpose: str, secret_key: str | None = None) -> bytes:
    """A 32-byte key for one purpose, derived from SECRET_KEY with HKDF."""
    secret = (secret_key or current_app.config["SECRET_KEY"]).encode()
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"aankomst", info=purpose.encode()
    ).derive(secret)


def hash_token(token: str) -> str:
    """Look-up hash of a high-entropy secret (join token, session id, recovery code)."""
    return hashlib.sha256(token.encode()).hexdigest()


JOIN_TOKEN_PURPOSE = "code-token-encryption"


def _fernet(purpose: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(purpose)))


def encrypt_secret(value: str, purpose: str = JOIN_TOKEN_PURPOSE) -> str:
    """Encrypt with a key that lives only in SECRET_KEY, so a database copy alone is useless."""
    return _fernet(purpose).encrypt(value.encode()).decode()


def decrypt_secret(
    value: str, purpose: str = JOIN_TOKEN_PURPOSE, max_age: int | None = None
) -> str | None:
    """The plain value; None when SECRET_KEY changed, or it is older than `max_age` seconds."""
    try:
        return _fernet(purpose).decrypt(value.encode(), ttl=max_age).decode()
    except InvalidToken:
        return None


def keyed_digest(purpose: str, message: str, length: int = 16) -> bytes:
    """Deterministic secret bytes for a purpose (demo codes, demo passwords)."""
    return hmac.new(derive_key(purpose), message.encode(), hashlib.sha256).digest()[:length]


# The same for everyone, signed in or not: versioned files, the worker, manifest, offline page
# and script texts keep their own caching.
SHARED_ENDPOINTS = {
    "static",
    "pwa.asset",
    "pwa.service_worker",
    "pwa.manifest",
    "pwa.offline",
    "pwa.catalog",
}


# On every answer unless the view set its own.
FIXED_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Join links carry a code in the path: never send it to another site. Same-origin
    # requests keep their Referer, which CSRF protection over HTTPS needs.
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def init_app(app) -> None:
    fixed = list(FIXED_HEADERS)
    if app.config["AANKOMST_ENV"] == "production":
        fixed.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        # Added unless a view set its own; one pass over the few headers there are (asking
        # Werkzeug's headers for a missing one raises and catches an exception each time).
        present = {name.lower() for name, _value in headers.items()}
        headers.extend([(name, value) for name, value in fixed if name.lower() not in present])
        signed_in = g.get("newcomer") is not None or g.get("staff") is not None
        if signed_in and request.endpoint not in SHARED_ENDPOINTS:
            # Behind a session everything may hold personal data or tokens (pages, answers, code
            # sheets, CSV): no cache keeps it. The service worker saves pages on purpose.
            headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        elif response.mimetype in ("text/html", "application/json"):
            # Public pages: never kept by shared caches, always revalidated.
            if "cache-control" not in present:
                headers["Cache-Control"] = "private, no-cache"
            response.vary.add("Cookie")
        return response
