"""Shared by the benchmark scripts: the app on a throw-away database, a joined newcomer's
cookies, and rewriting one section of BENCHMARKS.md."""

import os
import platform
import sys
import tempfile
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}


class CountingApp:
    """WSGI middleware that records the paths the server was asked for."""

    def __init__(self, app):
        self.app, self.paths = app, []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


@contextmanager
def serve():
    """The app on 127.0.0.1 with a fresh SQLite file; yields (base URL, join token, counter)."""
    from flask_migrate import upgrade

    from onboarding import create_app
    from onboarding.codes.services import issue_codes
    from onboarding.extensions import db
    from onboarding.staff.services import create_location
    from onboarding.transactions import commit

    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}"}
    )
    with app.app_context():
        upgrade()
        [(_code, token)] = issue_codes(create_location("Bench house", "Noordwijk"), max_uses=50)
        commit()
        db.session.remove()
    counting = CountingApp(app.wsgi_app)
    app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", token, counting
    finally:
        server.shutdown()


def join(browser, base: str, token: str, language: str = "pl") -> list[dict]:
    """Join as a new newcomer in a throw-away context; returns the session cookies."""
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    page.goto(f"{base}/join/{token}?language={language}")
    page.fill("#arrival_date", date.today().isoformat())
    page.check("input[name=stay_plan][value=medium]")
    page.click("form button.button-large")
    cookies = context.cookies()
    context.close()
    return cookies


def machine() -> str:
    return (
        f"{date.today().isoformat()} on {os.cpu_count()} cores, Python {platform.python_version()}"
    )


def write_section(title: str, block: str) -> None:
    """Replace (or add) the section `## {title}` of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    text = (
        path.read_text()
        if path.exists()
        else ("# Benchmarks\n\nLatest figures; each script in bench/ rewrites its own section.\n\n")
    )
    section = f"## {title}\n\n{block.strip()}\n\n"
    start = text.find(f"## {title}")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text += section
    path.write_text(text)
