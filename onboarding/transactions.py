"""One commit point.

Services change rows and flush; they never commit. A request commits once, after its view has
built a successful answer (status below 400), and rolls back otherwise; a CLI command or job
calls `commit()` once at its end. Work that must only follow a stored change, such as sending
the notifications a change queued, is registered with `after_commit`: it runs after that commit
(in a request, once the response has been sent) and is dropped on a rollback. Because a change's
answer is built inside its transaction, it never reads rows another request erased in the
meantime. A page that only shows reads its first query on a connection of its own
(`extensions.read_rows`) and any later one in the session's transaction: what it shows may then
come from two moments, and nothing is written from it.

Pages and answers that only show something are marked `@read_only`. On SQLite their transaction
reads without the database's single write lock, so they run side by side instead of one after
the other, and the connection refuses writes (`PRAGMA query_only`), so a write that slipped into
such a view fails in every test rather than only under load. Such a request has nothing to
commit: it ends its reading without one, unless it holds changes (which then fail). Every other
transaction on SQLite takes the write lock when it begins (`BEGIN IMMEDIATE`), so two writers
never deadlock. On PostgreSQL a read-only request runs its queries each on its own
(autocommit): no BEGIN and COMMIT round trips (a visit to the checklist takes one query). A write
slipped into such a view would there be kept at once, whatever the answer; SQLite's refusal is
what catches one, in the suite that runs on SQLite.
"""

import sqlite3
from collections.abc import Callable

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .errors import database_unavailable
from .extensions import db, session_in_use

AFTER_COMMIT = "aankomst_after_commit"
READ_ONLY = "aankomst_read_only"
WRITING = "aankomst_writing"


def read_only(view: Callable) -> Callable:
    """Mark a view that only shows something (for GET and HEAD; see the module docstring)."""
    setattr(view, READ_ONLY, True)
    return view


def reads_only() -> bool:
    """Whether the current request is a read-only one that has not had to write after all."""
    if not has_request_context():
        return False
    # Asked several times a request: one call past each proxy (see `content.current_pack`).
    this = request._get_current_object()
    if this.method not in ("GET", "HEAD") or g._get_current_object().get(WRITING):
        return False
    view = current_app._get_current_object().view_functions.get(this.endpoint)
    return getattr(view, READ_ONLY, False)


def begin_writing() -> bool:
    """A read-only request that must write after all (a session renewed once a day): its reading
    ends, and the next statement begins a transaction for writing (on SQLite one with the write
    lock). True when that happened: what was loaded before must be read again."""
    if not reads_only():
        return False
    g.setdefault(WRITING, True)
    db.session.rollback()
    return True


def sqlite_begin(connection: Connection) -> None:
    """Begin a transaction on SQLite the way the request needs (see the module docstring).
    Sent straight to the driver: through SQLAlchemy each statement cost a twentieth of a
    checklist answer's Python. Its errors (a lock held too long) still reach the app as
    SQLAlchemy's, which answer 503."""
    reading = reads_only()
    driver = connection.connection.driver_connection
    try:
        if connection.info.get("query_only", False) != reading:
            driver.execute(f"PRAGMA query_only = {int(reading)}")
            connection.info["query_only"] = reading
        driver.execute("BEGIN" if reading else "BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise DBAPIError.instance("BEGIN", None, error, sqlite3.Error) from error


def postgresql_begin(connection: Connection) -> None:
    """Begin on PostgreSQL the way the request needs: a read-only one without a transaction (each
    statement commits by itself, so psycopg sends no BEGIN and COMMIT has nothing to send), any
    other in one transaction. The connection is idle here, so switching costs no round trip."""
    driver = connection.connection.driver_connection
    reading = reads_only()
    if driver.autocommit != reading:
        driver.autocommit = reading


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction is committed; never if it rolls back."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


def commit() -> None:
    """The commit point of a CLI command or a job: store, then do what waited for it."""
    db.session.commit()
    for callback in db.session.info.pop(AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    """A rolled-back change sends nothing (a savepoint's rollback leaves the rest standing)."""
    if not previous_transaction.nested:
        session.info.pop(AFTER_COMMIT, None)


def _holds_changes() -> bool:
    """Changes not yet sent, or work waiting for a commit: such a request still commits (on
    SQLite a write slipped into a read-only view then fails, as one sent earlier does). A
    request that never used its session (see `read_rows`) holds none, and is not given one."""
    if not session_in_use():
        return False
    session = db.session
    return bool(session.new or session.dirty or session.deleted or session.info.get(AFTER_COMMIT))


def _run_later(app: Flask, callbacks: list[Callable[[], None]]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            for callback in callbacks:
                callback()

    return run


def init_app(app: Flask) -> None:
    """Every request ends at the commit point."""

    @app.after_request
    def _commit_point(response: Response) -> Response:
        if response.status_code >= 400:
            if session_in_use():
                db.session.rollback()
            return response
        if reads_only() and not _holds_changes():
            # Nothing to store: the session's end lets go of the reading, and a commit would
            # cost Python work on every visit for nothing.
            return response
        try:
            db.session.commit()
        except DBAPIError as error:
            return database_unavailable(error)
        callbacks = db.session.info.pop(AFTER_COMMIT, [])
        if callbacks:
            response.call_on_close(_run_later(current_app._get_current_object(), callbacks))
        return response
