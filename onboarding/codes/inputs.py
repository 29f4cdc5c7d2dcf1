"""A request for join codes (the API's JSON and the desk's form), read into plain values."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..clock import today_in_amsterdam
from ..i18n import _, normalize_language
from ..validation import Fields

COUNT_MAX, GROUP_MAX, EXPIRY_DAYS_MAX = 200, 50, 365
DEFAULT_EXPIRY_DAYS = 14


@dataclass(frozen=True)
class CodeRequest:
    """How many codes, for how many people each, how long valid, and what they fill in."""

    count: int = 1
    max_uses: int = 1
    expires_in_days: int = DEFAULT_EXPIRY_DAYS
    language: str | None = None
    arrival_date: date | None = None


def parse_code_request(data) -> CodeRequest:
    """Check the fields of POST /api/v1/codes and the desk's form."""
    fields = Fields(data)
    count = fields.integer("count", 1, COUNT_MAX, 1)
    expires_in_days = fields.integer("expires_in_days", 1, EXPIRY_DAYS_MAX, DEFAULT_EXPIRY_DAYS)
    # Giving max_uses without single_use asks for a group code.
    single_use = fields.boolean("single_use") if "single_use" in data else "max_uses" not in data
    if single_use:
        max_uses = 1
        if data.get("max_uses") not in (None, "", 1, "1"):
            fields.errors["max_uses"] = _("A code for one person has no group size.")
    else:
        max_uses = fields.integer("max_uses", 2, GROUP_MAX, None)
        if max_uses is None and "max_uses" not in fields.errors:
            fields.errors["max_uses"] = _("Please give the number of people (2 to 50).")
    raw_language = data.get("language")
    language = normalize_language(raw_language) if raw_language else None
    if raw_language and language is None:
        fields.errors["language"] = _("Please choose one of the languages offered.")
    arrival_date = fields.date("arrival_date")
    today = today_in_amsterdam()
    if arrival_date and not (
        today - timedelta(days=365) <= arrival_date <= today + timedelta(days=365)
    ):
        fields.errors["arrival_date"] = _(
            "The arrival date can be at most one year before or after today."
        )
    fields.check()
    return CodeRequest(count, max_uses, expires_in_days, language, arrival_date)
