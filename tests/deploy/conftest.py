"""The whole production setup, started once for tests/deploy (see stack.py): in CI it must run,
so a missing program fails there; elsewhere the tests are skipped."""

from http.cookiejar import DefaultCookiePolicy

import pytest
import requests
from sqlalchemy.pool import NullPool

from ..conftest import IN_CI, VAPID_PRIVATE_KEY, VAPID_SUBJECT, join_body, make_app

# The push tests' stand-in push service is a real server on 127.0.0.1: the RQ worker reaches it.
from ..push.conftest import receiver  # noqa: F401
from .stack import Stack, keep_cookies, missing_programs


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "deploy: nginx, two gunicorn instances, PostgreSQL, Redis and the RQ worker"
    )


# Started once for this package and ended with it, so the rest of the suite does not run next
# to idle servers.
@pytest.fixture(scope="package")
def stack():
    missing = missing_programs()
    if missing:
        message = f"the deploy test needs {', '.join(missing)}"
        if IN_CI:
            pytest.fail(f"{message}: `make test` installs nginx (the nginx target)")
        pytest.skip(message)
    running = Stack.start(VAPID_PRIVATE_KEY, VAPID_SUBJECT)
    yield running
    running.close()


@pytest.fixture
def running(stack):
    """The stack, checked before and after each test: no process may have ended."""
    stack.check_running()
    yield stack
    stack.check_running()


@pytest.fixture(scope="package")
def seed(stack):
    """Locations, join codes and staff written straight into the stack's database, as the
    `location create`, `codes issue` and `staff create` commands would."""
    # No pool: a connection kept from before a database restart would fail once.
    app = make_app(stack.database_url, SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    yield Seed(app)
    from onboarding.extensions import db

    with app.app_context():
        db.engine.dispose()


class Seed:
    """Makes what a test needs with the services, in an app of the test process."""

    def __init__(self, app):
        self.app = app
        self.counter = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def location(self) -> int:
        from onboarding.staff.services import create_location
        from onboarding.transactions import commit

        with self.app.app_context():
            location_id = create_location(f"Deploy house {self._next()}", "Noordwijk").id
            commit()
        return location_id

    def code(self, location_id: int | None = None) -> str:
        from onboarding.codes.services import issue_codes
        from onboarding.extensions import db
        from onboarding.staff.models import Location
        from onboarding.transactions import commit

        location_id = location_id or self.location()
        with self.app.app_context():
            [(_code, token)] = issue_codes(db.session.get(Location, location_id))
            commit()
        return token

    def staff(self, role: str, password: str) -> str:
        from onboarding.extensions import db
        from onboarding.staff.services import create_staff

        email = f"{role}{self._next()}@deploy.example.org"
        with self.app.app_context():
            create_staff(email, password, role, [])
            db.session.commit()
        return email


class Device(requests.Session):
    """One phone: its cookies and CSRF token, sent to any of the stack's addresses (as one
    origin's would go to nginx and from there to either instance).

    The cookies are kept by hand, by name: the cookie jar of `requests` drops a cookie that has
    expired by the test's clock, which libfaketime moves (`make test-dates`) while the app's
    clock is the real one."""

    def __init__(self):
        super().__init__()
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.jar: dict[str, str] = {}

    def request(self, method, url, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.jar.items())
        answer = super().request(method, url, headers=headers, **kwargs)
        keep_cookies(self.jar, answer)
        return answer

    def csrf(self, base: str) -> str:
        answer = self.get(f"{base}/api/v1/csrf", timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["csrf_token"]

    def call(self, method: str, url: str, base: str, json=None, csrf: str | None = None):
        headers = {"X-CSRFToken": csrf or self.csrf(base)}
        return self.request(method, f"{base}{url}", json=json, headers=headers, timeout=30)


@pytest.fixture
def join(running, seed):
    """A newcomer who joined through `base`; returns the Device."""

    def factory(base: str, location_id: int | None = None, **overrides) -> Device:
        device = Device()
        body = join_body(seed.code(location_id), arrival_date=running.server_today(), **overrides)
        answer = device.call("POST", "/api/v1/join", base, body)
        assert answer.status_code == 201, answer.text
        return device

    return factory
