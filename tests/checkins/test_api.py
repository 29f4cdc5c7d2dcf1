"""The check-in API: which questions are due and when, answering once, "not now" and "never
ask me", and every refusal with its own message."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from onboarding.clock import today_in_amsterdam

from ..conftest import join_body, translated
from .conftest import DAY7, DAY30, DAY90, due_keys


def test_day_seven_is_due_on_day_seven_not_on_day_six(arrived, clock):
    client = arrived(6)
    assert due_keys(client) == []
    clock.shift(timedelta(days=1))
    answer = client.get("/api/v1/checkins").get_json()
    assert [c["key"] for c in answer["due"]] == DAY7
    housing = answer["due"][0]
    assert housing["topic"] == "housing" and housing["day"] == 7
    assert housing["question"] == "How is your housing?"
    assert {"key": "crowded", "label": "My room is too crowded"} in housing["categories"]
    assert [c["topic"] for c in answer["due"]] == ["housing", "work", "health"]
    work = answer["due"][1]
    assert work["question"] == "How is your work?"
    assert {"key": "unpaid_hours", "label": "I was not paid for all hours"} in work["categories"]
    health = answer["due"][2]
    assert health["question"] == "How are your health and wellbeing?"
    assert {"key": "alone", "label": "I feel alone"} in health["categories"]


def test_day_thirty_and_ninety_follow_earliest_first(arrived):
    assert due_keys(arrived(29)) == DAY7
    assert due_keys(arrived(30)) == DAY7 + DAY30
    assert due_keys(arrived(89)) == DAY7 + DAY30
    assert due_keys(arrived(90)) == DAY7 + DAY30 + DAY90


def test_after_half_a_year_and_for_people_who_came_long_ago_nothing_is_asked(arrived):
    assert due_keys(arrived(180)) == DAY7 + DAY30 + DAY90
    assert due_keys(arrived(181)) == []
    assert due_keys(arrived(3 * 365)) == []  # joined years after arriving


def test_the_question_speaks_the_persons_language(app, arrived):
    answer = arrived(7, language="pl").get("/api/v1/checkins").get_json()
    assert answer["due"][0]["question"] == translated(app, "pl", "How is your housing?")
    labels = [c["label"] for c in answer["due"][0]["categories"]]
    assert translated(app, "pl", "My room is too crowded") in labels


def test_an_answer_counts_once_and_the_question_does_not_come_back(arrived, clock):
    client = arrived(7)
    answer = client.post("/api/v1/checkins", json={"key": "day7_housing", "score": 4})
    assert answer.status_code == 201
    assert answer.get_json() == {
        "key": "day7_housing",
        "topic": "housing",
        "score": 4,
        "category": None,
        "help_url": None,
    }
    again = client.post("/api/v1/checkins", json={"key": "day7_housing", "score": 2})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_answered"
    assert due_keys(client) == DAY7[1:]
    clock.shift(timedelta(days=30))
    assert "day7_housing" not in due_keys(client)


def test_a_low_score_points_to_the_help_page_that_fits(arrived):
    client = arrived(7)
    for key, category, url in (
        ("day7_housing", "crowded", "/help/housing_problem"),
        ("day7_work", "unpaid_hours", "/help/pay_problem"),
        ("day7_health", "alone", "/help"),
    ):
        answer = client.post(
            "/api/v1/checkins", json={"key": key, "score": 1, "category": category}
        )
        assert answer.status_code == 201
        assert answer.get_json()["help_url"] == url and answer.get_json()["category"] == category
    other = arrived(30)
    answer = other.post("/api/v1/checkins", json={"key": "day30_health", "score": 2})
    assert answer.get_json()["help_url"] == "/help/sick"


def _signed_in_session(base_url: str, token: str, arrival: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    csrf = session.get(f"{base_url}/api/v1/csrf").json()["csrf_token"]
    answer = session.post(
        f"{base_url}/api/v1/join",
        json=join_body(token, arrival_date=arrival),
        headers={"X-CSRFToken": csrf},
    )
    assert answer.status_code == 201
    return session, session.get(f"{base_url}/api/v1/csrf").json()["csrf_token"]


def test_taps_at_the_same_moment_store_one_answer(app, live_server, make_code):
    # The real clock here (the server's threads read it too); day 8 is safely past day 7.
    arrival = (today_in_amsterdam() - timedelta(days=8)).isoformat()
    session, csrf = _signed_in_session(live_server, make_code(), arrival)

    def tap(score: int) -> int:
        return session.post(
            f"{live_server}/api/v1/checkins",
            json={"key": "day7_health", "score": score},
            headers={"X-CSRFToken": csrf},
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(tap, [1, 2, 3, 4, 5, 3]))
    assert sorted(statuses) == [201] + [409] * 5
    with app.app_context():
        from sqlalchemy import func, select

        from onboarding.checkins.models import CheckinAnswer
        from onboarding.extensions import db

        assert db.session.scalar(select(func.count()).select_from(CheckinAnswer)) == 1


def test_an_answer_is_checked_with_a_message_per_field(app, arrived):
    client = arrived(7, language="pl")
    whole_number = translated(
        app, "pl", "Please give a whole number from %(low)d to %(high)d.", low=1, high=5
    )
    no_such_question = translated(app, "pl", "This question does not exist.")
    choose = translated(app, "pl", "Please choose one of the options.")
    for body, field, message in (
        ({"key": "day7_housing", "score": 0}, "score", whole_number),
        ({"key": "day7_housing", "score": 6}, "score", whole_number),
        ({"key": "day7_housing", "score": "x"}, "score", whole_number),
        ({"key": "day7_housing", "score": True}, "score", whole_number),
        ({"key": "day7_housing", "score": 2.5}, "score", whole_number),
        (
            {"key": "day7_housing"},
            "score",
            translated(app, "pl", "Please choose one of the faces."),
        ),
        ({"key": "day7_housing", "score": 3, "category": "unpaid_hours"}, "category", choose),
        ({"key": "day7_housing", "score": 3, "category": ["crowded"]}, "category", choose),
        ({"key": "day8_housing", "score": 3}, "key", no_such_question),
        ({"key": None, "score": 3}, "key", no_such_question),
        ({"score": 3}, "key", no_such_question),
    ):
        answer = client.post("/api/v1/checkins", json=body)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"]["fields"][field] == message, body
    assert client.post("/api/v1/checkins", json=["day7_housing"]).status_code == 400
    assert due_keys(client) == DAY7  # nothing was stored


def test_a_question_whose_day_has_not_come_cannot_be_answered(app, arrived):
    client = arrived(7, language="pl")
    answer = client.post("/api/v1/checkins", json={"key": "day30_housing", "score": 3})
    assert answer.status_code == 409
    assert answer.get_json()["error"] == {
        "code": "not_open",
        "message": translated(app, "pl", "This question is not open now."),
    }
    late = arrived(200)
    answer = late.post("/api/v1/checkins", json={"key": "day90_housing", "score": 3})
    assert answer.status_code == 409


def test_not_now_asks_again_after_three_days(arrived, clock):
    client = arrived(7)
    assert client.post("/api/v1/checkins/day7_housing/dismiss").status_code == 204
    assert due_keys(client) == DAY7[1:]
    clock.shift(timedelta(days=2))
    assert due_keys(client) == DAY7[1:]
    clock.shift(timedelta(days=1))
    assert due_keys(client) == DAY7
    # "not now" said explicitly, and said again: put off again
    answer = client.post("/api/v1/checkins/day7_housing/dismiss", json={"never": False})
    assert answer.status_code == 204
    assert due_keys(client) == DAY7[1:]


def test_never_ask_me_switches_every_check_in_off(arrived, clock):
    client = arrived(7)
    answer = client.post("/api/v1/checkins/day7_work/dismiss", json={"never": True})
    assert answer.status_code == 204
    assert due_keys(client) == []
    clock.shift(timedelta(days=83))  # day 90
    assert due_keys(client) == []
    # It can be said twice, and the settings switch brings the questions back.
    assert (
        client.post("/api/v1/checkins/day7_work/dismiss", json={"never": True}).status_code == 204
    )
    assert client.form("/settings/checkins", {"checkins": "1"}).status_code == 303
    assert due_keys(client) == DAY7 + DAY30 + DAY90


def test_dismissing_an_unknown_question_is_a_404_and_bad_input_a_400(app, arrived):
    client = arrived(7, language="pl")
    for key in ("day8_housing", "register_gp", "%2A", "*"):
        answer = client.post(f"/api/v1/checkins/{key}/dismiss")
        assert answer.status_code == 404, key
        assert answer.get_json()["error"]["message"] == translated(
            app, "pl", "This question does not exist."
        )
    answer = client.post("/api/v1/checkins/day7_work/dismiss", json={"never": "maybe"})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["fields"]["never"] == translated(
        app, "pl", "Please answer yes or no."
    )
    assert due_keys(client) == DAY7


def test_only_a_signed_in_newcomer_has_check_ins(api, staff_client, make_location):
    assert api.get("/api/v1/checkins").status_code == 401
    assert api.post("/api/v1/checkins", json={"key": "day7_work", "score": 3}).status_code == 401
    assert api.post("/api/v1/checkins/day7_work/dismiss").status_code == 401
    admin = staff_client("admin")
    assert admin.get("/api/v1/checkins").status_code == 401


def test_each_person_sees_only_their_own_check_ins(arrived):
    first, second = arrived(7), arrived(7)
    first.post("/api/v1/checkins", json={"key": "day7_housing", "score": 5})
    first.post("/api/v1/checkins/day7_work/dismiss", json={"never": True})
    assert due_keys(first) == []
    assert due_keys(second) == DAY7
