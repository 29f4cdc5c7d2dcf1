"""Help when something goes wrong: every page answers in every language, is linked from the
urgent-help bar on every page, and is saved for offline use after joining."""

import pytest

from onboarding.content.pack import load_pack
from onboarding.i18n import LANGUAGES

from ..conftest import translated

HELP_KEYS = (
    "sick",
    "lost_job",
    "pay_problem",
    "housing_problem",
    "doctor_at_night",
    "accident_at_work",
    "police",
    "first_days",
)


@pytest.fixture(scope="module")
def pack():
    return load_pack("noordwijk")


def test_the_pack_has_every_help_page_with_what_to_do_and_sources(pack):
    assert [page.key for page in pack.help_pages] == sorted(
        HELP_KEYS, key=lambda key: pack.help_page(key).order
    )
    assert set(HELP_KEYS) == {page.key for page in pack.help_pages}
    for page in pack.help_pages:
        assert page.today and page.sources, page.key
        assert all(url.startswith(("https://", "http://")) for url in page.sources), page.key


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_help_page_answers_in_every_language(app, client, pack, language):
    headers = {"Accept-Language": language.replace("_", "-")}
    index = client.get("/help", headers=headers)
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    for page in pack.help_pages:
        title = translated(app, language, page.title)
        assert title in html
        answer = client.get(f"/help/{page.key}", headers=headers)
        assert answer.status_code == 200, page.key
        body = answer.get_data(as_text=True)
        assert title in body
        assert translated(app, language, page.summary) in body


def test_an_unknown_help_page_is_not_found(client):
    assert client.get("/help/no_such_page").status_code == 404


def test_the_urgent_help_bar_links_to_the_help_pages_everywhere(app, client, joined):
    me, _ = joined(language="en")
    for page in (client.get("/"), client.get("/help/sick"), me.get("/"), me.get("/settings")):
        bar = page.get_data(as_text=True).split('id="urgent-help"')[1].split("</details>")[0]
        assert 'href="/help"' in bar


def test_help_pages_are_saved_for_offline_use_after_joining(joined, pack):
    me, _ = joined(language="uk")
    html = me.get("/").get_data(as_text=True)
    for url in ["/help", *(f"/help/{page.key}" for page in pack.help_pages)]:
        assert f"&#34;{url}&#34;" in html or f'"{url}"' in html, url


def test_a_doctor_at_night_page_always_gives_a_route_to_a_doctor(client):
    html = client.get("/help/doctor_at_night", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    page = html.split('id="help-doctor_at_night"')[1]
    assert "112" in page
    assert "huisartsenpost" in page
