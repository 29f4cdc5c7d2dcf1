"""`make fuzz`: Schemathesis against /api/openapi.json, the app in process (WSGI), on a throw-away
database: SQLite in a temporary folder, or TEST_DATABASE_URL (emptied first, as the suite does).

The world it fuzzes is made through the API where it can be: a house with a coordinator and an
admin; a newcomer who is an approved buddy with a match and two requests to answer, who has a
buddy, a request nobody took and questions; other newcomers' questions; spare join codes. Every
generated case is sent by four long-lived sessions: anonymous, that newcomer, the coordinator and
the admin. Half the cases carry real ids, keys, codes and passwords of this world instead of
made-up ones (see `World.known`), so they get past 404, 401 and 400."""

import shutil
import socket
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from onboarding.buddies.models import BuddyProfile
from onboarding.checkins.services import CHECKINS
from onboarding.clock import today_in_amsterdam
from onboarding.codes.services import issue_codes
from onboarding.content import current_pack
from onboarding.extensions import db
from onboarding.questions.models import Question
from onboarding.staff.models import Location
from onboarding.staff.services import create_location, create_staff
from onboarding.transactions import commit
from tests.conftest import STAFF_PASSWORD, TEST_DATABASE_URL, build_schema, join_body, make_app
from tests.push.conftest import Device, Receiver

ROLES = ("anonymous", "newcomer", "coordinator", "admin")
# Calls that end the session they are sent with, or start another one: each gets a fresh
# session of the role, so the four long-lived ones mean the same thing until the end.
SESSION_OPERATIONS = {
    ("POST", "/api/v1/join"),
    ("POST", "/api/v1/recover"),
    ("POST", "/api/v1/logout"),
    ("DELETE", "/api/v1/me"),
    ("POST", "/api/v1/staff/login"),
    ("POST", "/api/v1/staff/logout"),
}
# The fuzzer's failed logins and unknown codes (from the test client's 127.0.0.1) earn the
# documented 429; sessions sign in from another address so they are never locked out.
SIGN_IN_ADDRESS = "127.0.0.2"

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    """The fuzzer makes up push addresses; in this process no name resolves and nothing but
    loopback is reached, so a push sent to a made-up subscription never leaves the machine."""
    if host in ("localhost", "127.0.0.1", "::1"):
        return _real_getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "the fuzz run resolves no names")


