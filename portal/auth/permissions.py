"""Pure permission predicates: who may see, edit, sign and review what.

Every denial is answered with 404 by the views (PRODUCT.md): a user outside the scope must not learn
that a record exists.
"""

from __future__ import annotations

from typing import Protocol


class Principal(Protocol):
    """Describe what the predicates need from a user."""

    is_admin: bool
    reviewer_scope: str | None

    def enterprise_ids(self, role: str | None = None) -> set[int]: ...


def in_scope(scope: str | None, region_code: str | None) -> bool:
    """Return whether a region code falls under a reviewer's region-code prefix."""
    return bool(scope) and bool(region_code) and region_code.startswith(scope)  # type: ignore[union-attr]


def can_view_enterprise(user: Principal, enterprise_id: int, region_code: str) -> bool:
    """Return whether the user may see an enterprise and its filings."""
    return (
        user.is_admin
        or enterprise_id in user.enterprise_ids()
        or in_scope(user.reviewer_scope, region_code)
    )


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


def can_administer(user: Principal) -> bool:
    """Return whether the user may manage users, enterprises, memberships and reference data."""
    return user.is_admin


def can_import_for(user: Principal, enterprise_id: int) -> bool:
    """Return whether an upload of the user may create or update the enterprise's drafts.

    Filers and signatories import for their own enterprises, administrators for any.
    """
    return user.is_admin or enterprise_id in user.enterprise_ids()
