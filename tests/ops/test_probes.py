"""/healthz, /readyz and /metrics: their answers, what failing parts they name, who may read
the metrics, and that none of them carries a session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from onboarding.ops import metrics

from ..conftest import IN_CI

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/none"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
REDIS_URL = os.environ.get("TEST_REDIS_URL_OPS", "redis://127.0.0.1:6379/14")
TOKEN = "metrics-token-0123456789abcdef0123456789"


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} in CI")
        pytest.skip("Redis is not running")
    return connection


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a Prometheus text answer, by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_and_says_redis_is_not_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached(other_app):
    app = other_app(UNREACHABLE_DATABASE)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "failed": ["database"],
        "database": "failed",
        "redis": "not configured",
    }
    assert response.headers["Retry-After"]
    assert "127.0.0.1:1" not in response.get_data(as_text=True)  # no connection details
    # The process itself is fine: the liveness probe must not restart it for this.
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_503_naming_redis_when_it_cannot_be_reached(other_app):
    app = other_app(REDIS_URL=UNREACHABLE_REDIS)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "failed": ["redis"],
        "database": "ok",
        "redis": "failed",
    }


def test_readyz_names_both_when_both_fail(other_app):
    app = other_app(UNREACHABLE_DATABASE, REDIS_URL=UNREACHABLE_REDIS)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database", "redis"]


def test_readyz_pings_redis_when_it_is_configured(other_app):
    _redis_or_skip()
    response = other_app(REDIS_URL=REDIS_URL).test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_metrics_count_requests_by_route_pattern_and_status_with_latency(client, make_code):
    token = make_code()
    before = samples(client.get("/metrics").get_data(as_text=True))
    client.get(f"/join/{token}")
    client.get("/join/not-a-real-code")
    client.get("/no/such/page/123")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    assert token not in text and "not-a-real-code" not in text and "/no/such" not in text
    after = samples(text)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    join = {"method": "GET", "endpoint": "/join/<token>"}
    assert grew("aankomst_http_requests_total", **join, status="200") == 1
    assert grew("aankomst_http_requests_total", **join, status="404") == 1
    assert grew("aankomst_http_requests_total", method="GET", endpoint="unmatched", status="404")
    assert grew("aankomst_http_request_duration_seconds_count", **join, status="200") == 1
    assert grew("aankomst_http_request_duration_seconds_bucket", **join, status="200", le="+Inf")


def test_metrics_need_loopback_without_a_proxy_or_the_token(other_app):
    app = other_app(AANKOMST_METRICS_TOKEN=TOKEN)
    client = app.test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base=remote).status_code == 404
    # Through a proxy on this machine every visitor would look local: not enough.
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert proxied.status_code == 404
    assert client.get("/metrics", headers={"Forwarded": "for=127.0.0.1"}).status_code == 404
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_base=remote, headers=bearer).status_code == 200
    proxied = {**bearer, "X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", environ_base=remote, headers=proxied).status_code == 200
    for wrong in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", "Bearer", ""):
        answer = client.get("/metrics", environ_base=remote, headers={"Authorization": wrong})
        assert answer.status_code == 404, wrong


def test_without_a_token_configured_no_bearer_opens_the_metrics(client):
    answer = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
        headers={"Authorization": "Bearer "},
    )
    assert answer.status_code == 404


def test_behind_proxy_fix_a_forged_loopback_address_is_refused(other_app):
    app = other_app(AANKOMST_PROXY_FIX=True)
    client = app.test_client()
    forged = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "127.0.0.1"},
    )
    assert forged.status_code == 404


def test_the_queue_length_is_reported_when_redis_is_configured(other_app):
    from rq import Queue

    from onboarding.push.jobs import JOB, QUEUE

    connection = _redis_or_skip()
    queue = Queue(QUEUE, connection=connection)
    queue.empty()
    try:
        queue.enqueue(JOB, [1])
        queue.enqueue(JOB, [2])
        text = other_app(REDIS_URL=REDIS_URL).test_client().get("/metrics").get_data(as_text=True)
        assert samples(text)[("aankomst_queue_length", (("queue", QUEUE),))] == 2
    finally:
        queue.empty()


def test_without_redis_no_queue_length_is_made_up(client):
    text = client.get("/metrics").get_data(as_text=True)
    assert not any(name == "aankomst_queue_length" for name, _ in samples(text))


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_never_read_or_set_a_session(joined, path):
    client, _recovery = joined()  # a signed-in phone with a session cookie
    response = client.client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "X-RateLimit-Limit" not in response.headers


def test_probes_answer_without_touching_the_database_for_a_session(other_app):
    """Even with the database gone, a cookie on a probe costs nothing and breaks nothing."""
    app = other_app(UNREACHABLE_DATABASE)
    client = app.test_client()
    client.set_cookie("aankomst_session", "anything")
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_push_outcomes_are_counted(ctx):
    def value(outcome):
        return (
            metrics.REGISTRY.get_sample_value(
                "aankomst_push_deliveries_total", {"outcome": outcome}
            )
            or 0
        )

    sent, failed = value("sent"), value("failed")
    metrics.count_push("sent", 3)
    metrics.count_push("failed")
    metrics.count_push("failed", 0)
    assert (value("sent") - sent, value("failed") - failed) == (3, 1)


# One process of an instance: answers /healthz a number of times, then perhaps a scrape.
PROCESS = """
import sys
from onboarding import create_app
from onboarding.ops.metrics import count_push

client = create_app().test_client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code == 200
count_push("sent", int(sys.argv[1]))
if sys.argv[2:] == ["scrape"]:
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_with_a_multiprocess_folder_metrics_add_up_every_process(tmp_path):
    """What gunicorn's workers and the scheduler do with PROMETHEUS_MULTIPROC_DIR set."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AANKOMST_")}
    env |= {
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.db'}",
        "SECRET_KEY": "multiprocess-metrics-test-0123456789abcdef",
    }
    env.pop("REDIS_URL", None)
    root = Path(__file__).resolve().parents[2]

    def process(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROCESS, *args],
            env=env, cwd=root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    process("3")
    found = samples(process("2", "scrape"))
    healthz = (("endpoint", "/healthz"), ("method", "GET"), ("status", "200"))
    assert found[("aankomst_http_requests_total", healthz)] == 5
    assert found[("aankomst_http_request_duration_seconds_count", healthz)] == 5
    assert found[("aankomst_push_deliveries_total", (("outcome", "sent"),))] == 5
    assert len(list(folder.glob("counter_*.db"))) == 2
