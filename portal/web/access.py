"""Load records for the current user or answer 404 — never a hint that they exist."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..auth import permissions
from ..extensions import db
from ..models import Enterprise, Filing, FilingVersion


def enterprise_or_404(enterprise_id: int) -> Enterprise:
    """Return the enterprise if the current user may see it, else abort with 404."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_view_enterprise(current_user, enterprise.id, enterprise.region_code):
        abort(404)
    return enterprise


def filing_or_404(filing_id: int, need: str = "view") -> Filing:
    """Return the filing if the current user may ``need`` (view, edit, sign, review) it, else 404."""
    filing = db.session.get(Filing, filing_id)
    if filing is None:
        abort(404)
    enterprise = filing.enterprise
    allowed = {
        "view": lambda: permissions.can_view_enterprise(current_user, enterprise.id, enterprise.region_code),
        "edit": lambda: permissions.can_edit_filing(current_user, enterprise.id),
        "sign": lambda: permissions.can_sign_filing(current_user, enterprise.id),
        "review": lambda: permissions.can_review(current_user, enterprise.region_code),
    }[need]
    if not allowed():
        abort(404)
    return filing


def version_or_404(filing_id: int, number: int) -> FilingVersion:
    """Return version ``number`` of a filing the current user may view, else abort with 404."""
    from ..services.versions import find_version

    version = find_version(filing_or_404(filing_id).id, number)
    if version is None:
        abort(404)
    return version


def admin_required() -> None:
    """Abort with 404 unless the current user is an administrator."""
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)
