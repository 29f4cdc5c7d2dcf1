"""Content packs: a municipality's checklist steps, help pages, places, figures and urgent help,
as data files."""

import copy
from datetime import date

from babel import Locale
from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from markupsafe import Markup, escape

from ..clock import today_in_amsterdam
from ..i18n import format_day
from .pack import Figure, FigureText, HelpPage, Pack, Place, Step, Text, load_pack

__all__ = [
    "Figure",
    "FigureText",
    "HelpPage",
    "Pack",
    "Place",
    "Step",
    "Text",
    "current_pack",
    "format_figure",
    "load_pack",
    "pack_item",
    "pack_text",
    "pack_texts",
    "pack_text_in",
]


def current_pack() -> Pack:
    """The pack chosen by AANKOMST_CONTENT, loaded once at start-up. Asked for dozens of times
    a page: `_get_current_object()` (Flask's documented way past a proxy) is one call where an
    attribute of the proxy is three."""
    return current_app._get_current_object().extensions["aankomst_pack"]


def pack_texts() -> dict[str, str]:
    """The pack's texts in the reader's language, English text to translation. Both the pack
    and the catalogs are fixed while the app runs, so each language is translated once and
    kept (with the pack, so a new pack starts afresh) instead of on every request."""
    pack = current_pack()
    language = str(get_locale() or "en")
    texts = pack.translations.get(language)
    if texts is None:
        texts = {text: gettext(text) for text in pack.texts()}
        pack.translations[language] = texts
    return texts


def pack_text(text: str | None) -> str | None:
    """A pack text in the reader's language (the English text is the msgid)."""
    if not text:
        return text
    return pack_texts().get(text) or gettext(text)


def pack_text_in(language: str, text: str) -> str:
    """A pack text in another language, e.g. a key sentence shown in Dutch."""
    with force_locale(language):
        return gettext(text)


def format_figure(figure: Figure) -> str:
    """A figure in the reader's language: "€385" or "€14.71", a date, a number, "25%"."""
    locale = get_locale() or Locale.parse("en")
    if figure.kind == "date":
        return format_day(figure.value, "yMMMMd")
    if figure.kind == "percent":
        return f"{figure.value.normalize():f}%"
    if figure.kind == "number":
        return locale.decimal_formats[None].apply(figure.value, locale)
    pattern = locale.currency_formats["standard"]
    if figure.value == figure.value.to_integral_value():
        pattern = copy.copy(pattern)
        pattern.frac_prec = (0, 0)  # whole euros read better without ",00"
    return pattern.apply(figure.value, locale, currency="EUR", currency_digits=False)


def pack_item(text: Text, today: date | None = None) -> Markup:
    """One body text, escaped. A text whose figure is past its period is shown without the
    figure, with a link to where the current one is published: never an old amount as current."""
    if isinstance(text, str):
        return escape(gettext(text))
    if text.current_on(today or today_in_amsterdam()):
        return escape(gettext(text.text, **{f.key: format_figure(f) for f in text.figures}))
    link = Markup('<a class="current-figure" href="{}" rel="noopener">{}</a>').format(
        text.figures[0].source, gettext("Check the current amount here.")
    )
    return Markup("{} {}").format(gettext(text.without), link)
