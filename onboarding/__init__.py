"""Aankomst: an offline-first arrival checklist for labour migrants."""

import os
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from .config import LIMITS_NEED_REDIS, PROJECT_ROOT, load_config, worker_count
from .extensions import babel, csrf, db, limiter, migrate


def _tune_sqlite(app: Flask) -> None:
    """WAL, a busy timeout and one writer at a time: parallel requests wait, never fail."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class IdConverter(IntegerConverter):
    """`<id:name>` in routes: a database id; anything larger than the column holds is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides what the environment gives (tests use it)."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.url_map.converters["id"] = IdConverter
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["AANKOMST_PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    from . import errors, i18n, security
    from .content import load_pack

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # If Redis is down, count in memory for a while rather than refuse every join and login.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    workers = worker_count(sys.argv, os.environ)
    if app.config["AANKOMST_ENV"] == "production" and not app.config["REDIS_URL"] and workers > 1:
        app.logger.warning(LIMITS_NEED_REDIS, workers, workers)
    with app.app_context():
        _tune_sqlite(app)
    app.extensions["aankomst_pack"] = load_pack(app.config["AANKOMST_CONTENT"])

    # Models must be imported before migrations or create_all see the metadata.
    from . import accounts, buddies, checklist
    from .accounts import load_newcomer
    from .accounts import models as _accounts_models  # noqa: F401
    from .accounts.views import bp as accounts_bp
    from .buddies import models as _buddies_models  # noqa: F401
    from .buddies.views import bp as buddies_bp
    from .checklist import models as _checklist_models  # noqa: F401
    from .checklist.views import bp as checklist_bp
    from .codes import models as _codes_models  # noqa: F401
    from .privacy.views import bp as privacy_bp
    from .push import models as _push_models  # noqa: F401
    from .staff import load_staff
    from .staff import models as _staff_models  # noqa: F401
    from .staff.views import bp as staff_bp

    app.before_request(load_newcomer)
    app.before_request(load_staff)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(checklist_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(buddies_bp)
    app.register_blueprint(privacy_bp)
    # Personal data, in the order the export lists it.
    accounts.init_app(app)
    checklist.init_app(app)
    buddies.init_app(app)

    from .pwa.views import asset_version
    from .pwa.views import bp as pwa_bp

    app.config.setdefault("ASSET_VERSION", asset_version())
    app.register_blueprint(pwa_bp)

    from . import api, cli, push, templating, transactions

    push.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    transactions.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app
