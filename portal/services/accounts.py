"""Accounts: authenticate (with lockout), create and edit users, enterprises and memberships (audited).

Sign-in events are audit entries (``auth.*`` on entity ``user``); the lockout state of an account is computed
from them (:mod:`portal.auth.lockout`), so there is no counter to keep in step, and failures are recorded
durably: they stay on record when the request that saw them rolls back (services/audit.py).

Administrators manage users, enterprises and memberships (``actor=None``: the system — the demo seed,
scripts); a user manages their own API tokens and language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from flask import current_app
from sqlalchemy import func, select

from ..auth.lockout import LockoutPolicy, LockState, SignInEvent, lock_state
from ..auth.passwords import dummy_hash, hash_password, needs_rehash, password_problem, verify_password
from ..domain import codes
from ..extensions import db
from ..models import AuditEntry, Enterprise, Membership, User
from ..models.accounts import new_session_token
from . import audit, tokens
from .access import require_admin, require_self
from .errors import ServiceError

USER_FIELDS = ("email", "name", "active", "is_admin", "reviewer_scope", "locale")
ENTERPRISE_FIELDS = (
    "uscc", "name", "region_code", "industry_code", "permit_number", "address", "legal_representative",
    "contact_name", "contact_phone", "is_key_emitter", "is_key_pollutant_discharger", "is_listed",
)
#: Audit actions that count towards a lockout, and those that reset the count (auth/lockout.py).
FAILURE_ACTIONS = ("auth.login_failed", "auth.totp_failed", "auth.reauth_failed")
RESET_ACTIONS = ("auth.login", "auth.reauth", "auth.unlock", "account.password_set")
_EVENTS_READ = 500  # the newest events read per check: 100 lockouts' worth, far past the cap of the back-off


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the audited fields of a record as a dict."""
    return {name: getattr(obj, name) for name in fields}


# ------------------------------------------------------------------------------------------- lockout

def lockout_policy() -> LockoutPolicy:
    """Return the lockout schedule from the settings."""
    config = current_app.config
    return LockoutPolicy(threshold=int(config.get("LOCKOUT_THRESHOLD", 5)),
                         base=dt.timedelta(minutes=float(config.get("LOCKOUT_BASE_MINUTES", 15))),
                         cap=dt.timedelta(minutes=float(config.get("LOCKOUT_MAX_MINUTES", 24 * 60))))


