"""Load the rows that belong to one parent record (a filing's attachments, a verification's findings).

A row asked for by its id is refused with :class:`NotFound` unless it belongs to the parent the caller
named: an id typed into a URL never reaches another filing's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import InstrumentedAttribute

from ..db import Base
from ..extensions import db
from .errors import NotFound

Child = TypeVar("Child", bound=Base)


def children(model: type[Child], parent: InstrumentedAttribute[int], parent_id: int,
             *criteria: ColumnElement[bool]) -> Sequence[Child]:
    """Return the rows of ``model`` whose ``parent`` column is ``parent_id`` (and meet ``criteria``), oldest first."""
    return db.session.scalars(select(model).where(parent == parent_id, *criteria)
                              .order_by(*inspect(model).primary_key)).all()


def child_or_404(model: type[Child], row_id: int, parent: InstrumentedAttribute[int], parent_id: int) -> Child:
    """Return row ``row_id`` of ``model`` if its ``parent`` column is ``parent_id``, else raise NotFound."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, parent.key) != parent_id:
        raise NotFound()
    return row
