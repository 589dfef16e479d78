"""Accounts: users, enterprises and the memberships that tie them together."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    literal,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin
from ..extensions import Model
from .checks import known_values, sha256_hex
from .columns import inserted_at, timestamp, user_ref

if TYPE_CHECKING:
    from .verification import VerifierStaff

MEMBERSHIP_ROLES = ("filer", "signatory")
API_TOKEN_SCOPES = ("read", "write")  # write includes read
#: The three administrators of 三权分立 (separation of duties, GB/T 22239-2019 level 3): the system administrator
#: (enterprises, reference data, operations), the security administrator (accounts, roles, memberships,
#: tokens) and the audit administrator (reads the audit log only). One person holds at most one of them.
ADMIN_ROLES = ("system", "security", "audit")
ACCOUNT_LINK_PURPOSES = ("invitation", "reset")
#: verifier: the user joins the verification body whose id is the grant's value (issue 18 item 1)
GRANT_KINDS = ("admin_role", "reviewer_scope", "signatory", "verifier")
GRANT_STATUSES = ("pending", "approved", "rejected", "cancelled")


def new_session_token() -> str:
    """Return a fresh random token identifying a user's sessions (rotated to log them all out)."""
    return secrets.token_hex(16)


class User(UserMixin, TimestampMixin, Model):
    """Hold a person who logs in: an enterprise user, a reviewer (scoped), or an administrator."""

    __tablename__ = "user_account"
    __table_args__ = (
        # A reviewer's scope is a region-code prefix: 2 (province), 4 (city) or 6 (county) digits.
        CheckConstraint(
            "reviewer_scope IS NULL OR length(reviewer_scope) IN (2, 4, 6)", name="reviewer_scope_length"
        ),
        CheckConstraint("admin_role IS NULL OR admin_role IN ('system', 'security', 'audit')",
                        name="admin_role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Flask-Login stores this, not the id: rotating it (logout, password change, deactivation, "sign out
    # everywhere") ends every session of the user — a copied cookie stops working with the original.
    session_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # One administrator role at most (ADMIN_ROLES); granted only with a second security administrator's
    # approval (RoleGrant), never by the grantee.
    admin_role: Mapped[str | None] = mapped_column(String(10))
    # A password someone else set (an administrator, a script) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reviewer_scope: Mapped[str | None] = mapped_column(String(6))
    locale: Mapped[str | None] = mapped_column(String(10))
    # TOTP second factor (RFC 6238, services/twofactor.py): the base32 secret, set at enrolment and in force
    # once a first code confirmed it (totp_enabled_at); the time step of the last code accepted, so that no
    # code is accepted twice (OWASP ASVS 2.8.4).
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_enabled_at: Mapped[dt.datetime | None] = timestamp()
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    #: the verification body the user works for (issue 18): a verifier sees its engaged filings only
    verifier: Mapped[VerifierStaff | None] = relationship(lazy="selectin", viewonly=True)

    def get_id(self) -> str:
        """Return the session identifier Flask-Login keeps in the cookie."""
        return self.session_token

    @property
    def is_active(self) -> bool:
        """Return whether the account may log in."""
        return self.active

    @property
    def totp_enabled(self) -> bool:
        """Return whether the user signs in with a second factor."""
        return self.totp_enabled_at is not None

    @property
    def is_system_admin(self) -> bool:
        """Return whether the user administers enterprises, reference data and operations."""
        return self.admin_role == "system"

    @property
    def is_security_admin(self) -> bool:
        """Return whether the user administers accounts, roles, memberships and tokens."""
        return self.admin_role == "security"

    @property
    def is_audit_admin(self) -> bool:
        """Return whether the user reads the audit log (and nothing else)."""
        return self.admin_role == "audit"

    @property
    def is_any_admin(self) -> bool:
        """Return whether the user holds one of the three administrator roles (menus; never a permission)."""
        return self.admin_role is not None

    @property
    def verifier_body_id(self) -> int | None:
        """Return the id of the verification body the user works for, or None."""
        return self.verifier.body_id if self.verifier is not None else None

    @property
    def is_verifier(self) -> bool:
        """Return whether the user verifies filings for a verification body (核查机构)."""
        return self.verifier is not None

    @property
    def is_reviewer(self) -> bool:
        """Return whether the user reviews filings in a region scope."""
        return self.reviewer_scope is not None

    def enterprise_ids(self, role: str | None = None) -> set[int]:
        """Return the ids of enterprises the user belongs to (optionally in one membership role)."""
        return {m.enterprise_id for m in self.memberships if role is None or m.role == role}

    @property
    def role_names(self) -> list[str]:
        """Return the user's roles for display: an administrator role, reviewer, filer, signatory."""
        roles = [f"{self.admin_role}_admin"] if self.admin_role else []
        if self.is_reviewer:
            roles.append("reviewer")
        if self.is_verifier:
            roles.append("verifier")
        roles.extend(sorted({m.role for m in self.memberships}))
        return roles


class Enterprise(TimestampMixin, Model):
    """Hold an enterprise's master profile; filings copy it into their documents."""

    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint("length(uscc) = 18", name="uscc_length"),
        CheckConstraint("length(region_code) = 6", name="region_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    # Indexed for the review queue sorted by enterprise: a page is read in name order (8.9 → 2.3 ms, 10,000 filings).
    name: Mapped[str] = mapped_column(String(200), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    industry_code: Mapped[str] = mapped_column(String(4), index=True)
    permit_number: Mapped[str | None] = mapped_column(String(22))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    is_key_emitter: Mapped[bool] = mapped_column(Boolean, default=False)
    is_key_pollutant_discharger: Mapped[bool] = mapped_column(Boolean, default=False)
    is_listed: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="enterprise", cascade="all, delete-orphan")

    @classmethod
    def in_region_scope(cls, scope: str) -> ColumnElement[bool]:
        """Return the SQL condition of ``auth.permissions.in_scope``: the region code starts with ``scope``."""
        # LIKE with a literal prefix, not substr(): PostgreSQL estimates a prefix from its statistics, while
        # it guesses 0.5 % for any function's result — which sent the queue into nested loops over half the
        # filings. Scopes are digit strings (region codes), so no LIKE wildcard can occur in them.
        if not scope.isdigit():
            return func.substr(cls.region_code, 1, len(scope)) == scope
        return cls.region_code.like(literal(scope + "%", literal_execute=True))


class UserOwnedMixin:
    """Add the id and the user of a row that belongs to one account and is deleted with it."""

    # first in the table, as the migrations create them (a mixin's columns otherwise come last)
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    user_id: Mapped[int] = user_ref("CASCADE", index=True, sort_order=-1)


class Membership(UserOwnedMixin, Model):
    """Tie a user to an enterprise as its filer or signatory."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "enterprise_id", "role"),
        known_values("role", MEMBERSHIP_ROLES),
    )

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    enterprise: Mapped[Enterprise] = relationship(back_populates="memberships")


class ApiToken(UserOwnedMixin, Model):
    """Hold one API token of a user: a name, a scope, an expiry; only the SHA-256 of the token is stored.

    Revoked by its user, by an administrator, and all at once when the user's password changes.
    """

    __tablename__ = "api_token"
    __table_args__ = (
        known_values("scope", API_TOKEN_SCOPES),
        sha256_hex("token_hash"),
    )

    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = inserted_at()
    expires_at: Mapped[dt.datetime] = timestamp()
    revoked_at: Mapped[dt.datetime | None] = timestamp()
    revoked_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship()

    def allows(self, scope: str) -> bool:
        """Return whether the token's scope covers ``scope`` (write covers read)."""
        return self.scope == "write" or scope == "read"


class RecoveryCode(UserOwnedMixin, Model):
    """Hold one single-use recovery code of a user's second factor (a salted SHA-256 of it)."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = inserted_at()
    used_at: Mapped[dt.datetime | None] = timestamp()


class AccountLink(UserOwnedMixin, Model):
    """Hold a one-time, expiring link mailed to a user: an invitation to set a password, or a reset.

    Only the SHA-256 of the link's token is stored; the link works once (``used_at``) and until
    ``expires_at``; a newer link of the same purpose, or a password set any other way, ends the older ones.
    """

    __tablename__ = "account_link"
    __table_args__ = (
        known_values("purpose", ACCOUNT_LINK_PURPOSES),
        sha256_hex("token_hash"),
    )

    purpose: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = user_ref("SET NULL")
    created_at: Mapped[dt.datetime] = inserted_at()
    expires_at: Mapped[dt.datetime] = timestamp()
    used_at: Mapped[dt.datetime | None] = timestamp()

    user: Mapped[User] = relationship(foreign_keys="AccountLink.user_id")


class RoleGrant(UserOwnedMixin, Model):
    """Hold a request to give a user a role or a signatory right, and its decision by a second administrator.

    三权分立: one security administrator asks, another approves or rejects; nobody asks for or decides on a
    grant to themselves, and nobody decides on their own request — the CHECK constraints hold it even
    against a bug in the service. ``admin_role`` grants carry the role in ``value``, ``reviewer_scope`` grants
    the region-code prefix, ``signatory`` grants the enterprise.
    """

    __tablename__ = "role_grant"
    __table_args__ = (
        known_values("kind", GRANT_KINDS),
        known_values("status", GRANT_STATUSES),
        CheckConstraint("(kind = 'signatory') = (enterprise_id IS NOT NULL)", name="enterprise_iff_signatory"),
        CheckConstraint("(kind = 'signatory') = (value IS NULL)", name="value_unless_signatory"),
        CheckConstraint("requested_by IS NULL OR requested_by <> user_id", name="not_for_oneself"),
        CheckConstraint("decided_by IS NULL OR (decided_by <> user_id AND "
                        "(requested_by IS NULL OR decided_by <> requested_by))", name="second_person_decides"),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"),
        Index("ix_role_grant_status", "status", "id"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(10))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[int | None] = user_ref("SET NULL")
    requested_at: Mapped[dt.datetime] = inserted_at()
    decided_by: Mapped[int | None] = user_ref("SET NULL")
    decided_at: Mapped[dt.datetime | None] = timestamp()

    user: Mapped[User] = relationship(foreign_keys="RoleGrant.user_id")
    requester: Mapped[User | None] = relationship(foreign_keys=[requested_by])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])
    enterprise: Mapped[Enterprise | None] = relationship()
