"""Who may help a newcomer, and who should be asked first. Pure functions on plain data, so the
rules are tested on their own; the database query that feeds them comes with the buddy API.

Hard rules say who is never asked; the ranking is a strict order of criteria, the first
difference decides.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

AVAILABILITY = ("weekday_daytime", "weekday_evening", "weekend")
AVAILABILITY_BITS = {name: 1 << index for index, name in enumerate(AVAILABILITY)}


def availability_bits(names) -> int:
    """An availability list as the bitmask stored in the database."""
    return sum(AVAILABILITY_BITS[name] for name in set(names))


def availability_names(bits: int) -> list[str]:
    """The bitmask back as names, in their fixed order."""
    return [name for name, bit in AVAILABILITY_BITS.items() if bits & bit]


@dataclass(frozen=True)
class Candidate:
    """An experienced migrant who opted in as a buddy."""

    id: int
    languages: frozenset[str]
    location_id: int | None
    village: str | None
    topics: frozenset[str]
    availability: frozenset[str]
    capacity: int
    active_matches: int = 0
    approved: bool = True
    suspended: bool = False
    away_until: date | None = None
    last_offer_at: datetime | None = None
    supervises_at: str | None = None
    coordinates_location_id: int | None = None


@dataclass(frozen=True)
class Ask:
    """A newcomer's request for help, with what matching needs to know about them."""

    newcomer_id: int
    languages: frozenset[str]
    location_id: int | None
    village: str | None
    topics: frozenset[str]
    availability: frozenset[str] = frozenset()
    employer: str | None = None
    # Buddies who declined this newcomer before, or whom the newcomer reported.
    excluded_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Why:
    """Why this buddy was chosen: shared languages, same village, steps they can help with."""

    languages: tuple[str, ...]
    village: str | None
    topics: tuple[str, ...]


def organisation_key(name: str | None) -> str | None:
    """An employer or agency name as people type it, folded: case and spacing do not matter."""
    folded = " ".join(name.casefold().split()) if name else ""
    return folded or None


def _same_organisation(a: str | None, b: str | None) -> bool:
    key = organisation_key(a)
    return key is not None and key == organisation_key(b)


def has_power_over(candidate: Candidate, ask: Ask) -> bool:
    """A supervisor at the newcomer's employer or the coordinator of their housing is never a
    buddy for them: power over someone at work or at home spoils the relation."""
    return _same_organisation(candidate.supervises_at, ask.employer) or (
        candidate.coordinates_location_id is not None
        and candidate.coordinates_location_id == ask.location_id
    )


def is_eligible(candidate: Candidate, ask: Ask, today: date) -> bool:
    """The hard rules: only a buddy who passes all of them is ever asked."""
    return (
        candidate.approved
        and not candidate.suspended
        and (candidate.away_until is None or candidate.away_until < today)
        and bool(candidate.languages & ask.languages)
        and candidate.active_matches < candidate.capacity
        and candidate.id != ask.newcomer_id
        and candidate.id not in ask.excluded_ids
        and not has_power_over(candidate, ask)
    )


def rank_key(candidate: Candidate, ask: Ask) -> tuple:
    """Sort key, best first: same location, same village, more requested steps covered, more
    availability in common, lower load, longest since the last offer, lowest id."""
    last = (
        candidate.last_offer_at.astimezone(UTC).replace(tzinfo=None)
        if candidate.last_offer_at
        else datetime.min  # never asked: first in line
    )
    return (
        not (ask.location_id is not None and candidate.location_id == ask.location_id),
        not (ask.village is not None and candidate.village == ask.village),
        -len(candidate.topics & ask.topics),
        -len(candidate.availability & ask.availability),
        candidate.active_matches / candidate.capacity,
        last,
        candidate.id,
    )


def ranked(candidates: list[Candidate], ask: Ask, today: date) -> list[Candidate]:
    """The eligible candidates, best first."""
    eligible = [c for c in candidates if is_eligible(c, ask, today)]
    return sorted(eligible, key=lambda c: rank_key(c, ask))


def why(candidate: Candidate, ask: Ask) -> Why:
    """What the newcomer is told about the choice (the view puts it into words)."""
    return Why(
        languages=tuple(sorted(candidate.languages & ask.languages)),
        village=candidate.village
        if candidate.village and candidate.village == ask.village
        else None,
        topics=tuple(sorted(candidate.topics & ask.topics)),
    )
