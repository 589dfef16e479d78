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


def due_date(enterprise_id: int, kind: str, year: int) -> dt.date | None:
    """Return the due date in force for one enterprise's filing: its extension, else the reference deadline."""
    extended = extended_due_date(enterprise_id, kind, year)
    if extended is not None:
        return extended
    return ghg_due_date(year) if kind == "ghg_annual_report" else None


def is_overdue(kind: str, year: int, status: str, today: dt.date, enterprise_id: int | None = None) -> bool:
    """Return whether a GHG report is still a draft past its due date (the enterprise's extension counts)."""
    if kind != "ghg_annual_report" or status != "draft":
        return False
    due = due_date(enterprise_id, kind, year) if enterprise_id is not None else ghg_due_date(year)
    return due is not None and today > due


@dataclass(frozen=True)
class Upcoming:
    """Describe an obligation falling due."""

    key: str
    due: dt.date


def upcoming(today: dt.date) -> list[Upcoming]:
    """Return the next due dates of the annual obligations after ``today``."""
    year = today.year - 1 if today <= ghg_due_date(today.year - 1) else today.year
    return [Upcoming("ghg_annual_report", ghg_due_date(year))]
