"""A bounded soak run: mixed traffic from concurrent phones for five minutes (by default)
against the production setup of tests/deploy (nginx in front of two gunicorn instances on their
own PostgreSQL and Redis, and the RQ worker), then a check in the database that every sync op
the server accepted is stored once and that every step ended as the sync rules say. Writes its
section of BENCHMARKS.md; exits 1 on any 5xx, connection error, status the OpenAPI document
does not name, unexpected sync result or difference in the database.

Each phone joins with a group code, then sends one request after the other without pausing:
the checklist (API and page), step pages, step changes (PATCH), offline changes (POST
/api/v1/sync: some ops invalid, some batches sent again, or twice at once through both
instances), a fresh CSRF token, a buddy request. Every so often a thread takes a new phone. A
request goes through nginx (60 %) or straight to one of the instances (20 % each).

Run: .venv/bin/python bench/soak.py [--minutes 5] [--phones 24]
"""

import argparse
import json
import math
import os
import random
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy

import requests
from common import machine, write_section
from sqlalchemy.pool import NullPool

from onboarding import create_app
from onboarding.accounts.models import STAY_PLANS
from onboarding.checklist.models import STATUSES
from onboarding.i18n import ISO_CODES, LANGUAGES
from onboarding.push.keys import generate_keys
from onboarding.security import hash_token
from tests.deploy.stack import (
    SECRET_KEY,
    Stack,
    keep_cookies,
    missing_programs,
    postgres_bin,
    tail,
)

# What a thread does next, by weight; "join" takes a new phone.
WEIGHTS = {
    "checklist": 24,
    "page": 12,
    "step": 15,
    "sync": 20,
    "patch": 12,
    "csrf": 5,
    "buddy": 4,
    "join": 4,
}
# The documented answers of each kind (from /api/openapi.json); pages answer 200 only.
OPERATIONS = {
    "join": ("post", "/api/v1/join"),
    "csrf": ("get", "/api/v1/csrf"),
    "checklist": ("get", "/api/v1/checklist"),
    "sync": ("post", "/api/v1/sync"),
    "patch": ("patch", "/api/v1/checklist/{key}"),
    "buddy": ("post", "/api/v1/buddy/requests"),
}
SUCCESS = {"join": 201, "buddy": 201}
ACCEPTED = ("applied", "superseded")
# Buddies seeded at each location, by the languages they speak: nobody speaks Bulgarian or
# Romanian, so those newcomers' requests find no buddy.
BUDDY_LANGUAGES = [["pl"], ["pl", "uk"], ["uk"], ["pt"], ["en", "nl"]]
ADMIN_EMAIL, ADMIN_PASSWORD = "soak-admin@example.org", "soak run admin password 0123"
STOP_AFTER_FAILURES = 200
# Lines of the servers' own logs that mean something went wrong.
SERVER_ERRORS = {
    "postgres": ("deadlock", "FATAL", "PANIC"),
    "other": ("[ERROR]", "[CRITICAL]", "Traceback", "[error]", "[crit]", "[alert]", "[emerg]"),
}
TIMEOUT = 30
IDLE_REUSE = 3.0  # seconds; see Load.connection


# --- what was measured -------------------------------------------------------------------------


@dataclass
class Failure:
    kind: str
    status: int | str
    where: str  # request id, method and address
    detail: str


