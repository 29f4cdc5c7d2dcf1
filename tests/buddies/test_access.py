"""Who may do what with buddies: every buddy endpoint and page for every kind of visitor."""

import pytest

from onboarding.clock import today_in_amsterdam

from ..conftest import ApiClient
from .test_lifecycle import ask, make_buddy, newcomer_at
from .test_profile import body as profile_body

VISITORS = (
    "anonymous",
    "stranger",  # a signed-in newcomer with no part in the request
    "asker",  # the newcomer who asked for help
    "buddy",  # the buddy the request was put to
    "coordinator_own",
    "coordinator_other",
    "admin",
)


@pytest.fixture
def world(app, make_api, make_code, make_location, staff_client):
    """A buddy at the first location, a request put to them, and one client per visitor."""
    own, other = make_location("Own house"), make_location("Other house")
    clients = {
        "anonymous": ApiClient(app.test_client()),
        "coordinator_own": staff_client("coordinator", [own]),
        "coordinator_other": staff_client("coordinator", [other]),
        "admin": staff_client("admin"),
    }
    clients["buddy"], buddy_id = make_buddy(
        app, make_api, make_code, clients["admin"], own, "Marek"
    )
    clients["asker"] = newcomer_at(make_api, make_code, own)
    clients["stranger"] = newcomer_at(make_api, make_code, other, nickname="Other")
    made = ask(clients["asker"]).get_json()
    offer = clients["buddy"].get("/api/v1/buddy/requests").get_json()["received"][0]
    return {
        "own": own,
        "buddy_id": buddy_id,
        "request_id": made["id"],
        "offer_id": offer["id"],
        "clients": clients,
    }


REPORT = {"reason": "no_show"}
# Help given today: a date that is valid whatever day the suite runs.
HELP = {"date": today_in_amsterdam().isoformat(), "topic": "digid", "minutes": 5}
ASK = {"topics": ["digid"], "contact": "x"}
OFFER, REQUEST = "/api/v1/buddy/offers/{offer_id}", "/api/v1/buddy/requests/{request_id}"
# (method, path, body, expected status per visitor in VISITORS order). Staff accounts are not
# newcomers: 401 from the API and the start page (302) for newcomer pages.
NEWCOMER_ONLY = (401, 200, 200, 200, 401, 401, 401)
CASES = [
    ("GET", "/api/v1/buddy/requests", None, NEWCOMER_ONLY),
    ("PUT", "/api/v1/buddy/profile", "profile", NEWCOMER_ONLY),
    ("POST", "/api/v1/buddy/requests", ASK, (401, 201, 201, 201, 401, 401, 401)),
    ("POST", "/api/v1/buddy/approve/{buddy_id}", None, (401, 401, 401, 401, 204, 403, 204)),
    ("DELETE", "/api/v1/buddy/approve/{buddy_id}", None, (401, 401, 401, 401, 204, 403, 204)),
    ("POST", OFFER + "/accept", None, (401, 404, 404, 200, 401, 401, 401)),
    ("POST", OFFER + "/decline", None, (401, 404, 404, 200, 401, 401, 401)),
    ("POST", OFFER + "/end", None, (401, 404, 404, 409, 401, 401, 401)),
    ("POST", OFFER + "/help", HELP, (401, 404, 404, 409, 401, 401, 401)),
    ("POST", OFFER + "/report", REPORT, (401, 404, 404, 204, 401, 401, 401)),
    ("POST", REQUEST + "/cancel", None, (401, 404, 200, 404, 401, 401, 401)),
    ("POST", REQUEST + "/retry", None, (401, 404, 409, 404, 401, 401, 401)),
    ("POST", REQUEST + "/thanks", None, (401, 404, 409, 404, 401, 401, 401)),
    ("POST", REQUEST + "/report", REPORT, (401, 404, 204, 404, 401, 401, 401)),
    ("GET", "/buddy", None, (302, 200, 200, 200, 302, 302, 302)),
    ("GET", "/buddy/ask", None, (302, 200, 200, 200, 302, 302, 302)),
    ("GET", "/buddy/profile", None, (302, 200, 200, 200, 302, 302, 302)),
    ("GET", "/buddy/requests/{request_id}", None, (302, 404, 200, 404, 302, 302, 302)),
    ("GET", "/buddy/offers/{offer_id}", None, (302, 404, 404, 200, 302, 302, 302)),
    ("FORM", "/buddy/offers/{offer_id}/accept", {}, (302, 404, 404, 303, 302, 302, 302)),
    ("FORM", "/buddy/offers/{offer_id}/report", REPORT, (302, 404, 404, 303, 302, 302, 302)),
    ("FORM", "/buddy/requests/{request_id}/cancel", {}, (302, 404, 303, 404, 302, 302, 302)),
    ("FORM", "/buddy/requests/{request_id}/report", REPORT, (302, 404, 303, 404, 302, 302, 302)),
    ("FORM", "/staff/buddies/{buddy_id}/approve", {}, (302, 302, 302, 302, 303, 403, 303)),
    ("FORM", "/staff/buddies/{buddy_id}/withdraw", {}, (302, 302, 302, 302, 303, 403, 303)),
    ("GET", "/staff/admin/buddies", None, (302, 302, 302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/buddies.csv", None, (302, 302, 302, 302, 403, 403, 200)),
    ("GET", "/staff/admin/reports", None, (302, 302, 302, 302, 403, 403, 200)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "template", "data", "expected"), CASES, ids=[f"{c[0]} {c[1]}" for c in CASES]
)
@pytest.mark.parametrize("visitor", VISITORS)
def test_every_visitor_gets_exactly_what_their_role_allows(
    world, visitor, method, template, data, expected
):
    path = template.format(**world)
    client = world["clients"][visitor]
    if data == "profile":
        data = profile_body(world["own"])
    answer = client.call(method, path, data)
    assert answer.status_code == expected[VISITORS.index(visitor)], answer.get_data(as_text=True)[
        :300
    ]


def test_unknown_actions_and_ids_are_404(world):
    asker, buddy = world["clients"]["asker"], world["clients"]["buddy"]
    assert asker.form(f"/buddy/requests/{world['request_id']}/explode", {}).status_code == 404
    assert buddy.form(f"/buddy/offers/{world['offer_id']}/explode", {}).status_code == 404
    for path in ("/buddy/requests/99999", "/buddy/offers/99999", "/buddy/offers/" + "9" * 40):
        assert asker.get(path).status_code == 404, path
    admin = world["clients"]["admin"]
    assert admin.form("/staff/buddies/99999/approve", {}).status_code == 404
