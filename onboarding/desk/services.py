"""What the desk shows of newcomers, and what staff may do for one."""

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import Newcomer
from ..accounts.services import issue_recovery_token
from ..checklist.services import build_checklist, progress_counts
from ..content import Pack
from ..errors import AppError
from ..extensions import db
from ..i18n import _
from ..staff.models import Location, StaffUser
from ..staff.services import location_for, record


@dataclass
class Arrival:
    """A newcomer as the desk shows them: progress only if they chose to share it."""

    newcomer: Newcomer
    progress: tuple[int, int] | None


def arrivals(location: Location, pack: Pack) -> list[Arrival]:
    """Newcomers who joined with this location's codes, newest first. Notes and "I'm stuck"
    reasons are never part of this."""
    newcomers = db.session.scalars(
        select(Newcomer).where(Newcomer.location_id == location.id).order_by(Newcomer.id.desc())
    )
    return [
        Arrival(n, progress_counts(build_checklist(n, pack)) if n.share_progress else None)
        for n in newcomers
    ]


def newcomer_for(staff: StaffUser, newcomer_id: int) -> Newcomer:
    """A newcomer of one of this staff member's locations."""
    newcomer = db.session.get(Newcomer, newcomer_id)
    if newcomer is None:
        raise AppError("not_found", 404, _("This person is not known here."))
    location_for(staff, newcomer.location_id)
    return newcomer


def make_recovery_link(staff: StaffUser, newcomer: Newcomer) -> str:
    """A one-time link (shown as a QR code) that restores this newcomer's checklist."""
    token = issue_recovery_token(newcomer)
    record(staff, "newcomer.recovery_link", newcomer.location_id, f"newcomer #{newcomer.id}")
    db.session.flush()
    return token
