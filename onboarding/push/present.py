"""Push preferences as the API shows them."""

from .models import PushPreference


def preferences_json(found: PushPreference) -> dict:
    return {
        "reminders": found.reminders,
        "quiet_start": found.quiet_start,
        "quiet_end": found.quiet_end,
    }
