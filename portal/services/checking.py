"""Run computation and rules for a document in the context the database knows about."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..domain.documents import GHG_KIND, Document, GhgAnnualReport
from ..extensions import db
from ..models import Filing, FilingVersion
from ..reference import default_reference

if TYPE_CHECKING:
    from ..rules import CheckOutcome

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def previous_accepted(filing: Filing) -> FilingVersion | None:
    """Return the latest version of the enterprise's accepted filing of the same kind for the year before."""
    previous = db.session.scalar(
        select(Filing).where(
            Filing.enterprise_id == filing.enterprise_id, Filing.kind == filing.kind,
            Filing.year == filing.year - 1, Filing.status == "accepted",
        )
    )
    if previous is None or not previous.versions:
        return None
    return previous.versions[-1]


def run(document: Document, *, filing: Filing | None = None, filing_date: dt.date | None = None) -> CheckOutcome:
    """Compute and run every rule on ``document`` with the previous accepted year as context."""
    from ..rules import check_document
    from .filings import version_document

    previous_doc = None
    if filing is not None and document.kind == GHG_KIND:
        version = previous_accepted(filing)
        if version is not None:
            candidate = version_document(version)
            if isinstance(candidate, GhgAnnualReport):
                previous_doc = candidate
    today = filing_date or dt.datetime.now(CHINA_TZ).date()
    return check_document(document, default_reference(), previous=previous_doc, filing_date=today)
