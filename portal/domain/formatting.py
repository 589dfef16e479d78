"""Print values the one way: numbers, rates, dates in China time, units, codes, yes/no — for every view.

The filing page, the review diff, the PDF, the Excel filing's name columns, finding messages and the
dashboard all print through these functions, so one number reads the same wherever it appears:
thousands separated, with the decimals it was filed with (or its field's fixed places), rates as
``50.0%``, dates ``YYYY-MM-DD``, times in Asia/Shanghai, a year never grouped (2024, not 2,024).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from . import codes as code_tables
from .labels import EMPTY, NO, YES, Language, Text, Unit
from .schema import Field

#: every date and time a filing prints is China time (the filing deadlines are dates in China)
CHINA_TZ = ZoneInfo("Asia/Shanghai")

#: names of reference codes by list ("fuel", "process", "product") → code → name (renderers get them
#: from reference data; region and industry names are read from the domain's own code tables)
CodeNames = Mapping[str, Mapping[str, Text]]

#: beyond this many integer digits a number is printed as filed: 1E+26 must not become 27 digits of zeros
_MAX_DIGITS = 18


def _absurd(number: Decimal) -> bool:
    return not number.is_finite() or number.adjusted() > _MAX_DIGITS


def places_of(value: Decimal | int | float) -> int:
    """Return the number of decimals ``value`` was written with (0 for an integer)."""
    if isinstance(value, (int, bool)):
        return 0
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    exponent = number.as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def number(value: Decimal | int | float, places: int | None = None, *, grouping: bool = True) -> str:
    """Return a number for people: ``1,067,866``; ``346,681.84``; ``0.02618`` keeps its five decimals.

    ``places`` fixes the decimals (rounded half up, 四舍五入); without it the number keeps the decimals it
    was filed or computed with — a factor is never rounded for display.
    """
    if isinstance(value, bool):  # bool is an int: never print True as 1
        return YES.zh if value else NO.zh
    number_ = value if isinstance(value, Decimal) else Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if _absurd(number_):
        return str(number_)
    if places is not None:
        try:
            number_ = number_.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return str(number_)
    if number_.is_zero():
        number_ = number_.copy_abs()  # never print -0 or -0.00
    return format(number_, ",f" if grouping else "f")


def percent(fraction: Decimal | int | float | None, places: int | None = 1) -> str:
    """Return a fraction as a percentage: ``0.5`` → ``50.0%`` (the one way rates are printed)."""
    if fraction is None or isinstance(fraction, bool):
        return EMPTY
    exact = Decimal(repr(fraction)) if isinstance(fraction, float) else Decimal(fraction)
    return number(exact * 100, 1 if places is None else places, grouping=False) + "%"


def percent_points(value: Decimal | int | float | None, places: int | None = 1) -> str:
    """Return a figure already in per cent as :func:`percent` prints rates: ``50`` → ``50.0%`` (never "50 %")."""
    if value is None or isinstance(value, bool):
        return EMPTY
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return percent(exact / 100, places)


def year(value: int | None) -> str:
    """Return a year as a label: ``2024`` (never ``2,024``)."""
    return EMPTY if value is None else str(value)


def date(value: dt.date | None) -> str:
    """Return a date as ``YYYY-MM-DD`` ("—" for none); a datetime is first put in China time."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        return china_time(value).date().isoformat()
    return value.isoformat()


def china_time(moment: dt.datetime) -> dt.datetime:
    """Return an aware moment in Asia/Shanghai (a naive one is taken as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA_TZ)


def datetime(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """Return a moment in China time: ``2025-03-20 14:30`` ("—" for none)."""
    if moment is None:
        return EMPTY
    return china_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def today_in_china(now: dt.datetime | None = None) -> dt.date:
    """Return today's date in China (filing dates and deadlines are China dates)."""
    return china_time(now or dt.datetime.now(dt.UTC)).date()


def unit_text(unit: Unit | None, language: Language = "zh") -> str:
    """Return a unit as printed in ``language`` ("" for none)."""
    return "" if unit is None else unit.get(language)


def with_unit(label: Text, unit: Unit | None, language: Language = "zh") -> str:
    """Return "标签（单位）" / "Label (unit)": how a column or a field is headed everywhere."""
    text = label.get(language)
    if unit is None:
        return text
    return f"{text} ({unit.en})" if language == "en" else f"{text}（{unit.zh}）"


def code_name(codes: str | None, value: Any, names: CodeNames | None = None) -> Text | None:
    """Return the name of a reference code (fuel, process, product, region, industry), or None."""
    if not isinstance(value, str) or not value or codes is None:
        return None
    if codes == "region":
        found = code_tables.region_full_name(value)
        return None if found is None else Text(found, found)
    if codes == "industry":
        found = code_tables.industry_name(value)
        return None if found is None else Text(found, found)
    if names is not None:
        return names.get(codes, {}).get(value)
    return None


def value_of_bool(value: bool, language: Language = "zh") -> str:
    """Return 是/否 (Yes/No)."""
    return (YES if value else NO).get(language)


def is_empty(value: Any) -> bool:
    """Return whether a value prints as "—" (none, empty text, an empty list)."""
    return value is None or value == "" or value == []


def value(node: Field, raw: Any, language: Language = "zh", names: CodeNames | None = None, *,
          places: int | None = None) -> str:
    """Return one document value as printed for field ``node``: the one formatter of every view.

    Codes print with their name (``烟煤（bituminous）``), choices by name, lists joined, booleans 是/否,
    years ungrouped, numbers grouped with the field's fixed places or ``places`` (a column's alignment).
    """
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, bool):
        return (YES if raw else NO).get(language)
    kind = node.kind
    if kind == "list":
        item = node.children[0]
        separator = ", " if language == "en" else "、"
        return separator.join(value(item, element, language, names) for element in raw)
    if kind == "integer" and node.name.endswith("year"):
        return year(raw)
    if isinstance(raw, (Decimal, int, float)):
        return number(raw, node.places if node.places is not None else places)
    if isinstance(raw, dt.datetime):
        return datetime(raw)
    if isinstance(raw, dt.date):
        return date(raw)
    if kind == "choice" and node.values is not None:
        return node.values.label(raw, language) or str(raw)
    if kind == "code":
        name = code_name(node.codes, raw, names)
        if name is None:
            return str(raw)
        return f"{name.get(language)} ({raw})" if language == "en" else f"{name.zh}（{raw}）"
    return str(raw)


def name_of(node: Field, raw: Any, language: Language = "zh", names: CodeNames | None = None) -> str | None:
    """Return the name of a coded value (the Excel filing's 名称 column), or None for an uncoded one."""
    if is_empty(raw):
        return None
    if node.kind == "list":
        item = node.children[0]
        separator = ", " if language == "en" else "、"
        return separator.join(name_of(item, element, language, names) or str(element) for element in raw) or None
    if node.kind == "choice" and node.values is not None:
        return node.values.label(raw, language)
    if node.kind == "code":
        found = code_name(node.codes, raw, names)
        return None if found is None else found.get(language)
    return None


def column_places(values: Iterable[Any]) -> int | None:
    """Return the decimals a column of filed numbers prints with: the most any of them has (None: no numbers).

    One format per column, and nothing filed is hidden: 160000 and 22.80 in one column print as
    160,000.00 and 22.80.
    """
    found = [places_of(v) for v in values if isinstance(v, (Decimal, int, float)) and not isinstance(v, bool)]
    return min(max(found), 8) if found else None
