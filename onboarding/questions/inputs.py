"""What people send to the questions feature, read into plain values through the shared checks:
a question, an answer, and whether the answer helped."""

from dataclasses import dataclass

from ..content import Pack
from ..i18n import _
from ..validation import Fields

TEXT_MAX, ANSWER_MAX = 1000, 2000


@dataclass(frozen=True)
class NewQuestion:
    """The question, and the step or help page it is about (if any)."""

    text: str
    topic: str | None


def topics(pack: Pack) -> set[str]:
    """What a question can be about: the pack's steps and help pages."""
    return {step.key for step in pack.steps} | {page.key for page in pack.help_pages}


def parse_question(data, pack: Pack) -> NewQuestion:
    """POST /api/v1/questions and the form on /questions."""
    fields = Fields(data)
    text = fields.text("text", TEXT_MAX, required=True)
    topic = data.get("topic")
    if topic in (None, ""):
        topic = None
    elif not isinstance(topic, str) or topic not in topics(pack):
        fields.errors["topic"] = _("This is not a step or help page of the app.")
        topic = None
    fields.check()
    return NewQuestion(text, topic)


def parse_answer(data) -> str:
    """A staff member's answer: 1 to 2,000 characters."""
    fields = Fields(data)
    text = fields.text("text", ANSWER_MAX, required=True)
    fields.check()
    return text


def parse_close(data) -> bool | None:
    """Did the answer help: yes, no, or not said (absent, null or empty)."""
    fields = Fields(data)
    helped = fields.optional_boolean("helped")
    fields.check()
    return helped
