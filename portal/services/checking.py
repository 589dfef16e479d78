"""Run computation and rules for a document in the context the database knows about."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..domain.documents import CPA_KIND, GHG_KIND, CleanProductionAudit, Document, GhgAnnualReport
from ..extensions import db
from ..models import Filing
from ..rules.registry import AuditRecord
from .versions import previous_accepted, version_document

if TYPE_CHECKING:
    from ..rules import CheckOutcome

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def audit_history(enterprise_id: int) -> list[AuditRecord]:
    """Return the enterprise's accepted clean-production audits as audit records (CPA-001, CPA-011)."""
    from ..calc.cpa import finished_on

    records = []
    accepted = db.session.scalars(select(Filing).where(
        Filing.enterprise_id == enterprise_id, Filing.kind == CPA_KIND, Filing.status == "accepted")).all()
    for audit in accepted:
        document = version_document(audit.versions[-1])
        if isinstance(document, CleanProductionAudit):
            done = finished_on(document)
            if done is not None:
                records.append(AuditRecord(year=done.year, audit_type=document.audit_type, completed_on=done))
    return records


def run(document: Document, *, filing: Filing | None = None, filing_date: dt.date | None = None,
        submitted: bool = False) -> CheckOutcome:
    """Compute and run every rule on ``document`` with the previous accepted year as context.

    ``submitted``: the document is submitted on ``filing_date`` (the deadline rules then speak of a
    submission); otherwise it is a draft checked on that day.
    """
    from ..rules import check_document
    from .reference import current_reference

    previous_doc = None
    if filing is not None and document.kind == GHG_KIND:
        version = previous_accepted(filing)
        if version is not None:
            candidate = version_document(version)
            if isinstance(candidate, GhgAnnualReport):
                previous_doc = candidate
    history = audit_history(filing.enterprise_id) if filing is not None and document.kind == GHG_KIND else None
    today = filing_date or dt.datetime.now(CHINA_TZ).date()
    due_dates = {}
    if filing is not None:
        from .deadlines import extended_due_date

        extended = extended_due_date(filing.enterprise_id, filing.kind, filing.year)
        if extended is not None:
            due_dates[filing.kind] = extended
    return check_document(document, current_reference(), previous=previous_doc, audit_history=history or None,
                          filing_date=today, submitted=submitted, due_dates=due_dates)
