"""Operations: health and readiness probes, Prometheus metrics, JSON request logs with a
request id, and the pure timing rules of the scheduler process. Part of the foundation: it
knows no feature; features tell it what to watch (`watch_queue`) and count what they do
(`metrics.count_push`)."""

import logging
import time

from flask import Flask, g, request

from . import logs, metrics

OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class WithoutCookies:
    """WSGI middleware: probes and scrapes have no session. Their requests reach the app
    without cookies (so no session is loaded and no database read made for one) and their
    answers never set one, whatever a session interface would do."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") not in OPS_PATHS:
            return self.wsgi_app(environ, start_response)
        environ.pop("HTTP_COOKIE", None)

        def start_without_cookies(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "set-cookie"]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_without_cookies)


def watch_queue(app: Flask, name: str) -> None:
    """Report this RQ queue's length in /metrics (when REDIS_URL is set)."""
    queues = app.extensions.setdefault("aankomst_queues", [])
    if name not in queues:
        queues.append(name)


def request_labels() -> tuple[str, str]:
    """This request's method and route pattern as logs and metrics name it: never the path,
    which may carry a join or recovery link's secret."""
    route = request.url_rule.rule if request.url_rule is not None else metrics.UNMATCHED
    return metrics.method_label(request.method), route


def init_app(app: Flask) -> None:
    """Register the probes and wrap every request: first in, last out, so the timing and the
    logged status are those of the whole answer."""
    from ..extensions import csrf, limiter
    from .views import bp

    logs.configure(app)
    json_lines = app.config["AANKOMST_LOG_FORMAT"] == "json"
    request_log = logging.getLogger(logs.REQUEST_LOGGER)

    def _start() -> None:
        g.ops_started = time.perf_counter()
        g.request_id = logs.request_id(request.headers.get(logs.REQUEST_ID_HEADER))

    def _finish(response):
        started = g.get("ops_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        request_id = g.get("request_id") or logs.request_id(None)
        response.headers[logs.REQUEST_ID_HEADER] = request_id
        method, route = request_labels()
        metrics.observe_request(method, route, response.status_code, seconds)
        if json_lines:
            request_log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 2),
                    "request_id": request_id,
                },
            )
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # after_request functions run last-registered first: at index 0, this one runs last.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    csrf.exempt(bp)
    limiter.exempt(bp)
    app.register_blueprint(bp)
    app.wsgi_app = WithoutCookies(app.wsgi_app)