def _events(user: User) -> list[SignInEvent]:
    rows = db.session.execute(
        select(AuditEntry.at, AuditEntry.action)
        .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id,
               AuditEntry.action.in_(FAILURE_ACTIONS + RESET_ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(_EVENTS_READ)
    ).all()
    events = []
    for at, action in rows:  # newest first: stop at the last reset, which is all that matters
        events.append(SignInEvent(at, action in FAILURE_ACTIONS))
        if action in RESET_ACTIONS:
            break
    events.reverse()
    return events


def account_lock(user: User) -> LockState:
    """Return the account's lockout state."""
    return lock_state(_events(user), lockout_policy())


def record_failure(user: User, action: str, now: dt.datetime, **details: Any) -> LockState:
    """Record a failed credential (durably) and, when it completes a run of failures, the lockout it causes."""
    if action not in FAILURE_ACTIONS:
        raise ValueError(action)
    policy = lockout_policy()
    events = _events(user)
    before = lock_state(events, policy)
    audit.record(user, action, "user", user.id, after=details or None, result="failure", durable=True, at=now)
    after = lock_state([*events, SignInEvent(now, True)], policy)
    if after.level > before.level:
        audit.record(user, "auth.lockout", "user", user.id, result="failure", durable=True, at=now,
                     after={"until": after.locked_until.isoformat() if after.locked_until else None,
                            "level": after.level})
    return after


def unlock(actor: User, user: User) -> None:
    """Lift a lockout (an administrator's action; the count starts again)."""
    audit.record(actor, "auth.unlock", "user", user.id)


# ---------------------------------------------------------------------------------------- sign-in

SignInOutcome = Literal["ok", "second_factor", "invalid", "locked"]


@dataclass(frozen=True)
class SignIn:
    """Hold the outcome of a sign-in with e-mail and password.

    ``second_factor``: the password was right and the user has TOTP on; the sign-in completes with
    :func:`portal.services.twofactor.verify_second_factor`. ``locked_until`` is set when ``locked``.
    """

    outcome: SignInOutcome
    user: User | None = None
    locked_until: dt.datetime | None = None


def authenticate(email: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check e-mail and password against the lockout; record the attempt; return the outcome.

    Failures count only against a known account (lockout) and are audited with the e-mail typed. A locked
    account is refused without checking the password (the same work is done on a dummy hash, so the time
    taken tells nothing). A successful sign-in resets the count and never counts.
    """
    now = now or dt.datetime.now(dt.UTC)
    typed = (email or "").strip().lower()[:254]
    user = db.session.scalar(select(User).where(func.lower(User.email) == typed)) if typed else None
    if user is None:
        verify_password(dummy_hash(), password)
        audit.record(None, "auth.login_failed", "user", None, after={"email": typed}, result="failure", durable=True)
        return SignIn("invalid")
    state = account_lock(user)
    if state.locked(now):
        verify_password(dummy_hash(), password)
        audit.record(user, "auth.login_locked", "user", user.id, result="failure", durable=True,
                     after={"until": state.locked_until.isoformat() if state.locked_until else None})
        return SignIn("locked", user, state.locked_until)
    if not verify_password(user.password_hash, password):
        after = record_failure(user, "auth.login_failed", now, email=typed)
        if after.locked(now):
            return SignIn("locked", user, after.locked_until)
        return SignIn("invalid", user)
    if not user.active:
        audit.record(user, "auth.login_inactive", "user", user.id, result="failure", durable=True)
        return SignIn("invalid")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.totp_enabled:
        audit.record(user, "auth.password_ok", "user", user.id)
        return SignIn("second_factor", user)
    audit.record(user, "auth.login", "user", user.id)
    return SignIn("ok", user)


def verify_user_password(user: User, password: str, *, now: dt.datetime | None = None) -> bool:
    """Return whether ``password`` is the user's (re-authentication for signing); count and audit failures.

    A locked account is refused without checking; a wrong password counts towards the lockout like a wrong
    sign-in; a right one resets the count.
    """
    return check_signing_password(user, password, now=now) is None


def check_signing_password(user: User, password: str, *, now: dt.datetime | None = None) -> ServiceError | None:
    """Return the error to show for a signing password (locked / wrong), or None when it is right."""
    now = now or dt.datetime.now(dt.UTC)
    state = account_lock(user)
    if state.locked(now):
        audit.record(user, "auth.reauth_locked", "user", user.id, result="failure", durable=True)
        return _locked_error(state.locked_until)
    if not verify_password(user.password_hash, password):
        after = record_failure(user, "auth.reauth_failed", now)
        if after.locked(now):
            return _locked_error(after.locked_until)
        return ServiceError("密码不正确", "wrong password", field="password")
    audit.record(user, "auth.reauth", "user", user.id)
    return None


def _locked_error(until: dt.datetime | None) -> ServiceError:
    when = until.strftime("%Y-%m-%d %H:%M UTC") if until else ""
    return ServiceError(f"连续多次密码错误，账户已暂时锁定，请于 {when} 后再试",
                        f"too many wrong passwords: the account is locked until {when}", field="password")


# -------------------------------------------------------------------------------------- sessions

def end_sessions(actor: User | None, user: User, *, reason: str) -> None:
    """End every session of the user (logout, "sign out everywhere", password change): rotate the token
    the session cookies carry, so every copy of every cookie stops working."""
    user.session_token = new_session_token()
    audit.record(actor, "auth.sessions_ended", "user", user.id, after={"reason": reason})


def logout(user: User) -> None:
    """Log the user out everywhere: a copied cookie must not outlive the logout (issue 16 item 3)."""
    audit.record(user, "auth.logout", "user", user.id)
    user.session_token = new_session_token()


# ------------------------------------------------------------------------------------ user records

def _check_password(password: str, email: str | None = None) -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise ServiceError(*problem, field="password")


def _check_scope(scope: str | None) -> None:
    if scope is not None and (not scope.isdigit() or len(scope) not in (2, 4, 6) or scope[:2] not in ("36", "32")):
        raise ServiceError(
            "审核范围应为 36 或 32 开头的 2、4 或 6 位行政区划代码前缀",
            "the review scope must be a 2-, 4- or 6-digit region-code prefix under 36 or 32",
            field="reviewer_scope",
        )


def create_user(actor: User | None, *, email: str, name: str, password: str, **fields: Any) -> User:
    """Create a user with an argon2 password hash."""
    require_admin(actor)
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise ServiceError("该邮箱已被使用", "this e-mail is already in use", field="email")
    _check_password(password, email)
    _check_scope(fields.get("reviewer_scope"))
    user = User(email=email, name=name, password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, after=snapshot(user, USER_FIELDS))
    return user


def update_user(actor: User | None, user: User, *, password: str | None = None, **fields: Any) -> User:
    """Edit a user; a new password or deactivation ends the user's sessions and revokes their API tokens."""
    require_admin(actor)
    before = snapshot(user, USER_FIELDS)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        clash = db.session.scalar(
            select(User.id).where(func.lower(User.email) == fields["email"], User.id != user.id)
        )
        if clash is not None:
            raise ServiceError("该邮箱已被使用", "this e-mail is already in use", field="email")
    _check_scope(fields.get("reviewer_scope"))
    for key, value in fields.items():
        setattr(user, key, value)
    if password:
        _check_password(password, user.email)
        user.password_hash = hash_password(password)
    db.session.flush()
    audit.record(actor, "user.update", "user", user.id, before=before, after=snapshot(user, USER_FIELDS))
    if password:
        audit.record(actor, "account.password_set", "user", user.id)
    if password or not user.active:
        end_sessions(actor, user, reason="password" if password else "deactivated")
        tokens.revoke_all(actor, user, reason="password_change" if password else "deactivated")
    return user


def _check_enterprise(fields: dict[str, Any], enterprise_id: int | None) -> None:
    uscc = fields.get("uscc")
    if uscc is not None:
        if not codes.uscc_is_valid(uscc):
            raise ServiceError("统一社会信用代码无效（校验位不符或含非法字符）",
                               "invalid unified social credit code (check digit or characters)", field="uscc")
        clash = db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
        if clash is not None and clash != enterprise_id:
            raise ServiceError("该统一社会信用代码已登记", "an enterprise with this code exists", field="uscc")
    region = fields.get("region_code")
    if region is not None and not codes.region_known(region):
        raise ServiceError("行政区划代码未知或不在江西（36）、江苏（32）",
                           "unknown region code, or not in Jiangxi (36) or Jiangsu (32)", field="region_code")
    industry = fields.get("industry_code")
    if industry is not None and not codes.industry_known(industry):
        raise ServiceError("国民经济行业分类代码未知", "unknown industry class code", field="industry_code")


def create_enterprise(actor: User | None, **fields: Any) -> Enterprise:
    """Register an enterprise after checking its codes (ENT-001…003 on the master record)."""
    require_admin(actor)
    _check_enterprise(fields, None)
    enterprise = Enterprise(**fields)
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.create", "enterprise", enterprise.id, after=snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def update_enterprise(actor: User | None, enterprise: Enterprise, **fields: Any) -> Enterprise:
    """Edit an enterprise's master profile."""
    require_admin(actor)
    _check_enterprise(fields, enterprise.id)
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    db.session.flush()
    audit.record(actor, "enterprise.update", "enterprise", enterprise.id, before=before,
                 after=snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def add_membership(actor: User | None, user: User, enterprise: Enterprise, role: str) -> Membership:
    """Make the user a filer or signatory of the enterprise (idempotent)."""
    require_admin(actor)
    if role not in ("filer", "signatory"):
        raise ServiceError("角色无效", "invalid role", field="role")
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.enterprise_id == enterprise.id, Membership.role == role
        )
    )
    if existing is not None:
        return existing
    membership = Membership(user=user, enterprise=enterprise, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record(actor, "membership.add", "membership", membership.id,
                 after={"user_id": user.id, "enterprise_id": enterprise.id, "role": role})
    return membership


def remove_membership(actor: User | None, membership: Membership) -> None:
    """Remove a membership."""
    require_admin(actor)
    audit.record(actor, "membership.remove", "membership", membership.id,
                 before={"user_id": membership.user_id, "enterprise_id": membership.enterprise_id,
                         "role": membership.role})
    db.session.delete(membership)
    db.session.flush()


def issue_api_token(actor: User, user: User) -> str:
    """Give the user a new write token (revoking the others) and return it: shown once, only its hash is kept.

    The account page keeps one token per user until the token page lists named, scoped tokens (issue 16).
    """
    require_self(actor, user)
    tokens.revoke_all(actor, user, reason="reissued")
    return tokens.issue(actor, user, name="网页签发的令牌 / issued on the web", scope="write")[1]


def revoke_api_token(actor: User, user: User) -> bool:
    """Revoke the user's API tokens; return False when there was none."""
    require_self(actor, user)
    return tokens.revoke_all(actor, user, reason="revoked") > 0


def live_api_tokens(user: User) -> list[Any]:
    """Return the user's tokens that are not revoked."""
    return list(tokens.live_tokens(user))


def set_locale(actor: User, user: User, locale: str) -> None:
    """Remember the user's interface language on the account."""
    require_self(actor, user)
    user.locale = locale
    db.session.flush()
