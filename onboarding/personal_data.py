"""The registry of personal data: every feature that keeps something about a person declares it
here when the app is created, so export and erasure never depend on someone remembering to add a
new feature to them (the privacy package reads this registry; it imports no feature)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "aankomst_personal_data"


@dataclass(frozen=True)
class PersonalData:
    """One feature's share of a person's data.

    `models` are the tables it keeps about people; `export(person)` returns its part of the data
    export (a dict merged into the whole); `erase(person)` removes or releases what must not
    outlive the person and returns ids of notifications to send once the erasure is committed.
    Rows that the database deletes with the person (ON DELETE CASCADE) need no code in `erase`.
    `purge(now)` deletes what the feature keeps no longer than its own retention period, for
    people who still use the app; `purge-inactive` runs it.
    """

    feature: str
    models: tuple[type, ...]
    export: Callable[[Any], dict]
    erase: Callable[[Any], list[int]] | None = None
    purge: Callable[[datetime], int] | None = None


def register(app: Flask, part: PersonalData) -> None:
    """Declare a feature's personal data (called from create_app)."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(part)


def registered(app: Flask | None = None) -> list[PersonalData]:
    """Every declared part, in the order features registered."""
    return list((app or current_app).extensions.get(EXTENSION_KEY, []))