@dataclass
class Record:
    """Every answer's kind, status and time, and what went wrong; shared by all threads (list
    appends are atomic)."""

    samples: list[tuple[str, int | str, float]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    # Sync results and buddy request states, counted per thread (see Load.counts).
    counts: list[Counter] = field(default_factory=list)
    documented: dict[str, set[int]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def answer(self, kind: str, status: int | str, seconds: float, where: str, detail):
        """`detail`: the answer, or the error when there was none (read only on failure)."""
        self.samples.append((kind, status, seconds))
        allowed = self.documented.get(kind, {200})
        if not isinstance(status, int) or status >= 500 or status not in allowed:
            text = detail.text if isinstance(detail, requests.Response) else repr(detail)
            self.failures.append(Failure(kind, status, where, text[:300]))
            if len(self.failures) >= STOP_AFTER_FAILURES:
                self.stop.set()


# --- a phone -----------------------------------------------------------------------------------


@dataclass
class Op:
    body: dict
    valid: bool
    order: tuple  # where its change ranks against the others of this phone (see Phone.take)
    state: str = "unsent"  # unsent, accepted, invalid or unknown (sent, no answer)


@dataclass
class Phone:
    """One newcomer's device: cookies, CSRF token, steps, and everything it changed."""

    number: int
    jar: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    keys: list[str] = field(default_factory=list)
    recovery_hash: str = ""
    # Requests that change something, counted in the order they were answered: the server's
    # clock (one machine) runs the same way, so a later request's "now" is later.
    changes: int = 0
    ops: dict[str, Op] = field(default_factory=dict)
    batches: list[list[str]] = field(default_factory=list)
    ats: set[datetime] = field(default_factory=set)
    # (step, field) -> (order, value) of the change that must be in the database.
    newest: dict[tuple[str, str], tuple[tuple, object]] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)

    def take(self, key: str, values: dict, order: tuple) -> None:
        """A change the server applied by the sync rules: per step and field the newest wins.
        Offline changes from the past rank by their `at` (0, at); a PATCH and an op from a
        clock that runs ahead count as made at the server's now, so they rank by the request
        (1, request, -position in its batch: the first of equal times wins)."""
        for name, value in values.items():
            current = self.newest.get((key, name))
            if current is None or order > current[0]:
                self.newest[(key, name)] = (order, value)


# --- one thread of load ------------------------------------------------------------------------


def _connections() -> requests.Session:
    """Kept-alive connections to one address; cookies go by phone, never through this jar."""
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


class Load:
    """One thread's phones, sending one request after the other until the record says stop."""

    numbers = iter(range(1, 10**9))

    def __init__(self, index: int, stack: Stack, record: Record, setting: dict):
        self.index, self.stack, self.record, self.setting = index, stack, record, setting
        self.rng = random.Random(index)
        # (lane, address) -> connections and when they were last used; lane 1 is the second
        # request of a batch sent twice at once.
        self.connections: dict[tuple[int, str], tuple[requests.Session, float]] = {}
        self.sent = 0
        self.phones: list[Phone] = []
        self.counts = Counter()  # += on a shared Counter could lose counts between threads
        record.counts.append(self.counts)

    def base(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return self.stack.nginx
        return self.stack.instances[0 if roll < 0.8 else 1]

    def connection(self, lane: int, base: str) -> requests.Session:
        """gunicorn closes a connection idle for 5 s (keepalive in deploy/gunicorn.conf.py), and
        a request sent on it at that moment is reset, which a browser would retry. This client
        does not retry: it does not reuse a connection to an instance that has been idle for
        longer than IDLE_REUSE."""
        session, used = self.connections.get((lane, base), (None, 0.0))
        if session is None or (base != self.stack.nginx and time.monotonic() - used > IDLE_REUSE):
            if session is not None:
                session.close()
            session = _connections()
            self.connections[(lane, base)] = (session, time.monotonic())
        return session

    def send(self, phone: Phone, kind: str, method: str, path: str, body=None, base=None, lane=0):
        """One request with the phone's cookies (and CSRF token when it changes something);
        the answer, or None when there was none."""
        self.sent += 1
        request_id = f"soak-{self.index}-{self.sent}-{lane}"
        headers = {"X-Request-ID": request_id}
        if phone.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in phone.jar.items())
        if method != "GET":
            headers["X-CSRFToken"] = phone.csrf
        base = base or self.base()
        where = f"{request_id} {method} {base}"
        started = time.perf_counter()
        try:
            answer = self.connection(lane, base).request(
                method, f"{base}{path}", json=body, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as error:
            self.record.answer(kind, "error", time.perf_counter() - started, where, error)
            return None
        seconds = time.perf_counter() - started
        self.connections[(lane, base)] = (self.connections[(lane, base)][0], time.monotonic())
        keep_cookies(phone.jar, answer)
        self.record.answer(kind, answer.status_code, seconds, where, answer)
        return answer

    def ok(self, answer, kind: str) -> bool:
        return answer is not None and answer.status_code == SUCCESS.get(kind, 200)

    # --- what a phone does ---

    def join(self, token: str, language: str | None = None) -> Phone | None:
        phone = Phone(next(self.numbers))
        base = self.base()
        answer = self.send(phone, "csrf", "GET", "/api/v1/csrf", base=base)
        if not self.ok(answer, "csrf"):
            return None
        phone.csrf = answer.json()["csrf_token"]
        arrival = self.setting["today"] - timedelta(days=self.rng.randint(0, 60))
        body = {
            "token": token,
            "language": language or self.rng.choice(list(LANGUAGES)),
            "arrival_date": arrival.isoformat(),
            "stay_plan": self.rng.choice(STAY_PLANS),
            "nickname": f"Soak {phone.number}",
        }
        answer = self.send(phone, "join", "POST", "/api/v1/join", body, base=base)
        if not self.ok(answer, "join"):
            return None
        joined = answer.json()
        phone.csrf, phone.recovery_hash = joined["csrf_token"], hash_token(joined["recovery_code"])
        answer = self.send(phone, "checklist", "GET", "/api/v1/checklist")
        if not self.ok(answer, "checklist"):
            return None
        phone.keys = [step["key"] for step in answer.json()["steps"]]
        return phone

    def checklist(self, phone: Phone) -> None:
        self.send(phone, "checklist", "GET", "/api/v1/checklist")

    def page(self, phone: Phone) -> None:
        self.send(phone, "page", "GET", "/")

    def step(self, phone: Phone) -> None:
        self.send(phone, "step", "GET", f"/steps/{self.rng.choice(phone.keys)}")

    def csrf(self, phone: Phone) -> None:
        answer = self.send(phone, "csrf", "GET", "/api/v1/csrf")
        if self.ok(answer, "csrf"):
            phone.csrf = answer.json()["csrf_token"]

    def buddy(self, phone: Phone) -> None:
        body = {
            "topics": self.rng.sample(phone.keys, self.rng.randint(1, 2)),
            "contact": f"signal soak-{phone.number}",
        }
        answer = self.send(phone, "buddy", "POST", "/api/v1/buddy/requests", body)
        if self.ok(answer, "buddy"):
            self.counts[f"buddy {answer.json()['state']}"] += 1

    def patch(self, phone: Phone) -> None:
        key = self.rng.choice(phone.keys)
        values = {"note": f"patch {phone.number}-{self.sent}"}
        if self.rng.random() < 0.3:
            values["status"] = self.rng.choice(STATUSES)
        answer = self.send(phone, "patch", "PATCH", f"/api/v1/checklist/{key}", values)
        phone.changes += 1
        if self.ok(answer, "patch"):
            phone.take(key, values, (1, phone.changes, 0))
        else:
            phone.unsure.add(key)

    def _new_ops(self, phone: Phone, ahead: bool) -> list[Op]:
        """1-12 changes made offline: mostly from the past, some from a clock that runs ahead
        (when `ahead`), some the server must refuse (a step not on the list, a status that
        does not exist)."""
        ops = []
        for position in range(self.rng.randint(1, 12)):
            op_id = f"soak.{phone.number}.{len(phone.ops) + len(ops)}"
            roll = self.rng.random()
            body = {"op_id": op_id, "key": self.rng.choice(phone.keys)}
            body["status"] = self.rng.choice(STATUSES)
            if self.rng.random() < 0.5:
                body["note"] = f"sync {op_id}"
            valid = True
            if roll < 0.04:
                body["key"], valid = "no_such_step", False
            elif roll < 0.08:
                body["status"], valid = "finished", False
            if ahead and roll > 0.95:
                at = datetime.now(UTC) + timedelta(days=1)
                order = (1, phone.changes + 1, -position)
            else:
                at = self.setting["started"] - timedelta(seconds=self.rng.uniform(60, 3 * 86400))
                while at in phone.ats:
                    at += timedelta(microseconds=1)
                phone.ats.add(at)
                order = (0, at, 0)
            body["at"] = at.isoformat()
            ops.append(Op(body, valid, order))
        return ops

    def sync(self, phone: Phone) -> None:
        """A batch from the outbox: a new one; one sent before (its answer was lost); or a new
        one sent twice at once through both instances (Background Sync and a reload)."""
        roll = self.rng.random()
        if phone.batches and roll < 0.1:
            ops = [phone.ops[op_id] for op_id in self.rng.choice(phone.batches)]
            twice = False
        else:
            twice = roll > 0.9
            ops = self._new_ops(phone, ahead=not twice)
            phone.ops.update((op.body["op_id"], op) for op in ops)
            phone.batches.append([op.body["op_id"] for op in ops])
        body = {"ops": [op.body for op in ops]}
        if twice:
            bases = self.stack.instances if self.rng.random() < 0.5 else self.stack.instances[::-1]

            def through(lane: int):
                return self.send(phone, "sync", "POST", "/api/v1/sync", body, bases[lane], lane)

            with ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(pool.map(through, (0, 1)))
        else:
            answers = [self.send(phone, "sync", "POST", "/api/v1/sync", body)]
        phone.changes += 1
        self._settle(phone, ops, answers)

    def _settle(self, phone: Phone, ops: list[Op], answers: list) -> None:
        """Check each op's answers against the sync rules and note what must be stored."""
        if not all(self.ok(answer, "sync") for answer in answers):
            for op in ops:
                if op.state == "unsent":
                    op.state = "unknown"
                phone.unsure.add(op.body["key"])
            return
        columns = [answer.json()["results"] for answer in answers]
        for position, op in enumerate(ops):
            results = [column[position] for column in columns]
            op_id = op.body["op_id"]
            if any(result["op_id"] != op_id for result in results):
                self.record.mismatches.append(f"{op_id}: answered as {results}")
                continue
            got = [result["result"] for result in results]
            self.counts.update(got)
            taken = sum(result in ACCEPTED for result in got)
            repeats = got.count("duplicate")
            if not op.valid:
                fine = got.count("invalid") == len(got)
            elif op.state == "accepted":
                fine = repeats == len(got)
            else:  # exactly one answer applies it (unless a lost answer already did)
                fine = repeats == len(got) - taken and (
                    taken == 1 or (taken == 0 and op.state == "unknown")
                )
            if not fine:
                self.record.mismatches.append(f"{op_id} ({op.state}): {got}")
                op.state = "unknown"
                phone.unsure.add(op.body["key"])
            elif not op.valid:
                op.state = "invalid"
            elif op.state != "accepted":
                if op.state == "unsent":
                    values = {name: op.body[name] for name in ("status", "note") if name in op.body}
                    phone.take(op.body["key"], values, op.order)
                op.state = "accepted"

    def run(self) -> None:
        """Until told to stop; a fault of the load generator itself ends the whole run."""
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        try:
            while not self.record.stop.is_set():
                kind = self.rng.choices(kinds, weights)[0]
                if kind == "join" or not self.phones:
                    phone = self.join(self.rng.choice(self.setting["tokens"]))
                    if phone is not None:
                        self.phones.append(phone)
                    continue
                getattr(self, kind)(self.rng.choice(self.phones))
        except Exception:
            self.record.failures.append(Failure("load", "crash", "", traceback.format_exc()))
            self.record.stop.set()


# --- setting up --------------------------------------------------------------------------------


def seed(stack: Stack) -> list[tuple[int, str]]:
    """Two locations with a group code each, and an admin, written with the app's services as
    `location create`, `codes issue` and `staff create` would; returns (location id, code)."""
    from onboarding.codes.services import issue_codes
    from onboarding.extensions import db
    from onboarding.staff.services import create_location, create_staff
    from onboarding.transactions import commit

    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": stack.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
        }
    )
    with app.app_context():
        codes = []
        for number, village in enumerate(("Noordwijk", "Noordwijkerhout"), 1):
            location = create_location(f"Soak house {number}", village)
            [(_code, token)] = issue_codes(location, max_uses=1_000_000)
            codes.append((location.id, token))
        create_staff(ADMIN_EMAIL, ADMIN_PASSWORD, "admin", [])
        commit()
        db.engine.dispose()
    return codes


