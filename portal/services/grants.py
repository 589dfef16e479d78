"""Grant roles and signatory rights with a second administrator's approval (三权分立, issue 16 item 7).

A security administrator asks (:func:`request_grant`) for one of: an administrator role (system, security or
audit), a review scope (a region-code prefix), or a signatory right of an enterprise. Another security
administrator approves or rejects it (:func:`decide`); only then does the user hold it. Nobody asks for a grant
to themselves, and nobody decides on their own request or on a grant to themselves — refused here, and held
by CHECK constraints on ``role_grant`` should a bug get past. So no single person can make themselves (or a
confederate's account they control) an administrator, a reviewer or a signatory.

Taking a right away needs no second person (:func:`remove_admin_role`, :func:`remove_reviewer_scope`,
``accounts.remove_membership``): it is done at once. Every step is audited. The system (``actor=None``: the
command line, the demo seed) sets roles directly with :func:`set_role_directly` — an operator with a shell on
the server could anyway; it is how the first security administrators of an installation are appointed.

An administrator's account does only that: it is never also a reviewer or an enterprise member (the person uses
a second account), so that the audit log tells in which capacity anything was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import select

from ..extensions import db
from ..models import ADMIN_ROLES, Enterprise, RoleGrant, User, VerificationBody, VerifierStaff
from . import accounts, audit
from .access import require_security_admin
from .errors import ServiceError

KINDS = ("admin_role", "reviewer_scope", "signatory", "verifier")


def _describe(grant: RoleGrant) -> dict[str, object]:
    return {"user_id": grant.user_id, "kind": grant.kind, "value": grant.value, "enterprise_id": grant.enterprise_id}


def _refuse_self(actor: User | None, user: User) -> None:
    if actor is not None and actor.id == user.id:
        raise ServiceError("不能为自己申请或批准角色、签字权", "nobody may ask for or approve a role or a signatory "
                           "right for themselves", field="user")


def _refuse_verifier(user: User) -> None:
    if user.verifier_body_id is not None:
        raise ServiceError("核查人员的账户不能同时担任审核人或企业用户，请为其另建账户",
                           "a verifier's account cannot also be a reviewer's or an enterprise user's: give the person "
                           "a second account", field="user")


def _check_grantable(user: User, kind: str, value: str | None, enterprise: Enterprise | None) -> None:
    """Refuse a grant the user cannot take: unknown, already held, or mixing administration with filing/review."""
    if not user.active:
        raise ServiceError("该账户已停用", "the account is deactivated", field="user")
    if kind == "admin_role":
        if value not in ADMIN_ROLES:
            raise ServiceError("管理员角色无效", "unknown administrator role", field="value")
        if user.admin_role == value:
            raise ServiceError("该用户已具有此角色", "the user already holds this role", field="value")
        if user.admin_role is not None:
            # One administrator role per person: the three check one another (GB/T 22239-2019 三员分立).
            raise ServiceError("每人只能担任一种管理员角色，请先撤销其现有角色",
                               "a person holds one administrator role at most: remove the present one first",
                               field="value")
        if user.reviewer_scope or user.memberships:
            raise ServiceError("审核人或企业用户的账户不能同时担任管理员，请为其另建账户",
                               "a reviewer's or an enterprise user's account cannot also be an administrator's: "
                               "give the person a second account", field="value")
    elif kind == "reviewer_scope":
        _refuse_verifier(user)
        accounts.check_scope(value)
        if value is None:
            raise ServiceError("请填写审核范围", "give the review scope", field="value")
        if user.reviewer_scope == value:
            raise ServiceError("该用户已具有此审核范围", "the user already has this review scope", field="value")
        accounts.check_can_join(user)
    elif kind == "verifier":
        # Issue 18: a verifier works for one body and is nobody else in the portal — not an administrator, a
        # reviewer or a member of an enterprise it might verify (independence of the verification).
        body = db.session.get(VerificationBody, int(value)) if value and value.isdigit() and len(value) <= 9 else None
        if body is None or not body.active:
            raise ServiceError("请选择在用的核查机构", "choose an active verification body", field="body")
        if user.verifier_body_id is not None:
            raise ServiceError("该用户已是核查机构人员，请先撤销", "the user already works for a verification body: "
                               "remove that first", field="body")
        if user.admin_role is not None or user.reviewer_scope or user.memberships:
            raise ServiceError("管理员、审核人或企业用户的账户不能同时担任核查人员，请为其另建账户",
                               "an administrator's, a reviewer's or an enterprise user's account cannot also be a "
                               "verifier's: give the person a second account", field="body")
    elif kind == "signatory":
        if enterprise is None:
            raise ServiceError("请指定企业", "name the enterprise", field="enterprise")
        accounts.check_can_join(user)
        _refuse_verifier(user)
        if enterprise.id in user.enterprise_ids("signatory"):
            raise ServiceError("该用户已是此企业的签字人", "the user is already a signatory of this enterprise",
                               field="enterprise")
    else:
        raise ServiceError("授权类型无效", "unknown kind of grant", field="kind")


def request_grant(actor: User | None, user: User, kind: str, *, value: str | None = None,
                  enterprise: Enterprise | None = None, now: dt.datetime | None = None) -> RoleGrant:
    """Ask for a role or a signatory right for ``user``, to be decided by another security administrator."""
    require_security_admin(actor)
    _refuse_self(actor, user)
    if kind == "signatory":
        value = None
    else:
        enterprise = None
        value = (value or "").strip() or None
    _check_grantable(user, kind, value, enterprise)
    duplicate = db.session.scalar(select(RoleGrant.id).where(
        RoleGrant.user_id == user.id, RoleGrant.kind == kind, RoleGrant.status == "pending",
        RoleGrant.value.is_(None) if value is None else RoleGrant.value == value,
        RoleGrant.enterprise_id.is_(None) if enterprise is None else RoleGrant.enterprise_id == enterprise.id))
    if duplicate is not None:
        raise ServiceError("已有相同的待批准申请", "the same request is already waiting for approval", field="kind")
    grant = RoleGrant(user_id=user.id, kind=kind, value=value, enterprise_id=enterprise.id if enterprise else None,
                      status="pending", requested_by=actor.id if actor else None,
                      requested_at=now or dt.datetime.now(dt.UTC))
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "grant.request", "role_grant", grant.id, after=_describe(grant))
    return grant


def decide(actor: User | None, grant: RoleGrant, *, approve: bool, now: dt.datetime | None = None) -> RoleGrant:
    """Approve (and apply) or reject a pending grant: a security administrator other than the requester and
    the grantee."""
    require_security_admin(actor)
    if grant.status != "pending":
        raise ServiceError("该申请已处理", "the request has already been decided", field="grant")
    user = db.session.get(User, grant.user_id)
    assert user is not None  # ON DELETE CASCADE
    _refuse_self(actor, user)
    if actor is not None and actor.id == grant.requested_by:
        raise ServiceError("申请须由另一名安全管理员批准", "a second security administrator must decide the request",
                           field="grant")
    if approve:
        enterprise = db.session.get(Enterprise, grant.enterprise_id) if grant.enterprise_id else None
        _check_grantable(user, grant.kind, grant.value, enterprise)  # things may have changed since the request
        _apply(actor, user, grant, enterprise)
    grant.status = "approved" if approve else "rejected"
    grant.decided_by = actor.id if actor else None
    grant.decided_at = now or dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "grant.approve" if approve else "grant.reject", "role_grant", grant.id,
                 after={**_describe(grant), "requested_by": grant.requested_by})
    return grant


def cancel(actor: User | None, grant: RoleGrant, *, now: dt.datetime | None = None) -> None:
    """Withdraw a pending request (any security administrator: withdrawing grants nothing)."""
    require_security_admin(actor)
    if grant.status != "pending":
        raise ServiceError("该申请已处理", "the request has already been decided", field="grant")
    grant.status = "cancelled"
    grant.decided_at = now or dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "grant.cancel", "role_grant", grant.id, after=_describe(grant))


def _apply(actor: User | None, user: User, grant: RoleGrant, enterprise: Enterprise | None) -> None:
    before = accounts.snapshot(user, accounts.USER_FIELDS)
    if grant.kind == "signatory":
        assert enterprise is not None
        accounts.grant_membership(actor, user, enterprise, "signatory")
        return
    if grant.kind == "verifier":
        assert grant.value is not None
        db.session.add(VerifierStaff(user_id=user.id, body_id=int(grant.value)))
        db.session.flush()
        db.session.expire(user, ["verifier"])
        audit.record(actor, "user.role_granted", "user", user.id, before=before,
                     after={**accounts.snapshot(user, accounts.USER_FIELDS), "verifier_body_id": int(grant.value)})
        return
    if grant.kind == "admin_role":
        user.admin_role = grant.value
    else:
        user.reviewer_scope = grant.value
    db.session.flush()
    audit.record(actor, "user.role_granted", "user", user.id, before=before,
                 after=accounts.snapshot(user, accounts.USER_FIELDS))


def set_role_directly(actor: None, user: User, *, admin_role: str | None = None,
                      reviewer_scope: str | None = None) -> None:
    """Set a user's administrator role or review scope without a second person: the system only (CLI, seed)."""
    if actor is not None:
        raise ServiceError("只有系统命令可以直接设定角色", "only the system sets roles directly")
    if admin_role is not None:
        _check_grantable(user, "admin_role", admin_role, None)
    if reviewer_scope is not None:
        _check_grantable(user, "reviewer_scope", reviewer_scope, None)
    before = accounts.snapshot(user, accounts.USER_FIELDS)
    if admin_role is not None:
        user.admin_role = admin_role
    if reviewer_scope is not None:
        user.reviewer_scope = reviewer_scope
    db.session.flush()
    audit.record(None, "user.role_granted", "user", user.id, before=before,
                 after=accounts.snapshot(user, accounts.USER_FIELDS))


