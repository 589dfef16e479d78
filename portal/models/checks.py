"""CHECK constraints that many tables share: known values, SHA-256 hashes, years, named targets.

Each helper returns the constraint the tables declared one by one before, under the same name (the naming
convention prefixes ``ck_<table>_``), so the schema is unchanged.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint

from ..db import one_of


def known_values(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """Declare the CHECK ``<column>_known``: the column holds one of ``values``."""
    return CheckConstraint(one_of(column, values), name=f"{column}_known")


def sha256_hex(column: str = "sha256") -> CheckConstraint:
    """Declare the CHECK ``<column>_length``: the column holds a SHA-256 in hexadecimal (64 characters)."""
    return CheckConstraint(f"length({column}) = 64", name=f"{column}_length")


def year_range() -> CheckConstraint:
    """Declare the CHECK ``year_range``: a reporting year the platform accepts (2000 to 2100)."""
    return CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range")


def target_named() -> CheckConstraint:
    """Declare the CHECK ``target_named``: a row about part of a filing names that part (``target``)."""
    return CheckConstraint("target_type = 'filing' OR length(target) > 0", name="target_named")
