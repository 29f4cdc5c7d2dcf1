"""Buddy matching: newcomers paired with experienced migrants who speak their language."""


def init_app(app) -> None:
    """Declare the buddy data; erasing a person first releases their matches and offers."""
    from ..personal_data import PersonalData, register
    from .lifecycle import release_person
    from .models import (
        BuddyLanguage,
        BuddyOffer,
        BuddyProfile,
        BuddyReport,
        BuddyRequest,
        BuddyTopic,
        HelpLog,
    )
    from .recognition import buddy_export

    models = (
        BuddyProfile,
        BuddyLanguage,
        BuddyTopic,
        BuddyRequest,
        BuddyOffer,
        BuddyReport,
        HelpLog,
    )
    register(app, PersonalData("buddies", models, buddy_export, release_person))
