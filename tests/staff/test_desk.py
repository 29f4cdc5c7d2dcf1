"""The desk: arrivals, progress only when shared, the contact line, recovery QR, admin pages."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from onboarding.clock import today_in_amsterdam
from onboarding.extensions import db
from onboarding.staff.models import AuditEntry, Location, StaffUser

from ..conftest import STAFF_PASSWORD, join_body


def desk_page(client, location_id):
    return client.get(f"/staff/locations/{location_id}").get_data(as_text=True)


def test_progress_is_shown_only_when_the_newcomer_shares_it(
    app, staff_client, make_location, make_code, joined, make_api
):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    newcomer, _ = joined(make_api(), nickname="Oksana", language="uk")
    # joined() uses a fresh location; move this newcomer to ours through a code of ours instead:
    me = make_api()
    me.post(
        "/api/v1/join", json=join_body(make_code(location_id), nickname="Bogdan", language="uk")
    )
    me.patch(
        "/api/v1/checklist/register_brp",
        json={
            "status": "done",
            "note": "PRIVATE NOTE",
            "stuck": True,
            "stuck_reason": "SECRET REASON",
        },
    )
    page = desk_page(coordinator, location_id)
    assert "Bogdan" in page and "Oksana" not in page
    assert "Progress not shared" in page
    assert "PRIVATE NOTE" not in page and "SECRET REASON" not in page
    assert me.form("/settings/sharing", {"share_progress": "1"}).status_code == 303
    page = desk_page(coordinator, location_id)
    assert "1 of " in page and "Progress not shared" not in page
    assert "PRIVATE NOTE" not in page and "SECRET REASON" not in page
    me.form("/settings/sharing", {})
    assert "Progress not shared" in desk_page(coordinator, location_id)


def test_contact_line_reaches_the_newcomers_of_that_location(
    app, staff_client, make_location, make_code, make_api
):
    location_id, other_id = make_location(), make_location()
    coordinator = staff_client("coordinator", [location_id])
    answer = coordinator.form(
        f"/staff/locations/{location_id}",
        {
            "form": "contact",
            "contact_name": "Marta",
            "contact_phone": "+31 6 1234 5678",
            "office_hours": "Mon–Fri 17:00–19:00",
        },
    )
    assert answer.status_code == 303
    mine, theirs = make_api(), make_api()
    mine.post("/api/v1/join", json=join_body(make_code(location_id), language="en"))
    theirs.post("/api/v1/join", json=join_body(make_code(other_id), language="en"))
    page = mine.get("/").get_data(as_text=True)
    assert "Marta" in page and 'href="tel:+31612345678"' in page and "Mon–Fri 17:00–19:00" in page
    assert "Marta" not in theirs.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "location.contact")
        )


def test_recovery_qr_restores_the_checklist_once(
    app, staff_client, make_location, make_code, make_api
):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    lost_phone = make_api()
    lost_phone.post(
        "/api/v1/join", json=join_body(make_code(location_id), nickname="Ion", language="ro")
    )
    lost_phone.patch("/api/v1/checklist/register_gp", json={"status": "doing"})
    from onboarding.accounts.models import Newcomer

    with app.app_context():
        newcomer_id = db.session.scalar(select(Newcomer.id))
    page = coordinator.form(f"/staff/newcomers/{newcomer_id}/recovery", {})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    link = html.split("https://aankomst.example")[1].split('"')[0].split("<")[0]
    assert link.startswith("/recover/")
    new_phone = make_api()
    assert new_phone.get(link).status_code == 200  # opening does not use it
    assert new_phone.form(link, {}).status_code == 303
    steps = {s["key"]: s["status"] for s in new_phone.get("/api/v1/checklist").get_json()["steps"]}
    assert steps["register_gp"] == "doing"
    again = make_api().form(link, {})
    assert again.status_code == 410


def test_recovery_qr_expires_after_two_days(app, staff_client, make_location, make_code, make_api):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    make_api().post("/api/v1/join", json=join_body(make_code(location_id)))
    from onboarding.accounts.models import Newcomer

    with app.app_context():
        newcomer_id = db.session.scalar(select(Newcomer.id))
    html = coordinator.form(f"/staff/newcomers/{newcomer_id}/recovery", {}).get_data(as_text=True)
    link = "/recover/" + html.split("/recover/")[1].split('"')[0].split("<")[0]
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2, minutes=1)):
        assert make_api().form(link, {}).status_code == 410


def test_admin_manages_locations(app, staff_client):
    admin = staff_client("admin")
    assert (
        admin.form(
            "/staff/admin/locations",
            {"name": "Duinzicht", "village": "Noordwijk", "address": "Teststraat 1"},
        ).status_code
        == 303
    )
    duplicate = admin.form("/staff/admin/locations", {"name": "Duinzicht", "village": "De Zilk"})
    assert duplicate.status_code == 400
    missing = admin.form("/staff/admin/locations", {"name": "", "village": ""})
    assert missing.status_code == 400
    with app.app_context():
        location = db.session.scalar(select(Location))
    assert (
        admin.form(
            f"/staff/admin/locations/{location.id}", {"name": "Duinzicht 2", "village": "De Zilk"}
        ).status_code
        == 303
    )
    with app.app_context():
        assert db.session.get(Location, location.id).name == "Duinzicht 2"
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["location.create", "location.update"]


def test_admin_manages_coordinators(app, staff_client, make_location, make_api):
    location_id = make_location()
    admin = staff_client("admin")
    created = admin.form(
        "/staff/admin/staff",
        {
            "email": "new@example.org",
            "role": "coordinator",
            "password": "a long password 1",
            "location_ids": str(location_id),
        },
    )
    assert created.status_code == 303
    short = admin.form(
        "/staff/admin/staff", {"email": "x@example.org", "role": "coordinator", "password": "short"}
    )
    assert short.status_code == 400
    with app.app_context():
        account = db.session.scalar(select(StaffUser).where(StaffUser.email == "new@example.org"))
        assert [loc.id for loc in account.locations] == [location_id]
    newbie = make_api()
    assert (
        newbie.post(
            "/api/v1/staff/login",
            json={"email": "new@example.org", "password": "a long password 1"},
        ).status_code
        == 200
    )
    # Switch off and take the location away.
    assert admin.form(f"/staff/admin/staff/{account.id}", {}).status_code == 303
    assert newbie.get("/api/v1/codes").status_code == 401
    with app.app_context():
        account = db.session.get(StaffUser, account.id)
        assert account.active is False and account.locations == []
    audit = admin.get("/staff/admin/audit").get_data(as_text=True)
    assert "staff.create" in audit and "staff.update" in audit and "new@example.org" in audit


def test_admin_cannot_switch_themself_off(app, make_staff, make_api):
    email = make_staff("admin")
    admin = make_api()
    admin.post("/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD})
    with app.app_context():
        own_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    assert admin.form(f"/staff/admin/staff/{own_id}", {}).status_code == 403


def _recovery_link(coordinator, newcomer_id):
    html = coordinator.form(f"/staff/newcomers/{newcomer_id}/recovery", {}).get_data(as_text=True)
    return "/recover/" + html.split("/recover/")[1].split('"')[0].split("<")[0]


def test_recovery_qr_signs_out_the_lost_phone_and_replaces_the_recovery_code(
    app, staff_client, make_location, make_code, make_api
):
    from onboarding.accounts.models import Newcomer

    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    lost_phone = make_api()
    old_code = lost_phone.post("/api/v1/join", json=join_body(make_code(location_id))).get_json()[
        "recovery_code"
    ]
    with app.app_context():
        newcomer_id = db.session.scalar(select(Newcomer.id))
    first = _recovery_link(coordinator, newcomer_id)
    second = _recovery_link(coordinator, newcomer_id)
    assert make_api().form(first, {}).status_code == 410  # replaced by the newer link
    new_phone = make_api()
    answer = new_phone.form(second, {})
    assert answer.headers["Location"].endswith("/welcome")
    page = new_phone.get("/welcome").get_data(as_text=True)
    new_code = page.split('class="recovery-code" translate="no">')[1].split("<")[0]
    assert lost_phone.get("/api/v1/checklist").status_code == 401
    assert make_api().post("/api/v1/recover", json={"recovery_code": old_code}).status_code == 404
    assert make_api().post("/api/v1/recover", json={"recovery_code": new_code}).status_code == 200


def test_a_recovery_qr_works_once_under_parallel_requests(
    app, live_server, staff_client, make_location, make_code, make_api
):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from onboarding.accounts.models import Newcomer

    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    make_api().post("/api/v1/join", json=join_body(make_code(location_id)))
    with app.app_context():
        newcomer_id = db.session.scalar(select(Newcomer.id))
    link = _recovery_link(coordinator, newcomer_id)

    def attempt(_):
        session = requests.Session()
        page = session.get(f"{live_server}{link}").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        return session.post(
            f"{live_server}{link}", data={"csrf_token": token}, allow_redirects=False
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert sorted(statuses) == [303] + [410] * 7


def test_login_returns_to_the_staff_page_that_asked(app, make_staff, make_api, make_location):
    location_id = make_location()
    browser = make_api()
    email = make_staff("admin")
    first = browser.get(f"/staff/locations/{location_id}")
    assert "/staff/login?next=" in first.headers["Location"]
    answer = browser.form(
        f"/staff/login?next=/staff/locations/{location_id}",
        {"email": email, "password": STAFF_PASSWORD},
    )
    assert answer.headers["Location"] == f"/staff/locations/{location_id}"
    for target in ("https://evil.example/", "//evil.example", "/", "/steps/register_brp"):
        other = make_api()
        answer = other.form(
            f"/staff/login?next={target}", {"email": email, "password": STAFF_PASSWORD}
        )
        assert answer.headers["Location"] == "/staff/", target


def test_coordinator_on_a_phone_issues_prints_and_sees_an_arrival(
    app, make_staff, make_location, make_api
):
    """The issue's acceptance path, through the pages: log in, 8 codes, print, a newcomer joins."""

    location_id = make_location("Bloemenhof")
    email = make_staff("coordinator", [location_id])
    phone = make_api()
    assert (
        phone.form("/staff/login", {"email": email, "password": STAFF_PASSWORD}).status_code == 303
    )
    issued = phone.form(
        f"/staff/locations/{location_id}",
        {"count": "8", "single_use": "1", "expires_in_days": "14"},
    )
    sheet = phone.get(issued.headers["Location"]).get_data(as_text=True)
    assert sheet.count('class="qr-card"') == 8 and sheet.count('class="sheet"') == 1
    # The newcomer scans one of the printed codes (its token, as the desk's API lists it).
    token = phone.get("/api/v1/codes").get_json()["codes"][0]["token"]
    newcomer = make_api()
    newcomer.get(f"/join/{token}?language=pl")
    joined = newcomer.form(
        f"/join/{token}",
        {
            "language": "pl",
            "arrival_date": today_in_amsterdam().isoformat(),
            "stay_plan": "medium",
            "nickname": "Kasia",
        },
    )
    assert joined.status_code == 303
    desk = phone.get(f"/staff/locations/{location_id}").get_data(as_text=True)
    assert "Kasia" in desk and "Polski" in desk
