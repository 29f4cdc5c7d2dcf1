"""Changes to a step, from a page, a PATCH or a phone's offline outbox, read into plain values."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import AppError
from ..i18n import _
from ..validation import Fields
from .models import STATUSES, STUCK_CATEGORIES

NOTE_MAX = 2000
STUCK_REASON_MAX = 500
OP_ID_MAX = 64
_OP_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
SYNC_BATCH_MAX = 500
# Fields a change may carry, in the order they are applied.
CHANGE_FIELDS = ("status", "note", "stuck", "stuck_reason", "stuck_category")


@dataclass(frozen=True)
class StepChange:
    """The fields a change sets; only those named in `given` (a note may be set to None)."""

    status: str | None = None
    note: str | None = None
    stuck: bool | None = None
    stuck_reason: str | None = None
    stuck_category: str | None = None
    given: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, **values) -> "StepChange":
        return cls(**values, given=frozenset(values))

    def values(self) -> list[tuple[str, object]]:
        """(field, value) of what this change sets, in the order they are applied."""
        return [(name, getattr(self, name)) for name in CHANGE_FIELDS if name in self.given]


@dataclass(frozen=True)
class OfflineChange:
    """One op of POST /api/v1/sync: made on the phone at `at`, applied once per op_id."""

    op_id: str
    key: str
    at: datetime
    change: StepChange


@dataclass(frozen=True)
class RefusedChange:
    """An op that could not be read: reported as invalid with the reason, never applied."""

    op_id: str | None
    error: str


def parse_change(data, prefix_errors: dict | None = None) -> StepChange:
    """The changeable fields present in `data` (the page's form or PATCH's JSON)."""
    fields = Fields(data)
    if prefix_errors:
        fields.errors.update(prefix_errors)
    values: dict = {}
    if "status" in data:
        values["status"] = fields.choice("status", STATUSES, required=True)
    if "note" in data:
        values["note"] = fields.text("note", NOTE_MAX)
    if "stuck" in data:
        if isinstance(data["stuck"], bool | str):
            values["stuck"] = fields.boolean("stuck")
        else:
            fields.errors["stuck"] = _("Please answer yes or no.")
    if "stuck_reason" in data:
        values["stuck_reason"] = fields.text("stuck_reason", STUCK_REASON_MAX)
    if "stuck_category" in data:
        values["stuck_category"] = fields.choice("stuck_category", STUCK_CATEGORIES)
    if not values and not fields.errors:
        fields.errors["status"] = _(
            "Nothing to save: choose a status, write a note or say whether you are stuck."
        )
    fields.check()
    if values.get("stuck") is False:
        # No longer stuck: the reason and its category go too.
        values["stuck_reason"] = values["stuck_category"] = None
    return StepChange.of(**values)


def _parse_op(op) -> OfflineChange | RefusedChange:
    if not isinstance(op, dict):
        return RefusedChange(None, _("Each change must be an object."))
    op_id = op.get("op_id")
    if not isinstance(op_id, str) or not _OP_ID.fullmatch(op_id):
        return RefusedChange(
            op_id if isinstance(op_id, str) and len(op_id) <= OP_ID_MAX else None,
            _("Each change needs an op_id of 1 to 64 letters, digits or . _ : -"),
        )
    fields = Fields(op)
    at = fields.timestamp("at")
    try:
        change = parse_change({k: v for k, v in op.items() if k in CHANGE_FIELDS}, fields.errors)
    except AppError as error:
        return RefusedChange(op_id, str(error.message))
    key = op.get("key")
    return OfflineChange(op_id, key if isinstance(key, str) else "", at, change)


def parse_ops(data: dict) -> list[OfflineChange | RefusedChange]:
    """The ops of POST /api/v1/sync, each read on its own (a bad one never spoils the rest)."""
    ops = data.get("ops")
    if not isinstance(ops, list):
        raise AppError("invalid_input", 400, _("Please send the changes as a list named ops."))
    if len(ops) > SYNC_BATCH_MAX:
        raise AppError(
            "invalid_input",
            400,
            _("Too many changes at once: at most %(max)d.", max=SYNC_BATCH_MAX),
        )
    return [_parse_op(op) for op in ops]
