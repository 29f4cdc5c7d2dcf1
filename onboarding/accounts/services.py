"""Joining, device sessions, recovery, export and erasure of a newcomer."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Label, Row, Select, bindparam, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import iso, today_in_amsterdam, years_before
from ..codes.services import redeem_code
from ..errors import AppError
from ..extensions import db, read_rows, utcnow
from ..i18n import _
from ..security import hash_token, keyed_digest
from ..transactions import begin_writing
from .inputs import Profile
from .models import DeviceSession, Newcomer, RecoveryToken

# Crockford's base32: no I, L, O or U, so a code copied by hand is read back right.
_RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECOVERY_LENGTH = 16
# A device's session (and its cookie) is renewed at most once a day: one write a day per phone,
# not one per request.
SESSION_RENEW_AFTER = timedelta(days=1)


def lives_here_long(newcomer: Newcomer, today: date | None = None) -> bool:
    """Arrived more than a year ago: nothing is overdue for them, and they are asked to help."""
    return newcomer.arrival_date < years_before(today or today_in_amsterdam(), 1)


def new_recovery_code() -> str:
    """80 random bits as four groups of four characters, e.g. `7K2M-QX4D-...`."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def demo_recovery_code(name: str) -> str:
    """A recovery code derived from SECRET_KEY, so seed-demo prints the same one every run."""
    bits = int.from_bytes(keyed_digest("demo-recovery-code", name, 10))
    chars = "".join(_RECOVERY_ALPHABET[(bits >> (5 * i)) & 31] for i in range(_RECOVERY_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def normalize_recovery_code(text: str) -> str | None:
    """Accept lower case, spaces, missing dashes and the look-alikes O/0 and I/L/1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != _RECOVERY_LENGTH or any(ch not in _RECOVERY_ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def join(token: str, profile: Profile) -> tuple[Newcomer, str]:
    """Redeem the code and create the newcomer in one transaction; returns the recovery code."""
    code = redeem_code(token)
    recovery_code = new_recovery_code()
    newcomer = Newcomer(
        language=profile.language,
        arrival_date=profile.arrival_date,
        first_workday_date=profile.first_workday_date,
        stay_plan=profile.stay_plan,
        nickname=profile.nickname,
        temporary_protection=profile.temporary_protection,
        eu_citizen=profile.eu_citizen,
        location_id=code.location_id,
        recovery_hash=hash_token(recovery_code),
    )
    db.session.add(newcomer)
    db.session.flush()
    return newcomer, recovery_code


def renew_recovery_code(newcomer: Newcomer) -> str:
    """Replace the recovery code; the old one stops working at once."""
    recovery_code = new_recovery_code()
    newcomer.recovery_hash = hash_token(recovery_code)
    db.session.flush()
    return recovery_code


def update_profile(newcomer: Newcomer, profile: Profile) -> None:
    """Change plan, dates, nickname or language; due dates follow on the next read."""
    newcomer.language = profile.language
    newcomer.arrival_date = profile.arrival_date
    newcomer.first_workday_date = profile.first_workday_date
    if profile.stay_plan == "short":
        newcomer.longer_stay_on = None
    elif newcomer.stay_plan == "short":
        # Deciding to stay longer starts the 5 days to register in the BRP today.
        newcomer.longer_stay_on = today_in_amsterdam()
    newcomer.stay_plan = profile.stay_plan
    newcomer.nickname = profile.nickname
    newcomer.temporary_protection = profile.temporary_protection
    newcomer.eu_citizen = profile.eu_citizen
    db.session.flush()


def start_session(newcomer: Newcomer) -> str:
    """A new device session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.add(
        DeviceSession(
            newcomer=newcomer,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return token


@dataclass(frozen=True)
class SessionLookup:
    """The query that finds a session's newcomer, with the session's times as plain columns
    (only the renewal, once a day, writes the session). Built once, at import: it runs on
    every request of a signed-in phone.

    The plain one (`session_lookup()`) loads the newcomer as a tracked object. A page that only
    shows, opened on every visit, has what it shows read in the same query: one round trip to
    the database instead of two or three, and no object tracking (`session_lookup(...)`). The
    newcomer then comes as a read-only row of its columns (same names as the object's
    attributes); `values` add one value each (labelled scalar subqueries); `joined`, columns
    of one of the person's tables, add its rows, one answer row each."""

    statement: Select
    as_row: bool = False
    joined_width: int = 0

    def run(self, token_hash: str) -> Sequence[Row]:
        """The answer rows for the session with this token hash (none: no such session)."""
        parameters = {"token_hash": token_hash}
        if self.as_row:
            return read_rows(self.statement, parameters)
        return db.session.execute(self.statement, parameters).all()

    def person(self, first: Row) -> Newcomer | Row:
        """The newcomer in the first answer row: the row itself, or the object in it."""
        return first if self.as_row else first.Newcomer

    def joined_rows(self, found: Sequence[Row]) -> tuple[Row, ...] | None:
        """The rows of the joined table (an outer join gives one without a match, its key
        NULL, when the person has none); None when this lookup joins no table."""
        if not self.joined_width:
            return None
        first_joined = -self.joined_width
        return tuple(row for row in found if row[first_joined] is not None)


_SESSION_TIMES = (
    DeviceSession.expires_at.label("session_expires_at"),
    DeviceSession.last_seen_at.label("session_last_seen_at"),
)


def session_lookup(
    *joined: InstrumentedAttribute, values: Sequence[Label] = (), as_row: bool = True
) -> SessionLookup:
    """The lookup of a session (see `SessionLookup`): the newcomer as a row (or, with
    `as_row=False`, as an object), with `values` and the rows of `joined`. Refuses, at import,
    what would make a row say something else than it seems to: names that clash (SQLAlchemy
    would rename one quietly), columns from more than one table (the second would join every
    person's rows), a first joined column that may be NULL (it tells a missing row)."""
    person = tuple(Newcomer.__table__.columns) if as_row else (Newcomer,)
    statement = (
        select(*person, *_SESSION_TIMES, *values)
        .join(DeviceSession, DeviceSession.newcomer_id == Newcomer.id)
        .where(DeviceSession.token_hash == bindparam("token_hash"))
    )
    if joined:
        table = joined[0].class_
        if any(column.class_ is not table for column in joined):
            raise ValueError("session_lookup joins the columns of one table only")
        if joined[0].expression.nullable:
            raise ValueError(f"the first joined column ({joined[0].key}) must be NOT NULL")
        statement = statement.add_columns(*joined).outerjoin(
            table, table.newcomer_id == Newcomer.id
        )
    if as_row:
        names = [column.key for column in person] + [
            column.key for column in (*_SESSION_TIMES, *values, *joined)
        ]
        clashing = sorted({name for name in names if names.count(name) > 1})
        if clashing or set(Newcomer.__mapper__.column_attrs.keys()) != {c.key for c in person}:
            raise ValueError(
                f"a session lookup's names must be the attributes' and unique: {clashing}"
            )
    return SessionLookup(statement, as_row, len(joined))


_SESSION_BY_HASH = session_lookup(as_row=False)


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to (None: no live session), whether the session was renewed just
    now (the cookie is then sent again with the new expiry), and what was read with it (see
    `SessionLookup`): `values`, the first answer row, which holds the values; `rows`, the
    joined table's rows (None: not read with the session, so the view reads them itself)."""

    newcomer: Newcomer | Row | None
    renewed: bool = False
    values: Row | None = None
    rows: tuple[Row, ...] | None = None


def newcomer_for_session(token: str | None, lookup: SessionLookup | None = None) -> SignedIn:
    """The newcomer of a live session, in one query (`lookup`; the plain one by default)."""
    if not token:
        return SignedIn(None)
    lookup = lookup or _SESSION_BY_HASH
    token_hash = hash_token(token)
    found = lookup.run(token_hash)
    now = utcnow()
    if not found or found[0].session_expires_at <= now:
        return SignedIn(None)
    renewed = now - found[0].session_last_seen_at >= SESSION_RENEW_AFTER
    if renewed:
        if begin_writing():
            found = lookup.run(token_hash)
            if not found:
                return SignedIn(None)
        _renew(token_hash, lookup.person(found[0]), now)
    return SignedIn(lookup.person(found[0]), renewed, found[0], lookup.joined_rows(found))


def _renew(token_hash: str, newcomer: Newcomer | Row, now: datetime) -> None:
    """Move the session's expiry and the newcomer's last visit (a read-only row keeps the one
    it was read with)."""
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(
        update(DeviceSession)
        .where(DeviceSession.token_hash == token_hash)
        .values(last_seen_at=now, expires_at=now + lifetime)
    )
    db.session.execute(update(Newcomer).where(Newcomer.id == newcomer.id).values(last_seen_at=now))
    if isinstance(newcomer, Newcomer):
        set_committed_value(newcomer, "last_seen_at", now)


def end_session(token: str | None) -> None:
    """Forget this device: its session stops working at once."""
    if token:
        db.session.execute(
            delete(DeviceSession).where(DeviceSession.token_hash == hash_token(token))
        )
        db.session.flush()


def _by_recovery_code(code: str) -> Select:
    return select(Newcomer).where(Newcomer.recovery_hash == hash_token(code))


def recovery_code_exists(text: object) -> bool:
    """Whether the text is someone's recovery code (one indexed look-up)."""
    code = normalize_recovery_code(text) if isinstance(text, str) else None
    return code is not None and db.session.scalar(_by_recovery_code(code)) is not None


def recover(text: object) -> Newcomer:
    """The newcomer a recovery code belongs to, or a clear refusal."""
    code = normalize_recovery_code(text) if isinstance(text, str) else None
    if code is None:
        raise AppError(
            "invalid_input",
            400,
            _("A recovery code has 16 letters and numbers, like ABCD-EFGH-JKMN-PQRS."),
            {
                "recovery_code": _(
                    "A recovery code has 16 letters and numbers, like ABCD-EFGH-JKMN-PQRS."
                )
            },
        )
    newcomer = db.session.scalar(_by_recovery_code(code))
    if newcomer is None:
        raise AppError(
            "recovery_code_unknown",
            404,
            _("This recovery code is not known. Check it letter by letter and try again."),
        )
    return newcomer


def export_account(newcomer: Newcomer) -> dict:
    """The account's part of the data export: the profile and the signed-in devices."""
    return {
        "profile": {
            "nickname": newcomer.nickname,
            "language": newcomer.language.replace("_", "-"),
            "arrival_date": iso(newcomer.arrival_date),
            "first_workday_date": iso(newcomer.first_workday_date),
            "stay_plan": newcomer.stay_plan,
            "temporary_protection": newcomer.temporary_protection,
            "eu_citizen": newcomer.eu_citizen,
            "longer_stay_on": iso(newcomer.longer_stay_on),
            "share_progress_with_coordinator": newcomer.share_progress,
            "location": newcomer.location.name if newcomer.location else None,
            "joined_at": iso(newcomer.created_at),
            "last_seen_at": iso(newcomer.last_seen_at),
            "steps_reviewed_at": iso(newcomer.steps_reviewed_at),
        },
        "devices": [
            {"signed_in_at": iso(s.created_at), "last_seen_at": iso(s.last_seen_at)}
            for s in newcomer.sessions
        ],
    }


RECOVERY_QR_LIFETIME = timedelta(days=2)


def issue_recovery_token(newcomer: Newcomer) -> str:
    """A one-time recovery link for a newcomer who lost phone and code (made by staff); it
    replaces any earlier link not used yet."""
    db.session.execute(
        delete(RecoveryToken).where(
            RecoveryToken.newcomer_id == newcomer.id, RecoveryToken.used_at.is_(None)
        )
    )
    token = secrets.token_urlsafe(16)
    db.session.add(
        RecoveryToken(
            newcomer_id=newcomer.id,
            token_hash=hash_token(token),
            expires_at=utcnow() + RECOVERY_QR_LIFETIME,
        )
    )
    return token


def redeem_recovery_token(token: object) -> tuple[Newcomer, str]:
    """Use a recovery link once (one conditional UPDATE). The lost phone is signed out and the
    recovery code replaced, so nobody else keeps access; returns the new recovery code."""
    refused = AppError(
        "recovery_link_invalid",
        410,
        _(
            "This recovery link is used, expired or not known. "
            "Please ask your housing coordinator for a new one."
        ),
    )
    if not isinstance(token, str) or len(token) > 64 or not token.isascii():
        raise refused
    now = utcnow()
    row = db.session.scalar(
        select(RecoveryToken).where(RecoveryToken.token_hash == hash_token(token))
    )
    if row is None:
        raise refused
    used = db.session.execute(
        update(RecoveryToken)
        .where(
            RecoveryToken.id == row.id,
            RecoveryToken.used_at.is_(None),
            RecoveryToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise refused
    newcomer = db.session.get(Newcomer, row.newcomer_id)
    db.session.execute(delete(DeviceSession).where(DeviceSession.newcomer_id == newcomer.id))
    return newcomer, renew_recovery_code(newcomer)


def set_share_progress(newcomer: Newcomer, share: bool) -> None:
    """The newcomer decides whether their coordinator sees their progress."""
    newcomer.share_progress = share
    db.session.flush()
