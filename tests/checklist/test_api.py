"""The checklist API: shapes, changes, every error answer, and sync exactly once."""

from concurrent.futures import ThreadPoolExecutor

import requests

from ..conftest import join_body, translated

STEP_FIELDS = {
    "key",
    "title",
    "summary",
    "status",
    "due_date",
    "due_kind",
    "overdue",
    "note",
    "stuck",
    "stuck_reason",
    "stuck_category",
    "requires",
    "blocked",
}


def test_checklist_shape_and_language(app, joined):
    client, _ = joined(language="uk", stay_plan="short", first_workday_date=None)
    steps = client.get("/api/v1/checklist").get_json()["steps"]
    assert {s["key"] for s in steps} >= {"register_rni", "health_insurance", "digid_rni"}
    for step in steps:
        assert set(step) == STEP_FIELDS
        assert step["status"] == "todo" and step["note"] is None and step["stuck"] is False
    digid = next(s for s in steps if s["key"] == "digid_rni")
    assert digid["requires"] == ["register_rni"] and digid["blocked"] is True
    rni = next(s for s in steps if s["key"] == "register_rni")
    pack_step = app.extensions["aankomst_pack"].step("register_rni")
    assert rni["title"] == translated(app, "uk", pack_step.title)
    assert rni["summary"] == translated(app, "uk", pack_step.summary)
    assert steps[-1]["due_date"] is None  # undated last


def test_patch_changes_a_step_and_returns_it(newcomer_client):
    answer = newcomer_client.patch(
        "/api/v1/checklist/register_brp",
        json={"status": "done", "note": "Wednesday 10:00", "stuck": False},
    )
    assert answer.status_code == 200
    step = answer.get_json()
    assert step["key"] == "register_brp" and step["status"] == "done"
    assert step["note"] == "Wednesday 10:00" and step["overdue"] is False
    again = {s["key"]: s for s in newcomer_client.get("/api/v1/checklist").get_json()["steps"]}
    assert again["register_brp"]["status"] == "done"
    assert again["digid"]["blocked"] is False


def test_patch_errors(app, newcomer_client):
    cases = [
        ({"status": "finished"}, 400, "invalid_input"),
        ({"note": "x" * 2001}, 400, "invalid_input"),
        ({"stuck": "perhaps"}, 400, "invalid_input"),
        ({"stuck": 3}, 400, "invalid_input"),
        ({"stuck_reason": "y" * 501}, 400, "invalid_input"),
        ({}, 400, "invalid_input"),
        ({"unknown": 1}, 400, "invalid_input"),
    ]
    for body, status, code in cases:
        answer = newcomer_client.patch("/api/v1/checklist/register_brp", json=body)
        assert answer.status_code == status, body
        assert answer.get_json()["error"]["code"] == code
    not_mine = newcomer_client.patch("/api/v1/checklist/register_rni", json={"status": "done"})
    assert not_mine.status_code == 404 and not_mine.get_json()["error"]["code"] == "step_unknown"
    assert (
        newcomer_client.patch("/api/v1/checklist/nope", json={"status": "done"}).status_code == 404
    )
    polish = newcomer_client.patch(
        "/api/v1/checklist/register_brp", json={"status": "x"}, headers={"Accept-Language": "en"}
    )
    # The person's own language (Polish) wins over the browser's.
    assert polish.get_json()["error"]["message"] == translated(
        app, "pl", "Please choose one of the options."
    )


def test_sync_endpoint(newcomer_client):
    ops = [
        {
            "op_id": "a1",
            "key": "register_brp",
            "at": "2026-11-24T09:00:00+01:00",
            "status": "doing",
        },
        {"op_id": "a2", "key": "register_brp", "at": "2026-11-24T10:00:00+01:00", "note": "n"},
        {
            "op_id": "a1",
            "key": "register_brp",
            "at": "2026-11-24T09:00:00+01:00",
            "status": "doing",
        },
        {"op_id": "bad", "key": "register_brp", "at": "2026-11-24T10:00:00", "status": "done"},
    ]
    answer = newcomer_client.post("/api/v1/sync", json={"ops": ops})
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["result"] for r in results] == ["applied", "applied", "duplicate", "invalid"]
    assert results[3]["op_id"] == "bad" and results[3]["error"]


