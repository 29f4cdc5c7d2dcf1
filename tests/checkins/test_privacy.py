"""Check-in answers are the person's own: in their export, gone with them, and never shown to
staff, per person, on any page or in any answer."""

from sqlalchemy import func, select

from onboarding.checkins.models import CheckinAnswer, CheckinPause
from onboarding.extensions import db


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_export_has_the_answers_and_pauses_and_erasure_removes_them(app, arrived):
    client = arrived(30)
    client.post("/api/v1/checkins", json={"key": "day7_work", "score": 2, "category": "unsafe"})
    client.post("/api/v1/checkins/day7_health/dismiss")
    export = client.get("/api/v1/me/export").get_json()
    checkins = export["checkins"]
    [answer] = checkins["answers"]
    assert {k: answer[k] for k in ("key", "topic", "score", "category")} == {
        "key": "day7_work",
        "topic": "work",
        "score": 2,
        "category": "unsafe",
    }
    assert answer["answered_at"].startswith("2026-12-10T")
    assert checkins["not_now"] == [{"key": "day7_health", "until": "2026-12-13"}]
    assert checkins["never_ask"] is False
    client.post("/api/v1/checkins/day7_health/dismiss", json={"never": True})
    assert client.get("/api/v1/me/export").get_json()["checkins"]["never_ask"] is True
    other = arrived(7)
    other.post("/api/v1/checkins", json={"key": "day7_work", "score": 5})
    assert client.delete("/api/v1/me").status_code == 204
    assert count(app, CheckinAnswer) == 1  # only the other person's
    assert count(app, CheckinPause) == 0


def test_staff_never_see_a_persons_answers(
    app, arrived, make_location, make_code, staff_client, clock
):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    admin = staff_client("admin")
    client = arrived(7, code=make_code(location_id), nickname="Bogdan")
    client.form("/settings/sharing", {"share_progress": "1"})
    for key, category in (
        ("day7_housing", "crowded"),
        ("day7_work", "treated_badly"),
        ("day7_health", "alone"),
    ):
        body = {"key": key, "score": 1, "category": category}
        assert client.post("/api/v1/checkins", json=body).status_code == 201
    labels = ("My room is too crowded", "I am treated badly", "I feel alone", "1 of 5")
    for staff in (coordinator, admin):
        for path in ("/staff/", f"/staff/locations/{location_id}"):
            page = staff.get(path).get_data(as_text=True)
            if path.endswith(str(location_id)):
                assert "Bogdan" in page  # the desk does show this person
            for text in (*labels, "checkin", "check-in", "crowded", "treated_badly"):
                assert text not in page, (path, text)
        for path in ("/api/v1/checkins", "/api/v1/me/export"):
            assert staff.get(path).status_code == 401
