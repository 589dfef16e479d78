"""Pure permission predicates: who may see, edit, sign, review and administer what.

Every denial is answered with 404 by the views (PRODUCT.md): a user outside the scope must not learn
that a record exists.

Administration is split three ways (三权分立, issue 16 item 7): the system administrator keeps the enterprises,
the reference data and the running of the portal, and reads submitted filings province-wide; the security
administrator keeps the accounts, roles, memberships and tokens and reads no filing; the audit administrator
reads the audit log and nothing else. A working draft is the enterprise's own until it is submitted: only
its filers and signatories read it (issue 16 item 6).
"""

from __future__ import annotations

from typing import Protocol


class Principal(Protocol):
    """Describe what the predicates need from a user."""

    admin_role: str | None
    reviewer_scope: str | None

    def enterprise_ids(self, role: str | None = None) -> set[int]: ...


def in_scope(scope: str | None, region_code: str | None) -> bool:
    """Return whether a region code falls under a reviewer's region-code prefix."""
    if not scope or not region_code:
        return False
    return region_code.startswith(scope)


def can_view_enterprise(user: Principal, enterprise_id: int, region_code: str) -> bool:
    """Return whether the user may see an enterprise and its submitted filings."""
    return (
        user.admin_role == "system"
        or enterprise_id in user.enterprise_ids()
        or in_scope(user.reviewer_scope, region_code)
    )


def can_view_draft(user: Principal, enterprise_id: int) -> bool:
    """Return whether the user may read an enterprise's working drafts: its filers and signatories only.

    Reviewers and administrators see what was submitted, never the draft being worked on (issue 16 item 6).
    """
    return enterprise_id in user.enterprise_ids()


def can_edit_filing(user: Principal, enterprise_id: int) -> bool:
    """Return whether the user may edit an enterprise's drafts (filers and signatories of it)."""
    return enterprise_id in user.enterprise_ids()


def can_sign_filing(user: Principal, enterprise_id: int) -> bool:
    """Return whether the user may certify and submit an enterprise's filings."""
    return enterprise_id in user.enterprise_ids("signatory")


def can_review(user: Principal, region_code: str) -> bool:
    """Return whether the user may comment on, return and accept filings of this region."""
    return in_scope(user.reviewer_scope, region_code)


def is_reviewer(user: Principal) -> bool:
    """Return whether the user reviews a region (and so may remind its overdue enterprises)."""
    return bool(user.reviewer_scope)


def can_verify(user_body_id: int | None, engaged_body_id: int | None) -> bool:
    """Return whether a verifier may see and verify a filing: their body is the one engaged for it (issue 18).

    A verifier sees the engaged filing's submitted versions and evidence and nothing else of the portal's
    records; no engagement, no access (``None`` never matches).
    """
    return user_body_id is not None and user_body_id == engaged_body_id


def can_administer_system(user: Principal) -> bool:
    """Return whether the user may manage enterprises' master data and the reference data."""
    return user.admin_role == "system"


def can_administer_security(user: Principal) -> bool:
    """Return whether the user may manage accounts, roles, memberships, tokens and lockouts."""
    return user.admin_role == "security"


def can_read_audit_log(user: Principal) -> bool:
    """Return whether the user may read and export the audit log (the audit administrator alone)."""
    return user.admin_role == "audit"


def can_import_for(user: Principal, enterprise_id: int) -> bool:
    """Return whether an upload of the user may create or update the enterprise's drafts.

    Filers and signatories import for their own enterprises, system administrators for any.
    """
    return user.admin_role == "system" or enterprise_id in user.enterprise_ids()
