"""One commit point.

Services change rows and flush; they never commit. A request commits once, after its view has
built a successful answer (status below 400), and rolls back otherwise; a CLI command or job
calls `commit()` once at its end. Work that must only follow a stored change, such as sending
the notifications a change queued, is registered with `after_commit`: it runs after that commit
(in a request, once the response has been sent) and is dropped on a rollback. Because the answer
is built inside the transaction, it never reads rows another request erased in the meantime.
"""

from collections.abc import Callable

from flask import Flask, Response, current_app
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .errors import database_unavailable
from .extensions import db

AFTER_COMMIT = "aankomst_after_commit"


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
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except DBAPIError as error:
            return database_unavailable(error)
        callbacks = db.session.info.pop(AFTER_COMMIT, [])
        if callbacks:
            response.call_on_close(_run_later(current_app._get_current_object(), callbacks))
        return response
