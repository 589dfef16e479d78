"""Load records for the current user or answer 404 — never a hint that they exist.

The checks are the services' own (:mod:`portal.services.access`), so a page refuses exactly what the
service behind it would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from flask_login import current_user

from ..auth.loading import current_account
from ..db import Base
from ..extensions import db
from ..models import Enterprise, Filing, FilingVersion, User
from ..services import access
from ..services.errors import NotFound

_CHECKS: dict[str, Callable[..., None]] = {
    "view": lambda user, filing: access.require_view(user, filing.enterprise),
    # the working draft: the enterprise's filers and signatories only (issue 16 item 6)
    "draft": lambda user, filing: access.require_view_draft(user, filing.enterprise_id),
    "edit": access.require_edit,
    "sign": access.require_sign,
    "review": access.require_review,
    # the verifier of the body engaged for the filing (issue 18): its submitted versions and evidence only
    "verify": access.require_verify,
}


Owned = TypeVar("Owned", bound=Base)


def own_or_404(model: type[Owned], record_id: int, owner: str = "user_id") -> Owned:
    """Return the current user's own record (its ``owner`` column is the user's id), else abort with 404."""
    record = db.session.get(model, record_id)
    if record is None or getattr(record, owner) != current_user.id:
        abort(404)
    return record


def enterprise_or_404(enterprise_id: int) -> Enterprise:
    """Return the enterprise if the current user may see it, else abort with 404."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    try:
        access.require_view(current_account(), enterprise)
    except NotFound:
        abort(404)
    return enterprise


def filing_or_404(filing_id: int, need: str = "view") -> Filing:
    """Return the filing if the current user may ``need`` (view, draft, edit, sign, review, verify) it, else 404."""
    filing = db.session.get(Filing, filing_id)
    if filing is None:
        abort(404)
    try:
        _CHECKS[need](current_account(), filing)
    except NotFound:
        abort(404)
    return filing


def version_or_404(filing_id: int, number: int) -> FilingVersion:
    """Return version ``number`` of a filing the current user may view, else abort with 404."""
    from ..services.versions import find_version

    version = find_version(filing_or_404(filing_id).id, number)
    if version is None:
        abort(404)
    return version


def require(check: Callable[[User | None], None]) -> None:
    """Abort with 404 unless the current user passes ``check`` (one of ``services.access.require_*``)."""
    if not current_user.is_authenticated:
        abort(404)
    try:
        check(current_account())
    except NotFound:
        abort(404)


def any_admin_required() -> None:
    """Abort with 404 unless the current user holds one of the three administrator roles."""
    if not current_user.is_authenticated or not current_user.is_any_admin:
        abort(404)


def system_admin_required() -> None:
    """Abort with 404 unless the current user is a system administrator."""
    require(access.require_system_admin)


def security_admin_required() -> None:
    """Abort with 404 unless the current user is a security administrator."""
    require(access.require_security_admin)


def audit_admin_required() -> None:
    """Abort with 404 unless the current user is the audit administrator."""
    require(access.require_audit_admin)
