"""Page weight of the checklist on a phone: first load (HTML, CSS, JS, gzip) and what a repeat
visit still asks the server for. Writes the figures into BENCHMARKS.md.

Run: .venv/bin/python bench/page_weight.py   (needs Debian's chromium at /usr/bin/chromium)
"""

import gzip
import os
import platform
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from onboarding import create_app  # noqa: E402
from onboarding.extensions import db  # noqa: E402

BUDGET_KB = 60
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


class CountingApp:
    """WSGI middleware that records the paths the server was asked for."""

    def __init__(self, app):
        self.app, self.paths = app, []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


def main() -> dict:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from onboarding.codes.services import issue_codes
        from onboarding.staff.services import create_location

        [(_code, token)] = issue_codes(create_location("Bench house", "Noordwijk"), max_uses=5)
        db.session.remove()
    counting = CountingApp(app.wsgi_app)
    app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="pl-PL")
        page = context.new_page()
        page.goto(f"{base}/join/{token}?language=pl")
        page.fill("#arrival_date", date.today().isoformat())
        page.check("input[name=stay_plan][value=medium]")
        page.click("form button.button-large")
        cookies = context.cookies()
        context.close()

        # First load: a browser that has only the session cookie (no cache, no worker yet).
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="pl-PL")
        context.add_cookies(cookies)
        page = context.new_page()
        bodies = {}
        page.on("response", lambda r: bodies.setdefault(r.url, r))
        page.goto(base + "/", wait_until="load")
        page.wait_for_timeout(500)
        by_kind = {"html": 0, "css": 0, "js": 0, "other": 0}
        raw_total = 0
        for url, response in bodies.items():
            if response.request.resource_type not in ("document", "stylesheet", "script"):
                continue
            body = response.body()
            kind = {"document": "html", "stylesheet": "css", "script": "js"}[response.request.resource_type]
            by_kind[kind] += len(gzip.compress(body, 6))
            raw_total += len(body)
        figures["first_load_gzip_bytes"] = by_kind["html"] + by_kind["css"] + by_kind["js"]
        figures["first_load_raw_bytes"] = raw_total
        figures.update({f"first_load_{k}_gzip_bytes": v for k, v in by_kind.items() if k != "other"})

        # Repeat visit: the worker is active and the pages are saved.
        page.wait_for_selector("#app-status:not([hidden])")
        page.wait_for_timeout(3000)
        counting.paths.clear()
        page.reload(wait_until="load")
        page.wait_for_timeout(1000)
        figures["repeat_visit_requests"] = sorted(set(counting.paths))
        browser.close()
    server.shutdown()
    return figures


def write(figures: dict) -> None:
    kb = figures["first_load_gzip_bytes"] / 1024
    block = "\n".join([
        "## Checklist page weight (`bench/page_weight.py`)",
        "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python {platform.python_version()},"
        " Debian Chromium, 360 × 740, Polish, a new newcomer (10 steps). Gzip sizes are each response"
        " body compressed at level 6, as a reverse proxy would send them.",
        "",
        "| figure | value | budget |",
        "| --- | --- | --- |",
        f"| first load, HTML + CSS + JS (gzip) | {kb:.1f} KB | ≤ {BUDGET_KB} KB |",
        f"| of which HTML / CSS / JS (gzip) | {figures['first_load_html_gzip_bytes'] / 1024:.1f} / "
        f"{figures['first_load_css_gzip_bytes'] / 1024:.1f} / {figures['first_load_js_gzip_bytes'] / 1024:.1f} KB | |",
        f"| first load, uncompressed | {figures['first_load_raw_bytes'] / 1024:.1f} KB | |",
        f"| repeat visit: requests that reach the server | {', '.join(figures['repeat_visit_requests'])} | the page only |",
        "",
    ])
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nLatest figures; each script rewrites its own section.\n\n"
    start = text.find("## Checklist page weight")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + block + (text[end + 1:] if end >= 0 else "")
    else:
        text += block
    path.write_text(text)


if __name__ == "__main__":
    result = main()
    print(result)
    write(result)
    if result["first_load_gzip_bytes"] > BUDGET_KB * 1024:
        sys.exit(f"over budget: {result['first_load_gzip_bytes']} bytes")