def seed_buddies(stack: Stack, codes: list[tuple[int, str]], setting: dict) -> int:
    """Approved buddies at both locations (BUDDY_LANGUAGES), through the API."""
    load = Load(-1, stack, Record(), setting)
    for location_id, token in codes:
        for languages in BUDDY_LANGUAGES:
            language = next(code for code in LANGUAGES if ISO_CODES[code] == languages[0])
            buddy = load.join(token, language)
            assert buddy is not None, load.record.failures
            profile = {
                "languages": languages,
                "location_id": location_id,
                "topics": buddy.keys,
                "availability": ["weekday_evening", "weekend"],
                "capacity": 5,
                "contact": f"signal buddy-{buddy.number}",
            }
            answer = load.send(buddy, "profile", "PUT", "/api/v1/buddy/profile", profile)
            assert answer.status_code == 200, answer.text
    admin = Phone(0)
    load.csrf(admin)
    login = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    answer = load.send(admin, "login", "POST", "/api/v1/staff/login", login)
    assert answer.status_code == 200, answer.text
    load.csrf(admin)  # a new session after login
    buddies = [user_id for (user_id,) in stack.sql("SELECT user_id FROM buddy_profile")]
    for user_id in buddies:
        answer = load.send(admin, "approve", "POST", f"/api/v1/buddy/approve/{user_id}")
        assert answer.status_code == 204, answer.text
    return len(buddies)


