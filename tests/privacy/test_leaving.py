"""Leaving never leaks: whichever way a person goes (they delete their account, purge-inactive
erases them, an admin removes them), a buddy's place is freed and nobody is left waiting."""

import threading
from datetime import UTC, datetime, timedelta
from functools import partial

import requests
import time_machine
from sqlalchemy import func, select

from onboarding.accounts.models import Newcomer
from onboarding.buddies.models import BuddyOffer, BuddyProfile, BuddyRequest
from onboarding.extensions import db
from onboarding.staff.models import AuditEntry

from ..buddies.test_lifecycle import _recovery_for
from ..conftest import join_body, translated
from ..push.test_buddy_events import ask, buddy, messages, person

# Outside the default quiet hours (21:00-08:00 in Amsterdam), so notices go out at once.
DAYTIME = datetime(2026, 12, 1, 10, tzinfo=UTC)


def active_matches(app, buddy_id):
    with app.app_context():
        return db.session.get(BuddyProfile, buddy_id).active_matches


def newcomer_id_of(app, nickname):
    with app.app_context():
        return db.session.scalar(select(Newcomer.id).where(Newcomer.nickname == nickname))


def matched_pair(app, make_code, location, device, admin):
    """A buddy with room for one person, who accepted Ola's request."""
    marek, marek_phone, marek_id = buddy(app, make_code, location, device, admin, "Marek")
    with app.app_context():
        db.session.get(BuddyProfile, marek_id).capacity = 1
        db.session.commit()
    ola, _ola_phone = person(app, make_code, location, device, "pl", "Ola")
    ask(ola)
    offer_id = marek.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert marek.post(f"/api/v1/buddy/offers/{offer_id}/accept").status_code == 200
    assert active_matches(app, marek_id) == 1
    return marek, marek_phone, marek_id, ola


def assert_the_buddy_is_free_again(app, make_code, location, device, receiver, marek):
    """The place is free, the buddy heard without a name, and the next newcomer gets them."""
    marek_client, marek_phone, marek_id = marek
    assert active_matches(app, marek_id) == 0
    notice = messages(receiver, marek_phone)[-1]
    assert notice["title"] == translated(app, "uk", "Your match has ended")
    assert "Ola" not in str(notice)
    assert notice["url"] == "/buddy"
    assert marek_client.get("/api/v1/buddy/requests").get_json()["received"] == []
    ana, _phone = person(app, make_code, location, device, "pl", "Ana")
    made = ask(ana)
    assert made["state"] == "pending" and made["buddy"]["name"] == "Marek"


def test_a_newcomer_who_deletes_their_account_sets_their_buddy_free(
    app,
    receiver,
    device,
    make_code,
    make_location,
    staff_client,
):
    with time_machine.travel(DAYTIME):
        location, admin = make_location(), staff_client("admin")
        marek, marek_phone, marek_id, ola = matched_pair(app, make_code, location, device, admin)
        assert ola.delete("/api/v1/me").status_code == 204
        assert_the_buddy_is_free_again(
            app, make_code, location, device, receiver, (marek, marek_phone, marek_id)
        )


def test_purge_inactive_sets_the_buddy_of_an_inactive_newcomer_free(
    app,
    runner,
    receiver,
    device,
    make_code,
    make_location,
    staff_client,
):
    with time_machine.travel(DAYTIME) as traveller:
        location, admin = make_location(), staff_client("admin")
        marek, marek_phone, marek_id, ola = matched_pair(app, make_code, location, device, admin)
        # Marek keeps using the app; Ola never opens it again.
        for days in (170, 340, 366):
            traveller.move_to(DAYTIME + timedelta(days=days))
            assert marek.get("/api/v1/buddy/requests").status_code == 200
        result = runner.invoke(args=["purge-inactive"])
        assert "1 inactive account(s)" in result.output, result.output
        assert newcomer_id_of(app, "Ola") is None and newcomer_id_of(app, "Marek") is not None
        assert ola.get("/api/v1/checklist").status_code == 401
        assert_the_buddy_is_free_again(
            app, make_code, location, device, receiver, (marek, marek_phone, marek_id)
        )


def test_an_admin_removes_a_newcomer_and_their_buddy_is_set_free(
    app,
    receiver,
    device,
    make_code,
    make_location,
    staff_client,
):
    with time_machine.travel(DAYTIME):
        location = make_location()
        admin, coordinator = staff_client("admin"), staff_client("coordinator", [location])
        marek, marek_phone, marek_id, _ola = matched_pair(app, make_code, location, device, admin)
        ola_id = newcomer_id_of(app, "Ola")
        assert (
            coordinator.form(f"/staff/newcomers/{ola_id}/erase", {"confirm": "yes"}).status_code
            == 403
        )
        unconfirmed = admin.form(f"/staff/newcomers/{ola_id}/erase", {})
        assert unconfirmed.status_code == 303 and newcomer_id_of(app, "Ola") == ola_id
        done = admin.form(f"/staff/newcomers/{ola_id}/erase", {"confirm": "yes"})
        assert done.status_code == 303 and done.headers["Location"].endswith(
            f"/staff/locations/{location}#arrivals"
        )
        assert newcomer_id_of(app, "Ola") is None
        with app.app_context():
            entry = db.session.scalar(
                select(AuditEntry).where(AuditEntry.action == "newcomer.erase")
            )
            assert entry.detail == f"newcomer #{ola_id}" and entry.location_id == location
        assert admin.form(f"/staff/newcomers/{ola_id}/erase", {"confirm": "yes"}).status_code == 404
        assert_the_buddy_is_free_again(
            app, make_code, location, device, receiver, (marek, marek_phone, marek_id)
        )