def remove_admin_role(actor: User | None, user: User) -> None:
    """Take the user's administrator role away, at once."""
    _remove_role(actor, user, "admin_role")


def remove_reviewer_scope(actor: User | None, user: User) -> None:
    """Take the user's review scope away, at once."""
    _remove_role(actor, user, "reviewer_scope")


def _remove_role(actor: User | None, user: User, attribute: Literal["admin_role", "reviewer_scope"]) -> None:
    require_security_admin(actor)
    if getattr(user, attribute) is None:
        return
    before = accounts.snapshot(user, accounts.USER_FIELDS)
    setattr(user, attribute, None)
    db.session.flush()
    audit.record(actor, "user.role_removed", "user", user.id, before=before,
                 after=accounts.snapshot(user, accounts.USER_FIELDS))


def set_verifier_directly(actor: None, user: User, body: VerificationBody) -> None:
    """Make a user a verifier of ``body`` without a second person: the system only (CLI, demo seed)."""
    if actor is not None:
        raise ServiceError("只有系统命令可以直接设定角色", "only the system sets roles directly")
    _check_grantable(user, "verifier", str(body.id), None)
    db.session.add(VerifierStaff(user_id=user.id, body_id=body.id))
    db.session.flush()
    db.session.expire(user, ["verifier"])
    audit.record(None, "user.role_granted", "user", user.id, after={"verifier_body_id": body.id})


def remove_verifier(actor: User | None, user: User) -> None:
    """Take the user off their verification body, at once."""
    require_security_admin(actor)
    staff = db.session.get(VerifierStaff, user.id)
    if staff is None:
        return
    body_id = staff.body_id
    db.session.delete(staff)
    db.session.flush()
    db.session.expire(user, ["verifier"])
    audit.record(actor, "user.role_removed", "user", user.id, before={"verifier_body_id": body_id},
                 after={"verifier_body_id": None})


def pending(limit: int = 200) -> Sequence[RoleGrant]:
    """Return the requests waiting for a decision, oldest first."""
    return db.session.scalars(select(RoleGrant).where(RoleGrant.status == "pending")
                              .order_by(RoleGrant.id).limit(limit)).all()


def recent_decisions(limit: int = 50) -> Sequence[RoleGrant]:
    """Return the latest decided requests, newest first."""
    return db.session.scalars(select(RoleGrant).where(RoleGrant.status != "pending")
                              .order_by(RoleGrant.id.desc()).limit(limit)).all()


def of_user(user: User) -> Sequence[RoleGrant]:
    """Return the requests concerning ``user``, newest first."""
    return db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)
                              .order_by(RoleGrant.id.desc()).limit(50)).all()

