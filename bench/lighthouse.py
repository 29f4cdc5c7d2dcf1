"""Lighthouse 12.2.3 (mobile preset) on the join page and the checklist; writes the scores into
BENCHMARKS.md. A benchmark, not a CI gate: shared machines are noisy.

Run: .venv/bin/python bench/lighthouse.py   (installs lighthouse into bench/node_modules once)
"""

import json
import os
import subprocess
from pathlib import Path

from common import CHROMIUM, FLAGS, join, machine, serve, write_section
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}


def lighthouse(url: str, cookie: str | None = None) -> dict:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(HERE),
                "--no-audit",
                "--no-fund",
                "lighthouse@12.2.3",
            ],
            check=True,
        )
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags=--headless=new {' '.join(FLAGS)}",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(result.stdout)
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def measure() -> dict:
    with serve() as (base, token, _counting), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        cookies = join(browser, base, token)
        browser.close()
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
        return {
            "join page": lighthouse(f"{base}/join/{token}?language=pl"),
            "checklist": lighthouse(f"{base}/", cookie),
        }


if __name__ == "__main__":
    scores = measure()
    print(scores)
    rows = "\n".join(
        f"| {page} | {s['performance']} | {s['accessibility']} | {s['best-practices']} |"
        for page, s in scores.items()
    )
    write_section(
        "Lighthouse (`bench/lighthouse.py`)",
        f"""
Lighthouse 12.2.3, mobile preset (simulated slow 4G and a mid-range phone), Debian Chromium
headless, app served by the development server on 127.0.0.1 (no gzip), Polish. Measured
{machine()}. Targets: performance ≥ 95, accessibility 100, best practices 100.

| page | performance | accessibility | best practices |
| --- | --- | --- | --- |
{rows}
""",
    )
