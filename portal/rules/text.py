"""Format the values that go into finding messages (only ever called once a finding fires)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from portal.domain.fields import FieldInfo, field_info, per_class
from portal.domain.labels import VALUE_SETS

_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 9)}


#: Beyond this many integer digits a number is shown as-is (scientific): a typo like 1E+999 must not turn
#: into a thousand-digit message, nor make quantize raise.
_MAX_DIGITS = 18


def _absurd(number: Decimal) -> bool:
    return not number.is_finite() or number.adjusted() > _MAX_DIGITS


def fixed(value: Decimal | int, places: int) -> str:
    """Return ``value`` with exactly ``places`` decimals (ROUND_HALF_UP), e.g. ``420.000``."""
    number = Decimal(value)
    if _absurd(number):
        return str(number)
    return format(number.quantize(_QUANTA[places], rounding=ROUND_HALF_UP), "f")


def plain(value: Decimal | int, max_places: int = 6) -> str:
    """Return ``value`` without trailing zeros but with at least one decimal, e.g. ``285.0``, ``17.802``."""
    number = Decimal(value)
    if _absurd(number):
        return str(number)
    text = format(number.quantize(_QUANTA[max_places], rounding=ROUND_HALF_UP).normalize(), "f")
    if "." not in text:
        text += ".0"
    return "0.0" if text in ("-0.0",) else text


def amount(value: Decimal | int | None) -> str:
    """Return a quantity as typed or computed, without exponent or trailing zeros (``1E+5`` → ``100000``).

    A value not filed (None) is a dash, as on the page.
    """
    if value is None:
        return "—"
    number = Decimal(value)
    if _absurd(number):
        return str(number)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def pct(fraction: Decimal, places: int = 1) -> str:
    """Return a fraction as a percentage, e.g. ``0.153`` → ``15.3%``."""
    return fixed(fraction * 100, places) + "%"


def excess(value: Decimal, limit: Decimal) -> tuple[str, str]:
    """Return "（超出 25.0%）" / " (by 25.0%)" for a value above a limit ("" for a limit of 0)."""
    if limit <= 0:
        return "", ""
    share = pct((value - limit) / limit)
    return f"（超出 {share}）", f" (by {share})"


def band(low: Decimal, high: Decimal) -> str:
    """Return a plausibility band as ``low–high``."""
    return f"{plain(low)}–{plain(high)}"


def iso(day: dt.date | None) -> str:
    """Return a date as YYYY-MM-DD ("—" when absent)."""
    return day.isoformat() if day is not None else "—"


def is_gas_unit(unit: str) -> bool:
    """Return whether a fuel unit is 10⁴ Nm³ (gases) rather than tonnes."""
    return unit.strip().lower() not in ("t", "吨")


def fuel_unit_zh(unit: str) -> str:
    """Return the Chinese label of a fuel's unit."""
    return "万Nm³" if is_gas_unit(unit) else "t"


def fuel_unit_en(unit: str) -> str:
    """Return the English label of a fuel's unit."""
    return "10⁴Nm³" if is_gas_unit(unit) else "t"


def relative_difference(value: Decimal, reference: Decimal) -> Decimal | None:
    """Return ``|value − reference| / |reference|``; None when the reference is 0 and the value too."""
    if reference == 0:
        return None if value == 0 else Decimal(1)
    return abs(value - reference) / abs(reference)


#: how a message names a pollutant, (Chinese, English) by code
_POLLUTANT_NAMES = VALUE_SETS["pollutant_in_text"].names()


def pollutant_names(code: str) -> tuple[str, str]:
    """Return the Chinese and English names of a pollutant by its code or its field (``so2_t`` is ``so2``)."""
    return _POLLUTANT_NAMES[code.removesuffix("_t")]


@per_class
def _infos(cls: type) -> dict[str, FieldInfo]:
    return {f.name: field_info(f) for f in dataclasses.fields(cls)}


def label(obj: object, name: str) -> tuple[str, str]:
    """Return the Chinese and English labels of field ``name`` of a document object (its declaration)."""
    found = _infos(type(obj))[name].label
    return found.zh, found.en


def unit(obj: object, name: str) -> str:
    """Return the unit of field ``name`` of a document object as printed in Chinese, or "" when it has none."""
    found = _infos(type(obj))[name].unit
    return found.zh if found is not None else ""
