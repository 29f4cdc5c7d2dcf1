"""What a visit costs: a few queries whatever the number of steps, one session write a day per
phone, pack texts translated once per language, and on SQLite pages that only read are not held
up by a request that writes."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import request, request_finished
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select

from onboarding.accounts.models import DeviceSession, Newcomer
from onboarding.content import current_pack
from onboarding.extensions import db
from onboarding.staff.models import Location, StaffUser
from onboarding.transactions import commit, read_only

from ..conftest import STAFF_PASSWORD, ApiClient, join_body, translated

# A Wednesday noon in Amsterdam; every test here freezes the clock before it makes anything.
MOMENT = datetime(2027, 6, 9, 10, 0, tzinfo=UTC)
API_QUERIES, PAGE_QUERIES = 3, 4
# Statements that only frame a transaction; the budget counts the ones that read or write.
FRAMING = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@contextmanager
def watching(app, event_name: str, record) -> Iterator[None]:
    """`record` hears every statement the app's engine runs inside the block."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, event_name, record)
    try:
        yield
    finally:
        event.remove(engine, event_name, record)


@contextmanager
def counted(app):
    """The SQL statements run inside the block (framing left out)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(FRAMING):
            statements.append(statement)

    with watching(app, "before_cursor_execute", record):
        yield statements


def a_location_with_a_contact_card(app, make_location, make_staff) -> int:
    """A location whose checklist page shows the coordinator's line and the languages spoken."""
    location_id = make_location()
    make_staff("coordinator", [location_id])
    with app.app_context():
        location = db.session.get(Location, location_id)
        location.contact_name, location.contact_phone = "Anna", "+31 6 1234 5678"
        for staff in db.session.scalars(select(StaffUser)):
            staff.languages = "pl,uk"
        commit()
    return location_id


def cost(app, client, path: str) -> int:
    with counted(app) as statements:
        answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return len(statements)


@pytest.mark.parametrize("stay_plan", ["short", "settle"])
def test_the_checklist_takes_a_few_queries_whatever_the_number_of_steps(
    app, api, make_code, make_location, make_staff, stay_plan
):
    with time_machine.travel(MOMENT, tick=False):
        location_id = a_location_with_a_contact_card(app, make_location, make_staff)
        body = join_body(make_code(location_id), stay_plan=stay_plan, arrival_date="2027-06-01")
        assert api.post("/api/v1/join", json=body).status_code == 201
        keys = [step["key"] for step in api.get("/api/v1/checklist").get_json()["steps"]]
        page = api.get("/").get_data(as_text=True)
        assert "Anna" in page and 'lang="uk"' in page  # the contact card is on the page
        before = cost(app, api, "/api/v1/checklist"), cost(app, api, "/")
        for number, key in enumerate(keys):
            status = ("doing", "done", "skipped")[number % 3]
            change = {"status": status, "note": f"note {number}", "stuck": number % 2 == 0}
            assert api.patch(f"/api/v1/checklist/{key}", json=change).status_code == 200
        after = cost(app, api, "/api/v1/checklist"), cost(app, api, "/")
    assert len(keys) >= 8
    assert before == after, "the number of queries grows with the steps"
    api_queries, page_queries = after
    assert api_queries <= API_QUERIES
    assert page_queries <= PAGE_QUERIES
    # The session, the steps' progress and the contact card come in one query (a round trip
    # to the database costs more than most of a visit's Python); the page asks a second one
    # only in the weeks a check-in is due (about the check-ins answered or paused).
    assert after == (1, 2)


def test_a_visit_that_only_reads_makes_no_orm_session(app, api, make_api, make_code):
    """The answer and the page read their one query on a connection of their own: making an ORM
    session and closing it again cost a twelfth of the answer's Python. Neither does a refusal
    (401); a change uses one."""
    # A Monday after arrival week: no check-in is open, so the page asks its one query only.
    with time_machine.travel(datetime(2027, 6, 14, 10, 0, tzinfo=UTC), tick=False):
        body = join_body(make_code(), arrival_date="2027-06-14")
        assert api.post("/api/v1/join", json=body).status_code == 201
        key = api.get("/api/v1/checklist").get_json()["steps"][0]["key"]
        used: dict[str, bool] = {}

        def record(_app, response, **_extra):
            used[f"{request.method} {request.path} {response.status_code}"] = (
                db.session.registry.has()
            )

        with request_finished.connected_to(record, app):
            assert api.get("/api/v1/checklist").status_code == 200
            assert cost(app, api, "/") == 1
            assert make_api().get("/api/v1/checklist").status_code == 401
            assert used == {
                "GET /api/v1/checklist 200": False,
                "GET / 200": False,
                "GET /api/v1/checklist 401": False,
            }
            assert api.patch(f"/api/v1/checklist/{key}", json={"status": "done"}).status_code == 200
            assert used[f"PATCH /api/v1/checklist/{key} 200"] is True
        assert api.get("/api/v1/checklist").get_json()["steps"][0]["status"] == "done"


