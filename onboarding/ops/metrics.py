"""Prometheus metrics: requests by route pattern and status, their latency, push deliveries
sent and failed, and the length of the job queues.

With several gunicorn workers each process counts on its own, and a scrape sees one of them.
Set PROMETHEUS_MULTIPROC_DIR (an empty folder, made anew at boot, the same for the web
instances and the scheduler) and `/metrics` adds up all of them (prometheus_client's
multiprocess mode; deploy/gunicorn.conf.py tidies up after workers that ended). The RQ worker
forks a process per job, so it keeps its counts to itself."""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "aankomst_http_requests",
    "HTTP requests answered, by method, route pattern and status.",
    ["method", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "aankomst_http_request_duration_seconds",
    "Time to build the answer, by method, route pattern and status.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
PUSH = Counter(
    "aankomst_push_deliveries",
    "Web push deliveries by outcome: sent, failed (for good), removed (device gone), retrying.",
    ["outcome"],
    registry=REGISTRY,
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # no route: the path itself is never a label


def method_label(method: str) -> str:
    """Any method a client makes up is "other": labels stay few."""
    return method if method in METHODS else "other"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count an answer, labelled as `ops.request_labels` names its request."""
    labels = (method, route, str(status))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)


def count_push(outcome: str, count: int = 1) -> None:
    """Called where push answers are stored (web, worker or scheduler process)."""
    if count:
        PUSH.labels(outcome).inc(count)


class _QueueLengths:
    """Read at scrape time: jobs waiting in each RQ queue (only when Redis is configured)."""

    def __init__(self, lengths: dict[str, int | None]):
        self.lengths = lengths

    def collect(self):
        family = GaugeMetricFamily(
            "aankomst_queue_length", "Jobs waiting in the RQ queue.", labels=["queue"]
        )
        for name, length in self.lengths.items():
            if length is not None:
                family.add_metric([name], length)
        yield family


def exposition(queue_lengths: dict[str, int | None]) -> tuple[bytes, str]:
    """The text format: this process's counters, or every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Registered())
    registry.register(_QueueLengths(queue_lengths))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Registered:
    """This process's own metrics, added to a registry made for one scrape."""

    def collect(self):
        return REGISTRY.collect()