def test_a_buddy_who_leaves_hands_the_newcomer_on_to_the_next_buddy(
    app,
    receiver,
    device,
    make_code,
    make_location,
    staff_client,
):
    with time_machine.travel(DAYTIME):
        location, admin = make_location(), staff_client("admin")
        marek, _marek_phone, _marek_id, ola = matched_pair(app, make_code, location, device, admin)
        _anna, anna_phone, anna_id = buddy(app, make_code, location, device, admin, "Anna", "pl")
        assert marek.delete("/api/v1/me").status_code == 204
        [made] = ola.get("/api/v1/buddy/requests").get_json()["made"]
        assert made["state"] == "pending" and made["buddy"]["name"] == "Anna"
        [asked] = messages(receiver, anna_phone)
        assert asked["title"] == translated(app, "pl", "Someone asks for your help")
        with app.app_context():
            [offer] = db.session.scalars(select(BuddyOffer).where(BuddyOffer.buddy_id == anna_id))
            assert offer.state == "pending"
            earlier = db.session.scalars(select(BuddyOffer).where(BuddyOffer.id != offer.id)).all()
            assert [(o.state, o.buddy_id) for o in earlier] == [("ended", None)]


def test_the_newcomer_hears_that_their_buddy_left_and_can_ask_again_later(
    app,
    receiver,
    device,
    make_code,
    make_location,
    staff_client,
):
    with time_machine.travel(DAYTIME):
        location, admin = make_location(), staff_client("admin")
        marek, _marek_phone, _marek_id = buddy(app, make_code, location, device, admin, "Marek")
        ola, ola_phone = person(app, make_code, location, device, "pl", "Ola")
        made = ask(ola)
        offer_id = marek.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
        assert marek.post(f"/api/v1/buddy/offers/{offer_id}/accept").status_code == 200
        assert marek.delete("/api/v1/me").status_code == 204
        [now] = ola.get("/api/v1/buddy/requests").get_json()["made"]
        assert now["state"] == "unmatched" and now["buddy"] is None
        news = messages(receiver, ola_phone)[-1]
        assert news["title"] == translated(app, "pl", "Your buddy has left")
        assert news["body"] == translated(
            app,
            "pl",
            "Your buddy no longer uses Aankomst, and no other buddy is free right now. "
            "You can ask again later in the app.",
        )
        assert news["url"] == f"/buddy/requests/{made['id']}"
        # Nobody to report any more; asking again works once a buddy is free.
        assert (
            ola.post(
                f"/api/v1/buddy/requests/{made['id']}/report", json={"reason": "no_show"}
            ).status_code
            == 409
        )
        buddy(app, make_code, location, device, admin, "Anna", "pl")
        retried = ola.post(f"/api/v1/buddy/requests/{made['id']}/retry")
        assert retried.status_code == 200 and retried.get_json()["buddy"]["name"] == "Anna"


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_deleting_an_account_while_the_buddy_accepts_leaves_counts_that_add_up(
    app, live_server, make_api, make_code, make_location, staff_client
):
    """The erasure and the accept run at the same moment, many times: whichever wins, the
    buddy's count of active matches equals the accepted offers that still exist (none)."""
    from ..buddies.test_lifecycle import make_buddy

    location = make_location()
    admin = staff_client("admin")
    buddy_client, buddy_id = make_buddy(
        app, make_api, make_code, admin, location, "Busy", capacity=1
    )
    buddy_web = requests.Session()
    csrf = buddy_web.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    csrf = buddy_web.post(
        f"{live_server}/api/v1/recover",
        json={"recovery_code": _recovery_for(app, buddy_id, buddy_client)},
        headers={"X-CSRFToken": csrf},
    ).json()["csrf_token"]
    for round_number in range(6):
        newcomer = requests.Session()
        token = newcomer.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
        joined = newcomer.post(
            f"{live_server}/api/v1/join",
            json=join_body(make_code(location), nickname=f"N{round_number}"),
            headers={"X-CSRFToken": token},
        )
        token = joined.json()["csrf_token"]
        made = newcomer.post(
            f"{live_server}/api/v1/buddy/requests",
            json={"topics": ["register_gp"], "contact": "signal"},
            headers={"X-CSRFToken": token},
        )
        assert made.status_code == 201 and made.json()["state"] == "pending"
        offer_id = buddy_web.get(f"{live_server}/api/v1/buddy/requests").json()["received"][-1][
            "id"
        ]
        accept, leave = at_once(
            partial(
                buddy_web.post,
                f"{live_server}/api/v1/buddy/offers/{offer_id}/accept",
                headers={"X-CSRFToken": csrf},
            ),
            partial(newcomer.delete, f"{live_server}/api/v1/me", headers={"X-CSRFToken": token}),
        )
        answers = {"accept": accept.status_code, "delete": leave.status_code}
        assert answers["delete"] == 204
        assert answers["accept"] in (200, 404), answers
        with app.app_context():
            accepted = db.session.scalar(
                select(func.count())
                .select_from(BuddyOffer)
                .where(BuddyOffer.buddy_id == buddy_id, BuddyOffer.state == "accepted")
            )
            assert accepted == 0
            assert db.session.get(BuddyProfile, buddy_id).active_matches == 0
            assert db.session.scalar(select(func.count()).select_from(BuddyRequest)) == 0
