"""Turn the raw values a spreadsheet reader returns into the typed values of a document — in one place.

python-calamine returns every number as a ``float``, date cells as ``date``/``datetime``, booleans as
``bool`` and everything else as ``str``; a filer may also type a number or a date as text. Each function
here takes any such value and returns the field's type or raises :class:`CellValueError` with a bilingual
message. Floats become Decimals through ``repr`` — the shortest text that reads back as the same float — so
12.3 stays 12.3 (``Decimal(12.3)`` would be 12.300000000000000710…).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from portal.domain.sheets import Column


class CellValueError(ValueError):
    """Report why a cell's value does not fit its column, in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(message_en)


_TRUE = {"是", "true", "yes", "y", "1", "√", "✓"}
_FALSE = {"否", "false", "no", "n", "0", "×"}
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_EXACT_FLOAT_INT = float(2**53)
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


_DROPDOWN = re.compile(r".*[（(]\s*([^（）()\s]+)\s*[）)]")


def dropdown_entry(code: str, name: str) -> str:
    """Return what an upload template's dropdown shows for a code: "烟煤（bituminous）" (the name first)."""
    return f"{name}（{code}）" if name and name != code else code


def dropdown_code(text: str) -> str:
    """Return the code of a dropdown entry ("烟煤（bituminous）" → "bituminous"); other text unchanged."""
    m = _DROPDOWN.fullmatch(text)
    return m.group(1) if m else text


def is_blank(value: Any) -> bool:
    """Return whether a cell counts as empty (None, or text of white space only)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", value).strip().replace("\u2212", "-")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def to_decimal(value: Any) -> Decimal:
    """Return a cell as an exact Decimal: floats via ``repr``, text with full-width digits and 1,234 grouping."""
    if value.__class__ is float:  # the common case first: calamine returns every number as a float
        if not math.isfinite(value):
            raise CellValueError("应为有限数值", "expected a finite number")
        return Decimal(repr(value))
    if isinstance(value, bool):
        raise CellValueError("应为数值，实为是/否", "expected a number, got a yes/no value")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = _text(value).replace(" ", "")
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        if _PLAIN_NUMBER.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:
                pass
    raise CellValueError(f"应为数值，实为“{_shown(value)}”", f"expected a number, got '{_shown(value)}'")


def to_int(value: Any) -> int:
    """Return a cell as an integer (a float must be whole: 2024.0 is 2024, 2024.5 is refused)."""
    # The common case (every year key) without a Decimal; only below 2**53, where repr() spells the float's
    # exact integer (1e23 is 99999999999999991611392.0 but reads as Decimal("1E+23") in to_decimal).
    if value.__class__ is float and value.is_integer() and -_EXACT_FLOAT_INT < value < _EXACT_FLOAT_INT:
        return int(value)
    try:
        number = to_decimal(value)
    except CellValueError:
        raise CellValueError(f"应为整数，实为“{_shown(value)}”", f"expected a whole number, got '{_shown(value)}'") from None
    if number != number.to_integral_value():
        raise CellValueError(f"应为整数，实为 {number}", f"expected a whole number, got {number}")
    return int(number)


def to_bool(value: Any) -> bool:
    """Return a cell as a boolean: 是/否, TRUE/FALSE, yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value in (0.0, 1.0):
        return value == 1.0
    if isinstance(value, str):
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellValueError(f"应为“是”或“否”，实为“{_shown(value)}”", f"expected 是 (yes) or 否 (no), got '{_shown(value)}'")


def to_date(value: Any) -> dt.date:
    """Return a cell as a date: a date cell, or text 2024-01-05, 2024/1/5 or 2024年1月5日."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellValueError(f"应为日期（不含时间），实为 {value}", f"expected a date without a time, got {value}")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (m := _DATE_TEXT.fullmatch(_text(value))):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise CellValueError(f"应为日期 YYYY-MM-DD，实为“{_shown(value)}”", f"expected a date YYYY-MM-DD, got '{_shown(value)}'")


def to_text(value: Any, *, strip: bool = False) -> str:
    """Return a cell as text; a whole number typed into a text column (a phone number) loses its ".0"."""
    if isinstance(value, str):
        return _text(value) if strip else value
    if isinstance(value, bool):
        raise CellValueError("应为文本，实为是/否", "expected text, got a yes/no value")
    if isinstance(value, float):
        if abs(value) >= 1e15:  # an 18-digit code typed into a General cell: Excel kept only 15 digits
            raise CellValueError("数字位数过多，Excel 已丢失末尾几位；请把该单元格设为“文本”格式后重新输入",
                                 "too many digits: Excel dropped the last ones; format the cell as Text and type it again")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    raise CellValueError(f"应为文本，实为“{_shown(value)}”", f"expected text, got '{_shown(value)}'")


def to_choice(value: Any, allowed: tuple[str, ...]) -> str:
    """Return a cell holding one of ``allowed`` (checked here: Excel does not enforce its dropdowns).

    The dropdown's entry ("中/高费（medium_high）") is read as its code.
    """
    text = to_text(value, strip=True)
    if text not in allowed:
        text = dropdown_code(text)
    if text not in allowed:
        listed = ", ".join(allowed)
        raise CellValueError(f"取值“{_shown(text)}”无效，应为 {listed} 之一",
                             f"invalid value '{_shown(text)}'; expected one of {listed}")
    return text


def to_choices(value: Any, allowed: tuple[str, ...]) -> list[str]:
    """Return a cell of comma-separated codes as a list, each one checked."""
    parts = [p for p in _LIST_SPLIT.split(to_text(value, strip=True)) if p]
    return [to_choice(p, allowed) for p in parts]


def to_texts(value: Any) -> list[str]:
    """Return a cell of comma-separated identifiers (outlet codes …) as a list of texts."""
    return [p for p in _LIST_SPLIT.split(to_text(value, strip=True)) if p]


def _iso_date(value: Any) -> str:
    return to_date(value).isoformat()


def converter(column: Column) -> Callable[[Any], Any]:
    """Return the function turning a non-blank cell of ``column`` into its typed value (see ``cell_value``).

    Chosen once per column and sheet, not per cell: an import converts ~180,000 cells.
    """
    if column.type == "decimal":
        return to_decimal
    if column.type == "int":
        return to_int
    if column.type == "bool":
        return to_bool
    if column.type == "date":
        return _iso_date
    if column.type == "choice":
        return partial(to_choice, allowed=column.choices)
    if column.type == "choices":
        return partial(to_choices, allowed=column.choices)
    if column.type == "texts":
        return to_texts
    # Codes and keys are compared, so white space around them is noise; free text is kept as typed.
    if column.codes is not None:
        return _to_code
    return partial(to_text, strip=False)


def _to_code(value: Any) -> str:
    """Return a code cell: typed as the code, or chosen from the dropdown as "烟煤（bituminous）"."""
    return dropdown_code(to_text(value, strip=True))


def cell_value(column: Column, value: Any) -> Any:
    """Return a non-blank cell as the typed value of its column (JSON-ready: dates as ISO text)."""
    return converter(column)(value)