def documented_statuses(stack: Stack) -> dict[str, set[int]]:
    document = requests.get(f"{stack.nginx}/api/openapi.json", timeout=10).json()
    return {
        kind: {int(status) for status in document["paths"][path][method]["responses"]}
        for kind, (method, path) in OPERATIONS.items()
    }


# --- checking the database ---------------------------------------------------------------------


def check_database(stack: Stack, phones: list[Phone], record: Record) -> dict:
    """Every accepted op_id stored exactly once for its newcomer, no refused one stored, and
    each changed step's status and note as the newest change says."""
    ids = dict(stack.sql("SELECT recovery_hash, id FROM newcomer"))
    stored = defaultdict(list)
    for op_id, newcomer_id in stack.sql("SELECT op_id, newcomer_id FROM sync_op"):
        stored[op_id].append(newcomer_id)
    progress = {
        (newcomer_id, key): {"status": status, "note": note}
        for newcomer_id, key, status, note in stack.sql(
            "SELECT newcomer_id, step_key, status, note FROM step_progress"
        )
    }
    default = {"status": "todo", "note": None}
    figures = Counter()
    known = set()
    for phone in phones:
        newcomer_id = ids.get(phone.recovery_hash)
        if newcomer_id is None:
            record.mismatches.append(f"phone {phone.number}: no newcomer")
            continue
        for op_id, op in phone.ops.items():
            known.add(op_id)
            rows = stored.get(op_id, [])
            figures[op.state] += 1
            if op.state == "accepted" and rows != [newcomer_id]:
                record.mismatches.append(f"{op_id} accepted, sync_op rows for {rows}")
            elif op.state == "invalid" and rows:
                record.mismatches.append(f"{op_id} refused as invalid, yet stored for {rows}")
        figures["unsure steps"] += len(phone.unsure)
        for key in phone.keys:
            if key in phone.unsure:
                continue
            figures["steps checked"] += 1
            row = progress.get((newcomer_id, key), default)
            for name in ("status", "note"):
                expected = phone.newest.get((key, name), (None, default[name]))[1]
                if row[name] != expected:
                    record.mismatches.append(
                        f"phone {phone.number} step {key} {name}: {row[name]!r}, not {expected!r}"
                    )
    unexpected = set(stored) - known
    if unexpected:
        record.mismatches.append(
            f"{len(unexpected)} sync_op rows no phone sent: {sorted(unexpected)[:5]}"
        )
    figures["sync_op rows"] = sum(len(rows) for rows in stored.values())
    return figures