class World:
    """The app, its four sessions, and the names of things that exist in it."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="aankomst-fuzz-")
        self.app = make_app(TEST_DATABASE_URL or f"sqlite:///{Path(self.folder) / 'fuzz.db'}")
        # Per operation, how many answers of each class (2 for 2xx, 4 for 4xx).
        self.answers: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.known: dict[str, list] = {}

    def build(self) -> None:
        """An empty database, then the world through the API where it can be."""
        self.started = time.monotonic()
        build_schema(self.app.config["SQLALCHEMY_DATABASE_URI"])
        with self.app.app_context():
            self.home = create_location("Fuzz house", "Noordwijkerhout").id
            create_location("Other house", "Noordwijk")
            house = db.session.get(Location, self.home)
            # The fuzzer signs in as a third account of its own: whatever it locks out, the
            # sessions' accounts stay usable.
            self.staff = {
                name: f"{name}@fuzz.example" for name in ("coordinator", "admin", "fuzzer")
            }
            create_staff(self.staff["admin"], STAFF_PASSWORD, "admin", [], ["pl"])
            for name in ("coordinator", "fuzzer"):
                create_staff(self.staff[name], STAFF_PASSWORD, "coordinator", [house], ["pl"])
            [(_code, self.group_token)] = issue_codes(house, max_uses=10_000)
            commit()
        self.sessions = {role: self.fresh(role) for role in ROLES}
        self._build_buddies()
        self.known = self._known()

    def close(self) -> None:
        """Let go of the database, and delete the SQLite one."""
        with self.app.app_context():
            db.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def client(self):
        """A new browser."""
        return self.app.test_client()

    def send(self, client, method: str, path: str, json=None, status: int = 200):
        """One API call with the session's CSRF token; the world must be built as planned."""
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        answer = client.open(
            path, method=method, json=json, headers={"X-CSRFToken": token}, buffered=True
        )
        assert answer.status_code == status, (method, path, answer.get_data(as_text=True))
        return answer.get_json()

    def join(self, **overrides):
        """A newcomer at the fuzz house, signed in on a new browser; (browser, recovery code)."""
        with self.app.app_context():
            [(_code, token)] = issue_codes(db.session.get(Location, self.home))
            commit()
        client = self.client()
        arrived = (today_in_amsterdam() - timedelta(days=10)).isoformat()
        body = join_body(token, arrival_date=arrived, **overrides)
        answer = self.send(client, "POST", "/api/v1/join", body, status=201)
        return client, answer["recovery_code"]

    def fresh(self, role: str):
        """A new session of this role."""
        if role == "anonymous":
            return self.client()
        if role == "newcomer":
            return self.join(nickname="Ola")[0]
        client = self.client()
        client.environ_base["REMOTE_ADDR"] = SIGN_IN_ADDRESS
        credentials = {"email": self.staff[role], "password": STAFF_PASSWORD}
        self.send(client, "POST", "/api/v1/staff/login", credentials)
        client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
        return client

    def _offer_to_help(self, client, capacity: int) -> None:
        """Make this newcomer a buddy, approved by the admin."""
        profile = {
            "languages": ["pl", "en"],
            "location_id": self.home,
            "topics": ["register_gp", "bike_route"],
            "availability": ["weekend", "weekday_evening"],
            "capacity": capacity,
            "contact": "+31 6 1111 2222 (Signal)",
        }
        user_id = self.send(client, "PUT", "/api/v1/buddy/profile", profile)["user_id"]
        self.send(self.sessions["admin"], "POST", f"/api/v1/buddy/approve/{user_id}", status=204)

    def _accept_first_offer(self, buddy) -> None:
        offer = self.send(buddy, "GET", "/api/v1/buddy/requests")["received"][0]
        self.send(buddy, "POST", f"/api/v1/buddy/offers/{offer['id']}/accept")

    def _build_buddies(self) -> None:
        """The newcomer helps Ana (accepted) and is asked by Ben and Cas (pending, room for
        one more); Marek helps the newcomer (accepted, and so full), and the newcomer's second
        request finds nobody (unmatched). Five questions wait for an answer, two of them the
        newcomer's."""
        newcomer = self.sessions["newcomer"]
        self._offer_to_help(newcomer, capacity=2)
        ask = {"topics": ["register_gp"], "contact": "ola@example.org", "availability": ["weekend"]}
        for name in ("Ana", "Ben", "Cas"):
            asker = self.join(nickname=name)[0]
            self.send(asker, "POST", "/api/v1/buddy/requests", ask, status=201)
            self.send(asker, "POST", "/api/v1/questions", {"text": "Where is the town hall?"}, 201)
        self._accept_first_offer(newcomer)
        marek, self.recovery_code = self.join(nickname="Marek")
        self._offer_to_help(marek, capacity=1)
        self.send(newcomer, "POST", "/api/v1/buddy/requests", ask, status=201)
        self._accept_first_offer(marek)
        second = self.send(newcomer, "POST", "/api/v1/buddy/requests", ask, status=201)
        assert second["state"] == "unmatched", second
        for text in ("Where do I register?", "Which doctor takes new patients?"):
            self.send(newcomer, "POST", "/api/v1/questions", {"text": text}, status=201)

    def _known(self) -> dict[str, list]:
        """Real values for path and query parameters and body fields, by name: the newcomer's
        buddy requests and offers, everyone's questions, the buddies, spare codes, step and
        check-in keys, the sign-in secrets and a push subscription."""
        newcomer, coordinator = self.sessions["newcomer"], self.sessions["coordinator"]
        buddy = self.send(newcomer, "GET", "/api/v1/buddy/requests")
        issue = {"location_id": self.home, "count": 3}
        codes = self.send(coordinator, "POST", "/api/v1/codes", issue, status=201)["codes"]
        with self.app.app_context():
            buddies = list(db.session.scalars(select(BuddyProfile.user_id)))
            questions = list(db.session.scalars(select(Question.id)))
        with self.app.test_request_context():
            steps = [step.key for step in current_pack().steps]
        # A push service on the discard port: sending to it fails at once, locally.
        push = Device(Receiver(url="http://127.0.0.1:9"), "fuzz").subscription()
        return {
            "offer_id": [offer["id"] for offer in buddy["received"]],
            "request_id": [request["id"] for request in buddy["made"]],
            "question_id": questions,
            "user_id": buddies,
            "code_id": [code["id"] for code in codes],
            "key": steps + [checkin.key for checkin in CHECKINS],
            "location_id": [self.home],
            "token": [self.group_token],
            "recovery_code": [self.recovery_code],
            "email": [self.staff["fuzzer"]],
            "password": [STAFF_PASSWORD],
            "endpoint": [push["endpoint"]],
            "keys": [push["keys"]],
        }


# Made when pytest loads this file, so the test module can load the app's OpenAPI document.
WORLD = World()


@pytest.fixture(scope="session")
def world():
    """The world, built once for the whole run."""
    socket.getaddrinfo = _loopback_only
    WORLD.build()
    yield WORLD
    WORLD.close()
    socket.getaddrinfo = _real_getaddrinfo


def pytest_terminal_summary(terminalreporter):
    """Operations, answers and time, for the record; operations no session got a 2xx from
    were only ever refused."""
    if not WORLD.answers:
        return
    minutes, seconds = divmod(round(time.monotonic() - WORLD.started), 60)
    total = sum(WORLD.answers.values(), Counter())
    classes = ", ".join(f"{count} {status}xx" for status, count in sorted(total.items()))
    write = terminalreporter.write_line
    write(
        f"fuzz: {len(WORLD.answers)} operations, {total.total()} calls ({classes}) in "
        f"{minutes} min {seconds} s; each case sent as {', '.join(ROLES)}"
    )
    refused = sorted(name for name, answers in WORLD.answers.items() if not answers[2])
    if refused:
        write(f"fuzz: never a 2xx from {', '.join(refused)}")
