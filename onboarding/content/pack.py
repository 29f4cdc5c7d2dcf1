"""Load and check a content pack; the English text in it is the gettext msgid.

Anything marked unverified is dropped here, so no page or API answer can show it.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import yaml

PACKS_DIR = Path(__file__).resolve().parent
PLANS = ("short", "medium", "settle")
TEMPORARY_PROTECTION_RULES = (None, "include", "exclude", "only")

# Step fields holding text for people (translated); the rest are data.
STEP_TEXT_FIELDS = ("title", "summary")
STEP_TEXT_LIST_FIELDS = ("why", "rights", "how", "bring", "key_sentences")
# Optional texts of a step: what a buddy and a newcomer could do together first.
STEP_OPTIONAL_TEXT_FIELDS = ("buddy_activity",)
PLACE_TEXT_FIELDS = ("description", "hours")
# What Babel takes for a printf placeholder, such as the "% o" in "25% of".
_FORMAT_LOOKALIKE = re.compile(r"%[-#0 +]?\d*(?:\.\d+)?[hlL]?[diouxXeEfFgGcrs]")


class PackError(ValueError):
    """The content pack is malformed; raised at start-up, never at request time."""


@dataclass(frozen=True)
class DueRule:
    """When a step is due: N days after arrival or first workday, or a fixed yearly date."""

    kind: Literal["deadline", "target"]
    after: Literal["arrival", "first_workday"] | None = None
    days: int = 0
    yearly: tuple[int, int] | None = None
    years_after_arrival: int = 0
    fallback: "DueRule | None" = None

    def due_on(self, arrival: date, first_workday: date | None) -> date | None:
        """The due date for these dates, or None when the rule cannot be applied."""
        if self.yearly:
            month, day = self.yearly
            return date(arrival.year + self.years_after_arrival, month, day)
        start = arrival if self.after == "arrival" else first_workday
        if start is None:
            return self.fallback.due_on(arrival, first_workday) if self.fallback else None
        return start + timedelta(days=self.days)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    description: str | None = None
    address: str | None = None
    phone: str | None = None
    phone_abroad: str | None = None
    hours: str | None = None
    website: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def map_url(self) -> str | None:
        if not self.address:
            return None
        from urllib.parse import quote_plus

        return f"https://www.openstreetmap.org/search?query={quote_plus(self.address)}"


@dataclass(frozen=True)
class UrgentHelp:
    key: str
    label: str
    phone: str
    phone_abroad: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    key: str
    order: int
    plans: tuple[str, ...]
    temporary_protection: str | None
    due: DueRule
    requires: tuple[str, ...]
    checked_on: date
    title: str
    summary: str
    why: tuple[str, ...]
    rights: tuple[str, ...]
    how: tuple[str, ...]
    bring: tuple[str, ...]
    key_sentences: tuple[str, ...]
    places: tuple[Place, ...]
    sources: tuple[str, ...]
    unverified: tuple[str, ...] = field(default=(), compare=False)
    buddy_activity: str | None = None

    def applies_to(self, stay_plan: str, temporary_protection: bool) -> bool:
        """Whether this step belongs on the checklist of a person with this plan."""
        in_plan = stay_plan in self.plans
        rule = self.temporary_protection
        if rule == "only":
            return temporary_protection
        if rule == "include":
            return in_plan or temporary_protection
        if rule == "exclude":
            return in_plan and not temporary_protection
        return in_plan

    def texts(self) -> list[str]:
        """Every text of the step that a person can see (for translation checks)."""
        texts = [getattr(self, name) for name in STEP_TEXT_FIELDS]
        texts.extend(t for name in STEP_OPTIONAL_TEXT_FIELDS if (t := getattr(self, name)))
        for name in STEP_TEXT_LIST_FIELDS:
            texts.extend(getattr(self, name))
        for place in self.places:
            texts.extend(t for t in (place.description, place.hours) if t)
        return texts


@dataclass(frozen=True)
class Pack:
    name: str
    municipality: str
    area: tuple[str, ...]
    checked_on: date
    steps: tuple[Step, ...]
    places: dict[str, Place]
    urgent_help: tuple[UrgentHelp, ...]
    reviewed: dict[str, bool]

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def texts(self) -> list[str]:
        """Every visible text of the pack (for translation checks)."""
        texts = [item.label for item in self.urgent_help]
        for step in self.steps:
            texts.extend(step.texts())
        return texts


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping at the top")
    return data


def _due_rule(raw: dict, where: str) -> DueRule:
    if not isinstance(raw, dict) or raw.get("kind", "target") not in ("deadline", "target"):
        raise PackError(f"{where}: due needs kind deadline or target")
    kind = raw.get("kind", "target")
    if "yearly" in raw:
        month, day = (int(part) for part in str(raw["yearly"]).split("-"))
        date(2000, month, day)  # raises on an impossible date
        return DueRule(
            kind=kind,
            yearly=(month, day),
            years_after_arrival=int(raw.get("years_after_arrival", 0)),
        )
    if raw.get("after") not in ("arrival", "first_workday"):
        raise PackError(f"{where}: due.after must be arrival or first_workday")
    fallback = _due_rule({"kind": kind, **raw["fallback"]}, where) if raw.get("fallback") else None
    return DueRule(kind=kind, after=raw["after"], days=int(raw.get("days", 0)), fallback=fallback)


def verified_fields(raw: dict) -> dict:
    """The place or entry without its unverified fields; {} when it is unverified as a whole."""
    hidden = raw.get("unverified")
    if hidden is True:
        return {}
    hidden = set(hidden or ())
    return {
        k: v for k, v in raw.items() if k not in hidden and k not in ("unverified", "editor_note")
    }


def _place(place_id: str, raw: dict) -> Place | None:
    data = verified_fields(raw)
    if not data:
        return None
    if not data.get("name"):
        raise PackError(f"place {place_id}: a name is required")
    return Place(
        id=place_id,
        name=str(data["name"]),
        description=data.get("description"),
        address=data.get("address"),
        phone=str(data["phone"]) if data.get("phone") else None,
        phone_abroad=str(data["phone_abroad"]) if data.get("phone_abroad") else None,
        hours=data.get("hours"),
        website=data.get("website"),
        sources=tuple(data.get("sources") or ()),
    )


def _text_list(raw: dict, name: str, where: str) -> tuple[str, ...]:
    value = raw.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(f"{where}: {name} must be a list of texts")
    return tuple(v.strip() for v in value)


def _step(path: Path, raw: dict, places: dict[str, Place], all_places: set[str]) -> Step:
    where = str(path)
    for name in ("key", "order", "title", "summary", "due", "checked_on"):
        if name not in raw:
            raise PackError(f"{where}: missing {name}")
    plans = tuple(raw.get("plans") or ())
    if any(plan not in PLANS for plan in plans):
        raise PackError(f"{where}: unknown stay plan in {plans}")
    if raw.get("temporary_protection") not in TEMPORARY_PROTECTION_RULES:
        raise PackError(f"{where}: temporary_protection must be include, exclude or only")
    place_ids = tuple(raw.get("places") or ())
    unknown = [pid for pid in place_ids if pid not in all_places]
    if unknown:
        raise PackError(f"{where}: unknown places {unknown}")
    checked_on = raw["checked_on"]
    if not isinstance(checked_on, date):
        raise PackError(f"{where}: checked_on must be a date (YYYY-MM-DD)")
    return Step(
        key=str(raw["key"]),
        order=int(raw["order"]),
        plans=plans,
        temporary_protection=raw.get("temporary_protection"),
        due=_due_rule(raw["due"], where),
        requires=tuple(raw.get("requires") or ()),
        checked_on=checked_on,
        title=str(raw["title"]).strip(),
        summary=str(raw["summary"]).strip(),
        **{name: _text_list(raw, name, where) for name in STEP_TEXT_LIST_FIELDS},
        places=tuple(places[pid] for pid in place_ids if pid in places),
        sources=tuple(raw.get("sources") or ()),
        unverified=tuple(raw.get("unverified") or ()),
        buddy_activity=str(raw["buddy_activity"]).strip() if raw.get("buddy_activity") else None,
    )


def load_pack(name: str) -> Pack:
    """Read a pack folder: pack.yaml, places.yaml and steps/*.yaml.

    `name` is a pack shipped in onboarding/content/ (`noordwijk`) or a path to a folder, so a
    municipality can keep its own pack outside the code.
    """
    folder = Path(name) if "/" in name else PACKS_DIR / name
    if not (folder / "pack.yaml").is_file():
        raise PackError(f"content pack {name!r} not found (looked for {folder / 'pack.yaml'})")
    meta = _read(folder / "pack.yaml")
    raw_places = _read(folder / "places.yaml") if (folder / "places.yaml").exists() else {}
    places = {pid: p for pid, raw in raw_places.items() if (p := _place(pid, raw))}
    steps = sorted(
        (
            _step(path, _read(path), places, set(raw_places))
            for path in sorted((folder / "steps").glob("*.yaml"))
        ),
        key=lambda step: step.order,
    )
    keys = [step.key for step in steps]
    if len(set(keys)) != len(keys):
        raise PackError(f"{folder}: duplicate step keys")
    for step in steps:
        missing = [key for key in step.requires if key not in keys]
        if missing:
            raise PackError(f"step {step.key}: requires unknown steps {missing}")
    urgent = tuple(
        UrgentHelp(
            key=data["key"],
            label=str(data["label"]).strip(),
            phone=str(data["phone"]),
            phone_abroad=str(data["phone_abroad"]) if data.get("phone_abroad") else None,
            sources=tuple(data.get("sources") or ()),
        )
        for raw in meta.get("urgent_help") or []
        if (data := verified_fields(raw))
    )
    languages = meta.get("languages") or {}
    pack = Pack(
        name=str(meta.get("name", name)),
        municipality=str(meta.get("municipality", name)),
        area=tuple(meta.get("area") or ()),
        checked_on=meta.get("checked_on"),
        steps=tuple(steps),
        places=places,
        urgent_help=urgent,
        reviewed={code: bool((info or {}).get("reviewed")) for code, info in languages.items()},
    )
    for text in pack.texts():
        if _FORMAT_LOOKALIKE.search(text):
            raise PackError(
                f"{text[:60]!r}...: write 'percent' instead of '%' before a word; gettext "
                "tools read '% o' or '% i' as a placeholder and then refuse the translations"
            )
    return pack
