"""Web push: subscriptions, preferences, deadline reminders and buddy notifications."""


def init_app(app) -> None:
    """Declare the push data of a person; refuse to start with a VAPID key that cannot be read,
    rather than fail on first use."""
    from ..accounts import SettingsSection, add_settings_section
    from ..config import ConfigError
    from ..ops import watch_queue
    from ..personal_data import PersonalData, register
    from .jobs import QUEUE
    from .keys import load_vapid
    from .models import PushDelivery, PushMessage, PushPreference, PushSubscription, ReminderLog
    from .services import push_export
    from .views import SECTION, settings_context

    models = (PushSubscription, PushPreference, PushMessage, PushDelivery, ReminderLog)
    register(
        app, PersonalData("push", models, lambda person: {"notifications": push_export(person)})
    )
    add_settings_section(app, SettingsSection(SECTION, "push/_settings.html", settings_context))
    watch_queue(app, QUEUE)  # its length in /metrics

    value = app.config.get("VAPID_PRIVATE_KEY")
    if value:
        try:
            load_vapid(value)
        except Exception as error:
            raise ConfigError(
                "VAPID_PRIVATE_KEY cannot be read: give base64url of the raw 32-byte P-256 key "
                "or the path of a PEM file (make one with: flask --app wsgi vapid generate)"
            ) from error
