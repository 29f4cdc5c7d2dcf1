"""Command-line tools: `flask --app wsgi <command>`. Staff-facing, so English only."""

import base64
import logging
import subprocess
import sys
import time
from datetime import time as dt_time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .config import PROJECT_ROOT
from .errors import AppError
from .extensions import db
from .i18n import LANGUAGES, bcp47, normalize_language
from .ops import schedule
from .transactions import commit

BABEL_CFG = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"

DEMO_LOCATIONS = [
    ("Demo house Bloemenhof", "Noordwijkerhout"),
    ("Demo house Duinzicht", "Noordwijk"),
]
# Approved demo buddies: nickname, app language, languages spoken, steps they help with.
DEMO_BUDDIES = [
    ("Marek", "pl", ["pl", "en", "nl"], ["register_brp", "register_gp", "bike_route"]),
    ("Oksana", "uk", ["uk", "en"], ["ind_residence", "register_brp", "health_insurance", "digid"]),
    ("Ivan", "bg", ["bg", "en"], ["register_rni", "first_workday", "worker_rights", "bike_route"]),
    ("Ioana", "ro", ["ro", "en"], ["health_insurance", "register_gp", "tax_return"]),
    ("Rafael", "pt_BR", ["pt", "en"], ["register_rni", "bank_account", "bike_route", "digid"]),
]  # fmt: skip
DEMO_ADMIN = "admin@demo.aankomst.test"
DEMO_COORDINATOR = "coordinator@demo.aankomst.test"


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _password_from_stdin() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


# --- seed-demo -------------------------------------------------------------------------------


def _demo_password(role: str) -> str:
    from .security import keyed_digest

    return base64.urlsafe_b64encode(keyed_digest("demo-password", role, 12)).decode()


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Demo locations, staff and a join link per language. Safe to run again: same output."""
    from .codes.services import ensure_demo_code, join_url
    from .staff.services import create_location, create_staff, find_location, find_staff

    locations = [
        find_location(name) or create_location(name, village) for name, village in DEMO_LOCATIONS
    ]
    for email, role in ((DEMO_ADMIN, "admin"), (DEMO_COORDINATOR, "coordinator")):
        if find_staff(email) is None:
            create_staff(
                email, _demo_password(role), role, [locations[0]] if role == "coordinator" else []
            )
    click.echo(f"Demo content pack: {current_app.config['AANKOMST_CONTENT']}")
    click.echo("Demo join links (multi-use, for trying the app):")
    for code, name in LANGUAGES.items():
        token = ensure_demo_code(locations[0], code)
        click.echo(f"  {name:<20} {join_url(token)}?language={bcp47(code)}")
    from .accounts.services import demo_recovery_code
    from .buddies.services import ensure_demo_buddy

    click.echo("Demo buddies (approved; sign in as one with its recovery code at /recover):")
    for nickname, language, spoken, topics in DEMO_BUDDIES:
        code = demo_recovery_code(f"buddy {nickname}")
        ensure_demo_buddy(nickname, language, spoken, topics, locations[0], code)
        click.echo(f"  {nickname:<8} speaks {', '.join(spoken):<10}  recovery code: {code}")
    commit()
    click.echo("Demo staff accounts (for the coordinator desk):")
    click.echo(f"  admin        {DEMO_ADMIN}  password: {_demo_password('admin')}")
    click.echo(f"  coordinator  {DEMO_COORDINATOR}  password: {_demo_password('coordinator')}")


# --- location, staff, codes ------------------------------------------------------------------

location_cli = AppGroup("location", help="Housing locations.")


@location_cli.command("create")
@click.argument("name")
@click.option("--village", required=True, help="Noordwijk, Noordwijkerhout or De Zilk.")
@click.option("--address", default=None, help="Street and number, postcode, place.")
def location_create(name: str, village: str, address: str | None) -> None:
    """Create a housing location (names are unique)."""
    from .staff.services import create_location

    try:
        location = create_location(name, village, address)
    except AppError as error:
        _fail(str(error.message))
    commit()
    click.echo(f"Created location {location.name} (id {location.id}).")


staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--role", type=click.Choice(["coordinator", "admin"]), required=True)
@click.option("--email", required=True)
@click.option("--location", "location_names", multiple=True, help="May repeat.")
@click.option(
    "--languages",
    default="",
    help="Languages the person speaks, comma-separated codes: pl,uk,bg,ro,pt_BR,nl,en.",
)
def staff_create(role: str, email: str, location_names: tuple[str, ...], languages: str) -> None:
    """Create a staff account; the password is the first line of standard input. Newcomers see
    the languages, and questions in them reach the person."""
    from .staff.services import create_staff, find_location, language_codes

    try:
        spoken = language_codes(languages)
    except AppError as error:
        _fail(str(error.message))
    locations = []
    for name in location_names:
        location = find_location(name)
        if location is None:
            _fail(f"No location named {name!r}. Create it first with: location create")
        locations.append(location)
    try:
        staff = create_staff(email, _password_from_stdin(), role, locations, spoken)
    except AppError as error:
        _fail(str(error.message))
    commit()
    click.echo(f"Created {staff.role} {staff.email}.")


@staff_cli.command("reset-password")
@click.option("--email", required=True)
def staff_reset_password(email: str) -> None:
    """Set a new password, read from the first line of standard input."""
    from .staff.services import reset_password

    try:
        staff = reset_password(email, _password_from_stdin())
    except AppError as error:
        _fail(str(error.message))
    commit()
    click.echo(f"Password changed for {staff.email}.")


codes_cli = AppGroup("codes", help="Join codes.")


@codes_cli.command("issue")
@click.option("--location", "location_name", required=True)
@click.option("--count", default=1, type=click.IntRange(1, 200), show_default=True)
@click.option("--max-uses", default=1, type=click.IntRange(1, 50), show_default=True)
@click.option("--expires-in-days", default=14, type=click.IntRange(1, 365), show_default=True)
@click.option("--language", default=None, help="Default language, e.g. pl or pt-BR.")
def codes_issue(
    location_name: str, count: int, max_uses: int, expires_in_days: int, language: str | None
) -> None:
    """Issue join codes for a location; prints one join URL per code."""
    from .codes.services import issue_codes, join_url
    from .staff.services import find_location

    location = find_location(location_name)
    if location is None:
        _fail(f"No location named {location_name!r}.")
    code_language = normalize_language(language) if language else None
    if language and code_language is None:
        _fail(f"Unknown language {language!r}; use one of {', '.join(map(bcp47, LANGUAGES))}.")
    issued = issue_codes(location, count, max_uses, expires_in_days, code_language)
    commit()
    for _code, token in issued:
        suffix = f"?language={bcp47(code_language)}" if code_language else ""
        click.echo(join_url(token) + suffix)


# --- translations ----------------------------------------------------------------------------

i18n_cli = AppGroup("i18n", help="Translation checks.")


def catalog_problems(translations: Path = TRANSLATIONS) -> list[str]:
    """Every untranslated or fuzzy entry of every catalog, and missing catalogs."""
    import polib

    problems = []
    for code in LANGUAGES:
        if code == "en":
            continue
        po_path = translations / code / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{code}: catalog missing ({po_path})")
            continue
        catalog = polib.pofile(str(po_path))
        for entry in catalog.untranslated_entries():
            problems.append(f"{code}: untranslated: {entry.msgid[:70]!r}")
        for entry in catalog.fuzzy_entries():
            problems.append(f"{code}: fuzzy: {entry.msgid[:70]!r}")
        for entry in catalog.translated_entries():
            if entry.msgid_plural and not all(entry.msgstr_plural.values()):
                problems.append(f"{code}: plural form missing: {entry.msgid[:70]!r}")
    return problems


@i18n_cli.command("check")
def i18n_check() -> None:
    """Exit 1 listing every untranslated or fuzzy entry."""
    problems = catalog_problems()
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s) in the translation catalogs.", err=True)
        sys.exit(1)
    click.echo(f"All {len(LANGUAGES) - 1} catalogs are complete.")


translate_cli = AppGroup("translate", help="pybabel around babel.cfg.")


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT
    )


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect messages from code, templates and the content pack into messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CFG),
        "-k",
        "_l",
        "--add-comments=i18n:",
        "--sort-by-file",
        "--no-wrap",
        "--ignore-dirs=.* __pycache__",
        "-o",
        str(POT_FILE),
        ".",
    )


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new messages into every catalog."""
    translate_extract.callback()
    _pybabel(
        "update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-wrap", "--ignore-obsolete"
    )