def session_cookie_sent(answer) -> bool:
    return any(h.startswith("aankomst_session=") for h in answer.headers.getlist("Set-Cookie"))


def last_seen(app):
    """When the session and its newcomer were last seen (the purge of inactive accounts reads
    the newcomer's)."""
    with app.app_context():
        both = select(DeviceSession.last_seen_at, Newcomer.last_seen_at).join(Newcomer)
        return tuple(db.session.execute(both).one())


def test_a_session_is_renewed_at_most_once_a_day(app, api, make_code):
    with time_machine.travel(MOMENT, tick=False):
        assert api.post("/api/v1/join", json=join_body(make_code())).status_code == 201
    with time_machine.travel(MOMENT + timedelta(hours=23), tick=False):
        answer = api.get("/api/v1/checklist")
        assert answer.status_code == 200
        assert not session_cookie_sent(answer)
        assert last_seen(app) == (MOMENT, MOMENT)
    renewed_at = MOMENT + timedelta(hours=25)
    with time_machine.travel(renewed_at, tick=False):
        answer = api.get("/api/v1/checklist")
        assert answer.status_code == 200
        assert session_cookie_sent(answer)  # the cookie's expiry moves with the session's
        assert last_seen(app) == (renewed_at, renewed_at)
    with time_machine.travel(renewed_at + timedelta(hours=2), tick=False):
        for path in ("/api/v1/checklist", "/"):
            answer = api.get(path)
            assert answer.status_code == 200 and not session_cookie_sent(answer)
        assert last_seen(app) == (renewed_at, renewed_at)
    # The checklist reads the newcomer as a plain row (reads_with_session), other views as an
    # object: a renewal through either moves both times.
    for days, path in ((2, "/settings"), (3, "/")):
        with time_machine.travel(renewed_at + timedelta(days=days), tick=False):
            answer = api.get(path)
            assert answer.status_code == 200 and session_cookie_sent(answer)
            assert last_seen(app) == (renewed_at + timedelta(days=days),) * 2


@contextmanager
def transaction_states(app):
    """(request method, first word, whether it ran inside a transaction) of each statement run
    in the block."""
    seen: list[tuple[str, str, bool]] = []

    def record(conn, _cursor, statement, *_args):
        driver = conn.connection.driver_connection
        if conn.dialect.name == "postgresql":
            inside = driver.info.transaction_status != TransactionStatus.IDLE
        else:
            inside = driver.in_transaction
        seen.append((request.method, statement.split(None, 1)[0].upper(), inside))

    with watching(app, "after_cursor_execute", record):
        yield seen


def test_reading_needs_no_transaction_on_postgresql_and_writing_has_one(app, api, make_code):
    """On PostgreSQL a page or answer that only reads sends its queries each on their own (no
    BEGIN and COMMIT round trips); on SQLite it reads in one transaction without the write lock.
    A change, and the daily renewal of a session within such a page, write in one transaction."""
    with time_machine.travel(MOMENT, tick=False):
        assert api.post("/api/v1/join", json=join_body(make_code())).status_code == 201
        key = api.get("/api/v1/checklist").get_json()["steps"][0]["key"]
        with transaction_states(app) as reading:
            for path in ("/api/v1/checklist", "/", f"/steps/{key}"):
                assert api.get(path).status_code == 200
        with transaction_states(app) as writing:
            answer = api.patch(f"/api/v1/checklist/{key}", json={"status": "done"})
            assert answer.status_code == 200
    renewal_day = time_machine.travel(MOMENT + timedelta(hours=25), tick=False)
    with renewal_day, transaction_states(app) as renewing:
        answer = api.get("/api/v1/checklist")
        assert answer.status_code == 200 and session_cookie_sent(answer)
    with app.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
    selects = [inside for _method, word, inside in reading if word == "SELECT"]
    assert len(selects) >= 4  # one each for the answer and the page, two for the step page
    assert set(selects) == ({False} if on_postgresql else {True})
    changing = [
        inside for method, word, inside in writing if method == "PATCH" and word not in FRAMING
    ]
    assert len(changing) >= 3 and all(changing)
    updates = [inside for _method, word, inside in renewing if word == "UPDATE"]
    assert len(updates) == 2 and all(updates)  # the session and the newcomer, together


