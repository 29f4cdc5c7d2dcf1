"""Babel extractor for content packs, so translators work in the same .po files as the code.

Mapped in babel.cfg as `[aankomst_pack: onboarding/content/**.yaml]`; `aankomst_pack` is an
entry point declared in pyproject.toml.
Unverified entries are skipped: they are never shown, so nobody needs to translate them.
"""

from collections.abc import Iterator

import yaml

from .pack import (
    HELP_TEXT_LIST_FIELDS,
    PLACE_TEXT_FIELDS,
    STEP_OPTIONAL_TEXT_FIELDS,
    STEP_TEXT_FIELDS,
    STEP_TEXT_LIST_FIELDS,
    verified_fields,
)

_FIGURE_HINT = " (keep each %(...)s exactly: it becomes an amount or a date)"


def _list_items(where: str, name: str, items: list) -> Iterator[tuple[str, str]]:
    hint = " (shown beside its Dutch version)" if name == "key_sentences" else ""
    for item in items or []:
        if isinstance(item, dict):  # a text with figures, and the same without them
            yield f"{where}: {name}{_FIGURE_HINT}", item["text"]
            yield f"{where}: {name} (the same message without the figure)", item["without"]
        else:
            yield f"{where}: {name}{hint}", item


def _messages(data: dict) -> Iterator[tuple[str, str]]:
    """(comment, text) for every translatable text in one pack file."""
    if "key" in data and "today" in data:  # a help page
        where = f"help page {data['key']}"
        yield f"{where}: title (the situation, short)", data["title"]
        yield f"{where}: summary", data["summary"]
        for name in HELP_TEXT_LIST_FIELDS:
            yield from _list_items(where, name, data.get(name))
    elif "key" in data and "title" in data:  # a step file
        key = data["key"]
        for name in STEP_TEXT_FIELDS:
            yield f"step {key}: {name}", data[name]
        for name in STEP_OPTIONAL_TEXT_FIELDS:
            if data.get(name):
                yield f"step {key}: {name}", data[name]
        for name in STEP_TEXT_LIST_FIELDS:
            yield from _list_items(f"step {key}", name, data.get(name))
    elif any(isinstance(v, dict) and "valid_until" in v for v in data.values()):
        return  # figures.yaml: numbers and dates, nothing to translate
    elif "urgent_help" in data:  # pack.yaml
        for raw in data["urgent_help"]:
            if entry := verified_fields(raw):
                yield f"urgent help {entry['key']}: label (keep it short)", entry["label"]
    else:  # places.yaml
        for place_id, raw in data.items():
            entry = verified_fields(raw)
            for name in PLACE_TEXT_FIELDS:
                if entry.get(name):
                    yield f"place {place_id}: {name}", entry[name]


def extract_pack(fileobj, keywords, comment_tags, options):
    """Yield (lineno, funcname, message, comments) as Babel expects."""
    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    for comment, text in _messages(data):
        yield 0, "gettext", str(text).strip(), [f"i18n: {comment}"]
