"""`/healthz` (the process answers), `/readyz` (it can do its work: the database answers, and
Redis too when configured) and `/metrics` (Prometheus text, for loopback or a bearer token).

These answers carry no session: no cookie is read or set, no limit counts them, and they
never depend on who asks (see `init_app` in this package)."""

import hmac
import logging

from flask import Blueprint, abort, current_app, jsonify, request

from ..extensions import db
from . import metrics

bp = Blueprint("ops", __name__)
log = logging.getLogger("aankomst.ops")
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
REDIS_TIMEOUT = 2  # seconds; a probe must answer quickly


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


def database_ok() -> bool:
    """`SELECT 1` on a pooled connection outside any transaction (so it never waits for a
    writer's lock on SQLite); one more try on a fresh connection, since a connection from
    before a database restart fails once."""
    for _attempt in range(2):
        try:
            connection = db.engine.raw_connection()
        except Exception as error:
            log.warning("readyz: database unreachable (%s)", type(error).__name__)
            return False
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.close()
            return True
        except Exception as error:
            log.warning("readyz: database failed (%s)", type(error).__name__)
            connection.invalidate()
        finally:
            connection.close()
    return False


def redis_client(app):
    """One client (and connection pool) per app, with short timeouts."""
    clients = app.extensions.setdefault("aankomst_ops_redis", {})
    url = app.config["REDIS_URL"]
    if url not in clients:
        from redis import Redis

        clients[url] = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
    return clients[url]


def redis_state(app) -> str:
    if not app.config["REDIS_URL"]:
        return "not configured"
    try:
        redis_client(app).ping()
    except Exception as error:
        log.warning("readyz: redis failed (%s)", type(error).__name__)
        return "failed"
    return "ok"


@bp.get("/readyz")
def readyz():
    app = current_app._get_current_object()
    parts = {"database": "ok" if database_ok() else "failed", "redis": redis_state(app)}
    failed = [name for name, state in parts.items() if state == "failed"]
    if failed:
        response = jsonify(status="unavailable", failed=failed, **parts)
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return _no_store(response)
    return _no_store(jsonify(status="ok", **parts))


def _from_loopback() -> bool:
    """Straight from this machine: a loopback address and no proxy in between (a proxy on the
    same machine would make every visitor look local)."""
    address = request.environ.get("werkzeug.proxy_fix.orig", {}).get(
        "REMOTE_ADDR", request.remote_addr
    )
    return (
        address in LOOPBACK
        and request.remote_addr in LOOPBACK
        and not any(header in request.headers for header in PROXY_HEADERS)
    )


def _has_token() -> bool:
    expected = current_app.config.get("AANKOMST_METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def queue_lengths(app) -> dict[str, int | None]:
    """Waiting jobs per queue that a feature named with `watch_queue`; None when unknown."""
    names = app.extensions.get("aankomst_queues", [])
    if not app.config["REDIS_URL"] or not names:
        return {}
    from rq import Queue

    lengths: dict[str, int | None] = {}
    for name in names:
        try:
            lengths[name] = Queue(name, connection=redis_client(app)).count
        except Exception as error:
            log.warning("metrics: queue %s unreadable (%s)", name, type(error).__name__)
            lengths[name] = None
    return lengths


@bp.get("/metrics")
def prometheus():
    if not (_from_loopback() or _has_token()):
        abort(404)
    body, content_type = metrics.exposition(queue_lengths(current_app._get_current_object()))
    return _no_store(current_app.response_class(body, content_type=content_type))