def test_sync_errors(newcomer_client, make_api):
    assert make_api().post("/api/v1/sync", json={"ops": []}).status_code == 401
    assert newcomer_client.post("/api/v1/sync", json={"ops": "nope"}).status_code == 400
    assert newcomer_client.post("/api/v1/sync", json={}).status_code == 400
    too_many = [
        {"op_id": str(i), "key": "register_brp", "at": "2026-11-24T10:00:00Z"} for i in range(501)
    ]
    assert newcomer_client.post("/api/v1/sync", json={"ops": too_many}).status_code == 400


def test_same_ops_in_parallel_take_effect_once(app, live_server, make_code):
    session = requests.Session()
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    joined = session.post(
        f"{live_server}/api/v1/join", json=join_body(make_code()), headers={"X-CSRFToken": csrf}
    )
    assert joined.status_code == 201
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    ops = [
        {
            "op_id": f"op-{i}",
            "key": "register_gp",
            "at": f"2026-11-24T10:{i:02d}:00+00:00",
            "status": "doing",
        }
        for i in range(10)
    ]

    def replay(_):
        answer = session.post(
            f"{live_server}/api/v1/sync", json={"ops": ops}, headers={"X-CSRFToken": csrf}
        )
        assert answer.status_code == 200
        return [r["result"] for r in answer.json()["results"]]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(replay, range(6)))
    for index in range(10):
        column = [outcome[index] for outcome in outcomes]
        assert column.count("duplicate") == 5, column
        assert column.count("applied") + column.count("superseded") == 1, column


def test_parallel_patches_never_fail_on_a_busy_database(live_server, make_code):
    session = requests.Session()
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    session.post(
        f"{live_server}/api/v1/join", json=join_body(make_code()), headers={"X-CSRFToken": csrf}
    )
    csrf = session.get(f"{live_server}/api/v1/csrf").json()["csrf_token"]
    statuses = ["todo", "doing", "done", "skipped"]

    def change(i):
        return session.patch(
            f"{live_server}/api/v1/checklist/register_gp",
            json={"status": statuses[i % 4], "note": f"note {i}"},
            headers={"X-CSRFToken": csrf},
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(change, range(40))) == {200}


def test_sync_applies_nine_good_ops_and_refuses_the_one_it_cannot_store(app, newcomer_client):
    """Half of a surrogate pair cannot be stored: that op alone is invalid, with its reason,
    and never blocks the rest of the phone's outbox."""
    steps = [s["key"] for s in newcomer_client.get("/api/v1/checklist").get_json()["steps"]]
    at = "2026-01-05T10:00:00+00:00"
    ops = [{"op_id": f"ok-{i}", "key": steps[i], "at": at, "note": f"note {i}"} for i in range(9)]
    ops.insert(4, {"op_id": "bad", "key": steps[0], "at": at, "note": "lunch \ud83d"})
    answer = newcomer_client.post("/api/v1/sync", json={"ops": ops})
    assert answer.status_code == 200
    results = {r["op_id"]: r for r in answer.get_json()["results"]}
    assert results["bad"]["result"] == "invalid"
    assert results["bad"]["error"] == translated(
        app, "pl", "This text contains characters that cannot be saved. Please type it again."
    )
    assert [results[f"ok-{i}"]["result"] for i in range(9)] == ["applied"] * 9
    notes = {
        s["key"]: s["note"] for s in newcomer_client.get("/api/v1/checklist").get_json()["steps"]
    }
    assert [notes[steps[i]] for i in range(9)] == [f"note {i}" for i in range(9)]
    again = newcomer_client.post("/api/v1/sync", json={"ops": ops})
    assert {r["result"] for r in again.get_json()["results"] if r["op_id"] != "bad"} == {
        "duplicate"
    }
