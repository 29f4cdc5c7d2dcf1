"""What every page template can use: the content pack's texts and the urgent-help panel."""

from flask import current_app, g

from .content import current_pack, pack_item, pack_text, pack_text_in
from .i18n import current_language
from .security import keyed_digest


def owner_tag() -> str:
    """Who this page is for, without saying it: lets the phone keep one person's offline data
    apart from the next person's on a shared phone."""
    newcomer = g.get("newcomer")
    return keyed_digest("offline-owner", str(newcomer.id), 8).hex() if newcomer else ""


def _page_context() -> dict:
    pack = current_pack()
    language = current_language()
    return {
        "pack": pack,
        "urgent_help": pack.urgent_help,
        # A kind notice until a native speaker has checked this language's texts.
        "translation_unreviewed": not pack.reviewed.get(language, language == "en"),
        "asset_version": current_app.config.get("ASSET_VERSION", "1"),
        "owner_tag": owner_tag(),
    }


def init_app(app) -> None:
    app.context_processor(_page_context)
    from .pwa.views import static_url

    app.jinja_env.globals.update(
        pack_text=pack_text, pack_text_in=pack_text_in, pack_item=pack_item, asset_url=static_url
    )
