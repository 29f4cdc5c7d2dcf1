"""The production setup, tried as an operator runs it: nginx in front of two gunicorn
instances on PostgreSQL and Redis, and the RQ worker (all started once, see conftest.py and
stack.py). Every wait is bounded."""

import json
import os
import re
import signal
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from py_vapid import Vapid02

from ..conftest import IN_CI, VAPID_PUBLIC_KEY
from ..push.conftest import Device as Phone
from .conftest import Device
from .stack import listening_sockets, wait_until

pytestmark = pytest.mark.deploy
WRONG = "not the password at all"
PASSWORD = "correct horse battery staple"


def ops_for(steps: list[str], prefix: str, count: int) -> list[dict]:
    return [
        {
            "op_id": f"{prefix}-{i}",
            "key": steps[i % len(steps)],
            "at": f"2026-11-24T10:{i % 60:02d}:00+00:00",
            "status": ("doing", "done")[i % 2],
            "note": f"offline {i}",
        }
        for i in range(count)
    ]


def step_keys(device: Device, base: str) -> list[str]:
    answer = device.get(f"{base}/api/v1/checklist", timeout=10)
    assert answer.status_code == 200, answer.text
    return [step["key"] for step in answer.json()["steps"]]


def stored_ops(stack, prefix: str) -> int:
    [(count,)] = stack.sql("SELECT count(*) FROM sync_op WHERE op_id LIKE %s", f"{prefix}-%")
    return count


def test_a_session_made_through_one_instance_works_through_the_other(running, join):
    first, second = running.instances
    phone = join(first)
    # The same cookie, in a new jar, to the other instance and through nginx.
    cookies = dict(phone.jar)
    for base in (second, running.nginx):
        other = Device()
        other.jar.update(cookies)
        keys = step_keys(other, base)
        assert keys
        # A change made there (with a CSRF token from there) is seen by the first instance.
        changed = other.call("PATCH", f"/api/v1/checklist/{keys[0]}", base, {"note": base})
        assert changed.status_code == 200, changed.text
        seen = Device()
        seen.jar.update(cookies)
        [step] = [
            s for s in seen.get(f"{first}/api/v1/checklist").json()["steps"] if s["key"] == keys[0]
        ]
        assert step["note"] == base
    # A CSRF token made by one instance is taken by the other.
    token = phone.csrf(first)
    answer = phone.call("PATCH", f"/api/v1/checklist/{keys[0]}", second, {"note": "x"}, token)
    assert answer.status_code == 200, answer.text


def test_failed_logins_over_both_instances_reach_one_limit(running, seed):
    from onboarding.staff.limits import LOGIN_LIMIT_PER_ACCOUNT

    limit = int(LOGIN_LIMIT_PER_ACCOUNT.split()[0])
    email = seed.staff("coordinator", PASSWORD)
    device = Device()
    bases = running.everywhere
    for attempt in range(limit):
        base = bases[attempt % len(bases)]
        answer = device.call(
            "POST", "/api/v1/staff/login", base, {"email": email, "password": WRONG}
        )
        assert answer.status_code == 401, (attempt, base, answer.text)
    # The next one is refused wherever it goes, even with the right password.
    for base in bases:
        answer = device.call(
            "POST", "/api/v1/staff/login", base, {"email": email, "password": PASSWORD}
        )
        assert answer.status_code == 429, (base, answer.text)
        assert answer.json()["error"]["code"] == "too_many_attempts"


def test_the_same_sync_batch_through_both_instances_at_once_is_applied_once(running, join):
    first, second = running.instances
    phone = join(running.nginx)
    token = phone.csrf(running.nginx)
    keys = step_keys(phone, running.nginx)
    for round_ in range(3):
        prefix = f"twice-{uuid.uuid4().hex[:8]}-{round_}"
        ops = ops_for(keys, prefix, 40)
        start = threading.Barrier(2, timeout=10)

        def replay(base, ops=ops, start=start):
            start.wait()
            answer = phone.call("POST", "/api/v1/sync", base, {"ops": ops}, token)
            assert answer.status_code == 200, answer.text
            return [result["result"] for result in answer.json()["results"]]

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(replay, (first, second)))
        for index in range(len(ops)):
            column = sorted(outcome[index] for outcome in outcomes)
            assert column[0] == "duplicate" or column[1] == "duplicate", (index, column)
            assert column.count("duplicate") == 1, (index, column)
        assert stored_ops(running, prefix) == len(ops)


