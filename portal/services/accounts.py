"""Accounts: authenticate (with lockout), create and edit users, enterprises and memberships (audited).

Sign-in events are audit entries (``auth.*`` on entity ``user``); the lockout state of an account is computed
from them (:mod:`portal.auth.lockout`), so there is no counter to keep in step, and failures are recorded
durably: they stay on record when the request that saw them rolls back (services/audit.py).

Who may do what (三权分立, issue 16 item 7): security administrators create and edit users and memberships;
system administrators create and edit enterprises; ``actor=None`` is the system (the demo seed, the command
line). Roles and signatory rights are not set here but granted through :mod:`portal.services.grants`, with a
second security administrator's approval; only the system sets them directly. A user manages their own API
tokens and language.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from flask import current_app
from sqlalchemy import func, select, update

from ..auth.lockout import LockoutPolicy, LockState, SignInEvent, lock_state
from ..auth.passwords import dummy_hash, hash_password, needs_rehash, password_problem, verify_password
from ..domain import codes
from ..extensions import db
from ..models import ADMIN_ROLES, AccountLink, ApiToken, AuditEntry, Enterprise, Membership, User
from ..models.accounts import new_session_token
from . import audit, tokens
from .access import require_security_admin, require_self, require_system_admin
from .errors import ServiceError

USER_FIELDS = ("email", "name", "active", "admin_role", "reviewer_scope", "locale", "must_change_password")
#: Fields only the system (actor None) sets directly; administrators go through services/grants.py.
PRIVILEGE_FIELDS = ("admin_role", "reviewer_scope")
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


def unlock(actor: User | None, user: User) -> None:
    """Lift a lockout (a security administrator's action; the count starts again)."""
    require_security_admin(actor)
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


def sign_out_everywhere(actor: User | None, user: User) -> None:
    """End every session of ``user``: the user's own action, or a security administrator's."""
    if actor is None or actor.id != user.id:
        require_security_admin(actor)
    end_sessions(actor, user, reason="self" if actor is not None and actor.id == user.id else "administrator")


def logout(user: User) -> None:
    """Log the user out everywhere: a copied cookie must not outlive the logout (issue 16 item 3)."""
    audit.record(user, "auth.logout", "user", user.id)
    user.session_token = new_session_token()


# ------------------------------------------------------------------------------------ user records

def _check_password(password: str, email: str | None = None) -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise ServiceError(*problem, field="password")


def check_scope(scope: str | None) -> None:
    """Refuse a review scope that is not a 2-, 4- or 6-digit region-code prefix of Jiangxi or Jiangsu."""
    if scope is not None and (not scope.isdigit() or len(scope) not in (2, 4, 6) or scope[:2] not in ("36", "32")):
        raise ServiceError(
            "审核范围应为 36 或 32 开头的 2、4 或 6 位行政区划代码前缀",
            "the review scope must be a 2-, 4- or 6-digit region-code prefix under 36 or 32",
            field="reviewer_scope",
        )


def unusable_password_hash() -> str:
    """Return the hash of a random secret nobody knows: an invited user has no password until they set one.

    A real argon2 hash, not a marker, so that signing in as an invited user takes as long as any other attempt.
    """
    return hash_password(secrets.token_urlsafe(32))


def _check_privileges(actor: User | None, fields: dict[str, Any]) -> None:
    if actor is not None and any(fields.get(name) is not None for name in PRIVILEGE_FIELDS):
        # Roles come with a second security administrator's approval (services/grants.py), never with the form.
        raise ServiceError("角色须通过授权申请并经另一名安全管理员批准", "roles are granted through a request that a "
                           "second security administrator approves", field="admin_role")
    role = fields.get("admin_role")
    if role is not None and role not in ADMIN_ROLES:
        raise ServiceError("管理员角色无效", "unknown administrator role", field="admin_role")


def create_user(actor: User | None, *, email: str, name: str, password: str | None = None,
                must_change_password: bool | None = None, **fields: Any) -> User:
    """Create a user (a security administrator's action, or the system's).

    Without a password the account cannot be used until its owner sets one through an invitation
    (services/credentials.py). A password given here was chosen by someone else, so it must be changed at the
    first sign-in; only the system (the demo seed, tests) may say otherwise. Administrators cannot give
    roles here (``admin_role``, ``reviewer_scope``): see :mod:`portal.services.grants`.
    """
    require_security_admin(actor)
    _check_privileges(actor, fields)
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise ServiceError("该邮箱已被使用", "this e-mail is already in use", field="email")
    if password is not None:
        _check_password(password, email)
    check_scope(fields.get("reviewer_scope"))
    if must_change_password is None or actor is not None:
        must_change_password = password is not None
    user = User(email=email, name=name, must_change_password=must_change_password,
                password_hash=hash_password(password) if password is not None else unusable_password_hash(),
                **fields)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, after=snapshot(user, USER_FIELDS))
    return user


