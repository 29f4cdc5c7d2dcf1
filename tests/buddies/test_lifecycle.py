"""Asking for a buddy: the best one first, contact only after acceptance, decline and expiry
move on, capacity holds under parallel accepts, and SQL ranks exactly like the rules."""

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import requests
import time_machine
from sqlalchemy import select

from onboarding.buddies.matching import Ask, Candidate, availability_bits, ranked
from onboarding.buddies.models import BuddyLanguage, BuddyProfile, BuddyTopic
from onboarding.buddies.queries import best_buddy
from onboarding.extensions import db, utcnow

from ..conftest import join_body, translated
from .test_profile import body, put


def make_buddy(app, make_api, make_code, staff, location_id, nickname, **profile):
    client = make_api()
    assert (
        client.post(
            "/api/v1/join", json=join_body(make_code(location_id), nickname=nickname)
        ).status_code
        == 201
    )
    put(client, body(location_id, **profile))
    with app.app_context():
        user_id = db.session.scalar(
            select(BuddyProfile.user_id).order_by(BuddyProfile.user_id.desc())
        )
    assert staff.post(f"/api/v1/buddy/approve/{user_id}").status_code == 204
    return client, user_id


def newcomer_at(make_api, make_code, location_id, language="pl", nickname="Ola"):
    client = make_api()
    client.post(
        "/api/v1/join", json=join_body(make_code(location_id), language=language, nickname=nickname)
    )
    return client


def ask(client, **changes):
    data = {
        "topics": ["register_gp"],
        "contact": "ola@example.org (Signal)",
        "availability": ["weekend"],
    }
    data.update(changes)
    return client.post("/api/v1/buddy/requests", json=data)


def test_request_goes_to_the_best_buddy_and_contacts_show_only_after_acceptance(
    app, make_api, make_code, make_location, staff_client
):
    home, elsewhere = make_location("Bloemenhof"), make_location("Duinzicht", village="Noordwijk")
    admin = staff_client("admin")
    far_client, far_id = make_buddy(
        app, make_api, make_code, admin, elsewhere, "Far", contact="far-phone"
    )
    near_client, near_id = make_buddy(
        app, make_api, make_code, admin, home, "Marek", contact="+31 6 5555 0000"
    )
    newcomer = newcomer_at(make_api, make_code, home)
    answer = ask(newcomer)
    assert answer.status_code == 201
    made = answer.get_json()
    assert made["state"] == "pending" and made["buddy"]["name"] == "Marek"
    assert "contact" not in made["buddy"]
    assert (
        translated(app, "pl", "Lives in %(village)s, like you.", village="Noordwijkerhout")
        in made["why"]
    )
    received = near_client.get("/api/v1/buddy/requests").get_json()["received"]
    assert [offer["state"] for offer in received] == ["pending"]
    assert "contact" not in received[0]["newcomer"] and received[0]["newcomer"]["name"] == "Ola"
    assert far_client.get("/api/v1/buddy/requests").get_json()["received"] == []
    accepted = near_client.post(f"/api/v1/buddy/offers/{received[0]['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["newcomer"]["contact"] == "ola@example.org (Signal)"
    mine = newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]
    assert mine["state"] == "accepted" and mine["buddy"]["contact"] == "+31 6 5555 0000"
    assert near_client.post(f"/api/v1/buddy/offers/{received[0]['id']}/accept").status_code == 409
    assert far_client.post(f"/api/v1/buddy/offers/{received[0]['id']}/accept").status_code == 404


def test_decline_moves_on_and_nobody_left_is_unmatched(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location()
    admin = staff_client("admin")
    first_client, _ = make_buddy(app, make_api, make_code, admin, home, "First")
    second_client, _ = make_buddy(app, make_api, make_code, admin, home, "Second")
    newcomer = newcomer_at(make_api, make_code, home)
    made = ask(newcomer).get_json()
    order = [made["buddy"]["name"]]
    clients = {"First": first_client, "Second": second_client}
    offer_id = clients[order[0]].get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert (
        clients[order[0]]
        .post(f"/api/v1/buddy/offers/{offer_id}/decline", json={"reason": "No time"})
        .status_code
        == 200
    )
    made = newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]
    assert made["state"] == "pending" and made["buddy"]["name"] != order[0]
    other = clients[made["buddy"]["name"]]
    offer_id = other.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    other.post(f"/api/v1/buddy/offers/{offer_id}/decline")
    made = newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]
    assert made["state"] == "unmatched" and made["buddy"] is None


def test_an_unanswered_offer_moves_on_after_48_hours(
    app, make_api, make_code, make_location, staff_client, runner
):
    home = make_location()
    admin = staff_client("admin")
    make_buddy(app, make_api, make_code, admin, home, "First")
    make_buddy(app, make_api, make_code, admin, home, "Second")
    newcomer = newcomer_at(make_api, make_code, home)
    first = ask(newcomer).get_json()["buddy"]["name"]
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=47)):
        assert "0 offer(s)" in runner.invoke(args=["buddies", "expire"]).output
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49)):
        assert "1 offer(s)" in runner.invoke(args=["buddies", "expire"]).output
    made = newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]
    assert made["buddy"]["name"] != first and made["state"] == "pending"


def test_expiry_is_also_checked_when_requests_are_read(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location()
    make_buddy(app, make_api, make_code, staff_client("admin"), home, "Only")
    newcomer = newcomer_at(make_api, make_code, home)
    ask(newcomer)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49)):
        made = newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]
    assert made["state"] == "unmatched"


