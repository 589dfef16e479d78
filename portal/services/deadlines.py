"""Deadlines of the obligations (reference-data.md §5), read from reference data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def _month_day(key: str, year: int) -> tuple[int, int]:
    from .reference import current_reference

    value = str(current_reference().value(key, year))
    month, day = value.split("-")[-2:]
    return int(month), int(day)


def ghg_due_date(reporting_year: int) -> dt.date:
    """Return the due date of a GHG annual report: 31 March of the next year (from reference data)."""
    month, day = _month_day("deadline.ghg_annual_report", reporting_year)
    return dt.date(reporting_year + 1, month, day)


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
