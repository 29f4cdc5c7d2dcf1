"""Glossary: every translation of a key term uses the word translations/glossary.yaml requires."""

import io
import re
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def as_list(value) -> list[str]:
    """A glossary value or a message id/string is one text or several; always give a list."""
    return [value] if isinstance(value, str) else list(value)


def glossary_problems(glossary: dict, catalogs: dict) -> list[str]:
    """List each message whose English text names a term but whose translation lacks the word.

    Empty (untranslated) strings are left to test_i18n. An exception that is no longer needed
    is reported too, so the list of exceptions cannot go stale.
    """
    terms = {term: words for term, words in glossary.items() if term != "exceptions"}
    exceptions = {(e["term"], e["lang"], e["msgid"]) for e in glossary.get("exceptions", [])}
    problems, excused = [], set()
    for term, words in terms.items():
        variants = "|".join(re.escape(word) for word in as_list(words["en"]))
        english = re.compile(rf"\b({variants})\b", re.IGNORECASE)
        for lang, catalog in catalogs.items():
            required = [word.lower() for word in as_list(words[lang])]
            for message in catalog:
                msgid = as_list(message.id)[0]
                if not msgid or not any(english.search(text) for text in as_list(message.id)):
                    continue
                for text in as_list(message.string):
                    if not text or any(word in text.lower() for word in required):
                        continue
                    if (term, lang, msgid) in exceptions:
                        excused.add((term, lang, msgid))
                    else:
                        problems.append(f"{lang}: {term!r} needs {required}: {msgid!r} -> {text!r}")
    for term, lang, msgid in exceptions - excused:
        problems.append(f"{lang}: exception not needed for {term!r}: {msgid!r}")
    return problems


def test_every_catalog_uses_the_glossary_words():
    """All six catalogs use the required word wherever the English names a glossary term."""
    glossary = yaml.safe_load((TRANSLATIONS / "glossary.yaml").read_text(encoding="utf-8"))
    catalogs = {
        path.parent.parent.name: read_po(io.BytesIO(path.read_bytes()))
        for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    }
    assert len(catalogs) == 6, sorted(catalogs)
    problems = glossary_problems(glossary, catalogs)
    assert not problems, "\n".join(problems)


def test_a_wrong_word_is_caught():
    """A translation without the word fails, in a plain message and in one plural form."""
    catalog = read_po(
        io.BytesIO(
            b'msgid "Ask a buddy"\nmsgstr "Vraag een vriend"\n\n'
            b'msgid "Buddies"\nmsgstr "Maatjes"\n\n'
            b'msgid "%(n)d buddy"\nmsgid_plural "%(n)d buddies"\n'
            b'msgstr[0] "%(n)d maatje"\nmsgstr[1] "%(n)d vrienden"\n'
        )
    )
    glossary = {"buddy": {"en": ["buddy", "buddies"], "nl": "maatje"}}
    assert glossary_problems(glossary, {"nl": catalog}) == [
        "nl: 'buddy' needs ['maatje']: 'Ask a buddy' -> 'Vraag een vriend'",
        "nl: 'buddy' needs ['maatje']: '%(n)d buddy' -> '%(n)d vrienden'",
    ]
