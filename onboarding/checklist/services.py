"""Checklist rules: which steps apply, their due dates, status changes and offline sync."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Newcomer
from ..accounts.services import lives_here_long
from ..clock import iso, today_in_amsterdam, utcnow
from ..content import Pack, Step
from ..errors import AppError, ValidationError
from ..extensions import db, read_rows
from ..i18n import _
from .inputs import OfflineChange, RefusedChange, StepChange
from .models import StepProgress, SyncOp

FINISHED = ("done", "skipped")


@dataclass
class ChecklistItem:
    """One step as this person sees it."""

    step: Step
    status: str
    note: str | None
    stuck: bool
    stuck_reason: str | None
    stuck_category: str | None
    due_date: date | None
    # The date has passed and the step is not finished; "overdue" only for a legal deadline.
    passed: bool
    overdue: bool
    requires: list[Step]
    blocked_by: list[Step]

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def applicable_steps(newcomer: Newcomer, pack: Pack) -> list[Step]:
    """The pack's steps that fit this person's stay plan, protection status and citizenship."""
    return list(
        pack.steps_for(newcomer.stay_plan, newcomer.temporary_protection, newcomer.eu_citizen)
    )


# Only the columns the list shows, as plain rows: the list never changes them, and rows cost a
# fraction of tracked objects. The list page and answer read them with the session
# (`reads_with_session`); the step and review pages, the desk and reminders run _PROGRESS_OF,
# built once: building a statement costs more than running it.
PROGRESS_COLUMNS = (
    StepProgress.step_key,
    StepProgress.status,
    StepProgress.note,
    StepProgress.stuck,
    StepProgress.stuck_reason,
    StepProgress.stuck_category,
)
_PROGRESS_OF = select(*PROGRESS_COLUMNS).where(StepProgress.newcomer_id == bindparam("newcomer_id"))


def _progress_by_key(newcomer: Newcomer, progress: Iterable[Row] | None) -> dict[str, Row]:
    if progress is None:
        progress = read_rows(_PROGRESS_OF, {"newcomer_id": newcomer.id})
    return {row.step_key: row for row in progress}


def build_checklist(
    newcomer: Newcomer,
    pack: Pack,
    today: date | None = None,
    progress: Iterable[Row] | None = None,
) -> list[ChecklistItem]:
    """The person's steps, sorted by due date, then pack order, undated last. `progress`: the
    person's rows of PROGRESS_COLUMNS when already read (with the session), else read here."""
    today = today or today_in_amsterdam()
    # Someone who has lived here for years is not late with anything on a newcomer's list.
    judged_late = not lives_here_long(newcomer, today)
    steps = applicable_steps(newcomer, pack)
    by_key = {s.key: s for s in steps}
    progress = _progress_by_key(newcomer, progress)
    statuses = {s.key: (progress[s.key].status if s.key in progress else "todo") for s in steps}
    dates = (newcomer.arrival_date, newcomer.first_workday_date, newcomer.longer_stay_on)
    items = []
    for step in steps:
        row = progress.get(step.key)
        status = statuses[step.key]
        due = step.due.due_on(*dates)
        passed = judged_late and due is not None and due < today and status not in FINISHED
        requires = [by_key[k] for k in step.requires if k in by_key]
        items.append(
            ChecklistItem(
                step=step,
                status=status,
                note=row.note if row else None,
                stuck=row.stuck if row else False,
                stuck_reason=row.stuck_reason if row else None,
                stuck_category=row.stuck_category if row else None,
                due_date=due,
                passed=passed,
                overdue=passed and step.due.kind == "deadline",
                requires=requires,
                blocked_by=[r for r in requires if statuses[r.key] not in FINISHED],
            )
        )
    items.sort(key=lambda i: (i.due_date is None, i.due_date or date.max, i.step.order))
    return items


def checklist_item(newcomer: Newcomer, pack: Pack, key: str) -> ChecklistItem:
    """One step of the person's checklist, or 404 if it is not on it."""
    for item in build_checklist(newcomer, pack):
        if item.key == key:
            return item
    raise AppError("step_unknown", 404, _("This step is not on your checklist."))


# Past this day on the short plan, ask whether the stay became longer than 4 months.
STAY_CHECK_DAY = 100


def stay_check_due(newcomer: Newcomer, today: date | None = None) -> bool:
    """Someone on "4 months or less" who arrived 100 days ago may stay longer: then the BRP."""
    today = today or today_in_amsterdam()
    return (
        newcomer.stay_plan == "short"
        and (today - newcomer.arrival_date).days >= STAY_CHECK_DAY
        and not lives_here_long(newcomer, today)
    )


