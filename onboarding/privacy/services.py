"""Export, erasure and purge, assembled from what every feature registered."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from ..accounts.models import Newcomer
from ..clock import utcnow
from ..codes.models import OnboardingCode
from ..extensions import db
from ..i18n import _
from ..personal_data import registered
from ..push.jobs import dispatch
from ..staff.models import StaffUser
from ..staff.services import record

# Join codes are kept this long after they expired or were revoked, so the desk can still
# explain why a code did not work; then they go.
CODE_KEEP = timedelta(days=90)


def export_person(newcomer: Newcomer) -> dict:
    """Everything stored about the person, readable by them: each feature's part."""
    data: dict = {}
    for part in registered():
        data.update(part.export(newcomer))
    data["not_stored"] = _(
        "Aankomst never stores your BSN, passport or ID number. Your recovery code is "
        "stored only in a scrambled form that cannot be turned back into the code."
    )
    return data


def _erase(newcomer: Newcomer) -> list[int]:
    """Let every feature release what it holds, then delete the person (the database deletes
    the rows that belong only to them); returns the notifications to send after the commit."""
    message_ids = []
    for part in registered():
        if part.erase is not None:
            message_ids += part.erase(newcomer)
    db.session.delete(newcomer)
    return message_ids


def erase_person(newcomer: Newcomer, by: StaffUser | None = None) -> None:
    """Erase the person (they asked, or an admin removed them; that is audited)."""
    if by is not None:
        record(by, "newcomer.erase", newcomer.location_id, f"newcomer #{newcomer.id}")
    dispatch(_erase(newcomer))


def purge_inactive(now=None) -> tuple[int, int]:
    """Erase accounts not used for AANKOMST_INACTIVE_DAYS and codes long past their end, and
    let each feature drop what is past its own retention period; returns (people, codes)."""
    now = now or utcnow()
    for part in registered():
        if part.purge is not None:
            part.purge(now)
    cutoff = now - timedelta(days=current_app.config["AANKOMST_INACTIVE_DAYS"])
    people = db.session.scalars(
        select(Newcomer).where(Newcomer.last_seen_at < cutoff).order_by(Newcomer.id)
    ).all()
    message_ids = []
    for newcomer in people:
        message_ids += _erase(newcomer)
    codes = db.session.execute(
        delete(OnboardingCode).where(
            OnboardingCode.is_demo.is_(False),
            or_(
                OnboardingCode.expires_at < now - CODE_KEEP,
                OnboardingCode.revoked_at < now - CODE_KEEP,
            ),
        )
    ).rowcount
    dispatch(message_ids)
    return len(people), codes
