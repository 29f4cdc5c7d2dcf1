"""JSON request logs: one line per request with the route pattern, status, duration and a
request id, and nothing a person sent: no token, cookie, query string, note or question."""

import json
import sqlite3
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from onboarding.extensions import csrf, db
from onboarding.ops.logs import request_id, traceback_without_values

from ..conftest import ApiClient, join_body

NOTE = "Mijn huisbaas heet Jansen-geheim-7731"
QUESTION = "Waar vind ik een huisarts voor mijn dochter Zofia-geheim-4410?"


@pytest.fixture
def json_app(other_app):
    return other_app(AANKOMST_LOG_FORMAT="json")


def request_lines(captured: str) -> list[dict]:
    lines = [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "aankomst.request"]


def test_a_request_gives_one_json_line_with_the_id_echoed(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": "lb-1.a_b-C"})
    assert response.headers["X-Request-ID"] == "lb-1.a_b-C"
    [line] = request_lines(capsys.readouterr().err)
    assert line["method"] == "GET" and line["route"] == "/healthz" and line["status"] == 200
    assert line["request_id"] == "lb-1.a_b-C"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    "given", [None, "", "a" * 65, "has space", "semi;colon", "ü", "new\nline", "{json}"]
)
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(json_app, capsys, given):
    headers = {} if given is None else {"X-Request-ID": given}
    try:
        response = json_app.test_client().get("/healthz", headers=headers)
    except ValueError:  # the test client refuses a newline in a header: nothing to check
        return
    made = response.headers["X-Request-ID"]
    assert made != given and uuid.UUID(hex=made).version == 4
    [line] = request_lines(capsys.readouterr().err)
    assert line["request_id"] == made


def test_request_ids_are_checked_by_rule():
    assert request_id("a" * 64) == "a" * 64
    assert request_id("A-z.0_9") == "A-z.0_9"
    assert len(request_id("a" * 65)) == 32 and request_id("a" * 65) != "a" * 65
    assert request_id(None) != request_id(None)


def test_a_join_a_note_and_a_question_leave_no_personal_data_in_the_log(
    json_app, make_code, capsys
):
    token = make_code()
    client = ApiClient(json_app.test_client())
    capsys.readouterr()
    page = client.client.get(f"/join/{token}?language=pl&utm_source=qr-{token[:6]}")
    assert page.status_code == 200
    joined = client.post("/api/v1/join", json=join_body(token, nickname="Zofia-geheim"))
    assert joined.status_code == 201
    recovery = joined.get_json()["recovery_code"]
    step = client.get("/api/v1/checklist").get_json()["steps"][0]["key"]
    assert client.patch(f"/api/v1/checklist/{step}", json={"note": NOTE}).status_code == 200
    asked = client.post("/api/v1/questions", json={"text": QUESTION})
    assert asked.status_code == 201
    cookie = client.client.get_cookie("aankomst_session").value
    captured = capsys.readouterr().err
    lines = request_lines(captured)
    routes = {(line["method"], line["route"], line["status"]) for line in lines}
    assert ("GET", "/join/<token>", 200) in routes
    assert ("POST", "/api/v1/join", 201) in routes
    assert ("PATCH", "/api/v1/checklist/<key>", 200) in routes
    assert ("POST", "/api/v1/questions", 201) in routes
    for line in lines:
        assert set(line) == {
            "time", "level", "logger", "message", "method", "route", "status", "duration_ms",
            "request_id",
        }  # fmt: skip
    for secret in (token, token[:6], recovery, cookie, NOTE, "Jansen", QUESTION, "Zofia",
                   "utm_source", "language=pl", step):  # fmt: skip
        assert secret not in captured, secret


def test_text_format_writes_no_request_lines(other_app, capsys):
    app = other_app(AANKOMST_LOG_FORMAT="text")
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    assert response.headers["X-Request-ID"]  # the id is still given back
    assert request_lines(capsys.readouterr().err) == []