def worker_pids(master: int) -> set[int]:
    """The processes whose parent is `master` (gunicorn's workers)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid ...": the name may hold spaces, so split after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == master:
            children.add(int(stat.parent.name))
    return children


def test_a_reload_under_load_resets_no_connection_and_loses_no_op(running, join):
    """`systemctl reload` sends SIGHUP: gunicorn starts new workers, and the old ones finish
    what they hold and stop. Phones keep syncing through it, each request on a new connection,
    so through the listening sockets: none may be reset or refused, and every op is stored.
    With a socket per worker (deploy/sysctl/60-aankomst.conf), a stopping worker's socket
    closes with connections waiting on it: the kernel must hand them to another worker."""
    port, base = running.web_ports[0], running.instances[0]
    master = running.processes[f"web-{port}"].pid
    workers = int(running.app_environment()["WEB_CONCURRENCY"])
    if IN_CI:
        assert running.socket_per_worker, "CI runs as root: the stack turns the setting on"
    listeners = workers if running.socket_per_worker else 1
    assert listening_sockets(port) == listeners
    run = f"reload-{uuid.uuid4().hex[:8]}"
    stop = threading.Event()
    answered: list[int] = []  # one entry per batch answered, by any phone (append is atomic)

    def answered_more_than(count: int) -> Callable[[], bool]:
        return lambda: len(answered) > count

    def keep_syncing(phone: Device, index: int) -> tuple[int, list[str]]:
        token, keys = phone.csrf(base), step_keys(phone, base)
        stored, failures = 0, []
        for batch in range(10_000):
            if stop.is_set():
                break
            ops = ops_for(keys, f"{run}-{index}-{batch}", 2)
            try:
                answer = phone.request(
                    "POST", f"{base}/api/v1/sync", json={"ops": ops}, timeout=30,
                    headers={"X-CSRFToken": token, "Connection": "close"},
                )  # fmt: skip
            except requests.RequestException as error:
                failures.append(repr(error))
                continue
            if answer.status_code != 200:
                failures.append(f"{answer.status_code} {answer.text[:200]}")
                continue
            results = [result["result"] for result in answer.json()["results"]]
            assert set(results) <= {"applied", "superseded"}, results
            stored += len(ops)
            answered.append(1)
        return stored, failures

    phones = [join(base) for _index in range(4)]
    with ThreadPoolExecutor(max_workers=len(phones)) as pool:
        senders = [pool.submit(keep_syncing, phone, i) for i, phone in enumerate(phones)]
        try:
            for _reload in range(3):
                old = worker_pids(master)
                assert len(old) == workers
                # Reload while the phones' batches are being answered, however slow the machine.
                wait_until("syncing", answered_more_than(len(answered)), 60)
                os.kill(master, signal.SIGHUP)
                # Done when new workers alone listen; the old ones may take a few seconds.
                wait_until(
                    "the reload",
                    lambda old=old: (
                        len(worker_pids(master) - old) == workers
                        and not worker_pids(master) & old
                        and listening_sockets(port) == listeners
                    ),
                    60,
                    running.logs[f"web-{port}"],
                )
            wait_until("syncing after the reloads", answered_more_than(len(answered)), 60)
        finally:
            stop.set()
        outcomes = [sender.result(timeout=60) for sender in senders]
    assert [failure for _stored, failures in outcomes for failure in failures] == []
    sent = sum(stored for stored, _failures in outcomes)
    assert stored_ops(running, run) == sent


def test_a_buddy_request_is_delivered_by_the_worker(running, seed, join, receiver):
    from redis import Redis
    from rq import Queue
    from rq.registry import FinishedJobRegistry

    first, second = running.instances
    location = seed.location()
    admin = Device()
    admin_email = seed.staff("admin", PASSWORD)
    login = admin.call(
        "POST", "/api/v1/staff/login", second, {"email": admin_email, "password": PASSWORD}
    )
    assert login.status_code == 200, login.text

    marek = join(first, location, language="uk", nickname="Marek")
    marek_phone = Phone(receiver, "marek")
    subscribed = marek.call("POST", "/api/v1/push/subscriptions", first, marek_phone.subscription())
    assert subscribed.status_code == 201, subscribed.text
    # Never quiet (the same start and end), whatever the hour this runs.
    quiet = marek.call(
        "PUT", "/api/v1/push/preferences", first, {"quiet_start": "00:00", "quiet_end": "00:00"}
    )
    assert quiet.status_code == 200, quiet.text
    profile = {
        "languages": ["pl", "uk"], "location_id": location, "topics": ["register_gp"],
        "availability": ["weekend"], "capacity": 2, "contact": "marek-signal",
    }  # fmt: skip
    offered = marek.call("PUT", "/api/v1/buddy/profile", first, profile)
    assert offered.status_code == 200, offered.text
    [(marek_id,)] = running.sql(
        "SELECT user_id FROM buddy_profile WHERE location_id = %s", location
    )
    approved = admin.call("POST", f"/api/v1/buddy/approve/{marek_id}", second)
    assert approved.status_code == 204, approved.text

    redis = Redis.from_url(running.redis_url)
    finished = FinishedJobRegistry(queue=Queue("aankomst", connection=redis))
    jobs_before = redis.zcard(finished.key)
    ola = join(running.nginx, location, language="pl", nickname="Ola")
    asked = ola.call(
        "POST",
        "/api/v1/buddy/requests",
        running.nginx,
        {"topics": ["register_gp"], "contact": "ola-signal"},
    )
    assert asked.status_code == 201, asked.text

    wait_until(
        "the push message",
        lambda: receiver.for_path(marek_phone.path),
        30,
        running.logs["worker"],
    )
    [received] = receiver.for_path(marek_phone.path)
    # Signed with the app's VAPID key (its times are checked in tests/push, on one clock).
    authorization = received.headers["authorization"]
    assert Vapid02.verify(authorization) and authorization.endswith(f"k={VAPID_PUBLIC_KEY}")
    assert received.headers["content-encoding"] == "aes128gcm"
    message = marek_phone.decrypt(received)
    offer_id = marek.get(f"{second}/api/v1/buddy/requests", timeout=10).json()["received"][0]["id"]
    assert message["url"] == f"/buddy/offers/{offer_id}"
    # The worker sent it: its job finished there, not in a web process. (Counted in Redis
    # itself: the registry's own count drops jobs that look old by the test's clock.)
    wait_until(
        "the finished job",
        lambda: redis.zcard(finished.key) > jobs_before,
        10,
        running.logs["worker"],
    )
    redis.close()


def test_readyz_and_answers_while_postgresql_is_down(running, join):
    first, second = running.instances
    phone = join(running.nginx)
    keys = step_keys(phone, first)
    token = phone.csrf(first)
    prefix = f"kept-{uuid.uuid4().hex[:8]}"
    accepted = ops_for(keys, prefix, 10)
    answer = phone.call("POST", "/api/v1/sync", second, {"ops": accepted}, token)
    assert answer.status_code == 200 and {r["result"] for r in answer.json()["results"]} <= {
        "applied",
        "superseded",
    }
    late = ops_for(keys, f"late-{prefix}", 1)

    running.stop_postgres("fast")
    try:
        for base in running.everywhere:
            wait_until(
                f"{base}/readyz 503",
                lambda base=base: requests.get(f"{base}/readyz", timeout=10).status_code == 503,
                30,
            )
            probe = requests.get(f"{base}/readyz", timeout=10)
            assert probe.json()["failed"] == ["database"] and probe.json()["redis"] == "ok"
            assert probe.headers["Retry-After"].isdigit()
            assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        for base in running.everywhere:
            for method, path, body in (
                ("GET", "/api/v1/checklist", None),
                ("POST", "/api/v1/sync", {"ops": late}),
                ("GET", "/", None),
                ("GET", f"/steps/{keys[0]}", None),
            ):
                answer = phone.request(
                    method,
                    f"{base}{path}",
                    json=body,
                    headers={"X-CSRFToken": token},
                    timeout=30,
                    allow_redirects=False,
                )
                assert answer.status_code == 503, (
                    base,
                    method,
                    path,
                    answer.status_code,
                    answer.text[:300],
                )
                assert answer.headers["Retry-After"].isdigit(), (base, path)
                if path.startswith("/api/"):
                    assert answer.json()["error"]["code"] == "busy", answer.text
    finally:
        running.start_postgres()

    for base in running.everywhere:
        wait_until(
            f"{base}/readyz 200",
            lambda base=base: requests.get(f"{base}/readyz", timeout=10).ok,
            30,
        )
    # Every instance's pooled connections recover: several answers in a row are 200.
    for base in running.everywhere:
        streak = {"count": 0}

        def fine(base=base, streak=streak):
            ok = phone.get(f"{base}/api/v1/checklist", timeout=10).status_code == 200
            streak["count"] = streak["count"] + 1 if ok else 0
            return streak["count"] >= 4

        wait_until(f"{base} answers again", fine, 30)
    # Nothing accepted before is lost; the refused change was not stored, and now goes through.
    assert stored_ops(running, prefix) == len(accepted)
    assert stored_ops(running, f"late-{prefix}") == 0
    again = phone.call("POST", "/api/v1/sync", running.nginx, {"ops": late}, token)
    assert again.status_code == 200 and again.json()["results"][0]["result"] in (
        "applied",
        "superseded",
    )
    # Each step keeps the note of its newest accepted change.
    newest = {op["key"]: op["note"] for op in accepted}
    steps = phone.get(f"{first}/api/v1/checklist", timeout=10).json()["steps"]
    assert {s["key"]: s["note"] for s in steps if s["key"] in newest} == newest


def test_pages_come_compressed_and_unkept_and_versioned_files_kept_with_the_proxy_headers(
    running, join
):
    phone = join(running.nginx)
    page = phone.get(f"{running.nginx}/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert "no-store" in page.headers["Cache-Control"]
    [path] = set(re.findall(r"/assets/[0-9a-f]{12}/css/app\.css", page.text))
    # A query nobody asked for yet: nginx has not kept this answer.
    url = f"{running.nginx}{path}?probe={uuid.uuid4().hex}"
    first = phone.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in first.headers
    # nginx's headers reached the app for a file as for a page: the id nginx made for the
    # request (in its access log) is the one the app logged and answered with.
    request_id = first.headers["X-Request-ID"]
    access_log = running.folder / "nginx" / "aankomst.access.log"

    def logged_by(logs: list[Path]) -> list[str]:
        return [
            line for log in logs for line in log.read_text(errors="replace").splitlines()
            if request_id in line
        ]  # fmt: skip

    web_logs = [log for name, log in running.logs.items() if name.startswith("web-")]
    wait_until("nginx's log line", lambda: len(logged_by([access_log])) == 1, 10)
    wait_until("the app's log line", lambda: len(logged_by(web_logs)) == 1, 10)
    assert json.loads(logged_by(web_logs)[0])["route"] == "/assets/<version>/<path:filename>"
    # Asked again, nginx answers from what it kept: the first answer's id comes back.
    again = phone.get(url, headers={"X-Request-ID": f"again-{uuid.uuid4().hex}"}, timeout=10)
    assert again.status_code == 200 and again.headers["X-Request-ID"] == request_id


def test_each_request_is_logged_once_by_route_with_no_secret_in_any_log(running, seed, join):
    token = seed.code()
    request_id = f"deploy-{uuid.uuid4().hex}"
    answer = requests.get(
        f"{running.nginx}/join/{token}",
        headers={"X-Request-ID": request_id},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code < 500 and answer.headers["X-Request-ID"] == request_id
    web_logs = [log for name, log in running.logs.items() if name.startswith("web-")]

    def logged() -> list[dict]:
        found = []
        for log in web_logs:
            for line in log.read_text(errors="replace").splitlines():
                if request_id in line:
                    found.append(json.loads(line))
        return found

    wait_until("the request's log line", lambda: len(logged()) == 1, 10)
    [line] = logged()
    assert line["route"] == "/join/<token>" and line["method"] == "GET"
    assert line["status"] == answer.status_code
    # No join link, session cookie or CSRF token in the app's logs, the worker's or nginx's.
    phone = join(running.nginx)
    secrets = [token, phone.csrf(running.nginx), *phone.jar.values()]
    logs = [*running.logs.values(), *running.folder.glob("nginx/*.log")]
    for log in logs:
        text = log.read_text(errors="replace")
        for secret in secrets:
            assert secret not in text, (log, secret[:8])
