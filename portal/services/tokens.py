"""API tokens: issue, verify, revoke (issue 16 item 4). Only a token's SHA-256 is stored.

A token is ``ptk_`` and 43 URL-safe characters (256 random bits); the prefix lets secret scanners and
people recognise one. Its scope is ``read`` or ``write`` (write includes read); it expires (at most
:data:`MAX_DAYS` days); every use is audited (durably: a read is a GET, which commits nothing else) and
its last use is read back from the audit log (:func:`last_uses`) rather than stamped on the token row; a
password change revokes all of a user's tokens (services/accounts.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from ..domain.codec import sha256_text
from ..extensions import db
from ..models import API_TOKEN_SCOPES, ApiToken, AuditEntry, User
from . import audit
from .errors import ServiceError

PREFIX = "ptk_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_MAX = 100


def token_hash(token: str) -> str:
    """Return the stored form of a token: its SHA-256 in hex."""
    return sha256_text(token)


def issue(actor: User | None, user: User, *, name: str, scope: str, days: int = DEFAULT_DAYS,
          now: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its secret text, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or "\x00" in name:
        raise ServiceError(f"令牌名称不能为空，最多 {NAME_MAX} 个字符", f"the token needs a name of at most {NAME_MAX} characters",
                           field="name")
    if scope not in API_TOKEN_SCOPES:
        raise ServiceError("权限应为只读（read）或读写（write）", "the scope must be read or write", field="scope")
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(f"有效期应为 1 至 {MAX_DAYS} 天", f"the lifetime must be 1 to {MAX_DAYS} days", field="days")
    now = now or dt.datetime.now(dt.UTC)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, user_id=user.id, name=name, token_hash=token_hash(secret), scope=scope,
                     created_at=now, expires_at=now + dt.timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.issue", "api_token", token.id,
                 after={"user_id": user.id, "name": name, "scope": scope, "expires_at": token.expires_at.isoformat()})
    return token, secret


@dataclass(frozen=True)
class TokenCheck:
    """Hold the outcome of presenting a token: the token when it is good for the scope, else why not."""

    token: ApiToken | None
    problem: str | None  # "unknown", "revoked", "expired", "inactive", "scope"


def verify(secret: str, *, scope: str, now: dt.datetime | None = None) -> TokenCheck:
    """Check a presented token for ``scope``; stamp its use; audit the use (refusals durably).

    Every outcome is audited: a use (``api_token.use``) or a refusal (``api_token.refused``, kept even when
    the request is rolled back). An unknown token is audited without an entity.
    """
    now = now or dt.datetime.now(dt.UTC)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    problem = None
    if token is None:
        problem = "unknown"
    elif token.revoked_at is not None:
        problem = "revoked"
    elif token.expires_at <= now:
        problem = "expired"
    elif not token.user.active:
        problem = "inactive"
    elif not token.allows(scope):
        problem = "scope"
    if problem is not None:
        audit.record(token.user if token else None, "api_token.refused", "api_token", token.id if token else None,
                     after={"problem": problem, "scope": scope}, result="failure", durable=True)
        return TokenCheck(None, problem)
    assert token is not None
    audit.record(token.user, "api_token.use", "api_token", token.id, after={"scope": scope}, durable=True)
    return TokenCheck(token, None)


def revoke(actor: User, token: ApiToken, *, reason: str = "revoked", now: dt.datetime | None = None) -> None:
    """Revoke one token (idempotent)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now or dt.datetime.now(dt.UTC)
    token.revoked_reason = reason[:40]
    db.session.flush()
    audit.record(actor, "api_token.revoke", "api_token", token.id, after={"user_id": token.user_id, "reason": reason})


def revoke_all(actor: User | None, user: User, *, reason: str, now: dt.datetime | None = None) -> int:
    """Revoke every live token of ``user`` (password change, deactivation); return how many."""
    now = now or dt.datetime.now(dt.UTC)
    live = live_tokens(user)
    for token in live:
        token.revoked_at = now
        token.revoked_reason = reason[:40]
    if live:
        db.session.flush()
        audit.record(actor, "api_token.revoke_all", "user", user.id,
                     after={"tokens": [t.id for t in live], "reason": reason})
    return len(live)


@dataclass(frozen=True)
class LastUse:
    """Hold when and from where a token was last used (from its newest ``api_token.use`` audit entry)."""

    at: dt.datetime
    ip: str | None


def last_uses(tokens: Sequence[ApiToken]) -> dict[int, LastUse]:
    """Return token id → its last use, for the tokens that have been used."""
    ids = [t.id for t in tokens]
    if not ids:
        return {}
    newest = (select(AuditEntry.entity_id, func.max(AuditEntry.id).label("last"))
              .where(AuditEntry.action == "api_token.use", AuditEntry.entity_type == "api_token",
                     AuditEntry.entity_id.in_(ids))
              .group_by(AuditEntry.entity_id).subquery())
    rows = db.session.execute(select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.ip)
                              .join(newest, AuditEntry.id == newest.c.last)).all()
    return {entity: LastUse(at, ip) for entity, at, ip in rows}


def live_tokens(user: User) -> Sequence[ApiToken]:
    """Return the user's tokens that are neither revoked (expired ones included: they show as expired)."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    ).all()