def server_errors(stack: Stack) -> list[str]:
    """The app's error lines (with their tracebacks), gunicorn's and nginx's errors, and
    PostgreSQL's deadlocks and fatal errors (its unique-key errors are how a repeated op_id is
    told apart, so they are left out)."""
    found = []
    for name, log in stack.logs.items():
        if name == "redis" or not log.exists():
            continue
        words = SERVER_ERRORS["postgres" if name == "postgres" else "other"]
        for line in log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if isinstance(entry, dict):
                if entry.get("level") in ("error", "critical") or "exception" in entry:
                    where = f"[{name}] request_id={entry.get('request_id')}"
                    found.append(f"{where} {entry.get('message')}\n{entry.get('exception', '')}")
            elif any(word in line for word in words):
                found.append(f"[{name}] {line}")
    return found


# --- figures -----------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_rows(samples, seconds: float) -> list[str]:
    by_kind = defaultdict(list)
    for kind, status, took in samples:
        by_kind[kind].append((status, took))
    rows = []
    for kind in [*sorted(by_kind), "all"]:
        answers = (
            [item for items in by_kind.values() for item in items]
            if kind == "all"
            else by_kind[kind]
        )
        times = sorted(took * 1000 for _status, took in answers)
        statuses = Counter(status for status, _took in answers)
        shown = ", ".join(
            f"{status}: {count:,}" for status, count in sorted(statuses.items(), key=str)
        )
        count = f"{len(answers):,}" + (
            f" ({len(answers) / seconds:.0f}/s)" if kind == "all" else ""
        )
        name = f"**{kind}**" if kind == "all" else kind
        rows.append(
            f"| {name} | {count} | {shown} | {percentile(times, 0.5):.0f} | "
            f"{percentile(times, 0.95):.0f} | {percentile(times, 0.99):.0f} | {times[-1]:.0f} |"
        )
    return rows


