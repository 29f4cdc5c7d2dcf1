"""Requests per second of the checklist API and page beside a bare Flask hello, all three served
by gunicorn with deploy/gunicorn.conf.py on loopback and loaded by Debian's wrk, on PostgreSQL
and SQLite; and SQL statements per request. Writes its section of BENCHMARKS.md.

Trustworthy before fast: the three targets are measured in rounds, interleaved (hello, API,
page, hello, ...), each run after a warm-up at the same load, so that whatever else the machine
does hits them alike; the figures are the medians of the rounds. The newcomer joins through the
API with a code issued in the database, in Polish, and changes three steps; wrk sends their
session cookie. A run counts only if every response was 2xx and the responses were, on average,
as long as one checked before (a lost session answers a fast 401, 302 or start page instead).

Run: .venv/bin/python bench/throughput.py [--seconds 10] [--rounds 3] [--warmup 3]
         [--database {postgres,sqlite,both}] [--database-url URL]
     PostgreSQL: a throw-away database on the local server, created and dropped; with
     --database-url an existing PostgreSQL database instead, migrated and left with the bench's
     location, code and newcomer in it. SQLite: a file in a temporary folder.
     Exit status: 0 all targets met, 1 a target missed, 2 the measurement failed.
"""

import argparse
import http.client
import os
import re
import runpy
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import psycopg
import requests
from common import ROOT, machine, write_section
from flask import Flask
from sqlalchemy import event, make_url, text

from onboarding import create_app
from onboarding.checklist.models import STUCK_CATEGORIES
from onboarding.codes.services import issue_codes
from onboarding.extensions import db
from onboarding.staff.services import create_location
from onboarding.transactions import commit

WRK = "/usr/bin/wrk"
BIN = ROOT / ".venv" / "bin"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Fixed, so that a session cookie is valid in every worker; 48 characters, as production asks.
SECRET_KEY = "throughput-bench-6Qm2x9Lk4Rt7Vb1Nc8Zd3Hs5Jf0Pw2Y"
WORKERS, WRK_THREADS, WRK_CONNECTIONS = 2, 2, 16
RATIO_TARGETS = {"API": 0.25, "page": 0.15}
STATEMENT_LIMITS = {"API": 3, "page": 4}
# How far the average response may be from the checked one: the checklist's answers differ
# between requests only in a few bytes (cookie, request id), a 302 or the start page by far more.
SIZE_TOLERANCE = 0.03
IN_PROCESS_REQUESTS = 100
# Not queries: transaction control and SQLite connection settings (listed, not counted).
NOT_COUNTED = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"}
TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
BYTE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


class BenchError(RuntimeError):
    """The measurement cannot be trusted or did not run; the message says why."""


@dataclass(frozen=True)
class Server:
    base: str
    # gunicorn's process group (master and workers), whose CPU time a run reads.
    group: int


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    # Text only the intended answer has: the checklist, not the start page or an error.
    marker: str
    server: Server


@dataclass(frozen=True)
class WrkRun:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    bytes_read: float
    non_2xx: int
    socket_errors: int
    cpu_ms: float = 0.0  # the server's CPU time per request


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return ""
    return f"\n--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def app_environment(database_url: str) -> dict[str, str]:
    """The production recipe's variables, and nothing else from this shell. HTTPS-only cookies
    do not matter: wrk sends the cookie it is given."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "AANKOMST_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "AANKOMST_PROXY_FIX": "1",
        "AANKOMST_LOG_FORMAT": "json",
        "WEB_CONCURRENCY": str(WORKERS),
    }


def gunicorn_settings() -> dict:
    """deploy/gunicorn.conf.py as the app processes read it."""
    with mock.patch.dict(os.environ, app_environment(""), clear=True):
        return runpy.run_path(str(GUNICORN_CONF))


def run_logged(name: str, command: list[str], env: dict, folder: Path) -> None:
    log = folder / f"{name}.log"
    with log.open("ab") as out:
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300
        )
    if done.returncode:
        raise BenchError(f"{' '.join(command)} failed ({done.returncode}){tail(log)}")


@contextmanager
def gunicorn(name: str, app: str, env: dict, folder: Path) -> Iterator[Server]:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port, its output (errors and
    the app's JSON request lines) in a log file; stopped at the end."""
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF), app],
            cwd=ROOT, env={**env, "AANKOMST_BIND": f"127.0.0.1:{port}"}, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"gunicorn {app} ended ({process.returncode}){tail(log)}")
            try:
                if requests.get(f"{base}/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn {app} did not answer within 60 s{tail(log)}")
            time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        stop(process)


