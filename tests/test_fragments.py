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


def test_kept_step_cards_show_each_person_their_own_state_dates_and_token(app, joined, make_api):
    """The list page's cards are kept per language and step state
    (checklist/present.py::step_cards). Two people's steps differ in one thing each (stuck or
    not, overdue or not, dated or not, waiting for more steps or fewer), and their dates and
    tokens differ:
    each sees exactly the page a fresh render gives them, in whichever order the cards were
    kept."""
    with time_machine.travel(datetime(2027, 6, 9, 10, tzinfo=UTC), tick=False):
        first, _ = joined(make_api(), language="pl", arrival_date="2027-04-01")
        second, _ = joined(
            make_api(), language="pl", arrival_date="2027-06-08", first_workday_date="2027-07-01"
        )

        def steps(client) -> dict[str, dict]:
            answer = client.get("/api/v1/checklist").get_json()
            return {step["key"]: step for step in answer["steps"]}

        mine, theirs = steps(first), steps(second)
        # A step in the same state for both (dated or not alike, not late, not waiting).
        alike = next(
            key
            for key, step in mine.items()
            if bool(step["due_date"]) == bool(theirs[key]["due_date"])
            and not (step["overdue"] or theirs[key]["overdue"])
            and not (step["blocked"] or theirs[key]["blocked"])
            and key not in ("health_insurance", "first_workday")
        )
        # The first workday: no date for the first person, who gave none; a date for the second.
        assert not mine["first_workday"]["due_date"] and theirs["first_workday"]["due_date"]
        assert not theirs["first_workday"]["overdue"]
        late = next(k for k, step in mine.items() if step["overdue"])
        assert not theirs[late]["overdue"] and theirs[late]["status"] == "todo"
        assert "health_insurance" in mine["healthcare_allowance"]["requires"]
        stuck = {"status": "doing", "stuck": True, "stuck_category": "no_appointment"}
        for key, change in ((alike, stuck), ("health_insurance", {"status": "done"})):
            assert first.patch(f"/api/v1/checklist/{key}", json=change).status_code == 200
        doing = second.patch(f"/api/v1/checklist/{alike}", json={"status": "doing"})
        assert doing.status_code == 200
        fresh = {}
        for name, client in (("first", first), ("second", second)):
            kept(app).clear()
            fresh[name] = client.get("/").get_data(as_text=True)
        for order in ((first, second), (second, first)):
            kept(app).clear()
            for _round in range(2):
                for client in order:
                    name = "first" if client is first else "second"
                    assert client.get("/").get_data(as_text=True) == fresh[name], name
    cards = [key for key in kept(app) if key[0] == "card"]
    assert len(cards) >= len(mine)
    first_page, second_page = fresh["first"], fresh["second"]
    assert "stuck-mark" in first_page and "stuck-mark" not in second_page
    assert "is-overdue" in first_page and "is-overdue" not in second_page
    blocked = re.compile(r'<p class="blocked">(.*?)</p>', re.S)
    assert blocked.findall(first_page) != blocked.findall(second_page)
    # Each page has its own token in its forms, and no kept card holds one.
    first_tokens, second_tokens = set(CSRF.findall(first_page)), set(CSRF.findall(second_page))
    assert len(first_tokens) == len(second_tokens) == 1 and first_tokens != second_tokens
    assert first_page.count('name="csrf_token"') > len(mine) - 2
    kept_html = " ".join(str(kept(app)[key]) for key in cards)
    for personal in (*first_tokens, *second_tokens):
        assert personal not in kept_html