def report(args, record: Record, figures: dict, seconds: float, setup: dict) -> str:
    failures = Counter((failure.kind, failure.status) for failure in record.failures)
    passed = not record.failures and not record.mismatches and not setup["errors"]
    postgres = postgres_bin().parts[-2]
    result = (
        "**passed**: no 5xx, no connection error, every status documented, every sync answer "
        "and stored row as the rules say."
        if passed
        else f"**failed**: {sum(failures.values())} failed requests "
        f"({', '.join(f'{k} {s}: {n}' for (k, s), n in sorted(failures.items(), key=str))}), "
        f"{len(record.mismatches)} differences in sync answers or the database, "
        f"{len(setup['errors'])} error lines in the servers' logs."
    )
    counts = sum(record.counts, Counter())
    return "\n".join(
        line if line.startswith("|") else textwrap.fill(line, 100, break_on_hyphens=False)
        for line in [
            f"Measured {machine()}, a machine shared with other work at the same time (load "
            f"average {setup['load']:.1f} at the start). nginx in front of two gunicorn "
            "instances (`deploy/gunicorn.conf.py`: 2 workers of 1 thread each) on their own "
            f"PostgreSQL {postgres} and Redis, with the RQ worker, as `tests/deploy/stack.py` "
            f"starts them. {args.phones} phones at once for {seconds / 60:.1f} minutes, each "
            "sending its next request as soon as the last is answered (no pause); 60 % through "
            "nginx, 20 % straight to each instance. The load generator (Python threads) runs "
            f"on the same 2 cores and used {setup['cpu']:.0f} s of CPU in the run "
            f"({setup['cpu'] / seconds * 100:.0f} % of one core). Latency in ms, measured by "
            "the load generator.",
            "",
            "| kind | requests | statuses | p50 | p95 | p99 | max |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *latency_rows(record.samples, seconds),
            "",
            "Kinds: join: `POST /api/v1/join` (a group code); csrf: `GET /api/v1/csrf`; "
            "checklist: `GET /api/v1/checklist`; page: the checklist page `/`; step: a step page "
            "`/steps/<key>`; patch: `PATCH /api/v1/checklist/<key>`; sync: `POST /api/v1/sync` "
            "(1–12 ops; a tenth of the batches sent again, a tenth sent twice at once through "
            "both instances); buddy: `POST /api/v1/buddy/requests` "
            f"({setup['buddies']} approved buddies speaking {setup['spoken']}: "
            f"{counts['buddy pending']:,} requests put to a buddy at once, "
            f"{counts['buddy unmatched']:,} with nobody who fits).",
            "",
            f"Sync: {figures['accepted'] + figures['invalid'] + figures['unknown']:,} ops sent "
            f"(answers: {counts['applied']:,} applied, {counts['superseded']:,} superseded, "
            f"{counts['duplicate']:,} duplicate, {counts['invalid']:,} invalid). In the database: "
            f"{figures['accepted']:,} accepted op_ids each in exactly one `sync_op` row of its "
            f"newcomer, none of the {figures['invalid']:,} refused ones, no other rows "
            f"({figures['sync_op rows']:,} in all); status and note of all "
            f"{figures['steps checked']:,} steps of the phones as the newest change says (offline "
            "changes by their time, a PATCH or a clock running ahead at the server's)"
            + (
                f", {figures['unsure steps']} steps left out after a lost answer."
                if figures["unsure steps"]
                else "."
            ),
            "",
            f"Result: {result}",
        ]
    )


