"""Turn view values into the text the PDF prints (the Excel filing keeps the raw values), through domain.formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from portal.domain import formatting as fmt
from portal.domain.labels import EMPTY

from .labels import CodeLabels

if TYPE_CHECKING:
    from .view import Column

__all__ = ["EMPTY", "display", "name_of"]


def display(column: Column, value: Any, labels: CodeLabels | None = None, language: str = "zh") -> str:
    """Return the text shown for ``value`` in ``column``: the field's formatter, the column's decimals."""
    if fmt.is_empty(value):
        return EMPTY
    if column.node is not None:
        return fmt.value(column.node, value, language, labels, places=column.places)
    if isinstance(value, bool):
        return fmt.value_of_bool(value, language)
    if column.kind == "year" and isinstance(value, int):
        return fmt.year(value)
    if isinstance(value, (int, float, Decimal)):
        return fmt.number(value, column.places)
    if isinstance(value, dt.datetime):
        return fmt.datetime(value)
    if isinstance(value, dt.date):
        return fmt.date(value)
    return str(value)


def name_of(column: Column, value: Any, labels: CodeLabels | None = None) -> str | None:
    """Return the name of a coded value (the Excel filing's "名称" column), or None."""
    if column.node is None:
        return None
    return fmt.name_of(column.node, value, "zh", labels)
