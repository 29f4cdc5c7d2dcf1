"""What every page template can use: the content pack's texts, the urgent-help panel, and
`{% fragment %}` for the parts of a page that are the same for every reader of a language."""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request
from jinja2 import nodes, pass_context
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from .content import current_pack, pack_item, pack_text, pack_text_in, pack_texts
from .i18n import current_language
from .security import keyed_digest


def owner_tag() -> str:
    """Who this page is for, without saying it: lets the phone keep one person's offline data
    apart from the next person's on a shared phone."""
    newcomer = g.get("newcomer")
    return keyed_digest("offline-owner", str(newcomer.id), 8).hex() if newcomer else ""


T = TypeVar("T")

# Template variables: the language a render began with, and the pack's texts in it.
RENDER_LANGUAGE = "language_of_render"
RENDER_PACK_TEXTS = "pack_texts_of_render"


@pass_context
def _render_pack_text(context, text: str | None) -> str | None:
    """`pack_text` in templates: the pack's texts looked up once per render, not per call
    (macros imported without the page's context look them up as Python code does)."""
    texts = context.get(RENDER_PACK_TEXTS)
    if texts is None or not text:
        return pack_text(text)
    return texts.get(text) or pack_text(text)


def _page_context() -> dict:
    pack = current_pack()
    language = current_language()
    return {
        "pack": pack,
        RENDER_LANGUAGE: language,
        RENDER_PACK_TEXTS: pack_texts(),
        "urgent_help": pack.urgent_help,
        # A kind notice until a native speaker has checked this language's texts.
        "translation_unreviewed": not pack.reviewed.get(language, language == "en"),
        "asset_version": current_app.config.get("ASSET_VERSION", "1"),
        "owner_tag": owner_tag(),
    }


class Fragments(Extension):
    """`{% fragment "name"[, key, ...] %}...{% endfragment %}`: HTML that depends only on the
    reader's language, the content pack and the app (never on the person, the session or the
    request beyond its script root), rendered once per language and kept with the pack.

    Why: a checklist page calls the catalog, `url_for` and the pack dozens of times for text
    that every reader of that language sees alike (urgent help, the language list, the footer,
    the install offer); rendering it once leaves the page only its personal parts to build.
    Anything personal (a CSRF token, a name, a status) must stay outside a fragment;
    tests/test_fragments.py renders pages with and without the kept fragments and compares."""

    tags = {"fragment"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        call = self.call_method("_render", [nodes.ContextReference(), nodes.List(key)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _render(context, key: list, caller) -> Markup:
        language = context.get(RENDER_LANGUAGE) or current_language()
        return kept_per_mount_point((*key, language), lambda: Markup(caller()))


# The mount point (request.script_root) may come from a client's X-Forwarded-Prefix: only the
# first few are kept, so that a new prefix on every request cannot fill a worker's memory.
MOUNT_POINTS_KEPT = 4
_MOUNT_POINTS = ("mount points",)


def kept_per_mount_point(key: tuple, build: Callable[[], T]) -> T:
    """`build()`, worked out once per mount point and kept with the pack under `key`."""
    kept = current_pack().kept
    root = request._get_current_object().script_root  # one call, not three (see current_pack)
    value = kept.get((*key, root))
    if value is None:
        value = build()
        roots = kept.setdefault(_MOUNT_POINTS, set())
        if root in roots or len(roots) < MOUNT_POINTS_KEPT:
            roots.add(root)
            kept[(*key, root)] = value
    return value


def init_app(app) -> None:
    app.jinja_env.add_extension(Fragments)
    app.context_processor(_page_context)
    app.jinja_env.globals.update(
        pack_text=_render_pack_text, pack_text_in=pack_text_in, pack_item=pack_item
    )
