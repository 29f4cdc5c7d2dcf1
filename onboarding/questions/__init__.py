"""Ask a person: a newcomer's question, in any language, for the staff of their location who
speak it (and the municipality's admins); the answer comes back in the app."""


def init_app(app) -> None:
    """Declare the questions as personal data: exported with the person, deleted with them
    (the database cascades), and dropped 180 days after they were closed or last answered."""
    from ..personal_data import PersonalData, register
    from .models import Question, QuestionAnswer
    from .services import purge_old_questions, questions_export

    register(
        app,
        PersonalData(
            "questions",
            (Question, QuestionAnswer),
            lambda person: {"questions": questions_export(person)},
            purge=purge_old_questions,
        ),
    )
