"""Languages: complete catalogs, extraction paths, locale choice, switcher, dates."""

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from onboarding.cli import catalog_problems
from onboarding.clock import today_in_amsterdam
from onboarding.i18n import LANGUAGES, normalize_language

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def test_i18n_check_command_passes(runner):
    result = runner.invoke(args=["i18n", "check"])
    assert result.exit_code == 0, result.output


def test_i18n_check_fails_on_untranslated_and_fuzzy_entries(tmp_path):
    for code in TRANSLATED:
        folder = tmp_path / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalog = polib.POFile()
        catalog.append(polib.POEntry(msgid="Hello", msgstr="Hallo"))
        catalog.save(str(folder / "messages.po"))
    assert catalog_problems(tmp_path) == []
    nl = polib.pofile(str(tmp_path / "nl/LC_MESSAGES/messages.po"))
    nl.append(polib.POEntry(msgid="Untranslated", msgstr=""))
    nl.append(polib.POEntry(msgid="Fuzzy", msgstr="Vaag", flags=["fuzzy"]))
    nl.save()
    problems = catalog_problems(tmp_path)
    assert any("untranslated" in p and "Untranslated" in p for p in problems)
    assert any("fuzzy" in p and "Fuzzy" in p for p in problems)


def test_i18n_check_command_exits_1_on_problems(runner, monkeypatch):
    monkeypatch.setattr("onboarding.cli.catalog_problems", lambda: ["nl: untranslated: 'x'"])
    result = runner.invoke(args=["i18n", "check"])
    assert result.exit_code == 1
    assert "nl: untranslated" in result.output


def test_every_babel_cfg_path_exists_and_yields_messages():
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    assert len(method_map) == 4
    for pattern, method in method_map:
        prefix = pattern.split("*")[0]
        assert (ROOT / prefix).exists(), pattern
        found = [
            message
            for message in extract_from_dir(str(ROOT), [(pattern, method)], options_map)
            if message[2]
        ]
        assert len(found) >= 5, (pattern, len(found))


def test_catalogs_are_up_to_date_with_the_sources(tmp_path):
    """Every string in the code, templates and content pack is in the template and in every
    catalog (line numbers may drift; the messages may not)."""
    fresh_pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--ignore-dirs=.* __pycache__",
            "-o",
            str(fresh_pot),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(fresh_pot))}
    hint = "run: flask --app wsgi translate update"
    assert fresh == {e.msgid for e in polib.pofile(str(ROOT / "translations/messages.pot"))}, hint
    for code in TRANSLATED:
        catalog = polib.pofile(str(ROOT / f"translations/{code}/LC_MESSAGES/messages.po"))
        assert fresh <= {e.msgid for e in catalog if not e.obsolete}, (code, hint)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders(code):
    catalog = polib.pofile(str(ROOT / f"translations/{code}/LC_MESSAGES/messages.po"))
    for entry in catalog:
        wanted = set(re.findall(r"%\(\w+\)[sd]", entry.msgid))
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            assert set(re.findall(r"%\(\w+\)[sd]", target)) == wanted, entry.msgid


def test_language_tags_are_normalised():
    assert normalize_language("pt-BR") == "pt_BR"
    assert normalize_language("pt_br") == "pt_BR"
    assert normalize_language("PL") == "pl"
    assert normalize_language("de") is None
    assert normalize_language(None) is None


def test_accept_language_then_english(client):
    assert '<html lang="uk"' in client.get(
        "/", headers={"Accept-Language": "uk,en;q=0.5"}
    ).get_data(as_text=True)
    assert '<html lang="pt-BR"' in client.get("/", headers={"Accept-Language": "pt-BR"}).get_data(
        as_text=True
    )
    assert '<html lang="pt-BR"' in client.get("/", headers={"Accept-Language": "pt"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "de, fr"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_session_choice_beats_accept_language(api):
    api.form("/language", {"lang": "bg", "next": "/"})
    assert '<html lang="bg"' in api.get("/", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )


def test_newcomers_saved_choice_beats_session_and_browser(app, joined, make_api):
    client, recovery = joined(language="ro")
    page = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="ro"' in page
    # Switching saves the choice for the person, so a new phone speaks it too.
    client.form("/language", {"lang": "nl", "next": "/"})
    phone = make_api()
    phone.post("/api/v1/recover", json={"recovery_code": recovery})
    assert '<html lang="nl"' in phone.get("/", headers={"Accept-Language": "ro"}).get_data(
        as_text=True
    )


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(api):
    answer = api.form("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"
    assert (
        api.form("/language", {"lang": "pl", "next": "//evil.example"}).headers["Location"] == "/"
    )


def test_switcher_on_every_page_names_each_language_in_itself(client, joined, make_code):
    me, _ = joined(language="en")
    pages = [
        client.get("/"),
        client.get(f"/join/{make_code()}?language=pl"),
        client.get("/recover"),
        me.get("/"),
        me.get("/steps/register_brp"),
        me.get("/settings"),
        me.get("/me/delete"),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert 'action="/language"' in html
        for code, name in LANGUAGES.items():
            assert f'value="{code}" lang="{code.replace("_", "-")}"' in html
            assert name in html


def test_dates_are_written_the_local_way(app, joined):
    arrival = today_in_amsterdam()
    client, _ = joined(language="nl", arrival_date=arrival.isoformat(), stay_plan="medium")
    from onboarding.content.pack import DueRule

    due = DueRule(kind="deadline", after="arrival", days=5).due_on(arrival, None)
    from babel.dates import format_skeleton

    page = client.get("/").get_data(as_text=True)
    assert format_skeleton("yMMMEd", due, locale="nl") in page
    client.form("/language", {"lang": "uk"})
    page = client.get("/").get_data(as_text=True)
    assert format_skeleton("yMMMEd", due, locale="uk") in page


def test_unreviewed_languages_show_a_kind_notice(app, client):
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "has not yet been checked by a native speaker" not in english
    polish = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    from .conftest import translated

    notice = translated(
        app,
        "pl",
        "This translation is new and has not yet been checked by a native speaker. If something "
        "is unclear, you can switch to English or Dutch with the language button at the top.",
    )
    assert notice in polish


def test_switching_language_on_the_join_form_keeps_the_new_choice(app, api, make_code):
    token = make_code()
    api.get(f"/join/{token}?language=pl")
    answer = api.form("/language", {"lang": "uk", "next": f"/join/{token}?language=pl"})
    assert answer.headers["Location"] == f"/join/{token}?language=uk"
    assert '<html lang="uk"' in api.get(answer.headers["Location"]).get_data(as_text=True)


def test_language_switch_never_redirects_off_site(api):
    for target in (
        "https://evil.example/",
        "//evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ):
        location = api.form("/language", {"lang": "pl", "next": target}).headers["Location"]
        assert location == "/", (target, location)
