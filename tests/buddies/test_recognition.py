"""Recognition: help logged in a match, thank-yous, monthly totals for the admin, CSV."""

import csv
import io
from datetime import timedelta

from onboarding.clock import today_in_amsterdam

from .test_endings import accepted_match
from .test_lifecycle import ask, make_buddy, newcomer_at


def help_body(**changes):
    data = {"date": today_in_amsterdam().isoformat(), "topic": "register_gp", "minutes": 45}
    data.update(changes)
    return data


def test_buddy_logs_help_and_newcomer_thanks(app, make_api, make_code, make_location, staff_client):
    _home, admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client
    )
    answer = buddy.post(f"/api/v1/buddy/offers/{offer_id}/help", json=help_body())
    assert answer.status_code == 201 and answer.get_json()["minutes"] == 45
    buddy.post(
        f"/api/v1/buddy/offers/{offer_id}/help", json=help_body(minutes=30, topic="bike_route")
    )
    assert newcomer.post(f"/api/v1/buddy/requests/{request_id}/thanks").status_code == 204
    assert (
        newcomer.post(f"/api/v1/buddy/requests/{request_id}/thanks").status_code == 204
    )  # once counts
    page = admin.get("/staff/admin/buddies").get_data(as_text=True)
    assert "Marek" in page
    rows = list(
        csv.DictReader(io.StringIO(admin.get("/staff/admin/buddies.csv").get_data(as_text=True)))
    )
    month = today_in_amsterdam().strftime("%Y-%m")
    assert rows == [
        {
            "buddy": "Marek",
            "month": month,
            "help_sessions": "2",
            "minutes": "75",
            "newcomers_helped": "1",
            "thank_yous": "1",
        }
    ]


def test_help_input_is_checked(app, make_api, make_code, make_location, staff_client):
    _home, _admin, buddy, _buddy_id, newcomer, _request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client
    )
    for change, field in (
        ({"minutes": 0}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"minutes": "lots"}, "minutes"),
        ({"topic": "nope"}, "topic"),
        ({"date": "yesterday"}, "date"),
        ({"date": (today_in_amsterdam() + timedelta(days=2)).isoformat()}, "date"),
        ({"date": (today_in_amsterdam() - timedelta(days=400)).isoformat()}, "date"),
    ):
        answer = buddy.post(f"/api/v1/buddy/offers/{offer_id}/help", json=help_body(**change))
        assert answer.status_code == 400 and field in answer.get_json()["error"]["fields"], change
    assert (
        newcomer.post(f"/api/v1/buddy/offers/{offer_id}/help", json=help_body()).status_code == 404
    )


def test_help_and_thanks_need_a_match(app, make_api, make_code, make_location, staff_client):
    home = make_location()
    buddy, _ = make_buddy(app, make_api, make_code, staff_client("admin"), home, "Marek")
    newcomer = newcomer_at(make_api, make_code, home)
    request_id = ask(newcomer).get_json()["id"]
    offer_id = buddy.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert buddy.post(f"/api/v1/buddy/offers/{offer_id}/help", json=help_body()).status_code == 409
    assert newcomer.post(f"/api/v1/buddy/requests/{request_id}/thanks").status_code == 409


def test_only_admins_see_the_totals(app, staff_client, make_location):
    coordinator = staff_client("coordinator", [make_location()])
    assert coordinator.get("/staff/admin/buddies").status_code == 403
    assert coordinator.get("/staff/admin/buddies.csv").status_code == 403
