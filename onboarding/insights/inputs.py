"""The filters of the insights page and API: location, language and a start date."""

from dataclasses import dataclass
from datetime import date

from ..i18n import LANGUAGES, _, normalize_language
from ..validation import Fields


@dataclass(frozen=True)
class InsightFilters:
    location_id: object = None  # checked against what the caller may see by the service
    language: str | None = None
    since: date | None = None


def parse_filters(args) -> InsightFilters:
    """Query parameters; each bad one is named in a 400."""
    fields = Fields(args)
    language = None
    if args.get("language"):
        language = normalize_language(args.get("language"))
        if language not in LANGUAGES:
            fields.errors["language"] = _("Please choose one of the languages offered.")
    since = fields.date("since")
    fields.check()
    return InsightFilters(args.get("location_id") or None, language, since)
