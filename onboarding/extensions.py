"""Flask extensions, created once and bound to the app in create_app()."""

from collections.abc import Sequence

import psycopg
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from psycopg.pq import ExecStatus
from psycopg.pq.abc import PGresult
from sqlalchemy import DateTime, Executable, MetaData, Row, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from .clock import UTC, utcnow

__all__ = [
    "Base",
    "DescribedOnReadCursor",
    "UTCDateTime",
    "babel",
    "csrf",
    "db",
    "limiter",
    "migrate",
    "read_rows",
    "session_in_use",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as naive UTC and always returned timezone-aware (SQLite drops offsets)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


# What a result that returns rows can say of itself (psycopg's own test).
_RETURNS_ROWS = {ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK}


class ResultDescription(Sequence):
    """A result's `cursor.description` (DB-API: name and type code per column), each entry made
    when read."""

    __slots__ = ("_result", "_encoding")

    def __init__(self, result: PGresult, encoding: str):
        self._result, self._encoding = result, encoding

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        name = (self._result.fname(index) or b"").decode(self._encoding)
        return (name, self._result.ftype(index), None, None, None, None, None)


class DescribedOnReadCursor(psycopg.Cursor):
    """psycopg's cursor, with a description that costs nothing until read. psycopg builds a
    Column object for every column of every result when the description is asked for, and
    SQLAlchemy asks after every query, although for a statement it has run before it reads
    only whether there is one. On the one query of a checklist visit (some 30 columns) that
    was a tenth of the request's Python. Entries are DB-API 7-tuples (name, type code, and
    five Nones), which is what SQLAlchemy reads."""

    @property
    def description(self) -> ResultDescription | None:
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _RETURNS_ROWS):
            return None
        return ResultDescription(result, self._encoding)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
# Storage is chosen in create_app: Redis when REDIS_URL is set (limits shared by all workers).
limiter = Limiter(key_func=get_remote_address)


def session_in_use() -> bool:
    """Whether this app context has made its ORM session (`db.session` makes one when used)."""
    return db.session.registry.has()


def read_rows(statement: Executable, parameters: dict) -> Sequence[Row]:
    """Plain rows of a select of columns: past the ORM, whose work per execution costs about
    twice such a query. For what every visit reads; never for objects to change.

    When the request has not used its ORM session yet (a visit's first and often only query),
    on a pooled connection of its own, in a transaction of its own (on SQLite, outside a
    read-only request, one with the write lock), returned at once: making the session and
    closing it again cost a twelfth of a checklist answer's Python. Otherwise on the session's
    connection, after sending what the session holds (the connection sees only that)."""
    if not session_in_use():
        with db.engine.connect() as connection:
            return connection.execute(statement, parameters).all()
    db.session.flush()
    return db.session.connection().execute(statement, parameters).all()
