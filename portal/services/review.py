"""The regulator's review: the queue, comments and answers, verdicts on explanations, return and accept.

Status changes go through services/filings.py (its ``_transition`` is the state machine); this module adds
what a decision needs around it: the comments the filer must address on a return, no acceptance while an
explanation stands rejected, and the per-filing summary the queue reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, delete, exists, func, insert, select

from ..auth.permissions import in_scope
from ..extensions import db
from ..models import (
    Enterprise,
    Filing,
    FilingVersion,
    QueueSummary,
    RuleHit,
)

PAGE_SIZE = 50
UNDER_REVIEW = ("submitted", "resubmitted")


# ------------------------------------------------------------------------------------------- summary


def summary_values(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the queue's counts of a version's findings (as stored in ``findings_json``) and its rule ids."""
    counts = {"error": 0, "warning": 0, "notice": 0}
    unexplained = 0
    rules: set[str] = set()
    for finding in findings:
        counts[finding["severity"]] += 1
        rules.add(finding["rule"])
        if finding["severity"] == "warning" and not finding.get("explained"):
            unexplained += 1
    return {"errors": counts["error"], "warnings": counts["warning"], "notices": counts["notice"],
            "unexplained": unexplained, "rule_ids": " ".join(sorted(rules))}


def record_submission(version: FilingVersion) -> None:
    """Replace the filing's queue summary and rule hits with those of its newly submitted version."""
    findings = json.loads(version.findings_json)
    values = summary_values(findings)
    db.session.execute(delete(RuleHit).where(RuleHit.filing_id == version.filing_id))
    summary = db.session.get(QueueSummary, version.filing_id)
    if summary is None:
        summary = QueueSummary(filing_id=version.filing_id)
        db.session.add(summary)
    summary.version_number = version.number
    summary.rejected = 0  # verdicts belong to a version; the new one has none yet
    for key, value in values.items():
        setattr(summary, key, value)
    rules = sorted(set(values["rule_ids"].split()))
    if rules:
        db.session.execute(insert(RuleHit), [{"filing_id": version.filing_id, "rule_id": r} for r in rules])
    db.session.flush()


# --------------------------------------------------------------------------------------------- queue


SORTS: dict[str, Any] = {
    "submitted": Filing.last_submitted_at,
    "deadline": Filing.year,  # every GHG report of a year falls due on the same day (reference-data.md §5)
    "year": Filing.year,
    "enterprise": Enterprise.name,
    "region": Enterprise.region_code,
    "status": Filing.status,
    "errors": QueueSummary.errors,
    "warnings": QueueSummary.warnings,
}


@dataclass(frozen=True)
class QueueFilters:
    """Hold the queue's filters and sort order as parsed from the query string (all optional)."""

    region: str = ""
    industry: str = ""
    kind: str = ""
    year: int | None = None
    status: str = ""
    rule: str = ""
    overdue: bool = False
    sort: str = "submitted"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True)
class QueueRow:
    """Hold one row of the queue."""

    filing_id: int
    kind: str
    year: int
    enterprise: str
    region_code: str
    industry_code: str
    status: str
    submitted_at: dt.datetime | None
    deadline: dt.date | None
    overdue: bool
    errors: int | None
    warnings: int | None
    notices: int | None
    all_explained: bool | None
    rejected: int | None
    rule_ids: str


@dataclass(frozen=True)
class QueuePage:
    """Hold one page of the queue with its total and page count."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    filters: QueueFilters = field(default_factory=QueueFilters)


@lru_cache(maxsize=64)
def _due(kind: str, year: int) -> dt.date | None:
    from .deadlines import ghg_due_date

    return ghg_due_date(year) if kind == "ghg_annual_report" else None


def _latest_overdue_year(today: dt.date) -> int:
    """Return the last reporting year whose GHG report was due before ``today`` (due dates rise with years)."""
    year = today.year
    while _due("ghg_annual_report", year) is not None and _due("ghg_annual_report", year) >= today:  # type: ignore[operator]
        year -= 1
    return year


def queue_statement(scope: str, filters: QueueFilters, today: dt.date) -> Select[Any]:
    """Return the one query of a queue page: filings in scope joined with their summary, filtered and sorted."""
    region_scope = scope
    if filters.region:
        if in_scope(scope, filters.region):
            region_scope = filters.region
        elif not in_scope(filters.region, scope):  # a region outside the scope: nothing to show
            region_scope = "\x00"
    stmt = (
        select(Filing.id, Filing.kind, Filing.year, Enterprise.name, Enterprise.region_code,
               Enterprise.industry_code, Filing.status, Filing.last_submitted_at, QueueSummary.errors,
               QueueSummary.warnings, QueueSummary.notices, QueueSummary.unexplained, QueueSummary.rejected,
               QueueSummary.rule_ids)
        .join(Enterprise, Enterprise.id == Filing.enterprise_id)
        .outerjoin(QueueSummary, QueueSummary.filing_id == Filing.id)
        .where(Enterprise.in_region_scope(region_scope))
    )
    if filters.industry:
        stmt = stmt.where(func.substr(Enterprise.industry_code, 1, len(filters.industry)) == filters.industry)
    if filters.kind:
        stmt = stmt.where(Filing.kind == filters.kind)
    if filters.year is not None:
        stmt = stmt.where(Filing.year == filters.year)
    if filters.status:
        stmt = stmt.where(Filing.status == filters.status)
    if filters.rule:
        stmt = stmt.where(exists().where(RuleHit.filing_id == Filing.id, RuleHit.rule_id == filters.rule))
    if filters.overdue:
        # is_overdue in services/deadlines.py, as SQL: a GHG report still a draft after its due date.
        stmt = stmt.where(Filing.kind == "ghg_annual_report", Filing.status == "draft",
                          Filing.year <= _latest_overdue_year(today))
    column = SORTS.get(filters.sort, Filing.last_submitted_at)
    order = column.desc().nulls_last() if filters.descending else column.asc().nulls_last()
    return stmt.order_by(order, Filing.id.desc())


def queue(scope: str, filters: QueueFilters, today: dt.date) -> QueuePage:
    """Return one page (50 rows) of the filings in ``scope`` matching ``filters``."""
    page = max(filters.page, 1)
    stmt = queue_statement(scope, filters, today)
    # Two small queries beat one with COUNT(*) OVER (): the window makes SQLite materialise every row in
    # scope, while the page alone is read in index order from ix_filing_review_queue (measured: 20 → 2 ms).
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    result = db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    rows = []
    for r in result:
        due = _due(r.kind, r.year)
        rows.append(QueueRow(
            filing_id=r.id, kind=r.kind, year=r.year, enterprise=r.name, region_code=r.region_code,
            industry_code=r.industry_code, status=r.status, submitted_at=r.last_submitted_at, deadline=due,
            overdue=bool(due and r.status == "draft" and today > due),
            errors=r.errors, warnings=r.warnings, notices=r.notices,
            all_explained=None if r.unexplained is None else r.unexplained == 0, rejected=r.rejected,
            rule_ids=r.rule_ids or "",
        ))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return QueuePage(rows=rows, total=total, page=page, pages=pages, filters=filters)
