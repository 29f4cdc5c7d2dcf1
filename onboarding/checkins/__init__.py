"""Check-ins: at day 7, 30 and 90 after arrival, one short question at a time about housing,
work, and health and wellbeing. The person answers with one tap; answers count only in the
municipality's anonymous insights, never shown per person."""


def init_app(app) -> None:
    """Declare the check-in data of a person (answers and pauses go with the person), the
    switch on the settings page, and the push reminder when a check-in becomes due."""
    from ..accounts import SettingsSection, add_settings_section
    from ..personal_data import PersonalData, register
    from ..push.reminders import add_reminder_source
    from .models import CheckinAnswer, CheckinPause
    from .reminders import checkin_reminders
    from .services import export_checkins
    from .views import SECTION, settings_context

    register(app, PersonalData("checkins", (CheckinAnswer, CheckinPause), export_checkins))
    add_settings_section(app, SettingsSection(SECTION, "checkins/_settings.html", settings_context))
    add_reminder_source(app, checkin_reminders)
