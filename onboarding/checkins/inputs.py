"""What a newcomer sends about a check-in, read into plain values through the shared checks:
an answer (API body or the card's form) and a dismissal."""

from dataclasses import dataclass

from ..i18n import _
from ..validation import Fields
from .models import CATEGORIES, SCORE_MAX, SCORE_MIN
from .services import Checkin, checkin_for


@dataclass(frozen=True)
class Answer:
    """Which check-in, a score from 1 (very bad) to 5 (very good), maybe a category."""

    checkin: Checkin
    score: int
    category: str | None


def parse_answer(data: dict) -> Answer:
    """POST /api/v1/checkins and the card's face buttons; every problem reported at once."""
    fields = Fields(data)
    checkin = checkin_for(fields.data.get("key"))
    if checkin is None:
        fields.errors["key"] = _("This question does not exist.")
    score = fields.integer("score", SCORE_MIN, SCORE_MAX, None)
    if score is None and "score" not in fields.errors:
        fields.errors["score"] = _("Please choose one of the faces.")
    category = None
    if checkin is not None:
        category = fields.choice("category", CATEGORIES[checkin.topic])
    fields.check()
    return Answer(checkin, score, category)


def parse_dismissal(data: dict) -> bool:
    """{never?: bool}: True for "never ask me", False for "not now"."""
    fields = Fields(data)
    never = fields.boolean("never")
    fields.check()
    return never
