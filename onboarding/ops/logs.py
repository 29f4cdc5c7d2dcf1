"""Log lines an operator's tools can read: one JSON object a line, and a request id that ties
the proxy's, the app's and the worker's lines together. A request line names the route pattern,
never the path itself (join links and recovery links carry secrets in it), and nothing a
person wrote or sent."""

import json
import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context
from sqlalchemy.exc import StatementError

REQUEST_LOGGER = "aankomst.request"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The fields of a request line, in this order; nothing else from the request is written.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms", "request_id")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def request_id(given: str | None) -> str:
    """The caller's id when it is a plain token of 1-64 characters, else a new one: an id is
    written into every log line, so it must not carry anything else."""
    if given and _REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def _database_error(error: BaseException) -> bool:
    return isinstance(error, StatementError) or type(error).__module__.split(".")[0] in (
        "psycopg",
        "sqlite3",
    )


def _what_the_database_said(error: BaseException) -> str:
    """A database error without its message: PostgreSQL quotes the failing row and bad input
    in it ("Failing row contains (..., a note, ...)"), so only names and codes are kept."""
    if isinstance(error, StatementError):
        return f"statement: {' '.join(str(error.statement).split())}"
    names = [f"sqlstate {error.sqlstate}"] if getattr(error, "sqlstate", None) else []
    diagnosis = getattr(error, "diag", None)
    for part in ("table_name", "column_name", "constraint_name"):
        value = getattr(diagnosis, part, None)
        if value:
            names.append(f"{part.removesuffix('_name')} {value}")
    if getattr(error, "sqlite_errorname", None):
        names.append(error.sqlite_errorname)
    return ", ".join(names) or "message left out"


def traceback_without_values(error: BaseException) -> str:
    """The traceback of an error and of the errors that led to it, as Python prints it, but
    with what a database said replaced by the names and codes in it."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    parts = []
    for number, link in enumerate(reversed(chain)):
        if number:
            parts.append("\nThe above exception led to the following exception:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        kind = type(link)
        message = _what_the_database_said(link) if _database_error(link) else str(link)
        parts.append(f"{kind.__module__}.{kind.__qualname__}: {message}\n")
    return "".join(parts).rstrip("\n")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the record's extra fields
    (a request line's method, route, status, duration and request id), for any other message
    written during a request that request's id, and for an error its traceback without what
    the database said about the values."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if "request_id" not in line and has_request_context():
            # Any message written while answering a request carries that request's id.
            line["request_id"] = g.get("request_id")
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = traceback_without_values(record.exc_info[1])
        return json.dumps(line, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to the sys.stderr of the moment (systemd's journal, gunicorn's error log, or a
    test's capture), not the one there was when the app was built."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _json_handler() -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.aankomst_json = True
    return handler


def _has_json_handler(logger: logging.Logger) -> bool:
    return any(getattr(handler, "aankomst_json", False) for handler in logger.handlers)


def configure(app) -> None:
    """With AANKOMST_LOG_FORMAT=json (the default in production) request lines go to stderr as
    JSON, and so do the app's own messages; otherwise the server's usual text logs stay."""
    if app.config["AANKOMST_LOG_FORMAT"] != "json":
        return
    from flask.logging import default_handler

    logging.getLogger("aankomst").setLevel(logging.INFO)  # aankomst.request, aankomst.scheduler
    for logger in (app.logger, logging.getLogger("aankomst")):
        logger.removeHandler(default_handler)
        if not _has_json_handler(logger):
            logger.addHandler(_json_handler())