# --- the run -----------------------------------------------------------------------------------


def soak(stack: Stack, args) -> int:
    setup = {"load": os.getloadavg()[0]}
    today = date.fromisoformat(stack.server_today())
    record = Record(documented=documented_statuses(stack))
    setting = {"today": today, "started": datetime.now(UTC)}
    codes = seed(stack)
    setting["tokens"] = [token for _location, token in codes]
    setup["buddies"] = seed_buddies(stack, codes, setting)
    setup["spoken"] = ", ".join(sorted({code for codes in BUDDY_LANGUAGES for code in codes}))
    loads = [Load(index, stack, record, setting) for index in range(args.phones)]
    threads = [threading.Thread(target=load.run, daemon=True) for load in loads]
    started, cpu = time.monotonic(), _cpu_seconds()
    try:
        for thread in threads:
            thread.start()
        record.stop.wait(args.minutes * 60)
    finally:
        record.stop.set()
        for thread in threads:
            thread.join(TIMEOUT + 5)
    seconds = time.monotonic() - started
    setup["cpu"] = _cpu_seconds() - cpu
    stack.check_running()
    phones = [phone for load in loads for phone in load.phones]
    figures = check_database(stack, phones, record)
    setup["errors"] = server_errors(stack)
    text = report(args, record, figures, seconds, setup)
    print(text)
    for failure in record.failures[:20]:
        print(f"FAILED {failure.kind} {failure.status} {failure.where}: {failure.detail}")
    for mismatch in record.mismatches[:20]:
        print(f"DIFFERENT {mismatch}")
    for error in setup["errors"][:20]:
        print(error, file=sys.stderr)
    write_section("Soak run (`bench/soak.py`)", text)
    return 0 if not record.failures and not record.mismatches and not setup["errors"] else 1


def _cpu_seconds() -> float:
    """CPU time of this process (the load generator), all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _stop(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--phones", type=int, default=24, help="concurrent phones (threads)")
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        print(f"bench/soak.py needs {', '.join(missing)}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)
    private_key, _public_key = generate_keys()
    stack = Stack.start(private_key, "mailto:soak@aankomst.example")
    try:
        return soak(stack, args)
    except (subprocess.SubprocessError, AssertionError):
        for log in stack.logs.values():
            print(tail(log), file=sys.stderr)
        raise
    finally:
        stack.close()


if __name__ == "__main__":
    sys.exit(main())
