"""Due dates that are fair: only a legal deadline is ever "overdue"; deciding later to stay
longer starts the BRP deadline then; people on the short plan are asked at day 100; the steps
follow citizenship. The clock is fixed before anyone joins."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from ..conftest import join_body, translated

ARRIVAL = date(2027, 3, 1)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=UTC), tick=False)


def join_on(make_api, make_code, day=ARRIVAL, **fields):
    client = make_api()
    with at(day):
        token = make_code()
        answer = client.post(
            "/api/v1/join",
            json=join_body(token, arrival_date=day.isoformat(), language="en", **fields),
        )
    assert answer.status_code == 201, answer.get_json()
    return client


def steps_on(client, day):
    with at(day):
        return {s["key"]: s for s in client.get("/api/v1/checklist").get_json()["steps"]}


def test_a_missed_target_is_planned_and_a_missed_deadline_is_overdue(app, make_api, make_code):
    client = join_on(make_api, make_code)
    later = ARRIVAL + timedelta(days=60)
    steps = steps_on(client, later)
    register_gp, register_brp = steps["register_gp"], steps["register_brp"]
    assert register_gp["due_kind"] == "target" and register_gp["due_date"] < later.isoformat()
    assert register_gp["overdue"] is False
    assert register_brp["due_kind"] == "deadline" and register_brp["overdue"] is True
    with at(later):
        page = client.get("/steps/register_gp").get_data(as_text=True)
        brp = client.get("/steps/register_brp").get_data(as_text=True)
    assert "Planned for" in page and 'class="overdue-label"' not in page
    assert 'class="overdue-label"' in brp


def test_health_insurance_is_only_overdue_after_the_legal_four_months(app, make_api, make_code):
    client = join_on(make_api, make_code)
    assert steps_on(client, ARRIVAL + timedelta(days=30))["health_insurance"]["overdue"] is False
    assert steps_on(client, ARRIVAL + timedelta(days=121))["health_insurance"]["overdue"] is True


def test_deciding_to_stay_longer_gives_five_days_from_that_day(app, make_api, make_code):
    client = join_on(make_api, make_code, stay_plan="short")
    assert "register_brp" not in steps_on(client, ARRIVAL)
    decided = ARRIVAL + timedelta(days=50)
    with at(decided):
        answer = client.form(
            "/settings", {"arrival_date": ARRIVAL.isoformat(), "stay_plan": "medium"}
        )
    assert answer.status_code == 303
    brp = steps_on(client, decided)["register_brp"]
    assert brp["due_date"] == (decided + timedelta(days=5)).isoformat()
    assert brp["overdue"] is False
    # Someone who plans a longer stay from the start counts from arrival.
    other = join_on(make_api, make_code, stay_plan="medium")
    due = steps_on(other, ARRIVAL)["register_brp"]["due_date"]
    assert due == (ARRIVAL + timedelta(days=5)).isoformat()


def test_the_short_plan_is_asked_about_a_longer_stay_at_day_100(app, make_api, make_code):
    client = join_on(make_api, make_code, stay_plan="short")
    question = "Staying longer than 4 months? Then register in the BRP."
    for day, shown in ((99, False), (100, True)):
        with at(ARRIVAL + timedelta(days=day)):
            page = client.get("/").get_data(as_text=True)
        assert (question in page) is shown, day
    longer = join_on(make_api, make_code, stay_plan="medium")
    with at(ARRIVAL + timedelta(days=100)):
        assert question not in longer.get("/").get_data(as_text=True)


def test_citizenship_decides_the_permit_step_and_digid_through_the_rni(app, make_api, make_code):
    permit, rni_digid = "residence_work_permit", "digid_rni"
    for eu_citizen, protection, sees_permit, sees_rni_digid in (
        (True, False, False, True),
        (None, False, False, True),
        (False, False, True, False),
        (False, True, False, False),
    ):
        fields = {"stay_plan": "short", "temporary_protection": protection}
        if eu_citizen is not None:
            fields["eu_citizen"] = eu_citizen
        keys = steps_on(join_on(make_api, make_code, **fields), ARRIVAL)
        assert (permit in keys) is sees_permit, fields
        assert (rni_digid in keys) is sees_rni_digid, fields


def test_the_join_form_asks_about_citizenship_and_settings_keep_the_answer(
    app, make_api, make_code
):
    client = join_on(make_api, make_code, eu_citizen=False)
    with at(ARRIVAL):
        page = client.get("/settings").get_data(as_text=True)
        assert 'name="eu_citizen" value="no" checked' in page
        answer = client.form(
            "/settings",
            {"arrival_date": ARRIVAL.isoformat(), "stay_plan": "medium", "eu_citizen": ""},
        )
        assert answer.status_code == 303
        assert 'name="eu_citizen" value="" checked' in client.get("/settings").get_data(
            as_text=True
        )
        bad = make_api().post(
            "/api/v1/join",
            json=join_body(make_code(), eu_citizen="maybe"),
            headers={"Accept-Language": "pl"},
        )
    assert bad.status_code == 400
    assert bad.get_json()["error"]["fields"]["eu_citizen"] == translated(
        app, "pl", "Please answer yes or no."
    )
