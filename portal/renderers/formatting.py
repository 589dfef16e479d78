"""Turn document values into the text printed in the PDF (the Excel filing keeps the raw values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .labels import CodeLabels, choice_label, code_label

if TYPE_CHECKING:
    from .view import Column

EMPTY = "—"


def format_number(value: Decimal | int | float) -> str:
    """Return a number with thousands separators and exactly the decimals it was filed or computed with.

    ``Decimal("1067866")`` → ``1,067,866``; ``Decimal("346681.84")`` → ``346,681.84``; ``Decimal("0.02618")``
    keeps all five decimals (a factor is never rounded for display).
    """
    if isinstance(value, bool):  # bool is an int: never print True as 1
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = format(value, ",f")
        return "0" if text == "-0" else text
    if isinstance(value, int):
        return format(value, ",d")
    return format(Decimal(repr(value)), ",f")


def display(column: Column, value: Any, labels: CodeLabels | None = None) -> str:
    """Return the text shown for ``value`` in ``column``: names for codes, 是/否 for booleans, ``—`` for none."""
    if value is None or value == "" or value == []:
        return EMPTY
    kind = column.kind
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind == "year" and isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | int | float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "code":
        name = code_label(column.codes, value, labels)
        return f"{name}（{value}）" if name else str(value)
    if kind == "choice":
        return choice_label(value) or str(value)
    if kind == "choices" and isinstance(value, list | tuple):
        return "、".join(choice_label(v) or str(v) for v in value)
    return str(value)


def name_of(column: Column, value: Any, labels: CodeLabels | None = None) -> str | None:
    """Return the name of a coded value (the Excel filing's "名称" column), or None."""
    if value is None:
        return None
    if column.kind == "code":
        return code_label(column.codes, value, labels)
    if column.kind == "choice":
        return choice_label(value)
    if column.kind == "choices" and isinstance(value, list | tuple):
        return "、".join(choice_label(v) or str(v) for v in value) or None
    return None