@translate_cli.command("compile")
def translate_compile() -> None:
    """Build the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@translate_cli.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalog for a new language (see README: adding a language)."""
    _pybabel("init", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "-l", language, "--no-wrap")


buddies_cli = AppGroup("buddies", help="Buddy matching.")


@buddies_cli.command("expire")
def buddies_expire() -> None:
    """Move offers nobody answered in time on to the next buddy (the scheduler runs it hourly)."""
    from .buddies.lifecycle import expire_offers

    moved = expire_offers()
    commit()
    click.echo(f"{moved} offer(s) moved on.")


@click.command("purge-inactive")
@with_appcontext
def purge_inactive_command() -> None:
    """Erase accounts unused for AANKOMST_INACTIVE_DAYS (default 365) and join codes 90 days
    after they expired or were revoked (the scheduler runs it daily)."""
    from .privacy.services import purge_inactive

    people, codes = purge_inactive()
    commit()
    click.echo(f"{people} inactive account(s) and {codes} old code(s) erased.")


vapid_cli = AppGroup("vapid", help="Web push keys.")


@vapid_cli.command("generate")
def vapid_generate() -> None:
    """Print a new VAPID key pair. Changing keys breaks every subscription: do it once."""
    from .push.keys import generate_keys

    private, public = generate_keys()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={public}")


reminders_cli = AppGroup("reminders", help="Deadline reminders by web push.")


