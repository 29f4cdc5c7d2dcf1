"""What every page template can use: the content pack's texts and the urgent-help panel."""

from flask import current_app

from .content import current_pack, pack_text, pack_text_in
from .i18n import current_language


def _page_context() -> dict:
    pack = current_pack()
    language = current_language()
    return {
        "pack": pack,
        "urgent_help": pack.urgent_help,
        # A kind notice until a native speaker has checked this language's texts.
        "translation_unreviewed": not pack.reviewed.get(language, language == "en"),
        "asset_version": current_app.config.get("ASSET_VERSION", "1"),
    }


def init_app(app) -> None:
    app.context_processor(_page_context)
    app.jinja_env.globals.update(pack_text=pack_text, pack_text_in=pack_text_in)
