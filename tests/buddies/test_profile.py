"""Becoming a buddy: the profile, its checks, approval by the right staff, export and erasure."""

from sqlalchemy import func, select

from onboarding.buddies.models import BuddyLanguage, BuddyProfile, BuddyTopic
from onboarding.extensions import db
from onboarding.staff.models import AuditEntry


def body(location, **changes):
    data = {
        "languages": ["pl", "en"],
        "location_id": location,
        "topics": ["register_gp", "bike_route"],
        "availability": ["weekend", "weekday_evening"],
        "capacity": 2,
        "contact": "+31 6 1111 2222 (WhatsApp)",
    }
    data.update(changes)
    return data


def test_a_newcomer_offers_to_help(app, newcomer_client, make_location):
    location_id = make_location()
    answer = newcomer_client.client.open(
        "/api/v1/buddy/profile",
        method="PUT",
        json=body(location_id, supervises_at="Flower Agency"),
        headers={"X-CSRFToken": newcomer_client.token()},
    )
    assert answer.status_code == 200
    profile = answer.get_json()
    assert profile["approved"] is False and profile["languages"] == ["en", "pl"]
    assert profile["availability"] == ["weekday_evening", "weekend"]
    assert profile["topics"] == ["bike_route", "register_gp"] and profile["capacity"] == 2
    assert profile["supervises_at"] == "Flower Agency"
    answer = put(newcomer_client, body(location_id, supervises_at="\x18\tFlower Agency\x00 "))
    assert answer.get_json()["supervises_at"] == "Flower Agency"
    export = newcomer_client.get("/api/v1/me/export").get_json()
    assert export["buddy_profile"]["contact"] == "+31 6 1111 2222 (WhatsApp)"


def put(client, data):
    return client.client.open(
        "/api/v1/buddy/profile", method="PUT", json=data, headers={"X-CSRFToken": client.token()}
    )


def test_changing_the_profile_replaces_languages_and_topics(app, newcomer_client, make_location):
    location_id = make_location()
    put(newcomer_client, body(location_id))
    answer = put(newcomer_client, body(location_id, languages=["uk"], topics=["digid"], capacity=5))
    assert answer.get_json()["languages"] == ["uk"] and answer.get_json()["topics"] == ["digid"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BuddyLanguage)) == 1
        assert db.session.scalar(select(func.count()).select_from(BuddyTopic)) == 1


def test_profile_input_is_checked(newcomer_client, make_location):
    location_id = make_location()
    cases = [
        ({"languages": []}, "languages"),
        ({"languages": ["polish"]}, "languages"),
        ({"languages": "pl"}, "languages"),
        ({"topics": []}, "topics"),
        ({"topics": ["not_a_step"]}, "topics"),
        ({"availability": ["sometimes"]}, "availability"),
        ({"availability": []}, "availability"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 6}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"contact": ""}, "contact"),
        ({"contact": "\x00"}, "contact"),
        ({"contact": " \x07\t "}, "contact"),
        ({"contact": "x" * 121}, "contact"),
        ({"location_id": 99999}, "location_id"),
        ({"location_id": True}, "location_id"),
        ({"coordinates_location_id": "abc"}, "coordinates_location_id"),
        ({"away_until": "soon"}, "away_until"),
    ]
    for change, field in cases:
        answer = put(newcomer_client, body(location_id, **change))
        assert answer.status_code == 400, change
        assert field in answer.get_json()["error"]["fields"], change


def test_only_newcomers_have_a_buddy_profile(api, staff_client, make_location):
    location_id = make_location()
    assert put(api, body(location_id)).status_code == 401
    assert put(staff_client("admin"), body(location_id)).status_code == 401


def _buddy(app, joined, make_api, location_id):
    client, _ = joined(make_api())
    put(client, body(location_id))
    with app.app_context():
        return db.session.scalar(select(BuddyProfile.user_id).order_by(BuddyProfile.user_id.desc()))


def test_the_buddys_coordinator_or_an_admin_approves_and_withdraws(
    app, joined, make_api, staff_client, make_location
):
    own, other = make_location(), make_location()
    user_id = _buddy(app, joined, make_api, own)
    assert (
        staff_client("coordinator", [other]).post(f"/api/v1/buddy/approve/{user_id}").status_code
        == 403
    )
    assert make_api().post(f"/api/v1/buddy/approve/{user_id}").status_code == 401
    coordinator = staff_client("coordinator", [own])
    assert coordinator.post(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    with app.app_context():
        assert db.session.get(BuddyProfile, user_id).approved_at is not None
    assert staff_client("admin").delete(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    with app.app_context():
        assert db.session.get(BuddyProfile, user_id).approved_at is None
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("buddy.")] == ["buddy.approve", "buddy.withdraw"]
    assert coordinator.post("/api/v1/buddy/approve/999999").status_code == 404


def test_erasing_the_person_erases_the_buddy_profile(app, joined, make_api, make_location):
    location_id = make_location()
    client, _ = joined(make_api())
    put(client, body(location_id))
    assert client.delete("/api/v1/me").status_code == 204
    with app.app_context():
        for model in (BuddyProfile, BuddyLanguage, BuddyTopic):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_moving_home_sends_the_profile_back_for_approval_at_the_new_location(
    app, joined, make_api, staff_client, make_location
):
    first, second = make_location(), make_location()
    client, _ = joined(make_api())
    put(client, body(first))
    with app.app_context():
        user_id = db.session.scalar(select(BuddyProfile.user_id))
    first_desk, second_desk = (
        staff_client("coordinator", [first]),
        staff_client("coordinator", [second]),
    )
    assert first_desk.post(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    # Changing only the time or the steps keeps the approval.
    kept = put(client, body(first, availability=["weekend"], topics=["digid"]))
    assert kept.get_json()["approved"] is True
    moved = put(client, body(second))
    assert moved.status_code == 200 and moved.get_json()["approved"] is False
    assert first_desk.delete(f"/api/v1/buddy/approve/{user_id}").status_code == 403
    assert second_desk.post(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    # A new role at work (power over newcomers there) also needs a new look.
    again = put(client, body(second, supervises_at="Flower Agency"))
    assert again.get_json()["approved"] is False
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "buddy.approval_needed")
        ).all()
    assert [(e.location_id, e.detail) for e in entries] == [
        (second, f"buddy #{user_id} changed home location"),
        (second, f"buddy #{user_id} changed work role"),
    ]
