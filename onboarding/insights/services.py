"""Counting for the municipality, k-anonymously: who is stuck where and why, how check-ins go,
whether buddy requests find a buddy, and which topics people ask about. Never per person: the
counts come from the same rows as the checklist, but no name, note or free text is read."""

import statistics
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select

from ..accounts.models import Newcomer
from ..buddies.models import BuddyOffer, BuddyRequest
from ..checkins.models import CATEGORIES as CHECKIN_TOPICS
from ..checkins.models import CheckinAnswer
from ..checklist.models import STUCK_CATEGORIES, StepProgress
from ..clock import AMSTERDAM, amsterdam_date
from ..content import Pack
from ..extensions import db
from ..questions.models import Question
from ..staff.models import StaffUser
from ..staff.services import location_for, visible_locations
from .anonymity import CountTable, K
from .inputs import InsightFilters

# Aware, as every stored time is: a `since` day starts at midnight in Amsterdam.
AMSTERDAM_MIDNIGHT = time(0, 0, tzinfo=AMSTERDAM)


@dataclass
class Insights:
    """The suppressed counts; `table.get(name)` is None for a count that may not be shown."""

    table: CountTable
    step_keys: list[str]
    checkin_categories: dict[str, list[str]]
    buddy_languages: list[str]
    question_topics: list[str]
    brp_median_days: float | None
    checkin_means: dict[str, float | None]
    location_ids: list[int]
    filters: InsightFilters

    def count(self, name: str) -> int | None:
        return self.table.get(name)

    def shown(self, name: str) -> int | str:
        """For a page: the count, "small" (from 1 to 4) or "protected" (hidden so that a small
        one cannot be worked out)."""
        value = self.table.get(name)
        if value is not None:
            return value
        return "small" if self.table.is_small(name) else "protected"

    @property
    def too_few_people(self) -> bool:
        return self.table.values["people"] < K


def _people(location_ids: list[int], filters: InsightFilters) -> list[Newcomer]:
    query = select(Newcomer).where(Newcomer.location_id.in_(location_ids))
    if filters.language:
        query = query.where(Newcomer.language == filters.language)
    if filters.since:
        start = datetime.combine(filters.since, AMSTERDAM_MIDNIGHT)
        query = query.where(Newcomer.created_at >= start)
    return list(db.session.scalars(query))


def _location_ids(staff: StaffUser, filters: InsightFilters) -> list[int]:
    """The one location asked for (403 when not the caller's), or all the caller may see."""
    if filters.location_id is not None:
        return [location_for(staff, filters.location_id).id]
    return [location.id for location in visible_locations(staff)]


def _count_steps(table: CountTable, pack: Pack, people: list[Newcomer]) -> list[str]:
    ids = [person.id for person in people]
    rows = db.session.execute(
        select(
            StepProgress.newcomer_id,
            StepProgress.step_key,
            StepProgress.status,
            StepProgress.stuck,
            StepProgress.stuck_category,
        ).where(StepProgress.newcomer_id.in_(ids))
    ).all()
    progress = {(row.newcomer_id, row.step_key): row for row in rows}
    for step in pack.steps:
        applies = [
            p for p in people if step.applies_to(p.stay_plan, p.temporary_protection, p.eu_citizen)
        ]
        mine = [progress[(p.id, step.key)] for p in applies if (p.id, step.key) in progress]
        prefix = f"step.{step.key}"
        total = table.add(f"{prefix}.applies", len(applies))
        statuses = [
            table.add(f"{prefix}.{status}", sum(row.status == status for row in mine))
            for status in ("done", "skipped")
        ]
        stuck_rows = [row for row in mine if row.stuck]
        stuck = table.add(f"{prefix}.stuck", len(stuck_rows))
        categories = [
            table.add(
                f"{prefix}.stuck.{category}",
                sum(row.stuck_category == category for row in stuck_rows),
            )
            for category in STUCK_CATEGORIES
        ]
        table.relate("people", [total], rest="private")
        table.relate(total, statuses, rest="open")
        table.relate(total, [stuck], rest="open")
        table.relate(stuck, categories, rest="open")
    return [step.key for step in pack.steps]


