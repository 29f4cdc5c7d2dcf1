"""Rules for join codes. Redemption is one conditional UPDATE, so N uses admit exactly N people."""

import base64
import re
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..errors import AppError
from ..extensions import db, utcnow
from ..i18n import _
from ..security import decrypt_secret, encrypt_secret, hash_token, keyed_digest
from ..staff.models import Location, StaffUser
from ..staff.services import location_for, record
from .models import OnboardingCode

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEMO_MAX_USES = 10_000
DEMO_LIFETIME = timedelta(days=3650)


def new_token() -> str:
    """128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def public_url(path: str) -> str:
    """An address for a QR code or a printed link, based on AANKOMST_PUBLIC_URL."""
    return f"{current_app.config['AANKOMST_PUBLIC_URL']}{path}"


def join_url(token: str) -> str:
    """The address a join QR code points to."""
    return public_url(f"/join/{token}")


def code_token(code: OnboardingCode) -> str | None:
    """The plain token for reprinting; None if SECRET_KEY has changed since."""
    return decrypt_secret(code.token_encrypted)


def _add_code(token: str, location: Location, max_uses: int, expires_at: datetime, **extra):
    code = OnboardingCode(
        token_hash=hash_token(token),
        token_encrypted=encrypt_secret(token),
        location=location,
        max_uses=max_uses,
        expires_at=expires_at,
        **extra,
    )
    db.session.add(code)
    return code


def issue_codes(
    location: Location,
    count: int = 1,
    max_uses: int = 1,
    expires_in_days: int = 14,
    language: str | None = None,
    arrival_date: date | None = None,
    staff: StaffUser | None = None,
) -> list[tuple[OnboardingCode, str]]:
    """Create `count` codes for a location; returns each code with its plain token."""
    expires_at = utcnow() + timedelta(days=expires_in_days)
    issued = []
    for _index in range(count):
        token = new_token()
        code = _add_code(
            token, location, max_uses, expires_at, language=language, arrival_date=arrival_date
        )
        issued.append((code, token))
    db.session.flush()
    first, last = issued[0][0].id, issued[-1][0].id
    record(
        staff, "codes.issue", location.id, f"{count} code(s) #{first}-#{last}, {max_uses} use(s)"
    )
    db.session.flush()
    return issued


def codes_of(location_ids: list[int]) -> list[OnboardingCode]:
    """Codes of these locations, newest first."""
    return list(
        db.session.scalars(
            select(OnboardingCode)
            .where(OnboardingCode.location_id.in_(location_ids))
            .order_by(OnboardingCode.id.desc())
        )
    )


def code_for(staff: StaffUser, code_id: int) -> OnboardingCode:
    """A code of one of this staff member's locations (404 if unknown, 403 if not theirs)."""
    code = db.session.get(OnboardingCode, code_id)
    if code is None:
        raise AppError("code_not_found", 404, _("This code does not exist."))
    location_for(staff, code.location_id)
    return code


def revoke_code(staff: StaffUser, code: OnboardingCode) -> None:
    """Stop a code from working, for good."""
    if code.revoked_at is None:
        code.revoked_at = utcnow()
        record(staff, "codes.revoke", code.location_id, f"code #{code.id}")
        db.session.flush()


def code_counts(location: Location, now: datetime | None = None) -> dict[str, int]:
    """Per state, how many codes a location has, and how many people joined with them."""
    counts = dict.fromkeys(("active", "used_up", "expired", "revoked"), 0)
    codes = codes_of([location.id])
    for code in codes:
        counts[code_state(code, now)] += 1
    counts["issued"] = len(codes)
    counts["redeemed"] = sum(code.uses for code in codes)
    return counts


def demo_token(language: str) -> str:
    """A demo token that depends only on SECRET_KEY and the language."""
    raw = keyed_digest("demo-join-code", language)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ensure_demo_code(location: Location, language: str) -> str:
    """Create the multi-use demo code for a language once; later calls change nothing."""
    token = demo_token(language)
    exists = db.session.scalar(
        select(OnboardingCode.id).where(OnboardingCode.token_hash == hash_token(token))
    )
    if not exists:
        _add_code(
            token,
            location,
            DEMO_MAX_USES,
            utcnow() + DEMO_LIFETIME,
            language=language,
            is_demo=True,
        )
        db.session.flush()
    return token


def code_state(code: OnboardingCode, now: datetime | None = None) -> str:
    """`active`, `used_up`, `expired` or `revoked`."""
    now = now or utcnow()
    if code.revoked_at is not None:
        return "revoked"
    if code.uses >= code.max_uses:
        return "used_up"
    if code.expires_at <= now:
        return "expired"
    return "active"


def _refusal(state: str) -> AppError:
    if state == "revoked":
        return AppError(
            "code_revoked",
            410,
            _(
                "This join code was cancelled by your housing coordinator. "
                "Please ask them for a new one."
            ),
        )
    if state == "used_up":
        return AppError(
            "code_used_up",
            410,
            _(
                "This join code has already been used. Please ask your housing coordinator for a "
                "new one. If you joined before on another phone, use your recovery code."
            ),
        )
    return AppError(
        "code_expired",
        410,
        _("This join code has expired. Please ask your housing coordinator for a new one."),
    )


def unknown_code_error() -> AppError:
    """The same answer for a malformed and an unknown token, so guessing learns nothing."""
    return AppError(
        "code_unknown",
        404,
        _(
            "This join code is not known. Check that you scanned the whole QR code, or ask your "
            "housing coordinator for a new one."
        ),
    )


def code_exists(token: object) -> bool:
    """Whether a token belongs to any code, usable or not (one indexed look-up)."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return False
    found = db.session.scalar(
        select(OnboardingCode.id).where(OnboardingCode.token_hash == hash_token(token))
    )
    return found is not None


def find_usable_code(token: str) -> OnboardingCode:
    """The code for a token if it can still be used; otherwise an AppError saying why not."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        raise unknown_code_error()
    code = db.session.scalar(
        select(OnboardingCode).where(OnboardingCode.token_hash == hash_token(token))
    )
    if code is None:
        raise unknown_code_error()
    state = code_state(code)
    if state != "active":
        raise _refusal(state)
    return code


def redeem_code(token: str) -> OnboardingCode:
    """Use up one use of a code, atomically; the caller commits with the new account."""
    code = find_usable_code(token)
    now = utcnow()
    result = db.session.execute(
        update(OnboardingCode)
        .where(
            OnboardingCode.id == code.id,
            OnboardingCode.uses < OnboardingCode.max_uses,
            OnboardingCode.revoked_at.is_(None),
            OnboardingCode.expires_at > now,
        )
        .values(uses=OnboardingCode.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(code)
        raise _refusal(code_state(code, now))
    db.session.refresh(code)
    return code
