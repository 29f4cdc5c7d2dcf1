"""A stand-in push service on 127.0.0.1 and a test "browser" with its own P-256 keys, so push
is proven end to end: VAPID signature, aes128gcm encryption, and the service's answers."""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from ..conftest import VAPID_PUBLIC_KEY, VAPID_SUBJECT


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    body: bytes


@dataclass
class Receiver:
    """Records every push request; answers each path with the statuses queued for it (201
    when none are left)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds each answer takes
    in_flight: int = 0
    most_in_flight: int = 0

    def for_path(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


class Device:
    """What a browser keeps for one push subscription."""

    def __init__(self, receiver: Receiver, name: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.path = f"/push/{name}"
        self.endpoint = receiver.url + self.path

    def subscription(self) -> dict:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }

    def decrypt(self, received: Received) -> dict:
        plain = http_ece.decrypt(
            received.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def check_vapid(received: Received, receiver: Receiver) -> dict:
    """The Authorization header is an RFC 8292 VAPID token for this receiver; returns claims."""
    authorization = received.headers["authorization"]
    assert authorization.startswith("vapid t=")
    assert Vapid02.verify(authorization)
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    key = authorization.split("k=", 1)[1]
    assert key == VAPID_PUBLIC_KEY
    claims = json.loads(b64url_decode(token.split(".")[1]))
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["alg"] == "ES256"
    assert claims["aud"] == receiver.url and claims["sub"] == VAPID_SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert received.headers["content-encoding"] == "aes128gcm"
    return claims


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.in_flight += 1
                state.most_in_flight = max(state.most_in_flight, state.in_flight)
            time.sleep(state.delay)
            with state.lock:
                state.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                queued = state.answers.get(self.path) or []
                status = queued.pop(0) if queued else 201
                state.in_flight -= 1
            self.send_response(status)
            if 300 <= status < 400:  # a push service must never send us elsewhere
                self.send_header("Location", "/push/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def device(receiver):
    counter = iter(range(1, 1000))
    return lambda name=None: Device(receiver, name or f"device-{next(counter)}")
