"""Time to match one request among 10,000 buddies, on SQLite and PostgreSQL: median and p95
over 1,000 requests. Writes its section of BENCHMARKS.md.

What is timed is what `offer_next` does to choose a buddy: build the request's ask (its earlier
offers and reported pairs) and run the one ranking query.

Run: .venv/bin/python bench/matching.py [--postgres URL]
     (default URL: a database `bench` on the local PostgreSQL, created when missing)
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import machine, write_section
from sqlalchemy import insert, make_url, select, text

from onboarding import create_app
from onboarding.accounts.models import Newcomer
from onboarding.buddies.lifecycle import ask_for
from onboarding.buddies.matching import organisation_key
from onboarding.buddies.models import (
    BuddyLanguage,
    BuddyOffer,
    BuddyProfile,
    BuddyReport,
    BuddyRequest,
    BuddyTopic,
)
from onboarding.buddies.queries import best_buddy
from onboarding.content import load_pack
from onboarding.extensions import db
from onboarding.staff.models import Location

BUDDIES, REQUESTS, LOCATIONS = 10_000, 1_000, 40
TARGET_MS = 20
LANGUAGES = ["pl", "uk", "bg", "ro", "pt", "en", "nl", "ru", "lt", "hu"]
LANGUAGE_WEIGHTS = [30, 20, 12, 12, 6, 40, 8, 10, 4, 3]
VILLAGES = ["Noordwijk", "Noordwijkerhout", "De Zilk"]
EMPLOYERS = [f"Agency {n}" for n in range(30)]
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _languages(rng: random.Random, most: int) -> list[str]:
    chosen = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=rng.randint(1, most))
    return sorted(set(chosen))


def seed(rng: random.Random, topics: list[str]) -> list[int]:
    """Locations, 10,000 buddies of every kind and 1,000 requests; returns the request ids."""
    db.session.execute(
        insert(Location),
        [
            {"id": n, "name": f"House {n}", "village": VILLAGES[n % 3]}
            for n in range(1, LOCATIONS + 1)
        ],
    )
    people, profiles, spoken, helps = [], [], [], []
    for user_id in range(1, BUDDIES + REQUESTS + 1):
        people.append(
            {
                "id": user_id,
                "language": "pl",
                "arrival_date": TODAY - timedelta(days=rng.randint(1, 900)),
                "stay_plan": "medium",
                "location_id": rng.randint(1, LOCATIONS),
                "recovery_hash": f"{user_id:064d}",
            }
        )
        if user_id > BUDDIES:
            continue
        capacity = rng.randint(1, 5)
        profiles.append(
            {
                "user_id": user_id,
                "location_id": people[-1]["location_id"],
                "availability": rng.randint(0, 7),
                "capacity": capacity,
                "active_matches": rng.randint(0, capacity),
                "contact": "x",
                "supervises_key": organisation_key(rng.choice(EMPLOYERS))
                if rng.random() < 0.1
                else None,
                "coordinates_location_id": rng.randint(1, LOCATIONS)
                if rng.random() < 0.02
                else None,
                "away_until": TODAY + timedelta(days=9) if rng.random() < 0.05 else None,
                "approved_at": NOW if rng.random() < 0.85 else None,
                "suspended_at": NOW if rng.random() < 0.01 else None,
                "last_offer_at": NOW - timedelta(hours=rng.randint(1, 2000))
                if rng.random() < 0.7
                else None,
            }
        )
        spoken += [{"user_id": user_id, "language": c} for c in _languages(rng, 3)]
        helps += [{"user_id": user_id, "topic": t} for t in rng.sample(topics, rng.randint(1, 6))]
    for model, rows in (
        (Newcomer, people),
        (BuddyProfile, profiles),
        (BuddyLanguage, spoken),
        (BuddyTopic, helps),
    ):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(model), rows[start : start + 2000])
    requests, offers, reports = [], [], []
    for n in range(1, REQUESTS + 1):
        newcomer_id = BUDDIES + n
        requests.append(
            {
                "id": n,
                "newcomer_id": newcomer_id,
                "topics": json.dumps(rng.sample(topics, rng.randint(1, 3))),
                "languages": json.dumps(_languages(rng, 2)),
                "availability": rng.randint(0, 7),
                "employer": rng.choice(EMPLOYERS) if rng.random() < 0.5 else None,
                "contact": "y",
                "state": "pending",
            }
        )
        for _declined in range(rng.randint(0, 3)):  # earlier buddies said no
            offers.append(
                {
                    "request_id": n,
                    "buddy_id": rng.randint(1, BUDDIES),
                    "state": "declined",
                    "expires_at": NOW,
                }
            )
        if rng.random() < 0.05:
            reports.append(
                {
                    "reporter_id": newcomer_id,
                    "reported_id": rng.randint(1, BUDDIES),
                    "reason": "other",
                }
            )
    db.session.execute(insert(BuddyRequest), requests)
    db.session.execute(insert(BuddyOffer), offers)
    if reports:
        db.session.execute(insert(BuddyReport), reports)
    db.session.commit()
    return [r["id"] for r in requests]


def measure(url: str) -> dict:
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        rng = random.Random(2026)
        request_ids = seed(rng, [step.key for step in load_pack("noordwijk").steps])
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        timings, found = [], 0
        for request_id in request_ids:
            db.session.expire_all()
            started = time.perf_counter()
            request = db.session.get(BuddyRequest, request_id)
            newcomer = db.session.get(Newcomer, request.newcomer_id)
            buddy = best_buddy(ask_for(request, newcomer), TODAY)
            timings.append((time.perf_counter() - started) * 1000)
            found += buddy is not None
        eligible = db.session.scalar(
            select(db.func.count())
            .select_from(BuddyProfile)
            .where(
                BuddyProfile.approved_at.is_not(None),
                BuddyProfile.active_matches < BuddyProfile.capacity,
            )
        )
        db.session.remove()
        db.drop_all()
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
        "matched": found,
        "eligible": eligible,
    }


def ensure_postgres(url: str) -> str:
    """Create the benchmark database on the server when it is missing."""
    import psycopg

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{target.database}"')
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()
    sqlite = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    results = {
        "SQLite": measure(sqlite),
        "PostgreSQL": measure(ensure_postgres(args.postgres)),
    }
    rows = "\n".join(
        f"| {name} | {r['median']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms | "
        f"{r['matched']} of {REQUESTS} |"
        for name, r in results.items()
    )
    eligible = results["SQLite"]["eligible"]
    write_section(
        "Buddy matching (`bench/matching.py`)",
        f"""
Measured {machine()}. {BUDDIES:,} buddies ({eligible:,} approved with a free place; the
others unapproved, suspended, away or full) in {LOCATIONS} locations, {REQUESTS:,} requests with
0–3 earlier declines and some reported pairs. Timed per request: building the ask and the one
ranking query (hard rules as filters, ranking as ORDER BY). Target: median ≤ {TARGET_MS} ms.

| database | median | p95 | max | requests matched |
| --- | --- | --- | --- | --- |
{rows}
""",
    )
    print(results)
    worst = max(r["median"] for r in results.values())
    return 1 if worst > TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
