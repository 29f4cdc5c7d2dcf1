"""Insights as JSON and as table rows: the same suppressed counts everywhere (None in JSON: fewer
than 5, or hidden so that such a count cannot be worked out)."""

from ..checklist.models import STUCK_CATEGORIES
from .anonymity import K
from .services import Insights


def insights_json(insights: Insights, value=None) -> dict:
    """The API's shape; `value` reads one count (default: the count or None when suppressed;
    the page passes `insights.shown` to tell "fewer than 5" from "protected")."""
    value = value or insights.count

    def suppressed(found) -> bool:
        return any(not isinstance(v, int) for v in found)

    def group(names: dict[str, str]) -> dict:
        values = {key: value(name) for key, name in names.items()}
        return {**values, "suppressed": suppressed(values.values())}

    steps = []
    for key in insights.step_keys:
        prefix = f"step.{key}"
        counts = group({n: f"{prefix}.{n}" for n in ("applies", "done", "skipped", "stuck")})
        categories = {c: value(f"{prefix}.stuck.{c}") for c in STUCK_CATEGORIES}
        hidden = counts.pop("suppressed") or suppressed(categories.values())
        steps.append({"key": key, **counts, "stuck_categories": categories, "suppressed": hidden})
    buddy = group({n: f"buddy.{n}" for n in ("made", "matched", "unmatched")})
    buddy["by_language"] = {
        code: group({n: f"buddy.{code}.{n}" for n in ("made", "matched", "unmatched")})
        for code in insights.buddy_languages
    }
    checkins = {}
    for topic, categories in insights.checkin_categories.items():
        answers = value(f"checkin.{topic}.answers")
        by_category = {c: value(f"checkin.{topic}.{c}") for c in categories}
        checkins[topic] = {
            "answers": answers,
            "mean": insights.checkin_means[topic],
            "categories": by_category,
            "suppressed": suppressed([answers, *by_category.values()]),
        }
    topics = {key: value(f"questions.{key}") for key in insights.question_topics}
    asked = value("questions.asked")
    return {
        "k": K,
        "people": value("people"),
        "suppressed": suppressed(map(value, insights.table.values)),
        "steps": steps,
        "brp_median_days": insights.brp_median_days,
        "buddy_requests": buddy,
        "checkins": checkins,
        "questions": {
            "asked": asked,
            "topics": {key: n for key, n in topics.items() if n != 0},
            "suppressed": suppressed([asked, *topics.values()]),
        },
    }


def step_rows(insights: Insights) -> list[dict]:
    """The steps table of the page and the CSV: one row per step (see `Insights.shown`)."""
    return [
        {
            "key": key,
            **{
                name: insights.shown(f"step.{key}.{name}")
                for name in ("applies", "done", "skipped", "stuck")
            },
            "categories": {c: insights.shown(f"step.{key}.stuck.{c}") for c in STUCK_CATEGORIES},
        }
        for key in insights.step_keys
    ]
