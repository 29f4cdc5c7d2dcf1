"""Page weight of the checklist on a phone: first load (HTML, CSS, JS, gzip) and what a repeat
visit still asks the server for. Writes its section of BENCHMARKS.md.

Run: .venv/bin/python bench/page_weight.py   (Debian's chromium at /usr/bin/chromium)
"""

import gzip
import sys

from common import CHROMIUM, FLAGS, PHONE, join, machine, serve, write_section
from playwright.sync_api import sync_playwright

BUDGET_KB = 60
KINDS = {"document": "html", "stylesheet": "css", "script": "js"}


def measure() -> dict:
    figures = {}
    with serve() as (base, token, counting), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        cookies = join(browser, base, token)
        # First load: only the session cookie, no cache and no worker yet.
        context = browser.new_context(viewport=PHONE, locale="pl-PL")
        context.add_cookies(cookies)
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(base + "/", wait_until="load")
        page.wait_for_timeout(500)
        sizes = dict.fromkeys(KINDS.values(), 0)
        raw = 0
        for response in responses:
            kind = KINDS.get(response.request.resource_type)
            if kind:
                body = response.body()
                sizes[kind] += len(gzip.compress(body, 6))
                raw += len(body)
        figures["gzip"] = sizes
        figures["raw"] = raw
        # Repeat visit, once the worker is active and the pages are saved.
        page.wait_for_selector("#app-status:not(:empty)")
        page.wait_for_timeout(3000)
        counting.paths.clear()
        page.reload(wait_until="load")
        page.wait_for_timeout(1000)
        figures["repeat"] = sorted(set(counting.paths))
        browser.close()
    return figures


def report(figures: dict) -> int:
    total = sum(figures["gzip"].values())
    html, css, js = (figures["gzip"][k] / 1024 for k in ("html", "css", "js"))
    write_section(
        "Checklist page weight (`bench/page_weight.py`)",
        f"""
Measured {machine()}, Debian Chromium, 360 × 740, Polish, a new newcomer (10 steps). Gzip
sizes: each response body compressed at level 6, as a reverse proxy would send it.

| figure | value | budget |
| --- | --- | --- |
| first load, HTML + CSS + JS (gzip) | {total / 1024:.1f} KB | ≤ {BUDGET_KB} KB |
| of which HTML / CSS / JS (gzip) | {html:.1f} / {css:.1f} / {js:.1f} KB | |
| first load, uncompressed | {figures["raw"] / 1024:.1f} KB | |
| repeat visit: requests that reach the server | {", ".join(figures["repeat"])} | the page only |
""",
    )
    return total


if __name__ == "__main__":
    result = measure()
    print(result)
    if report(result) > BUDGET_KB * 1024:
        sys.exit("over budget")
