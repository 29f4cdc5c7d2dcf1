"""purge-inactive: accounts unused for the retention period and long-dead join codes go; the
rest stays."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from onboarding.accounts.models import Newcomer
from onboarding.codes.models import OnboardingCode
from onboarding.config import ConfigError, load_config
from onboarding.extensions import db

from ..conftest import join_body

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def nicknames(app):
    with app.app_context():
        return set(db.session.scalars(select(Newcomer.nickname)))


def test_only_accounts_unused_for_a_year_are_erased(app, runner, make_api, make_code):
    with time_machine.travel(START, tick=False) as traveller:
        quiet, busy = make_api(), make_api()
        quiet.post("/api/v1/join", json=join_body(make_code(), nickname="Quiet"))
        busy.post("/api/v1/join", json=join_body(make_code(), nickname="Busy"))
        for day in (170, 340):  # Busy keeps opening the app (a session lasts 180 days)
            traveller.move_to(START + timedelta(days=day))
            assert busy.get("/api/v1/checklist").status_code == 200
        traveller.move_to(START + timedelta(days=364))
        assert "0 inactive account(s)" in runner.invoke(args=["purge-inactive"]).output
        traveller.move_to(START + timedelta(days=366))
        assert "1 inactive account(s)" in runner.invoke(args=["purge-inactive"]).output
    assert nicknames(app) == {"Busy"}


def test_the_retention_period_is_a_setting(app, other_app, make_api, make_code, tmp_path):
    shorter = other_app(AANKOMST_INACTIVE_DAYS=30)
    with time_machine.travel(START, tick=False) as traveller:
        make_api().post("/api/v1/join", json=join_body(make_code(), nickname="Gone"))
        traveller.move_to(START + timedelta(days=31))
        output = shorter.test_cli_runner().invoke(args=["purge-inactive"]).output
    assert "1 inactive account(s)" in output and nicknames(app) == set()
    for wrong in ("7", "many", "99999"):
        with pytest.raises(ConfigError, match="AANKOMST_INACTIVE_DAYS"):
            load_config(tmp_path, {"SECRET_KEY": "k" * 40, "AANKOMST_INACTIVE_DAYS": wrong})


def test_codes_go_90_days_after_they_ended_demo_codes_stay(
    app, runner, staff_client, make_location
):
    location = make_location()
    with time_machine.travel(START, tick=False) as traveller:
        admin = staff_client("admin")
        issued = admin.post(
            "/api/v1/codes", json={"location_id": location, "count": 3, "expires_in_days": 14}
        ).get_json()["codes"]
        expired, revoked, fresh = (code["id"] for code in issued)
        assert admin.delete(f"/api/v1/codes/{revoked}").status_code == 204
        with app.app_context():
            db.session.get(OnboardingCode, fresh).expires_at = START + timedelta(days=200)
            db.session.get(OnboardingCode, expired).is_demo = False
            demo = db.session.get(OnboardingCode, fresh)
            db.session.add(
                OnboardingCode(
                    token_hash="d" * 64,
                    token_encrypted="x",
                    location_id=location,
                    expires_at=START,
                    is_demo=True,
                )
            )
            db.session.commit()
            assert demo is not None
        traveller.move_to(START + timedelta(days=14 + 89))
        assert "and 1 old code(s)" in runner.invoke(args=["purge-inactive"]).output  # revoked
        traveller.move_to(START + timedelta(days=14 + 91))
        assert "and 1 old code(s)" in runner.invoke(args=["purge-inactive"]).output  # expired
    with app.app_context():
        left = set(db.session.scalars(select(OnboardingCode.id)))
    assert fresh in left and expired not in left and revoked not in left and len(left) == 2
