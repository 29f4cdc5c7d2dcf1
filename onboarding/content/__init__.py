"""Content packs: a municipality's checklist steps, places and urgent help, as data files."""

from flask import current_app
from flask_babel import force_locale, gettext

from .pack import Pack, Place, Step, load_pack

__all__ = ["Pack", "Place", "Step", "current_pack", "load_pack", "pack_text", "pack_text_in"]


def current_pack() -> Pack:
    """The pack chosen by AANKOMST_CONTENT, loaded once at start-up."""
    return current_app.extensions["aankomst_pack"]


def pack_text(text: str | None) -> str | None:
    """A pack text in the reader's language (the English text is the msgid)."""
    return gettext(text) if text else text


def pack_text_in(language: str, text: str) -> str:
    """A pack text in another language, e.g. a key sentence shown in Dutch."""
    with force_locale(language):
        return gettext(text)
