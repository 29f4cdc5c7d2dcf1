"""Reading and checking input from forms and JSON alike, collecting a message per field."""

import re
from datetime import date, datetime

from flask import request

from .errors import AppError, ValidationError
from .i18n import _

# Offline changes are stamped by the phone's clock; anything outside this range is not a time.
_EARLIEST, _LATEST = 2020, 2100
_ID_MAX = 2**31 - 1
_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def parse_id(value: object) -> int | None:
    """A database id from JSON or a form: a positive whole number that fits, else None."""
    if isinstance(value, str) and _ASCII_NUMBER.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _ID_MAX:
        return None
    return value


def parse_ids(values) -> list[int]:
    """The valid ids of a list (e.g. ticked checkboxes), in order, without duplicates."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def storable(value: str) -> bool:
    """Text the database can keep: a JSON string may hold half of a surrogate pair (`"\\ud83d"`),
    which no encoding can write."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_message() -> str:
    return _("This text contains characters that cannot be saved. Please type it again.")


def _json_object() -> dict | None:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # absurdly nested JSON
        return None
    return data if isinstance(data, dict) else None


def json_body() -> dict:
    """The request's JSON object, or a 400 that says so."""
    data = _json_object()
    if data is None:
        raise AppError("invalid_json", 400, _("Please send a JSON object."))
    return data


def submitted(name: str):
    """A field of the request's JSON object or form, or None. For what runs before the view
    (the keys and exemptions of rate limits), which must not stumble over a body the view will
    refuse with a clear message."""
    if request.is_json:
        data = _json_object()
        return data.get(name) if data is not None else None
    return request.form.get(name)


class Fields:
    """Typed access to submitted fields; errors are gathered, then raised together."""

    def __init__(self, data):
        self.data = data
        self.errors: dict[str, str] = {}

    def _raw(self, name: str):
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def date(self, name: str, required: bool = False) -> date | None:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = _("Please enter a date.")
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.errors[name] = _("This is not a valid date. Use the form YYYY-MM-DD.")
        return None

    def timestamp(self, name: str) -> datetime | None:
        value = self._raw(name)
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or not _EARLIEST <= parsed.year <= _LATEST:
            self.errors[name] = _("This is not a valid time. Use ISO 8601 with an offset.")
            return None
        return parsed

    def integer(self, name: str, low: int, high: int, default: int | None) -> int | None:
        """A whole number from `low` to `high`; `default` when the field is left out."""
        value = self._raw(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | str):
            value = None
        elif isinstance(value, str):
            value = int(value) if _ASCII_NUMBER.fullmatch(value.strip()) else None
        if value is None or not low <= value <= high:
            self.errors[name] = _(
                "Please give a whole number from %(low)d to %(high)d.", low=low, high=high
            )
            return None
        return value

    def choice(self, name: str, choices, required: bool = False) -> str | None:
        value = self._raw(name)
        if value in (None, "") and not required:
            return None
        if not isinstance(value, str) or value not in choices:
            self.errors[name] = _("Please choose one of the options.")
            return None
        return value

    def choices(
        self, name: str, allowed, message: str, required: bool = True, unknown: str | None = None
    ) -> list[str]:
        """Several of the options (ticked boxes, a JSON list), sorted, each once; `message` when
        none or not a list of texts, `unknown` when one is not an option."""
        value = self.data.get(name)
        if value in (None, "", []) and not required:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.errors[name] = message
            return []
        if any(v not in allowed for v in value):
            self.errors[name] = unknown or _("Please choose one of the options.")
            return []
        return sorted(set(value))

    def text(self, name: str, max_length: int, required: bool = False) -> str | None:
        """Trimmed text without control characters; a value that was nothing but those counts as
        left empty (a contact of "\\u0000" is no contact)."""
        value = self.data.get(name)
        if isinstance(value, str):
            if not storable(value):
                self.errors[name] = unstorable_message()
                return None
            value = _CONTROL_CHARS.sub("", value).strip()
        if value is None or value == "":
            if required:
                self.errors[name] = _("Please fill in this field.")
            return None
        if not isinstance(value, str):
            self.errors[name] = _("Please enter text.")
            return None
        if len(value) > max_length:
            self.errors[name] = _("This is too long: at most %(max)d characters.", max=max_length)
            return None
        return value

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, bool):
            return value
        if value in (None, "", "0", "false", "off", "no"):
            return False
        if value in ("1", "true", "on", "yes"):
            return True
        self.errors[name] = _("Please answer yes or no.")
        return False

    def optional_boolean(self, name: str) -> bool | None:
        """Yes, no, or None when the person chose not to say (absent, empty or "unknown")."""
        value = self.data.get(name)
        if value in (None, "", "unknown"):
            return None
        return self.boolean(name)

    def check(self) -> None:
        """Raise one ValidationError listing every problem found."""
        if self.errors:
            raise ValidationError(self.errors)