def update_user(actor: User | None, user: User, *, password: str | None = None, **fields: Any) -> User:
    """Edit a user; a new password or deactivation ends the user's sessions and revokes their API tokens.

    A password set here is someone else's choice for the user: it must be changed at the next sign-in.
    """
    require_security_admin(actor)
    _check_privileges(actor, fields)
    before = snapshot(user, USER_FIELDS)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        if user.admin_role is not None and actor is not None and fields["email"] != user.email:
            # A reset link goes to the e-mail: whoever could change an administrator's e-mail could take over the
            # account and approve their own grants with it (三权分立). The operator changes it on the server.
            raise ServiceError("管理员账户的邮箱不能在网页上修改，请由运维人员在服务器上修改",
                               "an administrator's e-mail cannot be changed on the web: the operator changes it "
                               "on the server", field="email")
        clash = db.session.scalar(
            select(User.id).where(func.lower(User.email) == fields["email"], User.id != user.id)
        )
        if clash is not None:
            raise ServiceError("该邮箱已被使用", "this e-mail is already in use", field="email")
    check_scope(fields.get("reviewer_scope"))
    if password:
        _check_password(password, fields.get("email", user.email))
    for key, value in fields.items():
        setattr(user, key, value)
    db.session.flush()
    audit.record(actor, "user.update", "user", user.id, before=before, after=snapshot(user, USER_FIELDS))
    if password:
        set_password(actor, user, password, reason="administrator")
    elif not user.active:
        end_sessions(actor, user, reason="deactivated")
        tokens.revoke_all(actor, user, reason="deactivated")
    return user


def check_enterprise_fields(fields: dict[str, Any], enterprise_id: int | None) -> None:
    """Refuse an invalid or already registered USCC, an unknown region or industry code (ENT-001…003)."""
    _check_enterprise(fields, enterprise_id)


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
    require_system_admin(actor)
    _check_enterprise(fields, None)
    enterprise = Enterprise(**fields)
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.create", "enterprise", enterprise.id, after=snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def update_enterprise(actor: User | None, enterprise: Enterprise, **fields: Any) -> Enterprise:
    """Edit an enterprise's master profile."""
    require_system_admin(actor)
    _check_enterprise(fields, enterprise.id)
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    db.session.flush()
    audit.record(actor, "enterprise.update", "enterprise", enterprise.id, before=before,
                 after=snapshot(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def add_membership(actor: User | None, user: User, enterprise: Enterprise, role: str) -> Membership:
    """Make the user a filer or signatory of the enterprise (idempotent).

    A security administrator adds filers; a signatory right is granted only with a second security
    administrator's approval (:func:`portal.services.grants.request_grant`), which then calls
    :func:`grant_membership`. The system (actor None) may add either.
    """
    require_security_admin(actor)
    if role not in ("filer", "signatory"):
        raise ServiceError("角色无效", "invalid role", field="role")
    if role == "signatory" and actor is not None:
        raise ServiceError("签字权须提交授权申请，经另一名安全管理员批准", "a signatory right is granted through a "
                           "request that a second security administrator approves", field="role")
    return grant_membership(actor, user, enterprise, role)


def check_can_join(user: User) -> None:
    """Refuse to make an administrator a member of an enterprise (an administrator's account does only that)."""
    if user.admin_role is not None:
        raise ServiceError("管理员账户不能同时作为企业用户或审核人，请为其另建账户",
                           "an administrator's account cannot also be an enterprise user or a reviewer: "
                           "give the person a second account", field="email")


def grant_membership(actor: User | None, user: User, enterprise: Enterprise, role: str) -> Membership:
    """Add the membership (no permission check: called by :func:`add_membership` and approved grants)."""
    check_can_join(user)
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
    """Remove a membership (at once: taking a right away needs no second person)."""
    require_security_admin(actor)
    audit.record(actor, "membership.remove", "membership", membership.id,
                 before={"user_id": membership.user_id, "enterprise_id": membership.enterprise_id,
                         "role": membership.role})
    db.session.delete(membership)
    db.session.flush()


def issue_api_token(actor: User, user: User, *, name: str, scope: str,
                    days: int = tokens.DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Give the user a named token of ``scope`` lasting ``days``; return it and its secret, shown once."""
    require_self(actor, user)
    return tokens.issue(actor, user, name=name, scope=scope, days=days)


def revoke_api_token(actor: User, token: ApiToken) -> None:
    """Revoke one token: its owner's action, or a security administrator's."""
    if actor is None or actor.id != token.user_id:
        require_security_admin(actor)
    tokens.revoke(actor, token, reason="revoked" if actor is not None and actor.id == token.user_id
                  else "administrator")


def live_api_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens that are not revoked (expired ones included: they show as expired)."""
    return list(tokens.live_tokens(user))


def set_locale(actor: User, user: User, locale: str) -> None:
    """Remember the user's interface language on the account."""
    require_self(actor, user)
    user.locale = locale
    db.session.flush()


def set_password(actor: User | None, user: User, password: str, *, now: dt.datetime | None = None,
                 reason: str) -> None:
    """Store a new password; end every session, every API token and every outstanding link of the user.

    A password set by anyone but the user (``actor``) must be changed at the next sign-in.
    """
    now = now or dt.datetime.now(dt.UTC)
    user.password_hash = hash_password(password)
    user.must_change_password = actor is None or actor.id != user.id
    end_links(user, now)
    db.session.flush()
    audit.record(actor, "account.password_set", "user", user.id, after={"reason": reason})
    end_sessions(actor, user, reason="password")
    tokens.revoke_all(actor, user, reason="password_change")


def end_links(user: User, now: dt.datetime, purpose: str | None = None) -> None:
    """Mark the user's unused invitation or reset links (of ``purpose``, or all) used: none works any more."""
    stmt = update(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    if purpose is not None:
        stmt = stmt.where(AccountLink.purpose == purpose)
    db.session.execute(stmt.values(used_at=now).execution_options(synchronize_session=False))
