"""Check-ins as people see them: the question per topic, the faces, the categories, and where
to find help after a hard answer."""

from flask import url_for

from ..content import current_pack, pack_text
from ..i18n import _, _l
from .services import Checkin

QUESTIONS = {
    "housing": _l("How is your housing?"),
    "work": _l("How is your work?"),
    "health": _l("How are your health and wellbeing?"),
}
# The five faces, worst first: the mouth of each (an SVG path in a 24 x 24 face; drawn, not an
# emoji, so every phone shows the same faces) and what a screen reader says for the button.
SCORES = (
    (1, "M7.5 17.5 Q12 11.5 16.5 17.5", _l("1 of 5: very bad")),
    (2, "M8 16.5 Q12 13.5 16 16.5", _l("2 of 5: bad")),
    (3, "M8 15.5 L16 15.5", _l("3 of 5: okay")),
    (4, "M8 14.5 Q12 17.5 16 14.5", _l("4 of 5: good")),
    (5, "M7.5 13.5 Q12 19.5 16.5 13.5", _l("5 of 5: very good")),
)
CATEGORY_LABELS = {
    "housing": {
        "crowded": _l("My room is too crowded"),
        "repairs": _l("Things are broken and not repaired"),
        "costs": _l("Housing costs too much"),
        "contract": _l("I have no rental contract"),
    },
    "work": {
        "unpaid_hours": _l("I was not paid for all hours"),
        "too_many_hours": _l("I work too many hours"),
        "unsafe": _l("My work is not safe"),
        "treated_badly": _l("I am treated badly"),
    },
    "health": {
        "alone": _l("I feel alone"),
        "no_doctor": _l("I cannot find a doctor"),
        "stress": _l("I feel stressed or sad"),
        "ill": _l("I am ill or in pain"),
    },
}
# A score this low or lower gets a pointer to the help pages.
LOW_SCORE = 2
# The help page for a hard answer: per topic, unless the category points elsewhere (None: the
# list of all help pages, where no single page fits).
_HELP_PAGES = {"housing": "housing_problem", "work": "pay_problem", "health": "sick"}
_HELP_PAGES_BY_CATEGORY = {"unsafe": None, "treated_badly": None, "alone": None, "stress": None}


def checkin_json(checkin: Checkin) -> dict:
    """A due check-in as the API documents it, in the reader's language."""
    return {
        "key": checkin.key,
        "day": checkin.day,
        "topic": checkin.topic,
        "question": str(QUESTIONS[checkin.topic]),
        "categories": [
            {"key": key, "label": str(label)}
            for key, label in CATEGORY_LABELS[checkin.topic].items()
        ],
    }


def help_after(topic: str, category: str | None, score: int) -> tuple[str, str] | None:
    """After a hard answer (a low score): the help page that fits, as (url, link text); the
    list of all help pages where none fits. None after a good answer."""
    if score > LOW_SCORE:
        return None
    key = _HELP_PAGES_BY_CATEGORY.get(category, _HELP_PAGES[topic])
    page = current_pack().help_page(key) if key else None
    if page is None:
        return url_for("help.index"), _("When something goes wrong")
    return url_for("help.page", key=page.key), pack_text(page.title)
