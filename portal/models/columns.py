"""Column declarations that many tables share: references to an account or a filing, and timestamps.

Each helper returns the same ``mapped_column`` the tables declared one by one before, so the schema (types,
foreign keys and their ``ON DELETE``, indexes, nullability from the ``Mapped`` annotation) is unchanged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, func
from sqlalchemy.orm import MappedColumn, mapped_column

from ..db import UTCDateTime


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