def test_a_buddys_capacity_holds_under_parallel_accepts(
    app, live_server, make_api, make_code, make_location, staff_client
):
    home = make_location()
    admin = staff_client("admin")
    _buddy_client, buddy_id = make_buddy(app, make_api, make_code, admin, home, "Busy", capacity=1)
    for index in range(4):
        ask(newcomer_at(make_api, make_code, home, nickname=f"N{index}"))
    with app.app_context():
        offer_ids = [
            o.id
            for o in db.session.scalars(
                select(__import__("onboarding.buddies.models", fromlist=["BuddyOffer"]).BuddyOffer)
            )
        ]
    assert len(offer_ids) == 4
    session = requests.Session()
    # Sign the buddy in on the live server with their recovery code.
    from onboarding.buddies.models import BuddyProfile as Profile  # noqa: F401

    recovery = _recovery_for(app, buddy_id, _buddy_client)
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    csrf = session.post(
        f"{live_server}/api/v1/recover",
        json={"recovery_code": recovery},
        headers={"X-CSRFToken": csrf},
    ).json()["csrf_token"]

    def accept(offer_id):
        return session.post(
            f"{live_server}/api/v1/buddy/offers/{offer_id}/accept", headers={"X-CSRFToken": csrf}
        ).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(accept, offer_ids))
    assert sorted(statuses) == [200, 409, 409, 409]
    with app.app_context():
        assert db.session.get(BuddyProfile, buddy_id).active_matches == 1


def _recovery_for(app, buddy_id, client):
    """A fresh recovery code for the buddy (the settings page makes one)."""
    client.form("/settings/recovery-code", {})
    page = client.get("/welcome").get_data(as_text=True)
    return page.split('class="recovery-code" translate="no">')[1].split("<")[0]


def test_request_input_is_checked(make_api, make_code, make_location):
    newcomer = newcomer_at(make_api, make_code, make_location())
    for change, field in (
        ({"topics": []}, "topics"),
        ({"topics": ["nope"]}, "topics"),
        ({"contact": ""}, "contact"),
        ({"languages": ["polish"]}, "languages"),
        ({"availability": ["never"]}, "availability"),
        ({"message": "x" * 501}, "message"),
    ):
        answer = ask(newcomer, **change)
        assert answer.status_code == 400 and field in answer.get_json()["error"]["fields"], change
    assert make_api().post("/api/v1/buddy/requests", json={}).status_code == 401


def test_sql_ranking_agrees_with_the_rules(make_newcomer, ctx):
    """Random buddies: the database's first choice is the pure rules' first choice."""
    from onboarding.staff.services import create_location

    rng = random.Random(7)
    locations = [
        create_location(f"House {i}", village)
        for i, village in enumerate(["Noordwijk", "De Zilk", "Noordwijk"])
    ]
    topics = ["register_gp", "bike_route", "digid", "bank_account"]
    today = date(2026, 11, 27)
    candidates = []
    for _index in range(40):
        person = make_newcomer()
        location = rng.choice(locations)
        capacity = rng.randint(1, 3)
        profile = BuddyProfile(
            user_id=person.id,
            location_id=location.id,
            contact="x",
            capacity=capacity,
            active_matches=rng.randint(0, capacity),
            availability=rng.randint(0, 7),
            approved_at=utcnow() if rng.random() > 0.2 else None,
            suspended_at=utcnow() if rng.random() < 0.1 else None,
            away_until=today + timedelta(days=3) if rng.random() < 0.1 else None,
            last_offer_at=None
            if rng.random() < 0.3
            else datetime(2026, 11, rng.randint(1, 26), tzinfo=UTC),
            languages=[
                BuddyLanguage(language=code) for code in rng.sample(["pl", "uk", "en", "ro"], 2)
            ],
            topics=[BuddyTopic(topic=t) for t in rng.sample(topics, rng.randint(1, 3))],
        )
        db.session.add(profile)
        candidates.append((profile, location))
    db.session.commit()
    for trial in range(20):
        wanted = Ask(
            newcomer_id=-1,
            languages=frozenset(rng.sample(["pl", "uk", "ro"], 1)),
            location_id=locations[trial % 3].id,
            village=locations[trial % 3].village,
            topics=frozenset(rng.sample(topics, 2)),
            availability=frozenset(
                rng.sample(["weekday_daytime", "weekday_evening", "weekend"], 1)
            ),
        )
        pure = ranked(
            [
                Candidate(
                    id=p.user_id,
                    languages=frozenset(r.language for r in p.languages),
                    location_id=p.location_id,
                    village=loc.village,
                    topics=frozenset(r.topic for r in p.topics),
                    availability=frozenset(
                        n
                        for n, b in {
                            "weekday_daytime": 1,
                            "weekday_evening": 2,
                            "weekend": 4,
                        }.items()
                        if p.availability & b
                    ),
                    capacity=p.capacity,
                    active_matches=p.active_matches,
                    approved=p.approved_at is not None,
                    suspended=p.suspended_at is not None,
                    away_until=p.away_until,
                    last_offer_at=p.last_offer_at,
                )
                for p, loc in candidates
            ],
            wanted,
            today,
        )
        with time_machine.travel(datetime(2026, 11, 27, 12, tzinfo=UTC)):
            chosen = best_buddy(wanted, today)
        assert (chosen.user_id if chosen else None) == (pure[0].id if pure else None), trial
    assert availability_bits(["weekend"]) == 4
