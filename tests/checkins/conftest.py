"""A frozen clock and newcomers who arrived a given number of days ago; the stand-in push
service from the push tests."""

from datetime import timedelta

import pytest
import time_machine

from onboarding.clock import today_in_amsterdam

from ..conftest import join_body
from ..push.conftest import device, receiver  # noqa: F401

# Noon in Amsterdam, far from midnight: "today" is the same day in UTC and in Amsterdam.
NOW = "2026-12-10 11:00Z"


@pytest.fixture
def clock():
    """The clock stands still at NOW until the test moves it (`clock.shift(timedelta(days=1))`)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def arrived(clock, make_api, make_code):
    """A newcomer on a fresh device who arrived `days` days before today."""

    def factory(days: int, language: str = "en", code=None, **profile):
        client = make_api()
        arrival = today_in_amsterdam() - timedelta(days=days)
        body = join_body(
            code or make_code(), language=language, arrival_date=arrival.isoformat(), **profile
        )
        answer = client.post("/api/v1/join", json=body)
        assert answer.status_code == 201, answer.get_json()
        return client

    return factory


def due_keys(client) -> list[str]:
    answer = client.get("/api/v1/checkins")
    assert answer.status_code == 200
    return [checkin["key"] for checkin in answer.get_json()["due"]]


DAY7 = ["day7_housing", "day7_work", "day7_health"]
DAY30 = ["day30_housing", "day30_work", "day30_health"]
DAY90 = ["day90_housing", "day90_work", "day90_health"]
