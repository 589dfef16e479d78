"""Deadlines of the obligations (reference-data.md §5), read from reference data, and extensions per enterprise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import DeadlineExtension


def ghg_due_date(reporting_year: int) -> dt.date:
    """Return the due date of a GHG annual report: 31 March of the next year (from reference data)."""
    from .reference import current_reference

    return current_reference().deadline("ghg_annual_report", reporting_year)


def extended_due_date(enterprise_id: int, kind: str, year: int) -> dt.date | None:
    """Return the due date extended for one enterprise's (kind, year), or None when none was granted."""
    return db.session.scalar(select(DeadlineExtension.due_on).where(
        DeadlineExtension.enterprise_id == enterprise_id, DeadlineExtension.kind == kind,
        DeadlineExtension.year == year))


def disclosure_due_date(reporting_year: int) -> dt.date:
    """Return the due date of an annual disclosure report: 15 March of the next year (reference-data.md §5)."""
    from ..calc.disclosure import DEADLINE_KEY
    from .reference import current_reference

    return current_reference().deadline(DEADLINE_KEY, reporting_year)


def adhoc_due_date(draft_json: str) -> dt.date | None:
    """Return an ad-hoc disclosure's due date: the 5th working day after its legal document was received."""
    from ..calc.disclosure import WorkingDays, adhoc_timing
    from ..domain.codec import document_from_json
    from ..domain.disclosure import EnvDisclosureAdhoc
    from .reference import current_reference

    document = document_from_json(draft_json)
    if not isinstance(document, EnvDisclosureAdhoc):
        return None
    received = document.document.received_on or document.document.date
    due: dt.date | None = adhoc_timing(0, document.trigger, received, None, WorkingDays(current_reference())).due_on
    return due


def due_for(kind: str, year: int, draft_json: str = "", enterprise_id: int | None = None) -> dt.date | None:
    """Return when a filing of ``kind`` and ``year`` is due (None: no deadline, as a voluntary audit).

    An extension granted to the enterprise (issue 18 item 3) replaces the reference deadline for that
    enterprise only."""
    if enterprise_id is not None:
        extended = extended_due_date(enterprise_id, kind, year)
        if extended is not None:
            return extended
    if kind == "ghg_annual_report":
        return ghg_due_date(year)
    if kind == "env_disclosure_annual_report":
        return disclosure_due_date(year)
    if kind == "env_disclosure_adhoc" and draft_json:
        return adhoc_due_date(draft_json)
    return None


def due_date(enterprise_id: int, kind: str, year: int, draft_json: str = "") -> dt.date | None:
    """Return the due date in force for one enterprise's filing: its extension, else the reference deadline."""
    return due_for(kind, year, draft_json, enterprise_id)


def is_overdue(kind: str, year: int, status: str, today: dt.date, draft_json: str = "",
               enterprise_id: int | None = None) -> bool:
    """Return whether a filing with a deadline is still a draft past its due date (an extension counts)."""
    if status != "draft":
        return False
    due = due_for(kind, year, draft_json, enterprise_id)
    return due is not None and today > due


@dataclass(frozen=True)
class Upcoming:
    """Describe an obligation falling due."""

    key: str
    due: dt.date


def upcoming(today: dt.date) -> list[Upcoming]:
    """Return the next due dates of the annual obligations after ``today``."""
    year = today.year - 1 if today <= ghg_due_date(today.year - 1) else today.year
    disclosure_year = today.year - 1 if today <= disclosure_due_date(today.year - 1) else today.year
    return [Upcoming("ghg_annual_report", ghg_due_date(year)),
            Upcoming("env_disclosure_annual_report", disclosure_due_date(disclosure_year))]