def _brp_median_days(people: list[Newcomer]) -> float | None:
    """Median days from arrival to "registered in the BRP: done"; only over at least K people."""
    arrival = {person.id: person.arrival_date for person in people}
    rows = db.session.execute(
        select(StepProgress.newcomer_id, StepProgress.status_at).where(
            StepProgress.newcomer_id.in_(list(arrival)),
            StepProgress.step_key == "register_brp",
            StepProgress.status == "done",
            StepProgress.status_at.is_not(None),
        )
    ).all()
    days = [
        (amsterdam_date(row.status_at) - arrival[row.newcomer_id]).days
        for row in rows
        if amsterdam_date(row.status_at) >= arrival[row.newcomer_id]
    ]
    return float(statistics.median(days)) if len(days) >= K else None


def _count_buddy_requests(table: CountTable, people: list[Newcomer]) -> list[str]:
    language = {person.id: person.language for person in people}
    requests = db.session.scalars(
        select(BuddyRequest).where(BuddyRequest.newcomer_id.in_(list(language)))
    ).all()
    matched_ids = set(
        db.session.scalars(
            select(BuddyOffer.request_id).where(
                BuddyOffer.request_id.in_([r.id for r in requests]),
                BuddyOffer.state.in_(("accepted", "ended")),
            )
        )
    )
    languages = sorted({language[r.newcomer_id] for r in requests})
    totals = {"made": [], "matched": [], "unmatched": []}
    for code in languages:
        mine = [r for r in requests if language[r.newcomer_id] == code]
        matched = sum(r.id in matched_ids for r in mine)
        made = table.add(f"buddy.{code}.made", len(mine))
        parts = [
            table.add(f"buddy.{code}.matched", matched),
            table.add(f"buddy.{code}.unmatched", len(mine) - matched),
        ]
        table.relate(made, parts, rest="none")
        for name, cell in zip(totals, (made, *parts), strict=True):
            totals[name].append(cell)
    matched = sum(r.id in matched_ids for r in requests)
    made = table.add("buddy.made", len(requests))
    parts = [
        table.add("buddy.matched", matched),
        table.add("buddy.unmatched", len(requests) - matched),
    ]
    table.relate(made, parts, rest="none")
    for name, cells in totals.items():
        table.relate(f"buddy.{name}", cells, rest="none")
    return languages


def _count_checkins(table: CountTable, people: list[Newcomer]) -> dict[str, float | None]:
    answers = db.session.execute(
        select(CheckinAnswer.topic, CheckinAnswer.score, CheckinAnswer.category).where(
            CheckinAnswer.newcomer_id.in_([person.id for person in people])
        )
    ).all()
    means = {}
    for topic, categories in CHECKIN_TOPICS.items():
        mine = [a for a in answers if a.topic == topic]
        total = table.add(f"checkin.{topic}.answers", len(mine))
        cells = [
            table.add(f"checkin.{topic}.{category}", sum(a.category == category for a in mine))
            for category in categories
        ]
        table.relate(total, cells, rest="open")
        means[topic] = round(statistics.fmean(a.score for a in mine), 1) if len(mine) >= K else None
    return means


def _count_questions(table: CountTable, pack: Pack, people: list[Newcomer]) -> list[str]:
    topics = db.session.scalars(
        select(Question.topic).where(Question.newcomer_id.in_([person.id for person in people]))
    ).all()
    keys = [step.key for step in pack.steps] + [page.key for page in pack.help_pages]
    total = table.add("questions.asked", len(topics))
    cells = [table.add(f"questions.{key}", topics.count(key)) for key in keys]
    table.relate(total, cells, rest="open")
    return keys


def insights_for(staff: StaffUser, pack: Pack, filters: InsightFilters) -> Insights:
    """Every count for the locations the caller may see (or the one asked for), suppressed."""
    location_ids = _location_ids(staff, filters)
    people = _people(location_ids, filters)
    table = CountTable()
    table.add("people", len(people))
    step_keys = _count_steps(table, pack, people)
    buddy_languages = _count_buddy_requests(table, people)
    means = _count_checkins(table, people)
    question_topics = _count_questions(table, pack, people)
    too_few = len(people) < K
    if too_few:
        table.hide_all()  # filters never narrow below K people
    else:
        table.suppress()
    return Insights(
        table=table,
        step_keys=step_keys,
        checkin_categories={t: list(c) for t, c in CHECKIN_TOPICS.items()},
        buddy_languages=buddy_languages,
        question_topics=question_topics,
        brp_median_days=None if too_few else _brp_median_days(people),
        checkin_means={
            topic: None if too_few or table.get(f"checkin.{topic}.answers") is None else mean
            for topic, mean in means.items()
        },
        location_ids=location_ids,
        filters=filters,
    )
