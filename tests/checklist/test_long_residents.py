"""People who have lived here for years join too (they are the buddies newcomers need): no step
is overdue for them, they first tick what they already did, and they are asked to help."""

from datetime import timedelta

from onboarding.clock import today_in_amsterdam, years_before

from ..conftest import join_body, translated


def join_years_ago(make_api, make_code, years, **fields):
    client = make_api()
    arrival = years_before(today_in_amsterdam(), years)
    answer = client.post(
        "/api/v1/join", json=join_body(make_code(), arrival_date=arrival.isoformat(), **fields)
    )
    return client, answer


def test_someone_who_arrived_six_years_ago_joins_and_nothing_is_overdue(make_api, make_code):
    client, answer = join_years_ago(make_api, make_code, 6, stay_plan="settle")
    assert answer.status_code == 201
    steps = client.get("/api/v1/checklist").get_json()["steps"]
    assert steps and not [s["key"] for s in steps if s["overdue"]]
    assert [s for s in steps if s["due_date"] and s["due_date"] < today_in_amsterdam().isoformat()]
    page = client.get("/steps/register_brp").get_data(as_text=True)
    assert 'class="overdue-label"' not in page


def test_forty_years_back_is_the_limit(make_api, make_code):
    assert join_years_ago(make_api, make_code, 40)[1].status_code == 201
    client = make_api()
    too_early = years_before(today_in_amsterdam(), 40) - timedelta(days=1)
    answer = client.post(
        "/api/v1/join",
        json=join_body(make_code(), arrival_date=too_early.isoformat()),
        headers={"Accept-Language": "pl"},
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["fields"]["arrival_date"] == translated(
        client.client.application,
        "pl",
        "The arrival date can be at most %(years)d years ago and at most one year from today.",
        years=40,
    )


def test_a_recent_arrival_still_sees_overdue_steps(make_api, make_code):
    client = make_api()
    arrival = today_in_amsterdam() - timedelta(days=30)
    client.post("/api/v1/join", json=join_body(make_code(), arrival_date=arrival.isoformat()))
    steps = {s["key"]: s for s in client.get("/api/v1/checklist").get_json()["steps"]}
    assert steps["register_brp"]["overdue"] is True
    question = translated(client.client.application, "pl", "What have you already done?")
    assert question not in client.get("/").get_data(as_text=True)


def test_the_checklist_first_asks_which_steps_are_already_done(make_api, make_code):
    client, _answer = join_years_ago(make_api, make_code, 3, language="en")
    first = client.get("/").get_data(as_text=True)
    assert "What have you already done?" in first and 'name="done"' in first
    bad = client.form("/review", {"done": "no_such_step"})
    assert bad.status_code == 400 and "This step is not on your checklist." in bad.get_data(
        as_text=True
    )
    saved = client.client.post(
        "/review",
        data={"csrf_token": client.token(), "done": ["register_brp", "register_gp"]},
        buffered=True,
    )
    assert saved.status_code == 303 and saved.headers["Location"] == "/"
    steps = {s["key"]: s["status"] for s in client.get("/api/v1/checklist").get_json()["steps"]}
    assert steps["register_brp"] == "done" and steps["register_gp"] == "done"
    assert steps["health_insurance"] == "todo"
    page = client.get("/").get_data(as_text=True)
    assert "What have you already done?" not in page and 'class="checklist"' in page
    export = client.get("/api/v1/me/export").get_json()
    assert export["profile"]["steps_reviewed_at"] is not None
    assert client.form("/review", {}).status_code == 303  # nothing ticked is an answer too


def test_the_buddy_page_invites_people_who_have_lived_here_long(make_api, make_code):
    settled, _answer = join_years_ago(make_api, make_code, 2, language="pl")
    invite = translated(settled.client.application, "pl", "Your experience can help someone")
    assert invite in settled.get("/buddy").get_data(as_text=True)
    recent = make_api()
    recent.post("/api/v1/join", json=join_body(make_code(), language="pl"))
    assert invite not in recent.get("/buddy").get_data(as_text=True)
