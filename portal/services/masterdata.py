"""Requests to change an enterprise's registered name, USCC, region or industry (issue 18 item 5).

The four fields come from the registry, not from the filings (``services.filings.with_registry_identity``).
A filer asks for a change; a reviewer whose scope covers the enterprise (before and after the change)
approves — the registry changes then, audited — or rejects. The enterprise's editable drafts take the new
values at once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from ..auth.permissions import in_scope
from ..extensions import db
from ..models import MASTER_DATA_FIELDS, Enterprise, Filing, MasterDataRequest, User
from . import audit
from .accounts import check_enterprise_fields
from .errors import NotFound, ServiceError


def request_change(actor: User, enterprise: Enterprise, changes: dict[str, Any], reason: str) -> MasterDataRequest:
    """Record a filer's request to change the registered fields (only the fields that differ are kept)."""
    if enterprise.id not in actor.enterprise_ids():
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写变更理由", "give the reason for the change", field="reason")
    if len(reason) > 2000:
        raise ServiceError("理由不能超过 2000 字", "the reason is longer than 2000 characters", field="reason")
    wanted = {k: (v or "").strip() for k, v in changes.items() if k in MASTER_DATA_FIELDS}
    wanted = {k: v for k, v in wanted.items() if v and v != getattr(enterprise, k)}
    if not wanted:
        raise ServiceError("申请的信息与登记信息相同，无需变更", "the values asked for are those registered already")
    check_enterprise_fields(wanted, enterprise.id)
    pending = db.session.scalar(select(MasterDataRequest.id).where(
        MasterDataRequest.enterprise_id == enterprise.id, MasterDataRequest.status == "pending"))
    if pending is not None:
        raise ServiceError("已有一项待审批的变更申请，请等待审核人员处理",
                           "a change request is already awaiting a reviewer's decision")
    row = MasterDataRequest(enterprise_id=enterprise.id, changes_json=json.dumps(wanted, ensure_ascii=False),
                            reason=reason, status="pending", requested_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "master_data.request", "enterprise", enterprise.id, after={"request": row.id, **wanted})
    return row


def changes_of(row: MasterDataRequest) -> dict[str, str]:
    """Return the fields a request asks to change, with their new values."""
    changes: dict[str, str] = json.loads(row.changes_json)
    return changes


def requests_of(enterprise_id: int) -> list[MasterDataRequest]:
    """Return an enterprise's change requests, newest first."""
    return list(db.session.scalars(select(MasterDataRequest).where(MasterDataRequest.enterprise_id == enterprise_id)
                                   .order_by(MasterDataRequest.id.desc()).limit(50)))


def requests_in_scope(scope: str | None) -> list[MasterDataRequest]:
    """Return the change requests of enterprises in a region scope, pending first, newest first."""
    stmt = select(MasterDataRequest).join(Enterprise, Enterprise.id == MasterDataRequest.enterprise_id)
    if scope:
        stmt = stmt.where(Enterprise.in_region_scope(scope))
    return list(db.session.scalars(stmt.order_by((MasterDataRequest.status != "pending"),
                                                  MasterDataRequest.id.desc()).limit(500)))


def request_or_404(actor: User, request_id: int) -> MasterDataRequest:
    """Return a request of an enterprise in the reviewer's scope, else raise NotFound."""
    row = db.session.get(MasterDataRequest, request_id)
    if row is None or not actor.reviewer_scope or not in_scope(actor.reviewer_scope, row.enterprise.region_code):
        raise NotFound()
    return row


def decide(actor: User, row: MasterDataRequest, *, approve: bool) -> None:
    """Approve (the registry and the editable drafts change, audited) or reject a pending request."""
    enterprise = row.enterprise
    if not actor.reviewer_scope or not in_scope(actor.reviewer_scope, enterprise.region_code):
        raise NotFound()
    if row.status != "pending":
        raise ServiceError("该申请已处理", "the request was decided already")
    if row.requested_by_id == actor.id:
        raise ServiceError("不能审批自己的申请", "nobody decides on their own request")
    changes = changes_of(row)
    if approve:
        if "region_code" in changes and not in_scope(actor.reviewer_scope, changes["region_code"]):
            raise ServiceError("新的行政区划不在您的审核范围内，请由上级审核人员审批",
                               "the new region is outside your scope: a reviewer covering it must approve",
                               field="region_code")
        check_enterprise_fields(changes, enterprise.id)
        before = {k: getattr(enterprise, k) for k in changes}
        for key, value in changes.items():
            setattr(enterprise, key, value)
        db.session.flush()
        audit.record(actor, "enterprise.master_data_change", "enterprise", enterprise.id, before=before,
                     after={**changes, "request": row.id})
        _refresh_drafts(enterprise)
    row.status = "approved" if approve else "rejected"
    row.decided_by_id = actor.id
    row.decided_at = dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "master_data.approve" if approve else "master_data.reject", "enterprise", enterprise.id,
                 after={"request": row.id, "status": row.status})


def _refresh_drafts(enterprise: Enterprise) -> None:
    """Give the enterprise's editable drafts the registry's new values (submitted versions stay as they are)."""
    from ..domain.codec import canonical_json
    from .filings import draft_document, with_registry_identity
    from .workflow import EDITABLE_STATUSES

    for filing in db.session.scalars(select(Filing).where(Filing.enterprise_id == enterprise.id,
                                                          Filing.status.in_(EDITABLE_STATUSES))):
        document = draft_document(filing)
        _doc, text = with_registry_identity(enterprise, document, canonical_json(document))
        if text != filing.draft_json:
            filing.draft_json = text
    db.session.flush()
