"""The check-in card on the checklist: plain forms, one tap on a face answers, "not now",
"never ask me", the switch in the settings, and help after a hard answer."""

import re
from datetime import timedelta

from ..conftest import translated
from .conftest import DAY7, due_keys


def help_links(page: str) -> list[str]:
    """The links in the notice shown after a hard answer."""
    notices = re.findall(r'<p class="notice notice-info checkin-help"[^>]*>(.*?)</p>', page, re.S)
    return [url for notice in notices for url in re.findall(r'<a href="([^"]+)">', notice)]


def card_key(page: str) -> str | None:
    found = re.search(r'data-checkin="([\w]+)"', page)
    return found.group(1) if found else None


def test_the_first_due_check_in_is_a_card_with_five_faces(app, arrived):
    client = arrived(7, language="pl")
    page = client.get("/").get_data(as_text=True)
    assert card_key(page) == "day7_housing"
    assert page.count('data-checkin="') == 1  # only the first one
    assert translated(app, "pl", "How is your housing?") in page
    assert page.count('class="checkin-face face-') == 5
    for label in ("1 of 5: very bad", "3 of 5: okay", "5 of 5: very good"):
        assert f'aria-label="{translated(app, "pl", label)}"' in page
    assert 'name="score" value="1"' in page and 'name="score" value="5"' in page
    assert translated(app, "pl", "Tell more (optional)") in page
    assert 'name="category" value="crowded"' in page
    assert translated(app, "pl", "My room is too crowded") in page
    assert 'action="/checkins/day7_housing"' in page
    assert 'action="/checkins/day7_housing/dismiss"' in page
    # The card sits above the steps.
    assert page.index('data-checkin="') < page.index('class="checklist"')


def test_no_card_before_day_seven(arrived):
    page = arrived(6).get("/").get_data(as_text=True)
    assert card_key(page) is None and "checkin-face" not in page


def test_one_tap_answers_and_the_next_question_follows(arrived):
    client = arrived(7)
    answer = client.form("/checkins/day7_housing", {"score": "4"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Thank you for your answer." in page
    assert help_links(page) == []  # a good answer needs no help page
    assert card_key(page) == "day7_work"
    assert card_key(client.get("/").get_data(as_text=True)) == "day7_work"
    assert due_keys(client) == DAY7[1:]


def test_a_hard_answer_with_a_category_links_to_the_help_page(app, arrived):
    client = arrived(7, language="pl")
    client.form("/checkins/day7_housing", {"score": "1", "category": "crowded"})
    page = client.get("/").get_data(as_text=True)
    assert translated(app, "pl", "Thank you for your answer.") in page
    assert help_links(page) == ["/help/housing_problem"]
    assert translated(app, "pl", "I have a problem with my housing") in page  # the page's title
    assert help_links(client.get("/").get_data(as_text=True)) == []  # shown once
    client.form("/checkins/day7_work", {"score": "2", "category": "unpaid_hours"})
    assert help_links(client.get("/").get_data(as_text=True)) == ["/help/pay_problem"]
    client.form("/checkins/day7_health", {"score": "2", "category": "stress"})
    assert help_links(client.get("/").get_data(as_text=True)) == ["/help"]
    assert due_keys(client) == []


def test_a_double_tap_is_thanked_not_refused(arrived):
    client = arrived(7)
    assert client.form("/checkins/day7_housing", {"score": "3"}).status_code == 303
    again = client.form("/checkins/day7_housing", {"score": "5"})
    assert again.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "You have already answered this question. Thank you." in page


def test_a_tampered_form_is_refused_with_a_page(arrived):
    client = arrived(7)
    assert client.form("/checkins/day7_housing", {"score": "9"}).status_code == 400
    assert (
        client.form("/checkins/day7_housing", {"score": "3", "category": "alone"}).status_code
        == 400
    )
    assert client.form("/checkins/nothing", {"score": "3"}).status_code == 404
    assert client.form("/checkins/day30_housing", {"score": "3"}).status_code == 409
    assert due_keys(client) == DAY7


def test_not_now_and_never_ask_me_on_the_card(arrived, clock):
    client = arrived(7)
    assert client.form("/checkins/day7_housing/dismiss", {}).status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Okay. We will ask again in a few days." in page
    assert card_key(page) == "day7_work"
    assert client.form("/checkins/day7_work/dismiss", {"never": "1"}).status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert card_key(page) is None and "My details and privacy" in page
    clock.shift(timedelta(days=30))
    assert card_key(client.get("/").get_data(as_text=True)) is None


def test_the_settings_switch_turns_check_ins_off_and_on(arrived):
    client = arrived(7)
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="checkins" value="1" checked' in page
    assert client.form("/settings/checkins", {}).status_code == 303
    assert due_keys(client) == []
    assert 'name="checkins" value="1" checked' not in client.get("/settings").get_data(as_text=True)
    assert client.form("/settings/checkins", {"checkins": "1"}).status_code == 303
    assert due_keys(client) == DAY7


def test_strangers_see_no_card_and_cannot_post(client, api):
    assert "checkin" not in client.get("/").get_data(as_text=True)
    answer = api.form("/checkins/day7_housing", {"score": "3"})
    assert answer.status_code == 302  # to the start page
