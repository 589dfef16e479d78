"""Refuse an actor what the permission predicates allow them not: one ``require_*`` per kind of action.

Every mutating service calls one of these before it changes anything, whichever channel called it (a page,
the API, an import, a background job). A refusal is :class:`NotFound` — the web and the API answer it with
404, like a record that does not exist (PRODUCT.md: a user outside the scope must not learn that it does).
The predicates themselves are pure, in :mod:`portal.auth.permissions`.

``actor=None`` is the system: the command line run without ``--as``, the demo seed, scheduled notices. It
is allowed everything, as an operator with a shell on the server is.
"""

from __future__ import annotations

from ..auth import permissions
from ..models import Enterprise, Filing, User
from .errors import NotFound


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotFound()


def require_view(actor: User | None, enterprise: Enterprise) -> None:
    """Refuse an actor who may not see the enterprise and its filings."""
    _require(actor is None or permissions.can_view_enterprise(actor, enterprise.id, enterprise.region_code))


def require_edit(actor: User | None, filing: Filing | Enterprise) -> None:
    """Refuse an actor who is not a filer or signatory of the enterprise (of the filing)."""
    enterprise_id = filing.enterprise_id if isinstance(filing, Filing) else filing.id
    _require(actor is None or permissions.can_edit_filing(actor, enterprise_id))


def require_sign(actor: User | None, filing: Filing) -> None:
    """Refuse an actor who is not a signatory of the filing's enterprise."""
    _require(actor is None or permissions.can_sign_filing(actor, filing.enterprise_id))


def require_review(actor: User | None, filing: Filing) -> None:
    """Refuse an actor whose review scope does not cover the filing's enterprise."""
    _require(actor is None or permissions.can_review(actor, filing.enterprise.region_code))


def require_reviewer(actor: User | None) -> None:
    """Refuse an actor who reviews no region (reminders go to the enterprises of the reviewer's scope)."""
    _require(actor is None or permissions.is_reviewer(actor))


def engaged_body_id(filing: Filing) -> int | None:
    """Return the id of the verification body engaged for the filing, or None."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Engagement, Verification

    return db.session.scalar(select(Engagement.body_id).join(Verification, Verification.engagement_id == Engagement.id)
                             .where(Verification.filing_id == filing.id))


def require_verify(actor: User | None, filing: Filing) -> None:
    """Refuse an actor who is not a verifier of the body engaged for the filing (issue 18 item 1)."""
    _require(actor is None or permissions.can_verify(actor.verifier_body_id, engaged_body_id(filing)))


def require_verifier(actor: User | None) -> None:
    """Refuse an actor who works for no verification body."""
    _require(actor is None or actor.verifier_body_id is not None)


def require_view_draft(actor: User | None, enterprise_id: int) -> None:
    """Refuse an actor who may not read the enterprise's working drafts (anyone but its filers and signatories)."""
    _require(actor is None or permissions.can_view_draft(actor, enterprise_id))


def require_system_admin(actor: User | None) -> None:
    """Refuse an actor who is not a system administrator (enterprises, reference corrections)."""
    _require(actor is None or permissions.can_administer_system(actor))


def require_security_admin(actor: User | None) -> None:
    """Refuse an actor who is not a security administrator (accounts, roles, memberships, tokens)."""
    _require(actor is None or permissions.can_administer_security(actor))


def require_audit_admin(actor: User | None) -> None:
    """Refuse an actor who is not the audit administrator (the audit log)."""
    _require(actor is None or permissions.can_read_audit_log(actor))


def require_self(actor: User | None, user: User) -> None:
    """Refuse an actor acting on another user's own settings (API token, language)."""
    _require(actor is None or actor.id == user.id)