def test_only_a_request_that_changed_something_commits(app, api, make_code):
    """A read-only page or answer ends its reading without a commit (nothing to store); a
    change commits once."""
    with time_machine.travel(MOMENT, tick=False):
        assert api.post("/api/v1/join", json=join_body(make_code())).status_code == 201
        key = api.get("/api/v1/checklist").get_json()["steps"][0]["key"]
        commits: list[str] = []
        with watching(app, "commit", lambda _conn: commits.append(request.method)):
            for path in ("/api/v1/checklist", "/", f"/steps/{key}"):
                assert api.get(path).status_code == 200
            assert commits == []
            answer = api.patch(f"/api/v1/checklist/{key}", json={"status": "done"})
            assert answer.status_code == 200
        assert commits == ["PATCH"]
        assert api.get("/api/v1/checklist").get_json()["steps"][0]["status"] == "done"


def test_pack_texts_are_kept_per_language(app, make_api, make_code):
    """Each reader gets their own language's texts, however many readers came before."""
    titles = {}
    with time_machine.travel(MOMENT, tick=False):
        for language in ("pl", "uk", "pl", "ro"):
            client = make_api()
            body = join_body(make_code(), language=language)
            assert client.post("/api/v1/join", json=body).status_code == 201
            steps = client.get("/api/v1/checklist").get_json()["steps"]
            titles.setdefault(language, []).append(steps[0]["title"])
    with app.app_context():
        english = current_pack().step("register_brp").title
        kept = current_pack().translations
    for language, seen in titles.items():
        assert set(seen) == {seen[0]}
        assert kept[language][english] == translated(app, language, english)
    assert len({seen[0] for seen in titles.values()}) == len(titles)


@pytest.fixture
def sqlite_app(tmp_path, other_app):
    """An app on a SQLite file of its own, with a short busy timeout."""
    path = tmp_path / "readers.db"
    app = other_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=50)

    @app.get("/test/writes-while-reading")
    @read_only
    def writes_while_reading():
        db.session.add(Location(name="Written while reading", village="Noordwijk"))
        db.session.flush()
        return "written"

    @app.get("/test/writes-at-the-end")
    @read_only
    def writes_at_the_end():
        db.session.add(Location(name="Written at the end", village="Noordwijk"))
        return "written"

    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    app.sqlite_path = path
    return app


def joined_on(app) -> ApiClient:
    from onboarding.codes.services import issue_codes
    from onboarding.staff.services import create_location

    with app.app_context():
        [(_code, token)] = issue_codes(create_location("Readers", "Noordwijk"))
        commit()
    client = ApiClient(app.test_client())
    assert client.post("/api/v1/join", json=join_body(token)).status_code == 201
    return client


def test_on_sqlite_pages_that_only_read_are_answered_while_another_request_writes(sqlite_app):
    with time_machine.travel(MOMENT, tick=False):
        phone = joined_on(sqlite_app)
        key = phone.get("/api/v1/checklist").get_json()["steps"][0]["key"]
        writer = sqlite3.connect(sqlite_app.sqlite_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            for path in ("/api/v1/checklist", "/", f"/steps/{key}", "/help", "/api/v1/csrf"):
                assert phone.get(path).status_code == 200, path
            # A change still waits for the write lock, and past the busy timeout says so.
            change = phone.patch(f"/api/v1/checklist/{key}", json={"status": "done"})
            assert change.status_code == 503
            assert change.get_json()["error"]["code"] == "busy"
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert phone.patch(f"/api/v1/checklist/{key}", json={"status": "done"}).status_code == 200


@pytest.mark.parametrize("path", ["/test/writes-while-reading", "/test/writes-at-the-end"])
def test_on_sqlite_a_write_in_a_page_marked_read_only_fails_every_time(sqlite_app, path):
    """Sent at once or left for the commit point: either way refused, never lost in silence."""
    client = sqlite_app.test_client()
    answer = client.get(path)
    assert answer.status_code == 503
    with sqlite_app.app_context():
        assert db.session.scalar(select(Location).where(Location.name.like("Written%"))) is None
    # The connection goes back to writing for the next request that may write.
    staff = ApiClient(sqlite_app.test_client())
    with sqlite_app.app_context():
        from onboarding.staff.services import create_staff

        create_staff("reader@example.org", STAFF_PASSWORD, "admin", [])
        commit()
    answer = staff.post(
        "/api/v1/staff/login", json={"email": "reader@example.org", "password": STAFF_PASSWORD}
    )
    assert answer.status_code == 200