def needs_review(newcomer: Newcomer) -> bool:
    """Someone who arrived long ago first says which steps they already did (asked once)."""
    return newcomer.steps_reviewed_at is None and lives_here_long(newcomer)


def mark_already_done(newcomer: Newcomer, pack: Pack, keys: list[str]) -> None:
    """The steps ticked on the first screen are done; the question is not asked again."""
    applicable = {step.key for step in applicable_steps(newcomer, pack)}
    if any(key not in applicable for key in keys):
        raise ValidationError({"done": _("This step is not on your checklist.")})
    now = utcnow()
    for key in dict.fromkeys(keys):
        _apply(_locked_progress(newcomer, key), StepChange.of(status="done"), now, force=True)
    newcomer.steps_reviewed_at = now
    db.session.flush()


def _locked_progress(newcomer: Newcomer, key: str) -> StepProgress:
    """The progress row, locked for this transaction, created on first use."""
    query = (
        select(StepProgress)
        .where(StepProgress.newcomer_id == newcomer.id, StepProgress.step_key == key)
        .with_for_update()
    )
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = StepProgress(newcomer_id=newcomer.id, step_key=key, status="todo")
            db.session.add(row)
        return row
    except IntegrityError:  # created by a parallel request a moment ago
        return db.session.scalar(query)


def _apply(row: StepProgress, change: StepChange, at: datetime, force: bool) -> bool:
    """Set each field whose stored change is older than `at`; True if any was set."""
    applied = False
    for name, value in change.values():
        changed_at = getattr(row, f"{name}_at")
        if force or changed_at is None or at > changed_at:
            setattr(row, name, value)
            setattr(row, f"{name}_at", at)
            applied = True
    return applied


def update_step(newcomer: Newcomer, pack: Pack, key: str, change: StepChange) -> ChecklistItem:
    """A direct change (page or PATCH): it counts as made now, so it always applies."""
    checklist_item(newcomer, pack, key)
    row = _locked_progress(newcomer, key)
    _apply(row, change, utcnow(), force=True)
    db.session.flush()
    return checklist_item(newcomer, pack, key)


def _sync_one(newcomer: Newcomer, keys: set[str], op, now: datetime) -> dict:
    if isinstance(op, RefusedChange):
        return {"op_id": op.op_id, "result": "invalid", "error": op.error}
    if op.key not in keys:
        return {
            "op_id": op.op_id,
            "result": "invalid",
            "error": _("This step is not on your checklist."),
        }
    at = min(op.at, now)  # a phone whose clock runs ahead does not win forever
    try:
        with db.session.begin_nested():
            db.session.add(SyncOp(newcomer_id=newcomer.id, op_id=op.op_id))
    except IntegrityError:
        return {"op_id": op.op_id, "result": "duplicate"}
    row = _locked_progress(newcomer, op.key)
    result = "applied" if _apply(row, op.change, at, force=False) else "superseded"
    return {"op_id": op.op_id, "result": result}


def apply_sync(
    newcomer: Newcomer, pack: Pack, ops: list[OfflineChange | RefusedChange]
) -> list[dict]:
    """Apply offline changes: each op_id once; per step and field the newest `at` wins; an op
    that could not be read is reported as invalid and never stops the others."""
    keys = {s.key for s in applicable_steps(newcomer, pack)}
    now = utcnow()
    results = [_sync_one(newcomer, keys, op, now) for op in ops]
    db.session.flush()
    return results


def export_checklist(newcomer: Newcomer) -> dict:
    """The checklist's part of the data export: every step's status, note and "I'm stuck"."""
    progress = db.session.scalars(
        select(StepProgress)
        .where(StepProgress.newcomer_id == newcomer.id)
        .order_by(StepProgress.step_key)
    )
    received = db.session.scalar(
        select(func.count()).select_from(SyncOp).where(SyncOp.newcomer_id == newcomer.id)
    )
    return {
        "checklist": [
            {
                "key": p.step_key,
                "status": p.status,
                "status_changed_at": iso(p.status_at),
                "note": p.note,
                "stuck": p.stuck,
                "stuck_reason": p.stuck_reason,
                "stuck_category": p.stuck_category,
            }
            for p in progress
        ],
        "offline_changes_received": received,
    }


def progress_counts(items: list[ChecklistItem]) -> tuple[int, int]:
    """(finished, total) for the progress bar; "not for me" counts as finished."""
    return sum(1 for i in items if i.finished), len(items)
