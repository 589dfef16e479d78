"""Deadlines of the obligations (reference-data.md §5), read from reference data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def ghg_due_date(reporting_year: int) -> dt.date:
    """Return the due date of a GHG annual report: 31 March of the next year (from reference data)."""
    from .reference import current_reference

    return current_reference().deadline("ghg_annual_report", reporting_year)


def is_overdue(kind: str, year: int, status: str, today: dt.date) -> bool:
    """Return whether a GHG report is still a draft past its due date."""
    return kind == "ghg_annual_report" and status == "draft" and today > ghg_due_date(year)


@dataclass(frozen=True)
class Upcoming:
    """Describe an obligation falling due."""

    key: str
    due: dt.date


def upcoming(today: dt.date) -> list[Upcoming]:
    """Return the next due dates of the annual obligations after ``today``."""
    year = today.year - 1 if today <= ghg_due_date(today.year - 1) else today.year
    return [Upcoming("ghg_annual_report", ghg_due_date(year))]
