"""Sending web push to 10,000 subscriptions against a local stand-in push service: messages per
second and memory. Writes its section of BENCHMARKS.md.

Each message is encrypted for its device (aes128gcm, a fresh ECDH key per message) and posted
with a VAPID header, from the bounded pool `send_due` uses; the stand-in service runs in its own
process and answers 201.

Run: .venv/bin/python bench/push.py [--count N]
"""

import argparse
import base64
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import machine, write_section
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, insert, select

from onboarding import create_app
from onboarding.accounts.models import Newcomer
from onboarding.extensions import db
from onboarding.push.keys import generate_keys
from onboarding.push.models import PushDelivery, PushMessage, PushSubscription
from onboarding.push.sender import POOL_SIZE, send_due

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _serve(port_queue) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_port)
    server.serve_forever()


def _device_keys(count: int) -> list[tuple[str, str]]:
    keys = []
    for _ in range(count):
        point = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        auth = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
        keys.append((base64.urlsafe_b64encode(point).rstrip(b"=").decode(), auth))
    return keys


def seed(count: int, endpoint: str) -> None:
    """`count` newcomers with one phone each and one message waiting for every phone."""
    keys = _device_keys(100)
    rows = [
        {
            "id": n,
            "language": "pl",
            "arrival_date": date(2026, 11, 1),
            "stay_plan": "medium",
            "recovery_hash": f"{n:064d}",
        }
        for n in range(1, count + 1)
    ]
    subscriptions = [
        {
            "id": n,
            "newcomer_id": n,
            "endpoint": f"{endpoint}/push/{n}",
            "p256dh": keys[n % 100][0],
            "auth": keys[n % 100][1],
            "created_at": NOW,
        }
        for n in range(1, count + 1)
    ]
    messages = [
        {
            "id": n,
            "key": f"bench:{n}",
            "newcomer_id": n,
            "title": "Przypomnienie: Zarejestruj się w gminie i zdobądź BSN",
            "body": "Termin jutro, niedz., 6 gru.",
            "url": "/steps/register_brp",
            "urgency": "normal",
            "ttl": 86400,
            "not_before": NOW,
            "created_at": NOW,
        }
        for n in range(1, count + 1)
    ]
    deliveries = [
        {"id": n, "message_id": n, "subscription_id": n, "state": "pending", "attempts": 0,
         "next_attempt_at": NOW}
        for n in range(1, count + 1)
    ]  # fmt: skip
    for model, batch in (
        (Newcomer, rows),
        (PushSubscription, subscriptions),
        (PushMessage, messages),
        (PushDelivery, deliveries),
    ):
        for start in range(0, len(batch), 2000):
            db.session.execute(insert(model), batch[start : start + 2000])
    db.session.commit()


def _seed_in(config: dict, count: int, endpoint: str) -> None:
    with create_app(config).app_context():
        db.create_all()
        seed(count, endpoint)


def measure(count: int) -> dict:
    port_queue = multiprocessing.Queue()
    service = multiprocessing.Process(target=_serve, args=(port_queue,), daemon=True)
    service.start()
    endpoint = f"http://127.0.0.1:{port_queue.get(timeout=10)}"
    private, _public = generate_keys()
    config = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tempfile.mkdtemp()) / 'push.db'}",
        "VAPID_PRIVATE_KEY": private,
        "VAPID_SUBJECT": "mailto:bench@aankomst.example",
        "AANKOMST_PUSH_ALLOW_INSECURE": True,
    }
    # Seeded in a process of its own, so the memory figure is the sender's alone.
    seeding = multiprocessing.Process(target=_seed_in, args=(config, count, endpoint))
    seeding.start()
    seeding.join()
    app = create_app(config)
    try:
        with app.app_context():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            summary = send_due(now=NOW)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sent = db.session.scalar(
                select(func.count()).select_from(PushDelivery).where(PushDelivery.state == "sent")
            )
    finally:
        service.terminate()
    return {
        "count": count,
        "sent": sent,
        "summary": str(summary),
        "seconds": seconds,
        "rate": sent / seconds,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    figures = measure(parser.parse_args().count)
    print(figures)
    write_section(
        "Web push sending (`bench/push.py`)",
        f"""
Measured {machine()}. {figures["count"]:,} subscriptions, one message each, sent by
`send_due` (a pool of {POOL_SIZE} threads, batches of 500 claimed from SQLite) to a stand-in
push service on 127.0.0.1 in another process. Every message is encrypted for its device
(aes128gcm) and carries a VAPID header (signed once per push-service origin and reused).

| figure | value |
| --- | --- |
| messages sent | {figures["sent"]:,} of {figures["count"]:,} ({figures["summary"]}) |
| time | {figures["seconds"]:.1f} s |
| messages per second | {figures["rate"]:.0f} |
| peak memory (RSS) of the sending process | {figures["rss_peak_mb"]:.0f} MB |
| the same process before sending (the app loaded) | {figures["rss_before_mb"]:.0f} MB |
""",
    )
    return 0 if figures["sent"] == figures["count"] else 1


if __name__ == "__main__":
    sys.exit(main())
