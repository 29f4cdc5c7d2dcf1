"""The test server itself: a browser that hangs up mid-download must not fail a later test."""

import gc
import re
import socket
import struct
import sys
import time
import urllib.request

from .conftest import ClosedWhenDropped


class Body:
    """A response body that says whether it was closed."""

    def __init__(self):
        self.closed = False

    def __iter__(self):
        return iter([b"part"])

    def close(self) -> None:
        self.closed = True


def test_a_response_the_server_let_go_of_unclosed_is_closed():
    """werkzeug's server skips close() when the browser hung up; the middleware closes it."""
    body = Body()
    answer = ClosedWhenDropped(lambda _environ, _start: body)({}, None)
    next(iter(answer))
    del answer  # dropped without close(), as werkzeug does on a hang-up
    gc.collect()
    assert body.closed


def test_a_download_cut_off_by_the_browser_leaves_no_file_open(server, monkeypatch):
    """Closing a page while a file is sent: the response is closed, not left to the garbage
    collector (whose ResourceWarning would fail whichever test runs then)."""
    left_to_the_collector = []
    monkeypatch.setattr(sys, "unraisablehook", left_to_the_collector.append)
    page = urllib.request.urlopen(server.url + "/offline", timeout=10).read().decode()
    stylesheet = re.search(r'href="(/assets/[^"]+\.css)"', page).group(1)
    for _attempt in range(30):
        connection = socket.socket()
        # A small window before connecting, so the server is still sending when the reset comes.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        connection.connect(("127.0.0.1", server.port))
        connection.sendall(f"GET {stylesheet} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        time.sleep(0.02)
        # Reset, as a closed tab does: the server's next write fails.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    server.stop()  # every request handled and its thread gone
    gc.collect()
    server.start()
    assert [repr(case.exc_value) for case in left_to_the_collector] == []
