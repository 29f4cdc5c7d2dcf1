"""Load and check a content pack; the English text in it is the gettext msgid.

Anything marked unverified is dropped here, so no page or API answer can show it. Figures tied
to a period (amounts, limits, fines, dated rules) live in figures.yaml with that period; a text
that uses one also has a version without it, shown once the period has ended.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml

PACKS_DIR = Path(__file__).resolve().parent
PLANS = ("short", "medium", "settle")
TEMPORARY_PROTECTION_RULES = (None, "include", "exclude", "only")
CITIZENSHIP_RULES = (None, "eea", "non_eea")
FIGURE_KINDS = ("money", "number", "percent", "date")
DUE_STARTS = ("arrival", "first_workday", "longer_stay")

# Step fields holding text for people (translated); the rest are data.
STEP_TEXT_FIELDS = ("title", "summary")
STEP_TEXT_LIST_FIELDS = ("why", "rights", "how", "bring", "key_sentences")
HELP_TEXT_LIST_FIELDS = ("what", "today", "rights", "key_sentences")
# Optional texts of a step: what a buddy and a newcomer could do together first.
STEP_OPTIONAL_TEXT_FIELDS = ("buddy_activity",)
PLACE_TEXT_FIELDS = ("description", "hours")
# What Babel takes for a printf placeholder, such as the "% o" in "25% of".
_FORMAT_LOOKALIKE = re.compile(r"%[-#0 +]?\d*(?:\.\d+)?[hlL]?[diouxXeEfFgGcrs]")
_FIGURE_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class PackError(ValueError):
    """The content pack is malformed; raised at start-up, never at request time."""


@dataclass(frozen=True)
class DueRule:
    """When a step is due: N days after arrival, the first workday or the day the person decided
    to stay longer than 4 months, or a fixed yearly date. Only a legal deadline can be overdue."""

    kind: Literal["deadline", "target"]
    after: Literal["arrival", "first_workday", "longer_stay"] | None = None
    days: int = 0
    yearly: tuple[int, int] | None = None
    years_after_arrival: int = 0
    fallback: "DueRule | None" = None

    def due_on(
        self, arrival: date, first_workday: date | None, longer_stay: date | None = None
    ) -> date | None:
        """The due date for these dates, or None when the rule cannot be applied."""
        if self.yearly:
            month, day = self.yearly
            return date(arrival.year + self.years_after_arrival, month, day)
        start = {
            "arrival": arrival,
            "first_workday": first_workday,
            # Deciding later to stay longer starts the clock then, never before arrival.
            "longer_stay": max(longer_stay, arrival) if longer_stay else arrival,
        }[self.after]
        if start is None:
            return self.fallback.due_on(arrival, first_workday) if self.fallback else None
        return start + timedelta(days=self.days)


@dataclass(frozen=True)
class Figure:
    """An amount, limit, rate or date that holds for a period, and where the current one is."""

    key: str
    value: Decimal | date
    kind: str
    valid_from: date
    valid_until: date
    checked_on: date
    source: str

    def current_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class FigureText:
    """A text that shows figures, and the same message without them for when one has expired."""

    text: str
    without: str
    figures: tuple[Figure, ...]

    def __str__(self) -> str:
        return self.text

    def current_on(self, day: date) -> bool:
        return all(figure.current_on(day) for figure in self.figures)


Text = str | FigureText


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
    why: tuple[Text, ...]
    rights: tuple[Text, ...]
    how: tuple[Text, ...]
    bring: tuple[Text, ...]
    key_sentences: tuple[str, ...]
    places: tuple[Place, ...]
    sources: tuple[str, ...]
    unverified: tuple[str, ...] = field(default=(), compare=False)
    buddy_activity: str | None = None
    citizenship: str | None = None

    def applies_to(
        self, stay_plan: str, temporary_protection: bool, eu_citizen: bool | None = None
    ) -> bool:
        """Whether this step belongs on the checklist of a person with this plan and status.

        `eu_citizen` is None when the person did not say; they see what EEA citizens see."""
        if self.citizenship == "non_eea" and eu_citizen is not False:
            return False
        if self.citizenship == "eea" and eu_citizen is False:
            return False
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
            texts.extend(plain_texts(getattr(self, name)))
        texts.extend(place_texts(self.places))
        return texts

    def figure_texts(self) -> list[FigureText]:
        return [
            t
            for name in STEP_TEXT_LIST_FIELDS
            for t in getattr(self, name)
            if not isinstance(t, str)
        ]


@dataclass(frozen=True)
class HelpPage:
    """What to do when something goes wrong: shown at /help/<key>, reachable from every page."""

    key: str
    order: int
    checked_on: date
    title: str
    summary: str
    what: tuple[Text, ...]
    today: tuple[Text, ...]
    rights: tuple[Text, ...]
    key_sentences: tuple[str, ...]
    places: tuple[Place, ...]
    sources: tuple[str, ...]
    unverified: tuple[str, ...] = field(default=(), compare=False)

    def texts(self) -> list[str]:
        texts = [self.title, self.summary]
        for name in HELP_TEXT_LIST_FIELDS:
            texts.extend(plain_texts(getattr(self, name)))
        texts.extend(place_texts(self.places))
        return texts

    def figure_texts(self) -> list[FigureText]:
        return [
            t
            for name in HELP_TEXT_LIST_FIELDS
            for t in getattr(self, name)
            if not isinstance(t, str)
        ]


def plain_texts(items: tuple[Text, ...]) -> list[str]:
    """The messages of a list: a text with figures counts twice, with and without them."""
    texts: list[str] = []
    for item in items:
        texts.extend((item,) if isinstance(item, str) else (item.text, item.without))
    return texts


def place_texts(places: tuple[Place, ...]) -> list[str]:
    return [t for place in places for t in (place.description, place.hours) if t]


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
    figures: dict[str, Figure] = field(default_factory=dict)
    help_pages: tuple[HelpPage, ...] = ()
    # Language code to {English text: translation}, filled on first use (content.pack_texts).
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)
    # What requests work out from this pack alone (per language, mount point or profile), kept
    # after the first time: rendered page fragments (templating.Fragments), page addresses, the
    # steps that apply to a kind of stay.
    kept: dict[tuple, object] = field(default_factory=dict, compare=False, repr=False)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def steps_for(
        self, stay_plan: str, temporary_protection: bool, eu_citizen: bool | None
    ) -> tuple[Step, ...]:
        """The steps that apply to this kind of stay (`Step.applies_to`). There are few
        kinds and every visit asks, so each is worked out once and kept."""
        key = ("steps for", stay_plan, temporary_protection, eu_citizen)
        steps = self.kept.get(key)
        if steps is None:
            steps = self.kept[key] = tuple(
                s for s in self.steps if s.applies_to(stay_plan, temporary_protection, eu_citizen)
            )
        return steps

    def help_page(self, key: str) -> HelpPage | None:
        return next((page for page in self.help_pages if page.key == key), None)

    def texts(self) -> list[str]:
        """Every visible text of the pack (for translation checks)."""
        texts = [item.label for item in self.urgent_help]
        for entry in (*self.steps, *self.help_pages):
            texts.extend(entry.texts())
        return texts

    def shown_figures(self) -> set[str]:
        """The keys of figures some step or help page shows."""
        return {
            figure.key
            for entry in (*self.steps, *self.help_pages)
            for text in entry.figure_texts()
            for figure in text.figures
        }


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping at the top")
    return data


def _date(raw: dict, name: str, where: str) -> date:
    value = raw.get(name)
    if not isinstance(value, date):
        raise PackError(f"{where}: {name} must be a date (YYYY-MM-DD)")
    return value


def _figures(raw: dict, where: str) -> dict[str, Figure]:
    figures = {}
    for key, entry in raw.items():
        at = f"{where}: figure {key}"
        if not isinstance(entry, dict) or entry.get("kind") not in FIGURE_KINDS:
            raise PackError(f"{at}: kind must be one of {', '.join(FIGURE_KINDS)}")
        if not str(entry.get("source", "")).startswith("https://"):
            raise PackError(f"{at}: a source (https://...) is required")
        value = entry.get("value")
        if entry["kind"] == "date":
            value = _date(entry, "value", at)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise PackError(f"{at}: value must be a number")
        figure = Figure(
            key=str(key),
            value=value if entry["kind"] == "date" else Decimal(str(value)),
            kind=entry["kind"],
            valid_from=_date(entry, "valid_from", at),
            valid_until=_date(entry, "valid_until", at),
            checked_on=_date(entry, "checked_on", at),
            source=entry["source"],
        )
        if figure.valid_until < figure.valid_from:
            raise PackError(f"{at}: valid_until is before valid_from")
        figures[figure.key] = figure
    return figures


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
    if raw.get("after") not in DUE_STARTS:
        raise PackError(f"{where}: due.after must be one of {', '.join(DUE_STARTS)}")
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


def _text(value: object, figures: dict[str, Figure], where: str) -> Text:
    """A plain text, or {text, without} for a text that shows figures from figures.yaml."""
    if isinstance(value, str) and value.strip():
        if _FIGURE_PLACEHOLDER.search(value):
            raise PackError(f"{where}: {value[:50]!r} uses a figure; give it as {{text, without}}")
        return value.strip()
    if not isinstance(value, dict) or set(value) != {"text", "without"}:
        raise PackError(f"{where}: a text is a string or a mapping with text and without")
    text, without = str(value["text"]).strip(), str(value["without"]).strip()
    keys = _FIGURE_PLACEHOLDER.findall(text)
    if not keys:
        raise PackError(f"{where}: {text[:50]!r} has no %(figure)s; write it as a plain text")
    if unknown := [key for key in keys if key not in figures]:
        raise PackError(f"{where}: {text[:50]!r} uses figures not in figures.yaml: {unknown}")
    if "%(" in without or not without:
        raise PackError(f"{where}: the text without figures ({without[:50]!r}) may not use any")
    return FigureText(text, without, tuple(figures[key] for key in dict.fromkeys(keys)))


def _text_list(
    raw: dict, name: str, where: str, figures: dict[str, Figure] | None = None
) -> tuple[Text, ...]:
    value = raw.get(name) or []
    if not isinstance(value, list):
        raise PackError(f"{where}: {name} must be a list of texts")
    if name == "key_sentences":  # shown in Dutch beside the translation: never with a figure
        figures = {}
    return tuple(_text(item, figures or {}, f"{where}: {name}") for item in value)


def _places_of(raw: dict, where: str, places: dict[str, Place], all_places: set[str]):
    place_ids = tuple(raw.get("places") or ())
    unknown = [pid for pid in place_ids if pid not in all_places]
    if unknown:
        raise PackError(f"{where}: unknown places {unknown}")
    return tuple(places[pid] for pid in place_ids if pid in places)


def _require(raw: dict, names: tuple[str, ...], where: str) -> None:
    for name in names:
        if name not in raw:
            raise PackError(f"{where}: missing {name}")


def _step(
    path: Path,
    raw: dict,
    places: dict[str, Place],
    all_places: set[str],
    figures: dict[str, Figure],
) -> Step:
    where = str(path)
    _require(raw, ("key", "order", "title", "summary", "due", "checked_on"), where)
    plans = tuple(raw.get("plans") or ())
    if any(plan not in PLANS for plan in plans):
        raise PackError(f"{where}: unknown stay plan in {plans}")
    if raw.get("temporary_protection") not in TEMPORARY_PROTECTION_RULES:
        raise PackError(f"{where}: temporary_protection must be include, exclude or only")
    if raw.get("citizenship") not in CITIZENSHIP_RULES:
        raise PackError(f"{where}: citizenship must be eea or non_eea")
    return Step(
        key=str(raw["key"]),
        order=int(raw["order"]),
        plans=plans,
        temporary_protection=raw.get("temporary_protection"),
        due=_due_rule(raw["due"], where),
        requires=tuple(raw.get("requires") or ()),
        checked_on=_date(raw, "checked_on", where),
        title=str(raw["title"]).strip(),
        summary=str(raw["summary"]).strip(),
        **{name: _text_list(raw, name, where, figures) for name in STEP_TEXT_LIST_FIELDS},
        places=_places_of(raw, where, places, all_places),
        sources=tuple(raw.get("sources") or ()),
        unverified=tuple(raw.get("unverified") or ()),
        buddy_activity=str(raw["buddy_activity"]).strip() if raw.get("buddy_activity") else None,
        citizenship=raw.get("citizenship"),
    )


def _help_page(
    path: Path,
    raw: dict,
    places: dict[str, Place],
    all_places: set[str],
    figures: dict[str, Figure],
) -> HelpPage:
    where = str(path)
    _require(raw, ("key", "order", "title", "summary", "today", "checked_on", "sources"), where)
    return HelpPage(
        key=str(raw["key"]),
        order=int(raw["order"]),
        checked_on=_date(raw, "checked_on", where),
        title=str(raw["title"]).strip(),
        summary=str(raw["summary"]).strip(),
        **{name: _text_list(raw, name, where, figures) for name in HELP_TEXT_LIST_FIELDS},
        places=_places_of(raw, where, places, all_places),
        sources=tuple(raw.get("sources") or ()),
        unverified=tuple(raw.get("unverified") or ()),
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
    figures_file = folder / "figures.yaml"
    figures = _figures(_read(figures_file), str(figures_file)) if figures_file.exists() else {}
    steps, help_pages = (
        sorted(
            (
                read(path, _read(path), places, set(raw_places), figures)
                for path in sorted((folder / subfolder).glob("*.yaml"))
            ),
            key=lambda entry: entry.order,
        )
        for subfolder, read in (("steps", _step), ("help", _help_page))
    )
    for entries in (steps, help_pages):
        keys = [entry.key for entry in entries]
        if len(set(keys)) != len(keys):
            raise PackError(f"{folder}: duplicate keys {sorted(keys)}")
    keys = [step.key for step in steps]
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
        figures=figures,
        help_pages=tuple(help_pages),
    )
    for text in pack.texts():
        if _FORMAT_LOOKALIKE.search(_FIGURE_PLACEHOLDER.sub("", text)):
            raise PackError(
                f"{text[:60]!r}...: write 'percent' instead of '%' before a word; gettext "
                "tools read '% o' or '% i' as a placeholder and then refuse the translations"
            )
    return pack
