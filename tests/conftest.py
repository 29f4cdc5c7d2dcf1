"""Fixtures: an app per test on a clean database (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), clients that speak the CSRF protocol, and factories."""

import os
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from onboarding import create_app
from onboarding.clock import today_in_amsterdam
from onboarding.extensions import db
from onboarding.push.keys import generate_keys
from onboarding.transactions import commit

if "faketime" in os.environ.get("LD_PRELOAD", ""):
    # `make test-dates` moves the clock with Debian's libfaketime 0.9.10. With the monotonic
    # clock left real (FAKETIME_DONT_FAKE_MONOTONIC=1, else every lock timeout hangs), it still
    # shifts the absolute monotonic deadline Python's time.sleep passes to clock_nanosleep, which
    # then fails with EINVAL. Sleeping on an Event uses the real monotonic clock, as it should.
    def _sleep(seconds: float) -> None:
        if seconds > 0:
            threading.Event().wait(seconds)

    time.sleep = _sleep

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


# One VAPID key pair for the whole test run; the push tests check signatures against it.
VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY = generate_keys()
VAPID_SUBJECT = "mailto:push-test@aankomst.example"


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-for-aankomst",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AANKOMST_PUBLIC_URL": "https://aankomst.example",
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "VAPID_PRIVATE_KEY": VAPID_PRIVATE_KEY,
        "VAPID_SUBJECT": VAPID_SUBJECT,
        # The stand-in push service listens on 127.0.0.1.
        "AANKOMST_PUSH_ALLOW_INSECURE": True,
    }
    config.update(overrides)
    return create_app(config)


def build_schema(database_url: str) -> None:
    """Build the schema from nothing, through the migrations, as production does (the fuzz
    run in fuzz/ uses it too)."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _schema(database_url):
    """The schema, built once for the whole run."""
    build_schema(database_url)
    return database_url


@pytest.fixture
def app(_schema):
    """A fresh app; no context stays pushed, so every request gets its own session."""
    app = make_app(_schema)
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def other_app(_schema):
    """Apps with other settings on the test database; their connections close afterwards."""
    apps = []

    def factory(database_url=None, **overrides):
        apps.append(make_app(database_url or _schema, **overrides))
        return apps[-1]

    yield factory
    for extra in apps:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly, without HTTP."""
    with app.app_context():
        yield app


_DOCUMENT = {}


