"""Manifest, /sw.js at scope /, the offline page and the JavaScript message catalog."""

import hashlib
import json
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_javascript
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import force_locale

from ..content import current_pack
from ..i18n import LANGUAGES, _, bcp47, current_language, normalize_language
from ..templating import kept_per_mount_point

bp = Blueprint("pwa", __name__)

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
THEME_COLOUR = "#0b5cad"
ICONS = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-192.png", "192x192", "maskable"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
]
# Files every visitor needs offline, whatever page they open.
SHELL = [
    "css/app.css",
    "js/app.js",
    "js/i18n.js",
    "js/changes.js",
    "js/outbox.js",
    "js/install.js",
    "js/push.js",
    "icons/badge-96.png",
    *[icon for icon, _size, _purpose in ICONS],
]


def asset_version() -> str:
    """A fingerprint of the static files, templates and translations: it changes with every
    deployment that changes what a phone keeps, which names the caches and the asset URLs."""
    digest = hashlib.sha256()
    root = STATIC.parent
    for folder, pattern in (
        (STATIC, "*"),
        (root / "templates", "*.html"),
        (root / "translations", "*.po"),
    ):
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def js_messages() -> tuple[str, ...]:
    """The texts the JavaScript modules pass to _(), read with Babel's own extractor."""
    found = []
    for path in sorted((STATIC / "js").glob("*.js")):
        with path.open("rb") as source:
            found.extend(
                msg for _line, _func, msg, _comments in extract_javascript(source, ["_"], [], {})
            )
    return tuple(dict.fromkeys(m for m in found if isinstance(m, str)))


@bp.app_template_global("asset_url")
def static_url(filename: str) -> str:
    """A static file under its deployment's version (/assets/<version>/...), so modules it
    imports by relative path carry the version too, and the worker never mixes versions. Built
    once per mount point: every page names the same few files."""
    version = current_app._get_current_object().config["ASSET_VERSION"]  # see current_pack
    return kept_per_mount_point(
        ("asset", version, filename),
        lambda: url_for("pwa.asset", version=version, filename=filename),
    )


@bp.get("/assets/<version>/<path:filename>")
def asset(version: str, filename: str):
    """Static files: kept for a year when the version is current, else served fresh."""
    response = send_from_directory(STATIC, filename, max_age=0)
    if version == current_app.config["ASSET_VERSION"]:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, named in the person's language."""
    body = {
        "id": "/",
        # i18n: the app's name on the home screen, with what it is for
        "name": _("Aankomst: your first weeks in %(place)s", place=current_pack().name),
        "short_name": "Aankomst",
        "lang": bcp47(current_language()),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static_url(icon), "sizes": size, "type": "image/png", "purpose": purpose}
            for icon, size, purpose in ICONS
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    """The worker, served from the root so its scope is the whole site; never cached."""
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    shell = [static_url(name) for name in SHELL] + [url_for("pwa.offline"), *catalog_urls()]
    source = source.replace('"__VERSION__"', json.dumps(current_app.config["ASSET_VERSION"]))
    source = source.replace('["__SHELL__"]', json.dumps(shell))
    source = source.replace('"__OUTBOX__"', json.dumps(static_url("js/outbox.js")))
    source = source.replace('"__ICON__"', json.dumps(static_url("icons/icon-192.png")))
    source = source.replace('"__BADGE__"', json.dumps(static_url("icons/badge-96.png")))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the worker for a page that was never opened on this phone."""
    return render_template("pwa/offline.html")


@bp.get("/i18n/<language>.json")
def catalog(language: str):
    """The JavaScript texts in one language. The URL carries ?v=<version>, so the worker keeps
    it until the next deployment and repeat visits do not ask for it again."""
    code = normalize_language(language)
    if code is None:
        abort(404)
    with force_locale(code):
        messages = {m: _(m) for m in js_messages()}
    return jsonify({"language": bcp47(code), "messages": messages})


def catalog_urls() -> list[str]:
    """Every language's script catalog, for the worker to keep."""
    version = current_app.config["ASSET_VERSION"]
    return [url_for("pwa.catalog", language=bcp47(code), v=version) for code in LANGUAGES]
