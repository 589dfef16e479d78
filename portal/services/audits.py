"""What an audit filing reads from the rest of the database: the GHG report behind its mandatory triggers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from ..calc.cpa import DeadlineStep, audit_steps
from ..calc.ghg import compute_ghg
from ..calc.results import CpaComputed
from ..domain.documents import GHG_KIND, CleanProductionAudit, GhgAnnualReport
from ..extensions import db
from ..models import Filing
from ..rules import TriggerStatus, mandatory_audit_indicators
from .checking import CHINA_TZ
from .filings import draft_document
from .reference import current_reference
from .versions import version_document


@dataclass(frozen=True)
class TriggerEvidence:
    """Hold the 双超 / 高耗能 / 双有 indicators of the GHG report an audit's triggers rest on.

    ``source`` says which text of that report was read: ``"accepted"`` — the last version of an accepted
    report (``version_number``), or ``"draft"`` — the working draft of a report not (yet) accepted.
    """

    filing: Filing
    source: Literal["accepted", "draft"]
    version_number: int | None
    indicators: dict[str, TriggerStatus]


def trigger_evidence(audit_filing: Filing) -> TriggerEvidence | None:
    """Return the trigger indicators of the enterprise's latest GHG report of the audit's year or the year before.

    The latest year wins (the most recent facts). Of that report the accepted version is read when the
    regulator has accepted it, else its working draft — an accepted report is what the regulator has
    agreed, but a filer listing an audit this year must be able to see this year's figures before then.
    None when the enterprise has no GHG report for either year.
    """
    report = db.session.scalars(
        select(Filing)
        .where(Filing.enterprise_id == audit_filing.enterprise_id, Filing.kind == GHG_KIND,
               Filing.year.in_((audit_filing.year, audit_filing.year - 1)))
        .order_by(Filing.year.desc())
        .limit(1)
    ).first()
    if report is None:
        return None
    if report.status == "accepted" and report.versions:
        version = report.versions[-1]
        document = version_document(version)
        source: Literal["accepted", "draft"] = "accepted"
        number: int | None = version.number
    else:
        document = draft_document(report)
        source, number = "draft", None
    if not isinstance(document, GhgAnnualReport):  # pragma: no cover - the kind column says it is one
        return None
    ref = current_reference()
    indicators = mandatory_audit_indicators(document, compute_ghg(document, ref), ref)
    return TriggerEvidence(filing=report, source=source, version_number=number, indicators=indicators)


def timeline(document: CleanProductionAudit, computed: CpaComputed, today: dt.date | None = None) -> list[DeadlineStep]:
    """Return the audit's deadline steps on ``today`` (China's date unless given; empty without a listing)."""
    return audit_steps(document, computed, today or dt.datetime.now(CHINA_TZ).date())