@reminders_cli.command("send")
def reminders_send() -> None:
    """Queue today's reminders and send everything due (the scheduler runs it every 15 min)."""
    from .content import current_pack
    from .push.keys import vapid
    from .push.messages import prune
    from .push.reminders import queue_reminders
    from .push.sender import send_due

    if vapid() is None:
        _fail(
            "Push is not configured: set VAPID_PRIVATE_KEY and VAPID_SUBJECT "
            "(make keys with: flask --app wsgi vapid generate)."
        )
    queued = queue_reminders(current_pack())
    summary = send_due()
    prune()
    click.echo(f"{len(queued)} reminder(s) queued; {summary}.")


content_cli = AppGroup("content", help="The content pack.")

CONTENT_LABELS = {
    "expired": "EXPIRED",
    "not_yet_valid": "not yet valid",
    "expires_soon": "expires soon",
    "source_unchecked": "source not checked for 180 days",
}


@content_cli.command("check")
@click.option("--on", "on_day", type=click.DateTime(["%Y-%m-%d"]), help="Check as of this day.")
def content_check(on_day) -> None:
    """List figures that expired or expire within 30 days and sources unchecked for 180 days;
    exit 1 when a figure some page shows has expired."""
    from .clock import today_in_amsterdam
    from .content import current_pack
    from .content.check import check_pack

    today = on_day.date() if on_day else today_in_amsterdam()
    findings = check_pack(current_pack(), today)
    for finding in findings:
        use = " (shown)" if finding.shown else ""
        click.echo(
            f"{CONTENT_LABELS[finding.kind]}: {finding.subject}{use}, "
            f"{finding.day.isoformat()}, {finding.source}"
        )
    blocking = [f for f in findings if f.blocks_publishing]
    click.echo(
        f"{len(findings)} finding(s) on {today.isoformat()}; "
        f"{len(blocking)} shown figure(s) expired."
    )
    if blocking:
        sys.exit(1)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run an RQ worker for push jobs (needs REDIS_URL)."""
    from rq import Worker

    from .push.jobs import QUEUE, redis_connection

    url = current_app.config.get("REDIS_URL")
    if not url:
        _fail("REDIS_URL is not set: without it, push jobs run in the web process itself.")
    Worker([QUEUE], connection=redis_connection(url)).work()


# --- scheduler -------------------------------------------------------------------------------

# What `scheduler` runs and when (the README's "Production" section lists the same).
SCHEDULE = [
    schedule.Job("reminders", ("reminders", "send"), schedule.Every(15)),
    schedule.Job("buddies", ("buddies", "expire"), schedule.Every(60, offset=5)),
    schedule.Job("purge", ("purge-inactive",), schedule.Daily(dt_time(3, 30))),
]
scheduler_log = logging.getLogger("aankomst.scheduler")


def run_scheduled(app, job: schedule.Job) -> int:
    """Run one job's command in this process, in an app context of its own; a failure is
    logged and rolled back, and never stops the scheduler."""
    with app.app_context():
        try:
            app.cli.main(args=list(job.command), prog_name="flask", standalone_mode=False)
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except Exception:
            scheduler_log.exception("job %s failed", job.name)
            code = 1
        finally:
            db.session.rollback()
            db.session.remove()
    level = logging.INFO if code == 0 else logging.WARNING
    scheduler_log.log(level, "job %s finished", job.name, extra={"job": job.name, "exit": code})
    return code


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once now, then stop (1 if one failed).")
@with_appcontext
def scheduler(once: bool) -> None:
    """Run reminders send every 15 minutes, buddies expire hourly (at :05) and purge-inactive
    daily at 03:30 Amsterdam time, in one process: no cron needed. Run exactly one."""
    from .clock import utcnow

    app = current_app._get_current_object()
    if app.config["AANKOMST_LOG_FORMAT"] == "text" and not scheduler_log.handlers:
        text = logging.StreamHandler()
        text.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        scheduler_log.addHandler(text)
        scheduler_log.setLevel(logging.INFO)
    if once:
        failed = [job.name for job in SCHEDULE if run_scheduled(app, job) != 0]
        if failed:
            _fail(f"failed: {', '.join(failed)}")
        return
    last = utcnow()
    scheduler_log.info("scheduler started")
    while True:
        wake = schedule.next_wakeup(SCHEDULE, last)
        # Sleep in short steps: a clock that jumps (NTP, a suspended VM) is noticed soon.
        while (now := utcnow()) < wake:
            time.sleep(min(60.0, (wake - now).total_seconds()))
        for job in schedule.due(SCHEDULE, last, now):
            run_scheduled(app, job)
        last = now


pwa_cli = AppGroup("pwa", help="The installable app.")


@pwa_cli.command("icons")
def pwa_icons() -> None:
    """Draw the app icons (192 and 512 px, plain and maskable) into static/icons/."""
    from .pwa.icons import write_icons

    for path in write_icons(PROJECT_ROOT / "static" / "icons"):
        click.echo(f"wrote {path.relative_to(PROJECT_ROOT)}")


def init_app(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(purge_inactive_command)
    app.cli.add_command(scheduler)
    for group in (
        location_cli,
        staff_cli,
        codes_cli,
        i18n_cli,
        translate_cli,
        pwa_cli,
        buddies_cli,
        vapid_cli,
        reminders_cli,
        content_cli,
    ):
        app.cli.add_command(group)
