"""Every table that keeps something about a person belongs to a feature that registered its
export and erasure, and erasing a person leaves no row that points at them."""

from sqlalchemy import func, select

from onboarding.accounts.models import Newcomer
from onboarding.extensions import db
from onboarding.personal_data import registered

from ..buddies.test_profile import body as profile_body
from ..buddies.test_profile import put


def person_columns():
    """(model, column) for every column that refers to a newcomer, found by walking the models."""
    found = []
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        for column in mapper.columns:
            if any(fk.column.table.name == Newcomer.__tablename__ for fk in column.foreign_keys):
                found.append((model, column))
    return found


def test_every_model_with_personal_data_is_registered(app):
    with app.app_context():
        covered = {model for part in registered() for model in part.models}
        walked = {model for model, _column in person_columns()} | {Newcomer}
    assert len(walked) >= 10
    missing = sorted(model.__name__ for model in walked - covered)
    assert not missing, f"not in any feature's personal data: {missing}"
    assert {part.feature for part in registered(app)} == {
        "accounts",
        "checklist",
        "buddies",
        "push",
        "checkins",
        "questions",
    }


def test_the_export_has_every_features_part_and_erasure_leaves_nothing(
    app, newcomer_client, make_location, staff_client, make_api, make_code
):
    location = make_location()
    client = newcomer_client
    client.patch("/api/v1/checklist/register_gp", json={"status": "doing", "note": "call"})
    client.post(
        "/api/v1/sync",
        json={"ops": [{"op_id": "a1", "key": "register_brp", "at": "2026-01-01T10:00:00+00:00"}]},
    )
    put(client, profile_body(location))
    client.post("/api/v1/buddy/requests", json={"topics": ["register_gp"], "contact": "signal"})
    client.post("/api/v1/questions", json={"text": "Where is the town hall?"})
    client.client.open(
        "/api/v1/push/preferences",
        method="PUT",
        json={"reminders": False},
        headers={"X-CSRFToken": client.token()},
    )
    export = client.get("/api/v1/me/export").get_json()
    for key in (
        "profile",
        "devices",
        "checklist",
        "offline_changes_received",
        "buddy_profile",
        "buddy_requests",
        "buddy_requests_received",
        "buddy_help_given",
        "buddy_reports_made",
        "notifications",
        "questions",
        "not_stored",
    ):
        assert key in export, key
    assert export["checklist"][0]["note"] == "call" and export["buddy_profile"]["contact"]
    with app.app_context():
        [person_id] = db.session.scalars(select(Newcomer.id)).all()
    assert client.delete("/api/v1/me").status_code == 204
    with app.app_context():
        for model, column in person_columns():
            left = db.session.scalar(
                select(func.count()).select_from(model).where(column == person_id)
            )
            assert left == 0, f"{model.__name__}.{column.name} still points at the person"
        assert db.session.get(Newcomer, person_id) is None
