"""The JSON shapes of questions: the newcomer's own, and what staff see of them."""

from ..clock import iso
from ..i18n import bcp47
from .models import Question
from .services import StaffQuestion


def question_json(question: Question) -> dict:
    """For the person who asked: the question, its state and the answers (not who wrote them)."""
    return {
        "id": question.id,
        "text": question.text,
        "topic": question.topic,
        "status": question.status,
        "answers": [{"text": answer.text, "at": iso(answer.at)} for answer in question.answers],
    }


def staff_question_json(shown: StaffQuestion) -> dict:
    """For staff: the question and a label, never anything else about the person."""
    question = shown.question
    return {
        "id": question.id,
        "text": question.text,
        "topic": question.topic,
        "language": bcp47(question.language),
        "location_id": question.location_id,
        "label": shown.label,
        "status": question.status,
        "asked_at": iso(question.asked_at),
    }
