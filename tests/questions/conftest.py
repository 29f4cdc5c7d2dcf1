"""Fixtures for asking a person: newcomers at a location in a language, and staff who speak
some languages (the push stand-ins come from the push tests)."""

import pytest
from sqlalchemy import select

from onboarding.extensions import db
from onboarding.staff.models import StaffUser

from ..conftest import STAFF_PASSWORD, ApiClient, join_body
from ..push.conftest import device, receiver  # noqa: F401 (fixtures)


@pytest.fixture
def speaker(app, make_staff):
    """A staff member who speaks `languages`, logged in through the API; returns the client."""

    def factory(role="coordinator", location_ids=(), languages=()):
        email = make_staff(role, location_ids)
        with app.app_context():
            staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
            staff.languages = ",".join(languages)
            db.session.commit()
        client = ApiClient(app.test_client())
        answer = client.post(
            "/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD}
        )
        assert answer.status_code == 200, answer.get_json()
        client.email = email
        return client

    return factory


@pytest.fixture
def newcomer_at(app, make_code):
    """A newcomer who joined at `location_id` speaking `language`; returns the client."""

    def factory(location_id, language="pl", **overrides):
        client = ApiClient(app.test_client())
        body = join_body(make_code(location_id), language=language, **overrides)
        answer = client.post("/api/v1/join", json=body)
        assert answer.status_code == 201, answer.get_json()
        return client

    return factory


def ask(client, text="Gdzie mogę zarejestrować adres?", **extra):
    """Ask a question; returns its id."""
    answer = client.post("/api/v1/questions", json={"text": text, **extra})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def staff_ids(client) -> list[int]:
    """The ids of the questions a staff member sees in the API."""
    answer = client.get("/api/v1/staff/questions")
    assert answer.status_code == 200, answer.get_json()
    return [q["id"] for q in answer.get_json()["questions"]]


def login(client) -> None:
    """Log a `speaker` in again (after travelling in time past the session's end)."""
    answer = client.post(
        "/api/v1/staff/login", json={"email": client.email, "password": STAFF_PASSWORD}
    )
    assert answer.status_code == 200, answer.get_json()
