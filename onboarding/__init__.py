"""Aankomst: an offline-first arrival checklist for labour migrants.

How the package is built: a foundation, features on top of it, and a composition on top of
those. Layers, lowest first; a module imports only from its own layer or a lower one (each
feature is a layer of its own, so a feature never imports one above it), and within the
foundation and the composition there is no cycle. tests/test_layers.py reads this list and
checks every import against it:

    foundation: config clock extensions i18n errors validation security guessing
        transactions personal_data forms content api staff pwa templating ops
    help
    codes
    accounts
    checklist
    push
    buddies
    checkins
    questions
    composition: privacy desk insights cli worker onboarding

- The foundation knows no feature: settings, time, the database, languages, errors and input
  checks, the limit on guessing secrets, the commit point, the personal-data registry, the
  content pack, the API blueprint and the merge of its document, staff (locations, accounts,
  sessions, roles, the audit log and the `location_for`/`staff_required` guards), and operations
  (health and readiness probes, metrics, JSON request logs, the scheduler's timing rules).
- A feature owns its models, rules (`services.py`), input parsing (`inputs.py`: form or JSON to a
  dataclass through the shared `Fields`), answers (`api.py` with its part of the OpenAPI
  document), pages, and its share of personal data, which it registers when the app is created.
- The composition puts features together: the coordinator's desk, privacy (export, erasure,
  purge), insights (k-anonymous counts across checklist, check-ins, buddies and questions), the
  command line, the job worker, and `create_app` itself.

One rule for transactions: services change and flush, never commit. A request commits once,
after its answer is built (status below 400; anything else rolls back); a CLI command or a job
commits once at its end. Notifications and push jobs are registered with
`transactions.after_commit` and go out only after that commit. Pages that only show something
take no row locks. Jobs that work through many people (sending push, queueing reminders) commit
per person, so that no lock is held while a push service answers and one failure never loses
the rest.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from . import i18n, ops, transactions
from .config import LIMITS_NEED_REDIS, PROJECT_ROOT, load_config, worker_count
from .content import load_pack
from .extensions import DescribedOnReadCursor, babel, csrf, db, limiter, migrate


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
        transactions.sqlite_begin(connection)


def _tune_postgresql() -> None:
    """Read-only requests without BEGIN and COMMIT (see transactions); descriptions of results
    made only when read (see DescribedOnReadCursor)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.cursor_factory = DescribedOnReadCursor

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        transactions.postgresql_begin(connection)


class IdConverter(IntegerConverter):
    """`<id:name>` in routes: a database id, from 1 to 2**31 - 1 (what the column holds).

    The range is in the pattern, so any other number is a 404 for every method. Werkzeug checks
    `min`/`max` only after it has compared methods, which made `DELETE .../approve/0` a 405 (the
    same path has a POST) while `POST .../approve/0` was a 404."""

    regex = (
        r"[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]"
        r"|214748364[0-7]"
    )


SYNC_FUNCTIONS_KEPT = 4096


class Aankomst(Flask):
    """Flask, with what it asks of each view and hook on every request answered once."""

    def ensure_sync(self, func: Callable) -> Callable:
        """Flask asks whether a view or hook is a coroutine function each time it calls one:
        about a twentieth of the Python of a checklist answer. The answer never changes. (The
        views and hooks are a few hundred; should one ever be made per request, the bound keeps
        memory flat.)"""
        known = self.__dict__.setdefault("_sync_functions", {})
        found = known.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(known) < SYNC_FUNCTIONS_KEPT:
                known[func] = found
        return found

    def log_exception(self, exc_info) -> None:
        """Flask names the path of a request that failed, and a join or recovery link carries
        its secret in the path: the route pattern instead."""
        self.logger.error("Exception on %s %s", *ops.request_labels(), exc_info=exc_info)


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides what the environment gives (tests use it)."""
    app = Aankomst(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.url_map.converters["id"] = IdConverter
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    # A failed statement's message would list the values it was given (notes, contacts), and
    # text logs and RQ print such messages as they are (JSON logs leave out the database's own
    # words too: ops.logs).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # First: probes, metrics and the request log wrap everything registered after them.
    ops.init_app(app)

    if app.config["AANKOMST_PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

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
    manager = limiter.limit_manager
    app_wide = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_IN_MEMORY_FALLBACK")
    if not (
        manager.default_limits or manager.application_limits or any(map(app.config.get, app_wide))
    ):
        # Every limit here sits on its own views, whose decorators check it (and fall back to
        # counting in memory without Redis). The extension's check before each request only
        # looks for app-wide or blueprint limits, of which there are none, and cost as much as
        # a tenth of a checklist answer. Setting an app-wide limit brings the check back.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    workers = worker_count(sys.argv, os.environ)
    if app.config["AANKOMST_ENV"] == "production" and not app.config["REDIS_URL"] and workers > 1:
        app.logger.warning(LIMITS_NEED_REDIS, workers, workers)
    with app.app_context():
        _tune_sqlite(app)
        _tune_postgresql()
    app.extensions["aankomst_pack"] = load_pack(app.config["AANKOMST_CONTENT"])

    _compose(app)
    return app


def _compose(app: Flask) -> None:
    """Wire the features and the composition on top of them into the app, bottom up."""
    from . import api, cli, errors, security, templating
    from .accounts import api as accounts_api
    from .accounts import init_app as accounts_init
    from .accounts import load_newcomer
    from .accounts import views as accounts_views
    from .buddies import api as buddies_api
    from .buddies import init_app as buddies_init
    from .buddies import staff_views as buddies_staff_views
    from .buddies import views as buddies_views
    from .checkins import api as checkins_api
    from .checkins import init_app as checkins_init
    from .checkins import views as checkins_views
    from .checklist import api as checklist_api
    from .checklist import init_app as checklist_init
    from .checklist import views as checklist_views
    from .codes import api as codes_api
    from .codes import views as codes_views
    from .desk import views as desk_views
    from .help import views as help_views
    from .insights import api as insights_api
    from .insights import views as insights_views
    from .privacy import api as privacy_api
    from .privacy import views as privacy_views
    from .push import api as push_api
    from .push import init_app as push_init
    from .push import views as push_views
    from .pwa import views as pwa_views
    from .questions import api as questions_api
    from .questions import init_app as questions_init
    from .questions import views as questions_views
    from .staff import api as staff_api
    from .staff import load_staff
    from .staff import views as staff_views

    app.before_request(load_newcomer)
    app.before_request(load_staff)
    app.config.setdefault("ASSET_VERSION", pwa_views.asset_version())
    for module in (
        i18n,
        pwa_views,
        staff_views,
        codes_views,
        accounts_views,
        checklist_views,
        help_views,
        push_views,
        buddies_views,
        buddies_staff_views,
        checkins_views,
        questions_views,
        privacy_views,
        desk_views,
        insights_views,
    ):
        app.register_blueprint(module.bp)
    # Each feature declares its personal data (in the order the export lists it) and more.
    for init in (
        accounts_init,
        checklist_init,
        buddies_init,
        push_init,
        checkins_init,
        questions_init,
    ):
        init(app)
    api.init_app(
        app,
        [
            accounts_api,
            checklist_api,
            privacy_api,
            buddies_api,
            staff_api,
            codes_api,
            push_api,
            checkins_api,
            questions_api,
            insights_api,
        ],
    )
    errors.init_app(app)
    transactions.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