def test_json_is_the_default_in_production_and_a_wrong_format_stops_start_up(tmp_path):
    from onboarding.config import ConfigError, load_config

    secret = {"SECRET_KEY": "k8Jx2mQv9Lr4Tz7Wn1Bc5Hd3Fg6Yp0Sa"}
    production = load_config(tmp_path, {**secret, "AANKOMST_ENV": "production"})
    assert production["AANKOMST_LOG_FORMAT"] == "json"
    assert load_config(tmp_path, secret)["AANKOMST_LOG_FORMAT"] == "text"
    assert (
        load_config(tmp_path, {**secret, "AANKOMST_LOG_FORMAT": "JSON"})["AANKOMST_LOG_FORMAT"]
        == "json"
    )
    with pytest.raises(ConfigError, match="AANKOMST_LOG_FORMAT"):
        load_config(tmp_path, {**secret, "AANKOMST_LOG_FORMAT": "xml"})


def test_other_messages_during_a_request_carry_its_id(json_app, capsys):
    import logging

    @json_app.get("/test-only/log")
    def write_a_warning():
        logging.getLogger("onboarding.test_only").warning("something odd")
        return "ok"

    capsys.readouterr()
    json_app.test_client().get("/test-only/log", headers={"X-Request-ID": "req-42"})
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [warning] = [line for line in lines if line["logger"] == "onboarding.test_only"]
    assert warning["message"] == "something odd" and warning["level"] == "warning"
    assert warning["request_id"] == "req-42"


def test_a_failed_request_logs_its_route_but_not_its_path_or_the_values_it_wrote(other_app, capsys):
    app = other_app(AANKOMST_LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.post("/test-only/fail/<secret>")
    @csrf.exempt
    def store_a_note_and_fail(secret):
        # Every other column of newcomer is required: the database refuses the row.
        db.session.execute(
            text("INSERT INTO newcomer (recovery_hash) VALUES (:note)"), {"note": NOTE}
        )

    capsys.readouterr()
    client = app.test_client()
    secret = uuid.uuid4().hex
    answer = client.post(f"/test-only/fail/{secret}", headers={"X-Request-ID": "fail-1"})
    assert answer.status_code == 500
    captured = capsys.readouterr().err
    lines = [json.loads(x) for x in captured.splitlines() if x.startswith("{")]
    [failure] = [line for line in lines if line["level"] == "error"]
    assert failure["message"] == "Exception on POST /test-only/fail/<secret>"
    assert failure["request_id"] == "fail-1"
    # PostgreSQL's own message quotes the failing row, note and all: only names and codes stay.
    exception = failure["exception"]
    assert "sqlalchemy.exc.IntegrityError: statement: INSERT INTO newcomer" in exception
    assert "in store_a_note_and_fail" in exception
    assert "Jansen-geheim-7731" not in captured and secret not in captured
    [line] = request_lines(captured)
    assert line["status"] == 500 and line["route"] == "/test-only/fail/<secret>"


def test_a_logged_traceback_keeps_messages_but_not_what_a_database_said():
    def fail():
        try:
            raise sqlite3.IntegrityError(f"constraint failed for {NOTE}")
        except sqlite3.Error as error:
            raise RuntimeError("the reminder run stopped") from error

    try:
        fail()
    except RuntimeError as error:
        text = traceback_without_values(error)
    assert text.startswith("Traceback (most recent call last):")
    assert "sqlite3.IntegrityError: message left out" in text
    assert "The above exception led to the following exception:" in text
    assert text.endswith("builtins.RuntimeError: the reminder run stopped")
    assert "in fail" in text and "Jansen-geheim-7731" not in text


def test_a_statement_error_does_not_list_the_values_it_was_given(ctx):
    """For whatever prints an error as it is (a text log, RQ's log of a failed job)."""
    with pytest.raises(IntegrityError) as raised:
        db.session.execute(
            text("INSERT INTO newcomer (recovery_hash) VALUES (:note)"), {"note": NOTE}
        )
    db.session.rollback()
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