def documented(app, response):
    """Check an API answer against the OpenAPI document: a status the document lists for that
    operation, and a body that matches its schema. Paths it does not describe are left alone."""
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

    request = response.request
    if not request.path.startswith("/api/v1/"):
        return response
    if "spec" not in _DOCUMENT:
        from onboarding.api.openapi import openapi_document

        with app.app_context():
            _DOCUMENT["spec"] = OpenAPI.from_dict(openapi_document())

    class Answered(WerkzeugOpenAPIRequest):
        body = None  # the app read it already; an answer is checked without it

    try:
        _DOCUMENT["spec"].validate_response(Answered(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        pass
    except Exception as error:  # any other mismatch is a gap in the document, or in the code
        detail = getattr(error, "__cause__", None) or error
        raise AssertionError(
            f"{request.method} {request.path} -> {response.status_code} does not match the "
            f"OpenAPI document: {error!r} {detail!r} {response.get_data(as_text=True)[:300]}"
        ) from error
    return response


class ApiClient:
    """A test client that fetches a CSRF token and sends it on unsafe requests; every API
    answer is checked against the OpenAPI document."""

    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        return self.client.get("/api/v1/csrf").get_json()["csrf_token"]

    # buffered: the response is closed once read, as a real server does, so work queued to
    # run after the response (push notifications) happens before the call returns.
    def get(self, path, **kwargs):
        return documented(self.client.application, self.client.get(path, buffered=True, **kwargs))

    def _unsafe(self, method, path, json=None, headers=None, **kwargs):
        headers = {"X-CSRFToken": self.token(), **(headers or {})}
        return documented(
            self.client.application,
            self.client.open(
                path, method=method, json=json, headers=headers, buffered=True, **kwargs
            ),
        )

    def post(self, path, json=None, **kwargs):
        return self._unsafe("POST", path, json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self._unsafe("PATCH", path, json, **kwargs)

    def delete(self, path, json=None, **kwargs):
        return self._unsafe("DELETE", path, json, **kwargs)

    def call(self, method: str, path: str, body=None):
        """GET, FORM (a browser form post) or any API method, as the access tables list them."""
        if method == "GET":
            return self.get(path)
        if method == "FORM":
            return self.form(path, body)
        return self._unsafe(method, path, body)

    def form(self, path, data, **kwargs):
        """Submit a form the way a browser does: with the page's CSRF token."""
        return self.client.post(
            path, data={"csrf_token": self.token(), **data}, buffered=True, **kwargs
        )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(app):
    return ApiClient(app.test_client())


@pytest.fixture
def make_api(app):
    """More independent devices (browsers) in one test."""
    return lambda: ApiClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_location(app):
    """Create a housing location; returns its id."""
    from onboarding.staff.services import create_location

    counter = iter(range(1, 10_000))

    def factory(name=None, village="Noordwijkerhout"):
        with app.app_context():
            location_id = create_location(name or f"House {next(counter)}", village).id
            commit()
            return location_id

    return factory


@pytest.fixture
def make_code(app, make_location):
    """Issue a code (for a new location unless one is given); returns the plain token."""
    from onboarding.codes.services import issue_codes
    from onboarding.staff.models import Location

    def factory(location_id=None, **kwargs):
        location_id = location_id or make_location()
        with app.app_context():
            [(_code, token)] = issue_codes(db.session.get(Location, location_id), **kwargs)
            commit()
        return token

    return factory


def join_body(token: str, **overrides) -> dict:
    body = {
        "token": token,
        "language": "pl",
        "arrival_date": today_in_amsterdam().isoformat(),
        "stay_plan": "medium",
    }
    body.update(overrides)
    return body


@pytest.fixture
def joined(api, make_code):
    """An API client signed in as a fresh newcomer; returns (client, recovery_code)."""

    def factory(client=None, **overrides):
        client = client or api
        response = client.post("/api/v1/join", json=join_body(make_code(), **overrides))
        assert response.status_code == 201, response.get_json()
        return client, response.get_json()["recovery_code"]

    return factory


@pytest.fixture
def newcomer_client(joined):
    client, _recovery = joined()
    return client


@pytest.fixture
def live_server(app):
    """The app on a real threaded HTTP server, for parallel requests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = False  # closing waits for requests still running
    server.block_on_close = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def translated(app, locale: str, msgid: str, **variables) -> str:
    """The catalog's translation; fails if the catalog has none (so tests prove translation)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        text = gettext(msgid, **variables)
    if locale != "en":
        assert text != (msgid % variables if variables else msgid), (locale, msgid)
    return text


@pytest.fixture
def make_newcomer(ctx):
    """A newcomer created through the join service, inside the test's app context.

    Everything happens in the test's own session: on SQLite a second session would wait
    for the write lock the first one holds."""
    from onboarding.accounts.inputs import Profile
    from onboarding.accounts.services import join
    from onboarding.codes.services import issue_codes
    from onboarding.staff.services import create_location

    location = create_location("Test house", "Noordwijk")

    def factory(**fields):
        profile = Profile(
            language=fields.pop("language", "en"),
            arrival_date=fields.pop("arrival_date", date(2026, 11, 23)),
            stay_plan=fields.pop("stay_plan", "medium"),
            **fields,
        )
        [(_code, token)] = issue_codes(location)
        newcomer, _recovery = join(token, profile)
        return newcomer

    return factory


STAFF_PASSWORD = "correct horse battery"


@pytest.fixture
def make_staff(app):
    """A staff account; returns its email."""
    from onboarding.staff.models import Location
    from onboarding.staff.services import create_staff

    counter = iter(range(1, 10_000))

    def factory(role="coordinator", location_ids=(), email=None, active=True):
        email = email or f"{role}{next(counter)}@example.org"
        with app.app_context():
            locations = [db.session.get(Location, i) for i in location_ids]
            staff = create_staff(email, STAFF_PASSWORD, role, locations)
            staff.active = active
            db.session.commit()
        return email

    return factory


@pytest.fixture
def staff_client(app, make_staff):
    """An API client logged in as a new staff member."""

    def factory(role="coordinator", location_ids=()):
        client = ApiClient(app.test_client())
        email = make_staff(role, location_ids)
        answer = client.post(
            "/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD}
        )
        assert answer.status_code == 200, answer.get_json()
        return client

    return factory
