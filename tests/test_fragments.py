"""`{% fragment %}` (onboarding/templating.py): parts of a page rendered once per language and
kept with the pack. Keeping them must change nothing a reader sees, and nothing personal may
be kept."""

import re
from datetime import UTC, datetime

import time_machine

from onboarding.i18n import LANGUAGES, bcp47
from onboarding.templating import MOUNT_POINTS_KEPT

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def kept(app) -> dict:
    return app.extensions["aankomst_pack"].kept


def test_kept_fragments_render_exactly_what_a_fresh_render_does_in_every_language(
    app, joined, make_api
):
    # A stopped clock: the pages' CSRF tokens carry the second they were signed.
    with time_machine.travel(datetime(2027, 6, 9, 10, tzinfo=UTC), tick=False):
        people = {code: joined(make_api(), language=bcp47(code))[0] for code in LANGUAGES}
        fresh = {}
        for code, client in people.items():
            kept(app).clear()
            fresh[code] = client.get("/").get_data(as_text=True)
            assert f'<html lang="{bcp47(code)}"' in fresh[code]
        # With every language's fragments kept, each page is still its own language's, unchanged.
        kept(app).clear()
        first_round = {
            code: client.get("/").get_data(as_text=True) for code, client in people.items()
        }
        assert {key[-2] for key in kept(app) if len(key) > 1} >= set(LANGUAGES)
        for code, client in people.items():
            assert first_round[code] == fresh[code], code
            assert client.get("/").get_data(as_text=True) == fresh[code], code


def test_nothing_personal_is_kept_and_nothing_passes_from_one_person_to_the_next(
    app, joined, make_api
):
    kept(app).clear()
    first, _ = joined(make_api(), language="pl", nickname="Agnieszka")
    second, _ = joined(make_api(), language="pl", nickname="Bartek")
    first_page = first.get("/").get_data(as_text=True)
    second_page = second.get("/").get_data(as_text=True)
    first_tokens, second_tokens = set(CSRF.findall(first_page)), set(CSRF.findall(second_page))
    assert first_tokens and second_tokens and not first_tokens & second_tokens
    assert "Agnieszka" in first_page and "Agnieszka" not in second_page
    assert "Bartek" in second_page
    fragments = " ".join(str(html) for html in kept(app).values())
    assert fragments  # the pages did keep fragments
    for personal in (*first_tokens, *second_tokens, "Agnieszka", "Bartek"):
        assert personal not in fragments


def test_fragments_follow_the_path_the_app_is_served_under(app, newcomer_client):
    kept(app).clear()
    mounted = newcomer_client.get("/", environ_overrides={"SCRIPT_NAME": "/aankomst"})
    plain = newcomer_client.get("/")
    assert 'href="/aankomst/steps/' in mounted.get_data(as_text=True)
    assert 'href="/aankomst/help"' in mounted.get_data(as_text=True)
    page = plain.get_data(as_text=True)
    assert "/aankomst/" not in page
    assert 'href="/help"' in page


def test_only_a_few_mount_points_are_kept_whatever_prefixes_clients_send(app, newcomer_client):
    """Behind a proxy the mount point comes from X-Forwarded-Prefix, which a client can set."""
    kept(app).clear()
    for number in range(3 * MOUNT_POINTS_KEPT):
        prefix = f"/prefix{number}"
        page = newcomer_client.get("/", environ_overrides={"SCRIPT_NAME": prefix})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'href="{prefix}/steps/' in html and f'href="{prefix}/help"' in html
    roots = {key[-1] for key in kept(app) if str(key[-1]).startswith("/prefix")}
    assert roots == {f"/prefix{number}" for number in range(MOUNT_POINTS_KEPT)}