def group_cpu_seconds(group: int) -> float:
    """User and system CPU time of the live processes of a process group (from /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After "(command)": state, ppid, pgrp, ... utime and stime are the 12th and 13th.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen) -> None:
    """End gunicorn and its workers (their own process group), by force if they linger."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


# --- databases ---------------------------------------------------------------------------------


@contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    """A new database on the server of `server_url`; dropped at the end, connections or not."""
    server = make_url(server_url)
    name = f"aankomst_throughput_{os.getpid()}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind: str, existing: str | None, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'throughput.db'}"
    elif existing:
        yield existing
    else:
        with throwaway_postgres(POSTGRES_SERVER) as url:
            yield url


def prepare(url: str, folder: Path) -> tuple[Flask, str, str]:
    """Migrate as the production recipe does, then issue a join code; returns an app in this
    process (for counting statements), the code's token and the database's name and version."""
    run_logged("migrate", [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
               app_environment(url), folder)  # fmt: skip
    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": url,
            "AANKOMST_LOG_FORMAT": "text",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        location = create_location(f"Throughput bench {uuid.uuid4().hex[:8]}", "Noordwijk")
        [(_code, token)] = issue_codes(location, max_uses=1)
        commit()
        if db.engine.dialect.name == "postgresql":
            version = "PostgreSQL " + db.session.scalar(text("SHOW server_version")).split()[0]
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
        db.session.remove()
    return app, token, version


# --- the newcomer ------------------------------------------------------------------------------


def join_newcomer(base: str, token: str, cookie_name: str) -> str:
    """Join through the API as a Polish newcomer who arrived today, and change three steps
    (done; doing with a note; stuck), so that progress rows are read as in real use. Returns
    the Cookie header."""

    def cookie_of(response: requests.Response, previous: str = "") -> str:
        # Read from Set-Cookie by hand: the cookie is marked Secure and this is plain HTTP.
        value = response.cookies.get(cookie_name)
        return f"{cookie_name}={value}" if value else previous

    def expect(response: requests.Response, status: int, what: str) -> requests.Response:
        if response.status_code != status:
            raise BenchError(f"{what}: {response.status_code} {response.text[:300]}")
        return response

    first = expect(requests.get(f"{base}/api/v1/csrf", timeout=10), 200, "GET /api/v1/csrf")
    cookie = cookie_of(first)
    profile = {
        "token": token,
        "language": "pl",
        "arrival_date": date.today().isoformat(),
        "stay_plan": "medium",
    }
    joined = expect(
        requests.post(
            f"{base}/api/v1/join",
            json=profile,
            headers={"Cookie": cookie, "X-CSRFToken": first.json()["csrf_token"]},
            timeout=10,
        ),
        201,
        "POST /api/v1/join",
    )
    cookie, csrf_token = cookie_of(joined, cookie), joined.json()["csrf_token"]
    listed = expect(
        requests.get(f"{base}/api/v1/checklist", headers={"Cookie": cookie}, timeout=10),
        200,
        "GET /api/v1/checklist",
    )
    changes = [
        {"status": "done"},
        {"status": "doing", "note": "Wizyta umówiona na wtorek, 10:00."},
        {
            "stuck": True,
            "stuck_category": STUCK_CATEGORIES[0],
            "stuck_reason": "Nikt nie odbiera telefonu.",
        },
    ]
    steps = listed.json()["steps"]
    for step, change in zip(steps, changes, strict=False):
        changed = expect(
            requests.patch(
                f"{base}/api/v1/checklist/{step['key']}",
                json=change,
                headers={"Cookie": cookie, "X-CSRFToken": csrf_token},
                timeout=10,
            ),
            200,
            f"PATCH /api/v1/checklist/{step['key']}",
        )
        cookie = cookie_of(changed, cookie)
    return cookie


def probe(target: Target, cookie: str) -> int:
    """One request as wrk sends it: must be 200 with the target's marker in the body. Returns
    the response's size on the wire, to check wrk's average against."""
    parts = urlsplit(target.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200 or target.marker.encode() not in body:
        raise BenchError(
            f"{target.name} {target.url}: {response.status}, expected 200 with "
            f"{target.marker!r} in the body; got {body[:200]!r}"
        )
    head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.getheaders()
    )
    return len(head.encode("latin-1")) + 2 + len(body)


def python_opcodes(run: Callable[[], object]) -> int:
    """Python bytecode instructions executed by `run()`: the app's own work, counted the same
    on a busy machine as on a quiet one (where timings on these shared machines move by half)."""
    executed = 0

    def trace(frame, event_name, _arg):
        nonlocal executed
        frame.f_trace_opcodes = True
        if event_name == "opcode":
            executed += 1
        return trace

    before = sys.gettrace()
    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(before)
    return executed


def in_process(app, cookie: str, targets: list[Target]) -> tuple[dict, dict, dict]:
    """Per target, the SQL statements of one request after a warm-up one, the median
    milliseconds of one request through the test client (the app's own cost, without gunicorn,
    sockets or the request log), and the Python opcodes of one request."""
    name, value = cookie.split("=", 1)
    client = app.test_client()
    client.set_cookie(name, value)
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    def get(target: Target) -> None:
        response = client.get(urlsplit(target.url).path)
        if response.status_code != 200 or target.marker.encode() not in response.data:
            raise BenchError(f"in process, {target.name}: {response.status_code}")

    with app.app_context():
        engine = db.engine
    statements, milliseconds = {}, {}
    event.listen(engine, "before_cursor_execute", record)
    try:
        for target in targets:
            get(target)
            seen.clear()
            get(target)
            statements[target.name] = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    for target in targets:
        timings = []
        for _request in range(IN_PROCESS_REQUESTS):
            started = time.perf_counter()
            get(target)
            timings.append((time.perf_counter() - started) * 1000)
        milliseconds[target.name] = statistics.median(timings)
    opcodes = {target.name: python_opcodes(lambda t=target: get(t)) for target in targets}
    return statements, milliseconds, opcodes


def counts(statement: str) -> bool:
    """Whether a statement counts as a query (not BEGIN, COMMIT, PRAGMA and the like)."""
    return statement.split(None, 1)[0].upper() not in NOT_COUNTED


# --- wrk -------------------------------------------------------------------------------------


def wrk_version() -> str:
    done = subprocess.run([WRK, "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).split(" Copyright")[0].strip()


def parse_wrk(output: str) -> WrkRun:
    """The figures of `wrk --latency` (time and byte units as wrk prints them)."""

    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.M)
        if match is None:
            raise BenchError(f"wrk printed no {pattern!r}:\n{output}")
        return match

    def latency(percentile: int) -> float:
        match = find(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m|h)\s*$")
        return float(match[1]) * TIME_UNITS[match[2]]

    done = find(r"(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkRun(
        requests=int(done[1]),
        rps=float(find(r"Requests/sec:\s+([\d.]+)")[1]),
        p50_ms=latency(50),
        p99_ms=latency(99),
        bytes_read=float(done[2]) * BYTE_UNITS[done[3]],
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def load(target: Target, cookie: str, seconds: int, expected_size: int) -> WrkRun:
    """One wrk run at the fixed load; refuses a run with any error or wrong answer."""
    command = [
        WRK, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
        "--latency", "-H", f"Cookie: {cookie}", target.url,
    ]  # fmt: skip
    cpu_before = group_cpu_seconds(target.server.group)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    cpu = group_cpu_seconds(target.server.group) - cpu_before
    if done.returncode:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    run = parse_wrk(done.stdout)
    problem = None
    if run.requests == 0:
        problem = "no request finished"
    elif run.non_2xx:
        problem = f"{run.non_2xx} of {run.requests} responses were 4xx or 5xx"
    elif run.socket_errors:
        problem = f"{run.socket_errors} socket errors (connect, read, write or timeout)"
    elif abs(run.bytes_read / run.requests / expected_size - 1) > SIZE_TOLERANCE:
        problem = (
            f"responses averaged {run.bytes_read / run.requests:.0f} bytes, the checked one has "
            f"{expected_size}: some were not the checked answer (a lost session?)"
        )
    if problem:
        raise BenchError(f"{target.name} {target.url}: {problem}\n{done.stdout}")
    return replace(run, cpu_ms=cpu * 1000 / run.requests)


def measure_rounds(
    targets: list[Target], cookie: str, args: argparse.Namespace, label: str
) -> dict[str, list[WrkRun]]:
    """Rounds of (warm-up, run) per target, interleaved; the answers are checked again after
    each round, so a session lost mid-way cannot pass unseen."""
    sizes = {target.name: probe(target, cookie) for target in targets}
    runs: dict[str, list[WrkRun]] = {target.name: [] for target in targets}
    for round_number in range(1, args.rounds + 1):
        for target in targets:
            load(target, cookie, args.warmup, sizes[target.name])
            runs[target.name].append(load(target, cookie, args.seconds, sizes[target.name]))
        for target in targets:
            probe(target, cookie)
        figures = ", ".join(f"{name} {r[-1].rps:,.0f}/s" for name, r in runs.items())
        print(f"{label} round {round_number}/{args.rounds}: {figures}", flush=True)
    return runs


# --- one database --------------------------------------------------------------------------------


@dataclass
class Result:
    version: str
    runs: dict[str, list[WrkRun]]
    statements: dict[str, list[str]]
    milliseconds: dict[str, float]
    opcodes: dict[str, int]

    def queries(self, name: str) -> int:
        return sum(counts(statement) for statement in self.statements[name])

    def median(self, name: str, figure: str) -> float:
        return statistics.median(getattr(run, figure) for run in self.runs[name])

    def ratio(self, name: str) -> float:
        """Median over the rounds of requests/s against the hello's in the same round."""
        pairs = zip(self.runs[name], self.runs["hello"], strict=True)
        return statistics.median(run.rps / hello.rps for run, hello in pairs)


def measure(kind: str, hello: Server, args: argparse.Namespace, folder: Path) -> Result:
    with database(kind, args.database_url, folder) as url:
        app, token, version = prepare(url, folder)
        try:
            with gunicorn(f"app-{kind}", "wsgi:app", app_environment(url), folder) as server:
                cookie = join_newcomer(server.base, token, app.config["SESSION_COOKIE_NAME"])
                targets = [
                    Target("hello", f"{hello.base}/", '"hello"', hello),
                    Target("API", f"{server.base}/api/v1/checklist", '"steps"', server),
                    Target("page", f"{server.base}/", "data-offline-key", server),
                ]
                statements, milliseconds, opcodes = in_process(app, cookie, targets[1:])
                runs = measure_rounds(targets, cookie, args, version)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return Result(version, runs, statements, milliseconds, opcodes)


# --- report --------------------------------------------------------------------------------------


def table(result: Result) -> str:
    rows = []
    for name, runs in result.runs.items():
        rps = [run.rps for run in runs]
        # Cores the server kept busy: about 2 when both workers work, about 1 when one worker
        # holds nearly all of wrk's kept-alive connections and the other waits.
        cores = sorted(run.cpu_ms * run.rps / 1000 for run in runs)
        ratio = statements = milliseconds = opcodes = ""
        if name != "hello":
            ratio = f"{result.ratio(name):.1%} (≥ {RATIO_TARGETS[name]:.0%})"
            statements = f"{result.queries(name)} (≤ {STATEMENT_LIMITS[name]})"
            milliseconds = f"{result.milliseconds[name]:.1f} ms"
            opcodes = f"{result.opcodes[name]:,}"
        rows.append(
            f"| {name} | {result.median(name, 'rps'):,.0f} | {min(rps):,.0f}–{max(rps):,.0f} | "
            f"{result.median(name, 'p50_ms'):.1f} ms | {result.median(name, 'p99_ms'):.1f} ms | "
            f"{ratio} | {result.median(name, 'cpu_ms'):.2f} ms | {cores[0]:.1f}–{cores[-1]:.1f} | "
            f"{statements} | {milliseconds} | {opcodes} |"
        )
    return (
        f"### {result.version}\n\n"
        "| target | requests/s | rounds | p50 | p99 | ratio to hello (target) "
        "| server CPU per request | server cores busy (rounds) | SQL per request (target) "
        "| in process | Python opcodes in process |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows)
    )


def missed(results: dict[str, Result]) -> list[str]:
    misses = []
    for result in results.values():
        for name, target in RATIO_TARGETS.items():
            if result.ratio(name) < target:
                misses.append(f"{result.version} {name}: {result.ratio(name):.1%} < {target:.0%}")
        for name, most in STATEMENT_LIMITS.items():
            if result.queries(name) > most:
                count = result.queries(name)
                misses.append(f"{result.version} {name}: {count} SQL statements > {most}")
    return misses


def report(results: dict[str, Result], args: argparse.Namespace, loads: tuple) -> None:
    conf = gunicorn_settings()
    paragraphs = [
        f"Measured {machine()}; 1-minute load average {loads[0]:.2f} before the run and "
        f"{loads[1]:.2f} after. Whatever else runs on the machine shares its cores with the app "
        "and with wrk: compare the ratios, which the interleaved rounds protect, more than the "
        "absolute figures.",
        f"- Servers: gunicorn with `deploy/gunicorn.conf.py` as shipped, {conf['workers']} "
        f"workers × {conf['threads']} thread{'' if conf['threads'] == 1 else 's'} "
        f"({conf['worker_class']}), "
        + (
            "a listening socket per worker (reuse_port: the kernel's `net.ipv4.tcp_migrate_req` "
            "is 1, as `deploy/sysctl/60-aankomst.conf` sets it), "
            if conf.get("reuse_port")
            else "one listening socket shared by the workers (`net.ipv4.tcp_migrate_req` is 0: "
            "`deploy/sysctl/60-aankomst.conf` is not installed), "
        )
        + f"keep-alive {conf['keepalive']} s, no access log; one instance on 127.0.0.1, no nginx"
        + f"{'; workers freeze the loaded app (gc.freeze)' if 'post_worker_init' in conf else ''}"
        ". The app as "
        "in production (`AANKOMST_ENV=production`, `AANKOMST_PROXY_FIX=1`, a fixed 48-character "
        "`SECRET_KEY`, JSON request lines to a log file, no Redis). The hello: `bench/hello.py`, "
        'a bare Flask `jsonify({"hello": "world"})`, under the same gunicorn settings.',
        f"- Load: {wrk_version()}, `-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.seconds}s "
        f"--latency`, {args.rounds} rounds of hello, API, page in turn, each run after a "
        f"{args.warmup} s warm-up at the same load. Requests/s, p50 and p99: medians of the "
        "rounds; ratio: median of each round's requests/s over the same round's hello. Server "
        "CPU per request: user and system time of gunicorn's master and workers during a run "
        "over the requests it served (not wrk's, not PostgreSQL's), the median of the rounds; "
        "it moves less than requests/s when other work shares the machine. Server cores busy: "
        "that CPU time over the run's length, lowest and highest round. gunicorn keeps a "
        "kept-alive connection with the worker that accepted it; with one shared socket, when "
        "one worker took nearly all 16, the other waits and the round shows about 1 core "
        "instead of 2.",
        "- Requests: `GET /api/v1/checklist` and the checklist page `/` of a Polish newcomer who "
        "joined through the API and changed three steps, with their session cookie. Every "
        "response was 2xx and on average as long as a checked one (so no 401, redirect or start "
        "page slipped in).",
        "- SQL per request: statements counted in process (`before_cursor_execute`) after one "
        "warm-up request; `BEGIN`, `COMMIT` and `PRAGMA` not counted. In process: median time of "
        f"one request through Flask's test client ({IN_PROCESS_REQUESTS} requests; no gunicorn, "
        "sockets or request log). Python opcodes: bytecode instructions of one such request, "
        "counted with `sys.settrace`; unlike times, they do not move with the machine's load.",
        f"- Targets: API ≥ {RATIO_TARGETS['API']:.0%} and page ≥ {RATIO_TARGETS['page']:.0%} of "
        f"the hello's requests/s; at most {STATEMENT_LIMITS['API']} SQL statements per API call "
        f"and {STATEMENT_LIMITS['page']} per page.",
    ]
    text = "\n".join(
        textwrap.fill(paragraph, 100, subsequent_indent="  " if paragraph[0] == "-" else "",
                      break_long_words=False, break_on_hyphens=False)
        + ("\n" if paragraph[0] != "-" else "")
        for paragraph in paragraphs
    )  # fmt: skip
    tables = "\n\n".join(table(result) for result in results.values())
    write_section("Throughput under gunicorn (`bench/throughput.py`)", f"{text}\n\n{tables}")


def print_statements(results: dict[str, Result]) -> None:
    for result in results.values():
        for name, statements in result.statements.items():
            print(f"\n{result.version}, {name}: {result.queries(name)} SQL statements per request")
            for statement in statements:
                mark = "  (not counted)" if not counts(statement) else ""
                print(f"  {statement[:140]}{mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each measured run (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three targets (3)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up before each run (3)")
    parser.add_argument("--database", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument(
        "--database-url", help="an existing PostgreSQL database (default: a throw-away one)"
    )
    args = parser.parse_args()
    if not Path(WRK).exists():
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    kinds = ["postgres", "sqlite"] if args.database == "both" else [args.database]
    # A plain `kill` ends the run like Ctrl-C: every process stopped, the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="aankomst-throughput-"))
    before = os.getloadavg()[0]
    if before > (os.cpu_count() or 1):
        print(f"throughput: the machine is busy (load {before:.1f} on {os.cpu_count()} cores); "
              "expect noisy figures", file=sys.stderr)  # fmt: skip
    try:
        with gunicorn("hello", "bench.hello:app", app_environment(""), folder) as hello:
            results = {kind: measure(kind, hello, args, folder) for kind in kinds}
    except BenchError as error:
        print(f"throughput: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("throughput: interrupted; what it started is stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(results, args, (before, os.getloadavg()[0]))
    for result in results.values():
        print(f"\n{table(result)}")
    print_statements(results)
    misses = missed(results)
    print("\ntargets missed:\n  " + "\n  ".join(misses) if misses else "\nall targets met")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
