"""Secrets derived from SECRET_KEY, token hashing, the session cookie and the HTTP security
headers."""

import base64
import hashlib
import hmac
import time

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature

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


class KeptCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the checked contents of recent cookies kept in this
    process. A phone sends the same cookie on every visit (it changes when the session does, and
    with the daily renewal); checking its signature anew cost a tenth of a checklist answer's
    Python. A kept cookie still expires by the time it was signed, as a checked one does. Only
    sessions of plain values are kept: Flask changes some lists in place (flashed messages)."""

    KEPT = 4096

    def __init__(self) -> None:
        self._kept: dict[str, tuple[dict, float]] = {}

    def open_session(self, app, request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._kept.get(value) if value else None
        if kept is not None and 0 <= time.time() - kept[1] <= max_age:
            return self.session_class(kept[0])
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        if not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(item is None or isinstance(item, str | int | float) for item in data.values()):
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            self._kept[value] = (data, signed_at.timestamp())
        return self.session_class(data)


class KeptCsrfTokens:
    """Flask-WTF's `csrf_token()` for pages, with the signed form of each session's token kept
    in this process for a few minutes. Signing it anew on every page cost a twentieth of a
    checklist page's Python. A kept token is at most `FRESH_SECONDS` older than a new one, and
    a form accepts it for WTF_CSRF_TIME_LIMIT (a day) from when it was signed."""

    KEPT = 4096
    FRESH_SECONDS = 600

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, float]] = {}

    def __call__(self) -> str:
        field = current_app.config["WTF_CSRF_FIELD_NAME"]
        raw = session.get(field)
        kept = self._kept.get(raw) if raw else None
        if kept is not None and 0 <= time.time() - kept[1] <= self.FRESH_SECONDS:
            return kept[0]
        signed_at = time.time()
        token = generate_csrf()
        # Only a session that came with its token is kept: a visitor without a cookie (a first
        # visit, a crawler) would fill the cache with tokens never seen again.
        if raw and session.get(field) == raw:
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            self._kept[raw] = (token, signed_at)
        return token


class FixedHeaders:
    """WSGI middleware: the headers every answer carries, unless the app set its own, added to
    the list the server sends. Through Werkzeug's response headers, which check each value on
    the way in, they cost every request more than the rest of its headers together."""

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]):
        self.wsgi_app = wsgi_app
        self.headers = [(name.lower(), (name, value)) for name, value in headers]

    def __call__(self, environ, start_response):
        def start_with_fixed_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(header for name, header in self.headers if name not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_fixed_headers)


def init_app(app) -> None:
    app.session_interface = KeptCookieSessions()
    fixed = list(FIXED_HEADERS)
    if app.config["AANKOMST_ENV"] == "production":
        fixed.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    app.wsgi_app = FixedHeaders(app.wsgi_app, fixed)
    # In place of Flask-WTF's, as a template global and in every render's context (its own
    # context processor puts `generate_csrf` there; a later processor's value wins).
    csrf_token = KeptCsrfTokens()
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        signed_in = g.get("newcomer") is not None or g.get("staff") is not None
        if signed_in and request.endpoint not in SHARED_ENDPOINTS:
            # Behind a session everything may hold personal data or tokens (pages, answers, code
            # sheets, CSV): no cache keeps it. The service worker saves pages on purpose.
            headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        elif response.mimetype in ("text/html", "application/json"):
            # Public pages: never kept by shared caches, always revalidated.
            if "Cache-Control" not in headers:
                headers["Cache-Control"] = "private, no-cache"
            response.vary.add("Cookie")
        return response
