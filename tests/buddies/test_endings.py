"""Ending, cancelling and reporting: places freed, suspension at once, pairs never again."""

from sqlalchemy import select

from onboarding.buddies.models import BuddyOffer, BuddyProfile, BuddyReport
from onboarding.extensions import db

from .test_lifecycle import ask, make_buddy, newcomer_at


def accepted_match(app, make_api, make_code, make_location, staff_client, capacity=1):
    home = make_location()
    admin = staff_client("admin")
    buddy, buddy_id = make_buddy(app, make_api, make_code, admin, home, "Marek", capacity=capacity)
    newcomer = newcomer_at(make_api, make_code, home)
    request_id = ask(newcomer).get_json()["id"]
    offer_id = buddy.get("/api/v1/buddy/requests").get_json()["received"][0]["id"]
    assert buddy.post(f"/api/v1/buddy/offers/{offer_id}/accept").status_code == 200
    return home, admin, buddy, buddy_id, newcomer, request_id, offer_id


def active(app, buddy_id):
    with app.app_context():
        return db.session.get(BuddyProfile, buddy_id).active_matches


def test_cancelling_a_pending_request_withdraws_the_offer(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location()
    buddy, _ = make_buddy(app, make_api, make_code, staff_client("admin"), home, "Marek")
    newcomer = newcomer_at(make_api, make_code, home)
    request_id = ask(newcomer).get_json()["id"]
    answer = newcomer.post(f"/api/v1/buddy/requests/{request_id}/cancel")
    assert answer.status_code == 200 and answer.get_json()["state"] == "cancelled"
    assert [o["state"] for o in buddy.get("/api/v1/buddy/requests").get_json()["received"]] == [
        "withdrawn"
    ]
    assert newcomer.post(f"/api/v1/buddy/requests/{request_id}/cancel").status_code == 409
    assert make_api().post(f"/api/v1/buddy/requests/{request_id}/cancel").status_code == 401
    stranger = newcomer_at(make_api, make_code, home, nickname="Other")
    assert stranger.post(f"/api/v1/buddy/requests/{request_id}/cancel").status_code == 404


def test_either_side_ends_a_match_and_the_place_is_free_again(
    app, make_api, make_code, make_location, staff_client
):
    _home, _admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client
    )
    assert active(app, buddy_id) == 1
    assert (
        newcomer.post(f"/api/v1/buddy/requests/{request_id}/cancel").get_json()["state"] == "ended"
    )
    assert active(app, buddy_id) == 0
    assert buddy.post(f"/api/v1/buddy/offers/{offer_id}/end").status_code == 409  # already ended
    _home, _admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client
    )
    ended = buddy.post(f"/api/v1/buddy/offers/{offer_id}/end")
    assert ended.status_code == 200 and ended.get_json()["state"] == "ended"
    assert "contact" not in ended.get_json()["newcomer"]
    assert active(app, buddy_id) == 0
    assert newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]["state"] == "ended"


def test_reporting_a_buddy_suspends_them_at_once(
    app, make_api, make_code, make_location, staff_client
):
    home, admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client, capacity=3
    )
    bad = newcomer.post(f"/api/v1/buddy/requests/{request_id}/report", json={"reason": "bribe"})
    assert bad.status_code == 400 and "reason" in bad.get_json()["error"]["fields"]
    answer = newcomer.post(
        f"/api/v1/buddy/requests/{request_id}/report",
        json={"reason": "asked_for_money", "details": "€50"},
    )
    assert answer.status_code == 204
    with app.app_context():
        assert db.session.get(BuddyProfile, buddy_id).suspended_at is not None
        report = db.session.scalar(select(BuddyReport))
        assert (report.reason, report.details, report.reported_id) == (
            "asked_for_money",
            "€50",
            buddy_id,
        )
    assert active(app, buddy_id) == 0
    # Suspended: another newcomer is not sent to this buddy.
    other = newcomer_at(make_api, make_code, home, nickname="Other")
    assert ask(other).get_json()["state"] == "unmatched"


def test_a_reported_pair_is_never_matched_again(
    app, make_api, make_code, make_location, staff_client
):
    home, admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client, capacity=3
    )
    assert (
        buddy.post(
            f"/api/v1/buddy/offers/{offer_id}/report", json={"reason": "no_show"}
        ).status_code
        == 204
    )
    assert newcomer.get("/api/v1/buddy/requests").get_json()["made"][0]["state"] == "ended"
    with app.app_context():
        assert (
            db.session.get(BuddyProfile, buddy_id).suspended_at is None
        )  # only buddies are suspended
    again = ask(newcomer).get_json()
    assert again["state"] == "unmatched"  # the only buddy reported this newcomer
    other = newcomer_at(make_api, make_code, home, nickname="Other")
    assert ask(other).get_json()["buddy"]["name"] == "Marek"
    with app.app_context():
        assert (
            db.session.scalar(select(BuddyOffer.state).order_by(BuddyOffer.id.desc())) == "pending"
        )


def test_erasing_a_buddy_leaves_no_trace_of_who_it_was(
    app, make_api, make_code, make_location, staff_client
):
    _home, _admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client
    )
    newcomer.post(f"/api/v1/buddy/requests/{request_id}/report", json={"reason": "disrespect"})
    assert buddy.delete("/api/v1/me").status_code == 204
    with app.app_context():
        assert db.session.get(BuddyOffer, offer_id).buddy_id is None
        assert db.session.scalar(select(BuddyReport.reported_id)) is None


def test_an_admin_reviews_reports_and_can_lift_a_suspension(
    app, make_api, make_code, make_location, staff_client
):
    from onboarding.staff.models import AuditEntry

    home, admin, buddy, buddy_id, newcomer, request_id, offer_id = accepted_match(
        app, make_api, make_code, make_location, staff_client, capacity=3
    )
    newcomer.post(
        f"/api/v1/buddy/requests/{request_id}/report",
        json={"reason": "other", "details": "Rude on the phone"},
    )
    assert staff_client("coordinator", [home]).get("/staff/admin/reports").status_code == 403
    page = admin.get("/staff/admin/reports").get_data(as_text=True)
    assert "Rude on the phone" in page
    with app.app_context():
        report_id = db.session.scalar(select(BuddyReport.id))
    assert admin.form(f"/staff/admin/reports/{report_id}", {"decision": "maybe"}).status_code == 400
    assert admin.form(f"/staff/admin/reports/{report_id}", {"decision": "lift"}).status_code == 303
    assert (
        admin.form(f"/staff/admin/reports/{report_id}", {"decision": "keep"}).status_code == 404
    )  # closed
    with app.app_context():
        assert db.session.get(BuddyProfile, buddy_id).suspended_at is None
        assert db.session.get(BuddyReport, report_id).outcome == "lifted"
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "report.lifted")
        )
    assert "Rude on the phone" not in admin.get("/staff/admin/reports").get_data(as_text=True)
    # Back in service for others, but never again for the newcomer who reported.
    assert ask(newcomer).get_json()["state"] == "unmatched"
    other = newcomer_at(make_api, make_code, home, nickname="Other")
    assert ask(other).get_json()["buddy"]["name"] == "Marek"
