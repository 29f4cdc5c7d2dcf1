"""Who may do what: every staff endpoint for every kind of visitor (table-driven)."""

import pytest
from sqlalchemy import select

from onboarding.codes.models import OnboardingCode
from onboarding.extensions import db

from ..conftest import STAFF_PASSWORD, ApiClient, join_body

VISITORS = ("anonymous", "newcomer", "coordinator_own", "coordinator_other", "admin")


@pytest.fixture
def world(app, make_location, make_staff, make_code):
    """Two locations, a code at the first, a newcomer there, and one client per visitor."""
    own, other = make_location("Own house"), make_location("Other house")
    token = make_code(own)
    with app.app_context():
        code_id = db.session.scalar(select(OnboardingCode.id))
    clients = {}
    clients["anonymous"] = ApiClient(app.test_client())
    newcomer = ApiClient(app.test_client())
    assert newcomer.post("/api/v1/join", json=join_body(make_code(own))).status_code == 201
    clients["newcomer"] = newcomer
    for name, role, locations in (
        ("coordinator_own", "coordinator", [own]),
        ("coordinator_other", "coordinator", [other]),
        ("admin", "admin", []),
    ):
        client = ApiClient(app.test_client())
        email = make_staff(role, locations)
        client.post("/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD})
        clients[name] = client
    from onboarding.accounts.models import Newcomer
    from onboarding.staff.models import StaffUser

    with app.app_context():
        newcomer_id = db.session.scalar(select(Newcomer.id))
        coordinator_id = db.session.scalar(
            select(StaffUser.id).where(StaffUser.role == "coordinator").order_by(StaffUser.id)
        )
    return {
        "coordinator_id": coordinator_id,
        "own": own,
        "other": other,
        "code_id": code_id,
        "token": token,
        "newcomer_id": newcomer_id,
        "clients": clients,
    }


# (method, path template, body, expected status per visitor in VISITORS order)
ANON, NEWCOMER, OWN, OTHER, ADMIN = range(5)
CASES = [
    ("GET", "/api/v1/codes?location_id={own}", None, (401, 401, 200, 403, 200)),
    ("GET", "/api/v1/codes", None, (401, 401, 200, 200, 200)),
    ("POST", "/api/v1/codes", {"location_id": "{own}"}, (401, 401, 201, 403, 201)),
    ("GET", "/api/v1/codes/{code_id}/qr.png", None, (401, 401, 200, 403, 200)),
    ("GET", "/api/v1/codes/{code_id}/qr.svg", None, (401, 401, 200, 403, 200)),
    ("DELETE", "/api/v1/codes/{code_id}", None, (401, 401, 204, 403, 204)),
    ("GET", "/api/v1/locations", None, (401, 200, 200, 200, 200)),
    ("POST", "/api/v1/staff/logout", None, (401, 401, 204, 204, 204)),
    ("GET", "/staff/", None, (302, 302, 200, 200, 200)),
    ("GET", "/staff/locations/{own}", None, (302, 302, 200, 403, 200)),
    ("GET", "/staff/codes/print?ids={code_id}", None, (302, 302, 200, 403, 200)),
    ("GET", "/staff/codes/sheet.svg?ids={code_id}", None, (302, 302, 200, 403, 200)),
    ("GET", "/staff/codes/sheet.pdf?ids={code_id}", None, (302, 302, 200, 403, 200)),
    ("FORM", "/staff/codes/{code_id}/revoke", {}, (302, 302, 303, 403, 303)),
    ("FORM", "/staff/newcomers/{newcomer_id}/recovery", {}, (302, 302, 200, 403, 200)),
    ("GET", "/staff/admin/locations", None, (302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/locations/{own}", None, (302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/staff", None, (302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/audit", None, (302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/content", None, (302, 302, 403, 403, 200)),
    (
        "FORM",
        "/staff/admin/locations",
        {"name": "New", "village": "De Zilk"},
        (302, 302, 403, 403, 303),
    ),
    (
        "FORM",
        "/staff/locations/{own}",
        {"count": "2", "single_use": "1"},
        (302, 302, 303, 403, 303),
    ),
    (
        "FORM",
        "/staff/locations/{own}",
        {"form": "contact", "contact_name": "X"},
        (302, 302, 303, 403, 303),
    ),
    (
        "FORM",
        "/staff/admin/locations/{own}",
        {"name": "Renamed", "village": "Noordwijk"},
        (302, 302, 403, 403, 303),
    ),
    (
        "FORM",
        "/staff/admin/staff",
        {"email": "n@example.org", "role": "admin", "password": "a long password 1"},
        (302, 302, 403, 403, 303),
    ),
    ("FORM", "/staff/admin/staff/{coordinator_id}", {"active": "1"}, (302, 302, 403, 403, 303)),
]


@pytest.mark.parametrize(
    ("method", "template", "body", "expected"), CASES, ids=[c[1] for c in CASES]
)
@pytest.mark.parametrize("visitor", VISITORS)
def test_every_visitor_gets_exactly_what_their_role_allows(
    world, visitor, method, template, body, expected
):
    values = {k: v for k, v in world.items() if k != "clients"}
    path = template.format(**values)
    client = world["clients"][visitor]
    if body is not None:
        body = {
            k: (int(v.format(**values)) if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()
        }
    answer = client.call(method, path, body)
    assert answer.status_code == expected[VISITORS.index(visitor)], answer.get_data(as_text=True)[
        :300
    ]


def test_a_coordinator_never_sees_another_locations_codes(world):
    listing = world["clients"]["coordinator_other"].get("/api/v1/codes").get_json()["codes"]
    assert listing == []
    mine = world["clients"]["coordinator_own"].get("/api/v1/codes").get_json()["codes"]
    assert sorted(code["id"] for code in mine) == [world["code_id"], world["code_id"] + 1]


def test_a_coordinator_never_sees_another_locations_arrivals(app, world):
    page = (
        world["clients"]["coordinator_own"]
        .get(f"/staff/locations/{world['own']}")
        .get_data(as_text=True)
    )
    assert f"/staff/newcomers/{world['newcomer_id']}/recovery" in page
    for path in ("/staff/", f"/staff/locations/{world['other']}"):
        other = world["clients"]["coordinator_other"].get(path).get_data(as_text=True)
        assert f"/staff/newcomers/{world['newcomer_id']}/" not in other


def test_unknown_ids_are_404_and_malformed_ones_400_never_500(world):
    admin = world["clients"]["admin"]
    huge = "9" * 30
    for path in (
        "/api/v1/codes?location_id=9999",
        "/api/v1/codes/9999/qr.png",
        f"/api/v1/codes/{huge}/qr.png",
        "/staff/locations/9999",
        f"/staff/locations/{huge}",
        "/staff/codes/print",
        "/staff/codes/print?ids=%C2%B2",
        f"/staff/codes/print?ids={'9' * 5000}",
        f"/staff/admin/locations/{huge}",
    ):
        assert admin.get(path).status_code == 404, path
    assert admin.delete("/api/v1/codes/9999").status_code == 404
    assert admin.post("/api/v1/codes", json={"location_id": 9999}).status_code == 404
    assert admin.form(f"/staff/codes/{huge}/revoke", {}).status_code == 404
    assert admin.form(f"/staff/newcomers/{huge}/recovery", {}).status_code == 404
    for bad in (
        {},
        {"location_id": "abc"},
        {"location_id": True},
        {"location_id": 10**30},
        {"location_id": "²"},
    ):
        answer = admin.post("/api/v1/codes", json=bad)
        assert (
            answer.status_code == 400 and "location_id" in answer.get_json()["error"]["fields"]
        ), bad
    for query in ("abc", "", "%C2%B2"):
        assert admin.get(f"/api/v1/codes?location_id={query}").status_code == 400, query
    own = world["own"]
    for count in ("²", "9" * 5000, "-1", "1.5"):
        assert (
            admin.post("/api/v1/codes", json={"location_id": own, "count": count}).status_code
            == 400
        )
        assert (
            admin.form(f"/staff/locations/{own}", {"count": count, "single_use": "1"}).status_code
            == 400
        )
    created = admin.form(
        "/staff/admin/staff",
        {
            "email": "z@example.org",
            "role": "coordinator",
            "password": "a long password 1",
            "location_ids": ["²", huge, str(own)],
        },
    )
    assert created.status_code == 303
