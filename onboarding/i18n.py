"""Languages, locale selection and locale-aware formatting.

The newcomer's saved choice wins, then the session, then Accept-Language, then English.
"""

from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale
from babel.dates import format_skeleton
from flask import (
    Blueprint,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import (
    format_datetime,
    get_locale,
    get_translations,
    gettext,
    ngettext,
    pgettext,
)
from flask_babel.speaklater import LazyString
from jinja2 import pass_context

from .clock import amsterdam_date

__all__ = ["_", "_l", "ngettext", "pgettext"]


def _(text: str, **variables) -> str:
    """gettext, through the catalog kept for this request (`_catalog`): Flask-Babel's looks
    the locale, domain and catalog up anew on every call. Outside an app, as Flask-Babel does."""
    if not has_app_context():
        return gettext(text, **variables)
    translated = _catalog().ugettext(text)
    return translated % variables if variables else translated


def _l(text: str, **variables) -> LazyString:
    """`_`, translated when used: for texts defined before any request."""
    return LazyString(_, text, **variables)


# Each language named in itself, in the order the switcher shows them.
LANGUAGES: dict[str, str] = {
    "pl": "Polski",
    "uk": "Українська",
    "bg": "Български",
    "ro": "Română",
    "pt_BR": "Português (Brasil)",
    "nl": "Nederlands",
    "en": "English",
}
DEFAULT_LANGUAGE = "en"

# ISO 639-1 code per UI language, for matching buddies by the languages people speak.
ISO_CODES = {code: code.split("_")[0] for code in LANGUAGES}

bp = Blueprint("i18n", __name__)


def normalize_language(value: object) -> str | None:
    """Map a BCP 47 tag or locale name (`pt-BR`, `pt_br`, `PL`) to a supported locale, or None."""
    if not isinstance(value, str):
        return None
    cleaned = value.strip().replace("-", "_")
    for code in LANGUAGES:
        if cleaned.lower() == code.lower():
            return code
    return None


def bcp47(locale_code: str) -> str:
    """The BCP 47 tag for a locale name: `pt_BR` becomes `pt-BR`."""
    return locale_code.replace("_", "-")


def select_locale() -> str:
    """Flask-Babel locale selector."""
    if not has_request_context():  # CLI and background work speak English
        return DEFAULT_LANGUAGE
    newcomer = g.get("newcomer")
    if newcomer is not None and newcomer.language in LANGUAGES:
        return newcomer.language
    chosen = normalize_language(session.get("lang"))
    if chosen:
        return chosen
    offered = [bcp47(code) for code in LANGUAGES] + ["pt"]
    match = request.accept_languages.best_match(offered)
    return normalize_language(match) or ("pt_BR" if match == "pt" else DEFAULT_LANGUAGE)


def locale_now() -> Locale | None:
    """`flask_babel.get_locale()`, found in one look once chosen: a page asks for it a dozen
    times, and Flask-Babel's own way looks through `g` three times on each. `force_locale`
    changes what Flask-Babel keeps there, so it still switches this."""
    if has_app_context():
        kept = getattr(g._get_current_object(), "_flask_babel", None)
        locale = getattr(kept, "babel_locale", None)
        if locale is not None:
            return locale
    return get_locale()


@lru_cache(maxsize=64)
def _language_of(locale: Locale) -> str:
    return normalize_language(str(locale)) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The active locale as one of the keys of LANGUAGES."""
    locale = locale_now()
    return _language_of(locale) if locale is not None else DEFAULT_LANGUAGE


def format_day(value: date | None, skeleton: str = "yMMMEd", language: str | None = None) -> str:
    """A date written the way the reader's language (or `language`) writes it, e.g.
    `Fri 27 Nov 2026`."""
    if value is None:
        return ""
    return _formatted_day(skeleton, value, language or str(locale_now()))


@lru_cache(maxsize=4096)
def _formatted_day(skeleton: str, value: date, locale: str) -> str:
    """Babel finds the pattern anew on every call; a checklist shows the same few dates."""
    return format_skeleton(skeleton, value, locale=locale)


def next_page(target: str | None, language: str | None) -> str:
    """Where to go after a language change: a path on this site only, with a `language`
    query parameter (the join form's) set to the new choice."""
    parts = urlsplit(target or "")
    if (
        parts.scheme
        or parts.netloc
        or not parts.path.startswith("/")
        or parts.path.startswith("//")
        or "\\" in parts.path
    ):
        return url_for("checklist.home")
    query = parse_qsl(parts.query, keep_blank_values=True)
    if language:
        query = [(k, bcp47(language) if k == "language" else v) for k, v in query]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@bp.post("/language")
def switch_language():
    """Remember the chosen language for this browser and, when signed in, for the person."""
    code = normalize_language(request.form.get("lang"))
    if code:
        session["lang"] = code
        newcomer = g.get("newcomer")
        if newcomer is not None:
            newcomer.language = code
    return redirect(next_page(request.form.get("next"), code), code=303)


CATALOG = "aankomst_catalog"
# The template variable that holds the catalog a render began with (see init_app).
RENDER_CATALOG = "babel_catalog"


def _catalog():
    """This request's catalog. Flask-Babel looks it up anew on every call, and a page calls
    `_()` dozens of times; kept per locale, so `force_locale` still switches it."""
    locale = locale_now()
    request_globals = g._get_current_object()  # one call, not three (see locale_now)
    kept = request_globals.get(CATALOG)
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        setattr(request_globals, CATALOG, kept)
    return kept[1]


def _render_catalog(context) -> object:
    """The catalog of this render, looked up once when it began; macros imported without
    the page's context look up the request's."""
    catalog = context.get(RENDER_CATALOG)
    return catalog if catalog is not None else _catalog()


@pass_context
def _template_gettext(context, text: str) -> str:
    return _render_catalog(context).ugettext(text)


@pass_context
def _template_ngettext(context, singular: str, plural: str, n: int) -> str:
    return _render_catalog(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context, message_context: str, text: str) -> str:
    return _render_catalog(context).upgettext(message_context, text)


@pass_context
def _template_npgettext(context, message_context: str, singular: str, plural: str, n: int) -> str:
    return _render_catalog(context).unpgettext(message_context, singular, plural, n)


def init_app(app) -> None:
    """Expose language helpers to templates."""
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        newstyle=True,
    )
    app.context_processor(lambda: {RENDER_CATALOG: _catalog()})
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current_language,
        bcp47=bcp47,
        format_day=format_day,
        format_datetime=format_datetime,
    )
    app.jinja_env.filters["local_date"] = amsterdam_date
