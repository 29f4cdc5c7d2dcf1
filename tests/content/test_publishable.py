"""Content a municipality can publish: plain sentences, the review's corrections kept, and
people under temporary protection never told to insure or to apply for zorgtoeslag."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from onboarding.content.pack import HELP_TEXT_LIST_FIELDS, STEP_TEXT_LIST_FIELDS, load_pack
from onboarding.i18n import LANGUAGES

from ..conftest import join_body, translated

MAX_WORDS = 20
CHECKED_DAY = datetime(2026, 12, 2, 11, tzinfo=UTC)


@pytest.fixture(scope="module")
def pack():
    return load_pack("noordwijk")


def english_texts(entry, list_fields) -> list[str]:
    texts = [entry.summary, *(getattr(entry, "buddy_activity", None) or "",)]
    for name in list_fields:
        for item in getattr(entry, name):
            texts.extend([item] if isinstance(item, str) else [item.text, item.without])
    return [t for t in texts if t]


def long_sentences(text: str) -> list[str]:
    """Sentences over the limit; the items of a list after a colon do not count as one."""
    found = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        for part in sentence.split(": "):
            is_list = part.count(",") >= 3
            if not is_list and len(part.split()) > MAX_WORDS:
                found.append(part)
    return found


def test_no_sentence_in_a_step_or_help_page_is_longer_than_20_words(pack):
    too_long = {
        entry.key: found
        for entries, fields in (
            (pack.steps, STEP_TEXT_LIST_FIELDS),
            (pack.help_pages, HELP_TEXT_LIST_FIELDS),
        )
        for entry in entries
        if (found := [s for t in english_texts(entry, fields) for s in long_sentences(t)])
    }
    assert too_long == {}


def test_the_sentence_check_catches_a_long_sentence_and_spares_a_list():
    long = " ".join(["word"] * 21) + "."
    assert long_sentences(long) == [long]
    items = "a passport, a contract, a letter, a bank card and some more papers from home"
    assert long_sentences(f"Bring these with you: {items}.") == []


def step_texts(step) -> str:
    return " ".join(english_texts(step, STEP_TEXT_LIST_FIELDS) + [step.title])


def test_people_under_temporary_protection_are_told_about_the_rmo_not_insurance(pack):
    protected = [s for s in pack.steps if s.applies_to("medium", True)]
    keys = {s.key for s in protected}
    assert "rmo_care" in keys
    assert not keys & {"health_insurance", "healthcare_allowance"}
    for step in protected:
        text = step_texts(step).lower()
        assert not re.search(r"take out (dutch )?(basic )?health insurance", text), step.key
        assert "apply for zorgtoeslag" not in text and "apply for healthcare allowance" not in text
    assert {"health_insurance", "healthcare_allowance"} <= {
        s.key for s in pack.steps if s.applies_to("medium", False)
    }


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_page_tells_a_protected_newcomer_to_insure_in_any_language(
    app, make_api, make_code, pack, language
):
    never = [
        translated(app, language, pack.step(key).title)
        for key in ("health_insurance", "healthcare_allowance")
    ]
    with time_machine.travel(CHECKED_DAY, tick=False):
        protected, polish = make_api(), make_api()
        for client, fields in (
            (protected, {"temporary_protection": True}),
            (polish, {"language": "pl"}),
        ):
            body = join_body(make_code(), **{"language": language, **fields})
            assert client.post("/api/v1/join", json=body).status_code == 201
        keys = [s["key"] for s in protected.get("/api/v1/checklist").get_json()["steps"]]
        pages = [protected.get("/").get_data(as_text=True)]
        pages += [protected.get(f"/steps/{key}").get_data(as_text=True) for key in keys]
        polish_page = polish.get("/").get_data(as_text=True)
    assert "rmo_care" in keys
    for html in pages:
        for title in never:
            assert title not in html
    assert translated(app, "pl", pack.step("health_insurance").title) in polish_page


def all_english(pack) -> str:
    texts = [step_texts(step) for step in pack.steps]
    texts += [
        " ".join(english_texts(p, HELP_TEXT_LIST_FIELDS) + [p.title]) for p in pack.help_pages
    ]
    return " ".join(texts)


def test_the_reviews_corrections_are_in_the_pack(pack):
    text = all_english(pack)
    assert "52 worked weeks" in text and "78 worked weeks" not in text
    assert re.search(r"6 contracts (with)?in 3 years", text)
    assert "written" in " ".join(step_texts(s) for s in pack.steps if "deduct" in step_texts(s))
    assert "€49" not in text and "14.71" not in text
    assert "2 h 40" not in text or "first ride" in text
