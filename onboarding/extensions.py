"""Flask extensions, created once and bound to the app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import CursorResult, DateTime, Executable, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from .clock import UTC, utcnow

__all__ = [
    "Base",
    "UTCDateTime",
    "babel",
    "csrf",
    "db",
    "limiter",
    "migrate",
    "read_rows",
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


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
# Storage is chosen in create_app: Redis when REDIS_URL is set (limits shared by all workers).
limiter = Limiter(key_func=get_remote_address)


def read_rows(statement: Executable, parameters: dict) -> CursorResult:
    """Plain rows of a select of columns, run on the session's connection: past the ORM, whose
    work per execution costs about twice such a query, and after sending what the session holds
    (the connection sees only that). For what every visit reads; never for objects to change."""
    db.session.flush()
    return db.session.connection().execute(statement, parameters)
