"""Joining with a code: the page, the API, every refusal, and atomic redemption."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import requests
import time_machine
from sqlalchemy import func, select

from onboarding.accounts.models import Newcomer
from onboarding.clock import today_in_amsterdam, years_before
from onboarding.codes.models import OnboardingCode
from onboarding.extensions import db, utcnow
from onboarding.security import hash_token

from ..conftest import join_body, translated


def code_row(app, token):
    with app.app_context():
        return db.session.scalar(
            select(OnboardingCode).where(OnboardingCode.token_hash == hash_token(token))
        )


def newcomer_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Newcomer.id)))


def test_opening_the_join_page_never_uses_the_code(app, client, make_code):
    token = make_code()
    for _ in range(3):
        assert client.get(f"/join/{token}").status_code == 200
        assert client.get(f"/join/{token}?language=pl").status_code == 200
    assert code_row(app, token).uses == 0


def test_join_page_offers_each_language_in_itself(client, make_code):
    page = client.get(f"/join/{make_code()}").get_data(as_text=True)
    for name in (
        "Polski",
        "Українська",
        "Български",
        "Română",
        "Português (Brasil)",
        "Nederlands",
        "English",
    ):
        assert name in page


def test_join_form_in_the_chosen_language_prefills_the_codes_arrival_date(app, client, make_code):
    token = make_code(arrival_date=date(2026, 11, 20))
    page = client.get(f"/join/{token}?language=uk").get_data(as_text=True)
    assert '<html lang="uk"' in page
    assert translated(app, "uk", "How long do you plan to stay?") in page
    assert 'value="2026-11-20"' in page
    assert translated(app, "uk", "I want to build my life here") in page


def test_submitting_the_form_joins_shows_recovery_code_once_and_links_location(
    app, api, make_location, make_code
):
    location_id = make_location("Bloemenhof")
    token = make_code(location_id)
    api.client.get(f"/join/{token}?language=pl")
    response = api.form(
        f"/join/{token}",
        {
            "language": "pl",
            "arrival_date": today_in_amsterdam().isoformat(),
            "stay_plan": "short",
            "nickname": "Ola",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/welcome")
    welcome = api.get("/welcome")
    assert welcome.headers["Cache-Control"] == "private, no-store"
    assert translated(app, "pl", "Your recovery code") in welcome.get_data(as_text=True)
    assert api.get("/welcome").status_code == 302  # shown once only
    assert code_row(app, token).uses == 1
    with app.app_context():
        newcomer = db.session.scalar(select(Newcomer))
        assert newcomer.location_id == location_id
        assert newcomer.nickname == "Ola" and newcomer.language == "pl"


def test_form_errors_are_shown_per_field_and_do_not_use_the_code(app, api, make_code):
    token = make_code()
    response = api.form(
        f"/join/{token}", {"language": "pl", "arrival_date": "31-12-2026", "stay_plan": ""}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert translated(app, "pl", "This is not a valid date. Use the form YYYY-MM-DD.") in page
    assert translated(app, "pl", "Please choose how long you plan to stay.") in page
    assert 'aria-invalid="true"' in page
    assert code_row(app, token).uses == 0


def test_api_join_answers_201_with_a_recovery_code_and_a_session(api, make_code):
    response = api.post("/api/v1/join", json=join_body(make_code(), language="pt-BR"))
    assert response.status_code == 201
    recovery = response.get_json()["recovery_code"]
    assert len(recovery) == 19 and recovery.count("-") == 3
    steps = api.get("/api/v1/checklist")
    assert steps.status_code == 200 and steps.get_json()["steps"]


def test_api_join_accepts_pt_underscore_br(api, make_code, app):
    assert (
        api.post("/api/v1/join", json=join_body(make_code(), language="pt_BR")).status_code == 201
    )
    with app.app_context():
        assert db.session.scalar(select(Newcomer.language)) == "pt_BR"


def test_join_when_already_signed_in_is_409(newcomer_client, make_code, app):
    response = newcomer_client.post("/api/v1/join", json=join_body(make_code()))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_signed_in"
    page = newcomer_client.get(f"/join/{make_code()}")
    assert page.status_code == 409


def test_unknown_expired_used_up_and_revoked_codes_each_get_their_own_answer(
    app, make_api, make_code
):
    unknown = "A" * 22
    expired = make_code(expires_in_days=1)
    used_up = make_code()
    revoked = make_code()
    assert make_api().post("/api/v1/join", json=join_body(used_up)).status_code == 201
    with app.app_context():
        row = db.session.scalar(
            select(OnboardingCode).where(OnboardingCode.token_hash == hash_token(revoked))
        )
        row.revoked_at = utcnow()
        db.session.commit()

    expected = {
        unknown: (404, "code_unknown"),
        expired: (410, "code_expired"),
        used_up: (410, "code_used_up"),
        revoked: (410, "code_revoked"),
    }
    messages = set()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):
        for token, (status, code) in expected.items():
            api = make_api()
            answer = api.post(
                "/api/v1/join", json=join_body(token), headers={"Accept-Language": "pl"}
            )
            assert answer.status_code == status
            error = answer.get_json()["error"]
            assert error["code"] == code
            messages.add(error["message"])
            page = api.get(f"/join/{token}", headers={"Accept-Language": "pl"})
            assert page.status_code == status
            assert error["message"] in page.get_data(as_text=True)
    assert len(messages) == 4
    assert (
        translated(
            app,
            "pl",
            "This join code has expired. Please ask your housing coordinator for a new one.",
        )
        in messages
    )


def test_malformed_tokens_are_unknown_not_errors(make_api):
    for token in ("short", "x" * 200, "bad token with spaces!!", "../../etc/passwd"):
        answer = make_api().post("/api/v1/join", json=join_body(token))
        assert answer.status_code == 404
    assert make_api().post("/api/v1/join", json=join_body(None)).status_code == 404
    assert make_api().post("/api/v1/join", json=join_body(12345)).status_code == 404


def test_api_join_validates_every_field(app, make_api, make_code):
    token = make_code()
    today = today_in_amsterdam()
    cases = [
        ({"language": "de"}, "language"),
        ({"language": None}, "language"),
        ({"arrival_date": "2026-02-30"}, "arrival_date"),
        ({"arrival_date": None}, "arrival_date"),
        (
            {"arrival_date": (years_before(today, 40) - timedelta(days=1)).isoformat()},
            "arrival_date",
        ),
        (
            {"arrival_date": (years_before(today, -1) + timedelta(days=1)).isoformat()},
            "arrival_date",
        ),
        ({"stay_plan": "forever"}, "stay_plan"),
        ({"stay_plan": None}, "stay_plan"),
        (
            {"first_workday_date": (today - timedelta(days=3)).isoformat()},
            "first_workday_date",
        ),
        ({"nickname": "x" * 41}, "nickname"),
        ({"nickname": ["a list"]}, "nickname"),
        ({"temporary_protection": "maybe"}, "temporary_protection"),
    ]
    for overrides, field in cases:
        answer = make_api().post("/api/v1/join", json=join_body(token, **overrides))
        assert answer.status_code == 400, overrides
        error = answer.get_json()["error"]
        assert error["code"] == "invalid_input" and field in error["fields"], overrides
    assert make_api().post("/api/v1/join", json=["not", "an", "object"]).status_code == 400
    assert (
        make_api().post("/api/v1/join", data="{", content_type="application/json").status_code
        == 400
    )
    assert code_row(app, token).uses == 0


def test_unsafe_api_calls_need_the_csrf_header(app, make_code):
    client = app.test_client()
    answer = client.post("/api/v1/join", json=join_body(make_code()))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "csrf_failed"
    form = client.post(f"/join/{make_code()}", data={"stay_plan": "short"})
    assert form.status_code == 400


def test_nickname_control_characters_are_removed(app, api, make_code):
    api.post("/api/v1/join", json=join_body(make_code(), nickname="Ola\x00\x07"))
    with app.app_context():
        assert db.session.scalar(select(Newcomer.nickname)) == "Ola"


def _parallel_joins(base_url: str, token: str, attempts: int) -> list[int]:
    def attempt(_):
        session = requests.Session()
        csrf = session.get(f"{base_url}/api/v1/csrf").json()["csrf_token"]
        answer = session.post(
            f"{base_url}/api/v1/join", json=join_body(token), headers={"X-CSRFToken": csrf}
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        return list(pool.map(attempt, range(attempts)))


def test_a_code_with_n_uses_admits_exactly_n_under_parallel_attempts(app, live_server, make_code):
    token = make_code(max_uses=3)
    statuses = _parallel_joins(live_server, token, 12)
    assert sorted(statuses) == [201] * 3 + [410] * 9
    assert code_row(app, token).uses == 3
    assert newcomer_count(app) == 3


def test_a_single_use_code_redeems_once_under_parallel_attempts(app, live_server, make_code):
    token = make_code()
    statuses = _parallel_joins(live_server, token, 8)
    assert statuses.count(201) == 1 and statuses.count(410) == 7
    assert newcomer_count(app) == 1
