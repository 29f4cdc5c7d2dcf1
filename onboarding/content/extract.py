"""Babel extractor for content packs, so translators work in the same .po files as the code.

Mapped in babel.cfg as `[aankomst_pack: onboarding/content/**.yaml]`; `aankomst_pack` is an
entry point declared in pyproject.toml.
Unverified entries are skipped: they are never shown, so nobody needs to translate them.
"""

from collections.abc import Iterator

import yaml

from .pack import (
    PLACE_TEXT_FIELDS,
    STEP_OPTIONAL_TEXT_FIELDS,
    STEP_TEXT_FIELDS,
    STEP_TEXT_LIST_FIELDS,
    verified_fields,
)


def _messages(data: dict) -> Iterator[tuple[str, str]]:
    """(comment, text) for every translatable text in one pack file."""
    if "key" in data and "title" in data:  # a step file
        key = data["key"]
        for name in STEP_TEXT_FIELDS:
            yield f"step {key}: {name}", data[name]
        for name in STEP_OPTIONAL_TEXT_FIELDS:
            if data.get(name):
                yield f"step {key}: {name}", data[name]
        for name in STEP_TEXT_LIST_FIELDS:
            hint = " (shown beside its Dutch version)" if name == "key_sentences" else ""
            for text in data.get(name) or []:
                yield f"step {key}: {name}{hint}", text
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
