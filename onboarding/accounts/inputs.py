"""What a newcomer tells us when joining or in their settings, read into plain values."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..clock import today_in_amsterdam, years_before
from ..i18n import _, normalize_language
from ..validation import Fields
from .models import STAY_PLANS, Newcomer

# People who have lived here for decades join too: they are the buddies newcomers need.
ARRIVAL_YEARS_BACK = 40
NICKNAME_MAX = 40


@dataclass(frozen=True)
class Profile:
    """What a newcomer tells us when joining or in their settings."""

    language: str
    arrival_date: date
    stay_plan: str
    first_workday_date: date | None = None
    nickname: str | None = None
    temporary_protection: bool = False
    eu_citizen: bool | None = None


def parse_profile(data, partial_of: Newcomer | None = None) -> Profile:
    """Check join or settings input; every problem is reported at once, per field."""
    fields = Fields(data)
    language = normalize_language(data.get("language")) if data.get("language") else None
    if data.get("language") and language is None:
        fields.errors["language"] = _("Please choose one of the languages offered.")
    if language is None and partial_of is not None:
        language = partial_of.language
    if language is None and "language" not in fields.errors:
        fields.errors["language"] = _("Please choose your language.")
    arrival = fields.date("arrival_date", required=True)
    workday = fields.date("first_workday_date")
    plan = fields.choice("stay_plan", STAY_PLANS, required=True)
    if data.get("stay_plan") in (None, ""):
        fields.errors["stay_plan"] = _("Please choose how long you plan to stay.")
    nickname = fields.text("nickname", max_length=NICKNAME_MAX)
    protection = fields.boolean("temporary_protection")
    if "eu_citizen" in data or partial_of is None:
        eu_citizen = fields.optional_boolean("eu_citizen")
    else:  # a settings change that does not mention it keeps the answer
        eu_citizen = partial_of.eu_citizen
    today = today_in_amsterdam()
    if arrival and not (
        years_before(today, ARRIVAL_YEARS_BACK) <= arrival <= years_before(today, -1)
    ):
        fields.errors["arrival_date"] = _(
            "The arrival date can be at most %(years)d years ago and at most one year from today.",
            years=ARRIVAL_YEARS_BACK,
        )
    if arrival and workday and not (arrival <= workday <= arrival + timedelta(days=365)):
        fields.errors["first_workday_date"] = _(
            "The first workday must be on or after the arrival date, and at most one year after it."
        )
    fields.check()
    return Profile(
        language=language,
        arrival_date=arrival,
        stay_plan=plan,
        first_workday_date=workday,
        nickname=nickname,
        temporary_protection=protection,
        eu_citizen=eu_citizen,
    )
