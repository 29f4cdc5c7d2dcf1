"""The municipality's insights: counts per step, stuck reasons, check-ins, buddy requests and
questions, never one person. Small counts read "fewer than 5"; access follows locations."""

from datetime import UTC, datetime

import time_machine

from ..conftest import join_body

STEP = "register_gp"


def join_people(make_api, make_code, location_id, count, **fields):
    clients = []
    for _ in range(count):
        client = make_api()
        body = join_body(make_code(location_id), **{"language": "pl", **fields})
        assert client.post("/api/v1/join", json=body).status_code == 201
        clients.append(client)
    return clients


def stuck(client, category="no_appointment", reason="Dr. Jansen at Voorstraat 5 said no"):
    change = {"stuck": True, "stuck_category": category, "stuck_reason": reason}
    assert client.patch(f"/api/v1/checklist/{STEP}", json=change).status_code == 200


def step_of(answer, key=STEP):
    return next(step for step in answer.get_json()["steps"] if step["key"] == key)


def test_four_stuck_read_fewer_than_five_and_a_fifth_makes_five(
    make_api, make_code, make_location, staff_client
):
    location = make_location("Bollenhof")
    people = join_people(make_api, make_code, location, 10)
    for person in people[:4]:
        stuck(person)
    coordinator = staff_client("coordinator", [location])
    step = step_of(coordinator.get(f"/api/v1/insights?location_id={location}"))
    assert step["stuck"] is None and step["suppressed"] is True
    assert step["stuck_categories"]["no_appointment"] is None
    assert step["applies"] == 10
    page = coordinator.get(f"/staff/insights?location_id={location}").get_data(as_text=True)
    assert "fewer than 5" in page
    assert "Voorstraat" not in page  # the private free text is never shown to staff
    stuck(people[4])
    answer = coordinator.get(f"/api/v1/insights?location_id={location}")
    step = step_of(answer)
    assert step["stuck"] == 5 and step["stuck_categories"]["no_appointment"] == 5
    assert answer.get_json()["k"] == 5 and answer.get_json()["people"] == 10
    csv = coordinator.get(f"/staff/insights.csv?location_id={location}").get_data(as_text=True)
    assert "Voorstraat" not in csv and "Voorstraat" not in answer.get_data(as_text=True)
    assert csv.splitlines()[0].startswith("Step,People it applies to,Done,Skipped,Stuck")


def test_coordinators_see_only_their_locations_and_newcomers_none(
    make_api, make_code, make_location, staff_client, joined
):
    own, other = make_location("Own house"), make_location("Other house")
    coordinator = staff_client("coordinator", [own])
    assert coordinator.get(f"/api/v1/insights?location_id={other}").status_code == 403
    assert coordinator.get(f"/staff/insights?location_id={other}").status_code == 403
    assert coordinator.get("/api/v1/insights?location_id=999999").status_code == 404
    newcomer, _code = joined()
    assert newcomer.get("/api/v1/insights").status_code == 403
    assert make_api().get("/api/v1/insights").status_code == 401
    bad = coordinator.get("/api/v1/insights?since=yesterday&language=xx")
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {
        "since",
        "language",
    }


def test_filters_never_narrow_below_five_people(make_api, make_code, make_location, staff_client):
    location = make_location("Duinzicht")
    join_people(make_api, make_code, location, 6)
    join_people(make_api, make_code, location, 3, language="uk")
    admin = staff_client("admin")
    narrow = admin.get(f"/api/v1/insights?location_id={location}&language=uk").get_json()
    assert narrow["people"] is None and narrow["suppressed"] is True
    assert all(step["applies"] is None and step["done"] is None for step in narrow["steps"])
    wide = admin.get(f"/api/v1/insights?location_id={location}").get_json()
    assert wide["people"] == 9


def test_a_small_group_cannot_be_worked_out_from_its_complement(
    make_api, make_code, make_location, staff_client
):
    # Two people under temporary protection among twelve: "health insurance applies to 10"
    # would reveal them (12 - 10 = 2), so that count is hidden too.
    location = make_location("Zeezicht")
    join_people(make_api, make_code, location, 10)
    join_people(make_api, make_code, location, 2, temporary_protection=True)
    answer = staff_client("admin").get(f"/api/v1/insights?location_id={location}")
    data = answer.get_json()
    assert data["people"] == 12
    assert step_of(answer, "rmo_care")["applies"] is None
    assert step_of(answer, "health_insurance")["applies"] is None
    assert step_of(answer, "register_gp")["applies"] == 12


def test_admins_see_every_location_together(make_api, make_code, make_location, staff_client):
    first, second = make_location("North"), make_location("South")
    join_people(make_api, make_code, first, 3)
    join_people(make_api, make_code, second, 3)
    admin = staff_client("admin")
    total = admin.get("/api/v1/insights").get_json()["people"]
    assert total is not None and total >= 6
    page = admin.get("/staff/insights").get_data(as_text=True)
    assert "North" in page and "South" in page


def test_since_counts_the_people_who_joined_from_midnight_in_amsterdam(
    make_api, make_code, make_location, staff_client
):
    location = make_location("Sinds")
    # 23:30 on 1 July and 00:30 on 2 July in Amsterdam (summer time: UTC+2).
    with time_machine.travel(datetime(2027, 7, 1, 21, 30, tzinfo=UTC), tick=False):
        join_people(make_api, make_code, location, 5)
    with time_machine.travel(datetime(2027, 7, 1, 22, 30, tzinfo=UTC), tick=False):
        join_people(make_api, make_code, location, 5)
        admin = staff_client("admin")
        since = f"/api/v1/insights?location_id={location}&since="
        assert admin.get(since + "2027-07-02").get_json()["people"] == 5
        assert admin.get(since + "2027-07-01").get_json()["people"] == 10
