"""What people send to the buddy feature, read into plain values through the shared checks:
a buddy profile, a request for help, a report, help given, a reason for saying no."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..accounts.models import Newcomer
from ..clock import today_in_amsterdam
from ..content import Pack
from ..extensions import db
from ..i18n import ISO_CODES, _
from ..staff.models import Location
from ..validation import Fields, parse_id
from .matching import AVAILABILITY
from .models import REPORT_REASONS

_LANGUAGE = re.compile(r"[a-z]{2}")
CAPACITY_MAX = 5
CONTACT_MAX, EMPLOYER_MAX, MESSAGE_MAX, DETAILS_MAX, REASON_MAX = 120, 120, 500, 500, 200
HELP_MINUTES_MAX = 600


@dataclass(frozen=True)
class ProfileInput:
    """Offering to help: languages, home, steps, time, how many people, how to be reached,
    and any role that could give power over a newcomer."""

    languages: list[str]
    location: Location
    topics: list[str]
    availability: list[str]
    capacity: int
    contact: str
    supervises_at: str | None
    coordinates_location: Location | None
    away_until: date | None


@dataclass(frozen=True)
class HelpRequest:
    """A newcomer's ask: steps, languages (the app language always counts), time, contact,
    employer (so their boss is never asked) and a message."""

    topics: list[str]
    languages: list[str]
    availability: list[str]
    contact: str
    employer: str | None
    message: str | None


@dataclass(frozen=True)
class Report:
    """Why one side of a match reports the other."""

    reason: str
    details: str | None


@dataclass(frozen=True)
class HelpGiven:
    """What a buddy logs: a day, a step, minutes."""

    helped_on: date
    topic: str
    minutes: int


def _location(fields: Fields, name: str, required: bool) -> Location | None:
    raw = fields.data.get(name)
    if raw in (None, "") and not required:
        return None
    location = db.session.get(Location, parse_id(raw)) if parse_id(raw) else None
    if location is None:
        fields.errors[name] = _("Please choose a housing location.")
    return location


def language_list(fields: Fields, value, name: str, required: bool = True) -> list[str]:
    """Spoken languages as ISO 639-1 codes (pl, uk, ru...), one to ten of them."""
    if not required and value in (None, []):
        return []
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 10
        or not all(isinstance(v, str) and _LANGUAGE.fullmatch(v) for v in value)
    ):
        fields.errors[name] = _(
            "Please give the languages you speak as two-letter codes, for example pl or uk."
        )
        return []
    return sorted(set(value))


def parse_profile(data, pack: Pack) -> ProfileInput:
    """PUT /api/v1/buddy/profile and the profile page; every problem reported at once."""
    fields = Fields(data)
    languages = language_list(fields, data.get("languages"), "languages")
    topics = fields.choices(
        "topics",
        {step.key for step in pack.steps},
        _("Please choose at least one step you can help with."),
    )
    availability = fields.choices(
        "availability", AVAILABILITY, _("Please choose when you have time.")
    )
    capacity = fields.integer("capacity", 1, CAPACITY_MAX, None)
    if capacity is None and "capacity" not in fields.errors:
        fields.errors["capacity"] = _(
            "Please give a whole number from %(low)d to %(high)d.", low=1, high=CAPACITY_MAX
        )
    values = ProfileInput(
        languages=languages,
        location=_location(fields, "location_id", required=True),
        topics=topics,
        availability=availability,
        capacity=capacity,
        contact=fields.text("contact", CONTACT_MAX, required=True),
        supervises_at=fields.text("supervises_at", EMPLOYER_MAX),
        coordinates_location=_location(fields, "coordinates_location_id", required=False),
        away_until=fields.date("away_until"),
    )
    fields.check()
    return values


def parse_request(data, pack: Pack, newcomer: Newcomer) -> HelpRequest:
    """POST /api/v1/buddy/requests and the ask page; the app language always counts as spoken."""
    fields = Fields(data)
    need_a_step = _("Please choose at least one step you need help with.")
    topics = fields.choices("topics", {s.key for s in pack.steps}, need_a_step, unknown=need_a_step)
    extra = language_list(fields, data.get("languages") or [], "languages", required=False)
    availability = fields.choices(
        "availability", AVAILABILITY, _("Please choose one of the options."), required=False
    )
    values = HelpRequest(
        topics=topics,
        languages=sorted({ISO_CODES[newcomer.language], *extra}),
        availability=availability,
        contact=fields.text("contact", CONTACT_MAX, required=True),
        employer=fields.text("employer", EMPLOYER_MAX),
        message=fields.text("message", MESSAGE_MAX),
    )
    fields.check()
    return values


def parse_decline(data) -> str | None:
    """The optional reason for saying no."""
    fields = Fields(data)
    reason = fields.text("reason", REASON_MAX)
    fields.check()
    return reason


def parse_report(data) -> Report:
    """The reason (no-show, disrespect, asked for money, other) and optional details."""
    fields = Fields(data)
    values = Report(
        reason=fields.choice("reason", REPORT_REASONS, required=True),
        details=fields.text("details", DETAILS_MAX),
    )
    fields.check()
    return values


def parse_help(data, pack: Pack) -> HelpGiven:
    """A day in the past year, a step, and 1 to 600 minutes."""
    fields = Fields(data)
    helped_on = fields.date("date", required=True)
    topic = fields.choice("topic", {step.key for step in pack.steps}, required=True)
    minutes = fields.integer("minutes", 1, HELP_MINUTES_MAX, None)
    if minutes is None and "minutes" not in fields.errors:
        fields.errors["minutes"] = _(
            "Please give a whole number from %(low)d to %(high)d.", low=1, high=HELP_MINUTES_MAX
        )
    today = today_in_amsterdam()
    if helped_on and not today - timedelta(days=365) <= helped_on <= today:
        fields.errors["date"] = _("The date must be today or in the past year.")
    fields.check()
    return HelpGiven(helped_on, topic, minutes)
