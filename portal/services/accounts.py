"""Accounts: authenticate, create and edit users, enterprises and memberships, API tokens (audited).

Administrators manage users, enterprises and memberships (``actor=None``: the system — the demo seed,
scripts); a user manages their own API token and language.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from ..auth.passwords import MIN_PASSWORD_LENGTH, dummy_hash, hash_password, needs_rehash, verify_password
from ..domain import codes
from ..domain.codec import sha256_text
from ..extensions import db
from ..models import Enterprise, Membership, User
from ..models.accounts import new_session_token
from . import audit
from .access import require_admin, require_self
from .errors import ServiceError

USER_FIELDS = ("email", "name", "active", "is_admin", "reviewer_scope", "locale")
ENTERPRISE_FIELDS = (
    "uscc", "name", "region_code", "industry_code", "permit_number", "address", "legal_representative",
    "contact_name", "contact_phone", "is_key_emitter", "is_key_pollutant_discharger", "is_listed",
)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the audited fields of a record as a dict."""
    return {name: getattr(obj, name) for name in fields}


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None (in constant-ish time)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def verify_user_password(user: User, password: str) -> bool:
    """Return whether ``password`` is the user's (re-authentication for signing)."""
    return verify_password(user.password_hash, password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符", f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
        )


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
    _check_password(password)
    _check_scope(fields.get("reviewer_scope"))
    user = User(email=email, name=name, password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, after=snapshot(user, USER_FIELDS))
    return user


def update_user(actor: User | None, user: User, *, password: str | None = None, **fields: Any) -> User:
    """Edit a user; a new password or deactivation ends the user's sessions."""
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
        _check_password(password)
        user.password_hash = hash_password(password)
    if password or not user.active:
        user.session_token = new_session_token()
    db.session.flush()
    audit.record(actor, "user.update", "user", user.id, before=before, after=snapshot(user, USER_FIELDS))
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
    """Give the user a new API token and return it: shown once, only its SHA-256 is kept (the API looks it up)."""
    require_self(actor, user)
    token = secrets.token_urlsafe(32)
    user.api_token_hash = sha256_text(token)
    db.session.flush()
    audit.record(actor, "account.api_token_issue", "user", user.id)
    return token


def revoke_api_token(actor: User, user: User) -> bool:
    """Revoke the user's API token; return False when there was none."""
    require_self(actor, user)
    if user.api_token_hash is None:
        return False
    user.api_token_hash = None
    db.session.flush()
    audit.record(actor, "account.api_token_revoke", "user", user.id)
    return True


def set_locale(actor: User, user: User, locale: str) -> None:
    """Remember the user's interface language on the account."""
    require_self(actor, user)
    user.locale = locale
    db.session.flush()
