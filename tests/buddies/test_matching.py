"""Buddy matching rules on their own: every hard rule and every ranking criterion."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from onboarding.buddies.matching import (
    Ask,
    Candidate,
    has_power_over,
    is_eligible,
    rank_key,
    ranked,
    why,
)

TODAY = date(2026, 11, 27)
ASK = Ask(
    newcomer_id=1,
    languages=frozenset({"pl"}),
    location_id=10,
    village="Noordwijkerhout",
    topics=frozenset({"register_gp", "bike_route"}),
    availability=frozenset({"weekend"}),
    employer="Flower Agency B.V.",
)
BUDDY = Candidate(
    id=100,
    languages=frozenset({"pl", "en"}),
    location_id=11,
    village="Noordwijk",
    topics=frozenset({"register_gp"}),
    availability=frozenset({"weekend"}),
    capacity=2,
)


def test_the_baseline_buddy_is_eligible():
    assert is_eligible(BUDDY, ASK, TODAY)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"approved": False}, "not approved"),
        ({"suspended": True}, "suspended"),
        ({"away_until": TODAY}, "away until today"),
        ({"away_until": date(2027, 1, 1)}, "away"),
        ({"languages": frozenset({"uk", "en"})}, "no shared language"),
        ({"active_matches": 2}, "no capacity left"),
        ({"id": 1}, "the newcomer themself"),
        ({"supervises_at": "  flower agency   b.v. "}, "supervises at the newcomer's employer"),
        ({"coordinates_location_id": 10}, "coordinates the newcomer's housing"),
    ],
)
def test_each_hard_rule_excludes(change, reason):
    assert not is_eligible(replace(BUDDY, **change), ASK, TODAY), reason


def test_declined_or_reported_buddies_are_never_asked_again():
    assert not is_eligible(BUDDY, replace(ASK, excluded_ids=frozenset({100})), TODAY)


def test_away_until_yesterday_is_back():
    assert is_eligible(replace(BUDDY, away_until=date(2026, 11, 26)), ASK, TODAY)


def test_power_needs_the_same_employer_or_location():
    assert not has_power_over(replace(BUDDY, supervises_at="Other agency"), ASK)
    assert not has_power_over(replace(BUDDY, coordinates_location_id=99), ASK)
    assert not has_power_over(
        replace(BUDDY, supervises_at="Flower Agency B.V."), replace(ASK, employer=None)
    )


@pytest.mark.parametrize(
    "criterion",
    [
        "same location",
        "same village",
        "more steps covered",
        "more availability",
        "lower load",
        "longest since last offer",
        "lowest id",
    ],
)
def test_ranking_is_a_strict_order(criterion):
    base_worse = replace(
        BUDDY,
        id=2,
        location_id=11,
        village="Noordwijk",
        topics=frozenset(),
        availability=frozenset(),
        active_matches=1,
        last_offer_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    better = replace(base_worse, id=3)
    worse = base_worse
    # Make `better` win on exactly this criterion, and `worse` win on every later one.
    order = [
        "same location",
        "same village",
        "more steps covered",
        "more availability",
        "lower load",
        "longest since last offer",
        "lowest id",
    ]
    later = order[order.index(criterion) + 1 :]
    if criterion == "same location":
        better = replace(better, location_id=10)
    if criterion == "same village":
        better = replace(better, village="Noordwijkerhout")
    if criterion == "more steps covered":
        better = replace(better, topics=frozenset({"register_gp", "bike_route"}))
    if criterion == "more availability":
        better = replace(better, availability=frozenset({"weekend"}))
    if criterion == "lower load":
        better = replace(better, active_matches=0)
    if criterion == "longest since last offer":
        better = replace(better, last_offer_at=datetime(2026, 10, 1, tzinfo=UTC))
    if criterion == "lowest id":
        better, worse = replace(better, id=2), replace(worse, id=3)
    if "same village" in later:
        worse = replace(worse, village="Noordwijkerhout")
    if "more steps covered" in later:
        worse = replace(worse, topics=frozenset({"register_gp"}))
    if "more availability" in later:
        worse = replace(worse, availability=frozenset({"weekend"}))
    if "lower load" in later:
        worse = replace(worse, active_matches=0)
    if "longest since last offer" in later:
        worse = replace(worse, last_offer_at=None)
    if "lowest id" in later:
        better, worse = replace(better, id=5), replace(worse, id=4)
    assert rank_key(better, ASK) < rank_key(worse, ASK), criterion
    assert ranked([worse, better], ASK, TODAY)[0] == better


def test_never_offered_comes_before_recently_offered():
    never = replace(BUDDY, id=7, last_offer_at=None)
    recent = replace(BUDDY, id=6, last_offer_at=datetime(2026, 11, 20, tzinfo=UTC))
    assert ranked([recent, never], ASK, TODAY) == [never, recent]


def test_ranked_leaves_out_the_ineligible():
    away = replace(BUDDY, id=5, away_until=date(2027, 1, 1))
    assert ranked([away, BUDDY], ASK, TODAY) == [BUDDY]


def test_why_names_shared_languages_village_and_steps():
    local = replace(BUDDY, village="Noordwijkerhout", topics=frozenset({"register_gp", "digid"}))
    assert why(local, ASK).languages == ("pl",)
    assert why(local, ASK).village == "Noordwijkerhout"
    assert why(local, ASK).topics == ("register_gp",)
    assert why(BUDDY, ASK).village is None
