"""Real headless Chromium (Debian's) driven by Playwright, against the app on a real server."""

import os
import shutil
import threading
import time

import pytest
from werkzeug.serving import make_server

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


@pytest.fixture(scope="session")
def playwright_instance():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield browser
    browser.close()


class ClosedWhenDropped:
    """WSGI middleware for the development server: when the browser hangs up while a file is
    being sent (a page closed mid-download), werkzeug's server can skip closing the response,
    and the garbage collector then closes the file with a ResourceWarning that fails whichever
    test is running. The response is closed here when it is let go of, as a real server does."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        return _Closing(self.app(environ, start_response))


class _Closing:
    def __init__(self, body):
        self.body = body

    def __iter__(self):
        return iter(self.body)

    def close(self) -> None:
        close, self.body = getattr(self.body, "close", None), ()
        if close is not None:
            close()

    def __del__(self):
        self.close()


class LiveServer:
    """The app on 127.0.0.1 (a secure context, so workers run over http); it can be stopped
    and started again on the same port, to go offline for real."""

    def __init__(self, app):
        self.app = app
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1", self.port, ClosedWhenDropped(self.app), threaded=True
        )
        # Stopping waits for requests still running, so none outlives the test's database.
        self.server.daemon_threads = False
        self.server.block_on_close = True
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def server(app):
    live = LiveServer(app)
    yield live
    live.stop()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="pl-PL", service_workers="allow")
    yield context
    context.close()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression (wait_for_function evaluates strings, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)


def wait_for_worker(page) -> None:
    """navigator.serviceWorker.ready can resolve while the worker is still activating. On a busy
    machine installing takes a while: the worker saves the shell before it activates."""
    wait_until(
        page,
        "!!navigator.serviceWorker.controller"
        " && navigator.serviceWorker.controller.state === 'activated'",
        timeout=30.0,
    )
