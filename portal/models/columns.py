"""Column and CHECK declarations that many tables share: references, timestamps, known values, hashes.

Each helper returns the same ``mapped_column`` the tables declared one by one before, so the schema (types,
foreign keys and their ``ON DELETE``, indexes, nullability from the ``Mapped`` annotation) is unchanged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, func
from sqlalchemy.orm import MappedColumn, mapped_column

from ..db import UTCDateTime, one_of


def inserted_at(**options: Any) -> MappedColumn[Any]:
    """Declare a timestamp the database sets to the moment the row is inserted."""
    return mapped_column(UTCDateTime(), server_default=func.now(), **options)


def timestamp() -> MappedColumn[Any]:
    """Declare a timestamp the code sets (NULL until then when the annotation allows None)."""
    return mapped_column(UTCDateTime())


def user_ref(ondelete: str = "RESTRICT", **options: Any) -> MappedColumn[Any]:
    """Declare a reference to a user account; a user someone acted as is kept (RESTRICT) unless told."""
    return mapped_column(ForeignKey("user_account.id", ondelete=ondelete), **options)


def filing_ref(ondelete: str = "RESTRICT", **options: Any) -> MappedColumn[Any]:
    """Declare a reference to a filing; a filing with records about it is kept (RESTRICT) unless told."""
    return mapped_column(ForeignKey("filing.id", ondelete=ondelete), **options)


def known_values(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """Declare the CHECK ``<column>_known``: the column holds one of ``values``."""
    return CheckConstraint(one_of(column, values), name=f"{column}_known")


def sha256_hex(column: str = "sha256") -> CheckConstraint:
    """Declare the CHECK ``<column>_length``: the column holds a SHA-256 in hexadecimal (64 characters)."""
    return CheckConstraint(f"length({column}) = 64", name=f"{column}_length")


def year_range() -> CheckConstraint:
    """Declare the CHECK ``year_range``: a reporting year the platform accepts (2000 to 2100)."""
    return CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range")
