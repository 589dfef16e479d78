"""TOTP second factor (RFC 6238, pyotp) with single-use recovery codes (issue 16 item 1). No pages here.

Enrolment is two steps: :func:`begin_enrolment` stores a new secret (not yet in force) and returns it with
its ``otpauth://`` URI for the authenticator app; :func:`confirm_enrolment` turns it on once the user types
a code it produced, and returns the recovery codes, shown once. At sign-in, after the password
(``accounts.authenticate`` answers ``second_factor``), :func:`verify_second_factor` takes either a code
(30-second steps, one step of clock drift either way) or a recovery code. A code is accepted once only
(OWASP ASVS 2.8.4): the step of the last accepted code is kept. Failures count towards the account's
lockout like wrong passwords; every event is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..db import rows_changed
from ..extensions import db
from ..models import RecoveryCode, User
from . import accounts, audit
from .access import require_security_admin
from .errors import ServiceError

ISSUER = "减污降碳协同申报平台"
VALID_WINDOW = 1  # steps accepted either side of now: ±30 s of clock drift
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def required_for(user: User) -> bool:
    """Return whether the user must use a second factor: reviewers and administrators (issue 16 item 1)."""
    return bool(user.admin_role or user.is_reviewer)


@dataclass(frozen=True)
class Enrolment:
    """Hold a secret being enrolled: show the URI as a QR code, and the secret for typing in."""

    secret: str
    uri: str


def begin_enrolment(user: User) -> Enrolment:
    """Store a fresh secret for the user (not in force until confirmed) and return it with its URI."""
    if user.totp_enabled:
        raise ServiceError("已启用两步验证；如需更换，请先停用", "two-factor sign-in is already on; turn it off first")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = None
    audit.record(user, "2fa.enrol_start", "user", user.id)
    return Enrolment(user.totp_secret, provisioning_uri(user))


def provisioning_uri(user: User) -> str:
    """Return the ``otpauth://`` URI of the user's secret (for the QR code an authenticator app scans)."""
    if not user.totp_secret:
        raise ServiceError("没有两步验证密钥", "no two-factor secret")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").upper()


def _matching_step(secret: str, code: str, now: dt.datetime, after: int | None) -> int | None:
    """Return the time step whose code is ``code`` (within the window, later than ``after``), or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(user: User, code: str, *, now: dt.datetime | None = None) -> list[str]:
    """Turn the second factor on when ``code`` matches the pending secret; return the new recovery codes."""
    now = now or dt.datetime.now(dt.UTC)
    if user.totp_enabled or not user.totp_secret:
        raise ServiceError("没有待确认的两步验证", "no two-factor enrolment is pending")
    step = _matching_step(user.totp_secret, _normalised(code), now, None)
    if step is None:
        audit.record(user, "2fa.enrol_failed", "user", user.id, result="failure", durable=True)
        raise ServiceError("验证码不正确，请查看身份验证器中的当前验证码", "wrong code: type the one your app shows now",
                           field="code")
    user.totp_enabled_at = now
    user.totp_last_counter = step
    codes = _new_recovery_codes(user)
    audit.record(user, "2fa.enable", "user", user.id)
    return codes


def _recovery_hash(user_id: int, code: str) -> str:
    # Salted with the user id: a table of hashes of all codes would have to be built per user.
    return hashlib.sha256(f"portal-recovery:{user_id}:{_normalised(code)}".encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))  # 60 bits
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, c)) for c in codes)
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working); return the new ones, shown once."""
    if not user.totp_enabled:
        raise ServiceError("未启用两步验证", "two-factor sign-in is off")
    codes = _new_recovery_codes(user)
    audit.record(user, "2fa.recovery_codes_new", "user", user.id)
    return codes


def unused_recovery_codes(user: User) -> int:
    """Return how many recovery codes the user has left."""
    return len(db.session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def verify_second_factor(user: User, code: str, *, now: dt.datetime | None = None) -> bool:
    """Complete a sign-in with a TOTP code or a recovery code (each accepted once); count failures.

    Return True and record ``auth.login`` on success. A locked account is refused without checking.
    """
    now = now or dt.datetime.now(dt.UTC)
    if not user.totp_enabled or not user.totp_secret:
        raise ServiceError("未启用两步验证", "two-factor sign-in is off")
    if accounts.account_lock(user).locked(now):
        audit.record(user, "auth.totp_locked", "user", user.id, result="failure", durable=True)
        return False
    typed = _normalised(code)
    step = _matching_step(user.totp_secret, typed, now, user.totp_last_counter)
    if step is not None and _claim_step(user, step):
        audit.record(user, "auth.login", "user", user.id, after={"second_factor": "totp"})
        return True
    if len(typed) == 12 and _use_recovery_code(user, typed, now):
        audit.record(user, "auth.login", "user", user.id,
                     after={"second_factor": "recovery_code", "left": unused_recovery_codes(user)})
        return True
    accounts.record_failure(user, "auth.totp_failed", now)
    return False


def _claim_step(user: User, step: int) -> bool:
    """Record ``step`` as the last code used, unless a concurrent sign-in used it (or a later one) first."""
    # One conditional UPDATE: of two requests racing with the same code, the second finds the step taken.
    claimed = rows_changed(db.session.execute(
        update(User).where(User.id == user.id,
                           or_(User.totp_last_counter.is_(None), User.totp_last_counter < step))
        .values(totp_last_counter=step).execution_options(synchronize_session=False)
    ))
    set_committed_value(user, "totp_last_counter", step if claimed else user.totp_last_counter)
    return bool(claimed)


def _use_recovery_code(user: User, code: str, now: dt.datetime) -> bool:
    # A conditional UPDATE, so that a code is used once even by two requests at the same moment.
    used = rows_changed(db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _recovery_hash(user.id, code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    ))
    return bool(used)


def _reauthenticate(user: User, password: str) -> None:
    error = accounts.check_signing_password(user, password)  # counts towards the lockout, audited
    if error is not None:
        raise error


def new_recovery_codes(user: User, password: str) -> list[str]:
    """Replace the user's recovery codes after checking their password again; return the new ones."""
    _reauthenticate(user, password)
    return regenerate_recovery_codes(user)


def turn_off(user: User, password: str) -> None:
    """Turn the user's own second factor off after checking their password again.

    Reviewers and administrators must have one: the web sends them straight back to set up a new one (a new
    phone, say).
    """
    _reauthenticate(user, password)
    disable(user, user)


def reset_by_administrator(actor: User | None, user: User) -> None:
    """Turn a user's second factor off for them (a lost phone, no recovery code left): a security administrator,
    never for themselves. The user's sessions end; a reviewer or administrator sets up a new one at sign-in."""
    require_security_admin(actor)
    if actor is not None and actor.id == user.id:
        raise ServiceError("不能重置自己的两步验证，请在“我的账户”中操作", "use your own account page for your own "
                           "second factor")
    if not user.totp_enabled and not user.totp_secret:
        raise ServiceError("该用户未启用两步验证", "the user has no second factor")
    disable(actor, user)
    accounts.end_sessions(actor, user, reason="second_factor_reset")


def disable(actor: User | None, user: User) -> None:
    """Turn the user's second factor off and delete the secret and recovery codes (no check: see callers)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(actor, "2fa.disable", "user", user.id)


def recovery_code_hashes(user: User) -> Sequence[str]:
    """Return the stored hashes of the user's unused recovery codes (tests, administration)."""
    return db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all()
