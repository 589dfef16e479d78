"""Declare document fields: the one place a field's label, unit, code list, bounds and help text are written.

Each field of a canonical document (``documents.py``) carries ``metadata=info(...)``, most through one
call of :func:`optional`, :func:`flag`, :func:`rows` or :func:`nested` (a required field keeps
``field(metadata=info(...))``, so that type checkers still see it as required). ``schema.py`` walks
those declarations once into the field tree that the decoder, the validation, the web forms, the upload
workbook, the filing page, the review diff, the PDF and the Excel filing are all derived from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from .labels import UNITS, VALUE_SETS, Text, Unit, ValueSet

#: The limit of any number a document holds unless its field says otherwise: no plant reports 10¹⁵ of
#: anything, and a bound keeps absurd values (1E+26 t of coal, 1E+999999) out of arithmetic and storage.
MAX_MAGNITUDE = Decimal("1E15")
#: Integers fit a 32-bit signed database column.
MAX_INT = 2**31 - 1
#: Free text of one field: longer is a paste gone wrong, not a value.
DEFAULT_MAX_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Bounds:
    """Bound a number: each end open or closed, or absent.

    ``rule`` names the catalogue rule that reports a value outside the bounds as a finding when a document
    is *checked* (``portal check``, a stored draft): the national method's ranges (consumption > 0,
    oxidation rate in (0, 1]) are GHG-002/GHG-003 findings by the rules catalogue. Every *input* channel
    (form, workbook, API) refuses any value outside its field's bounds, with the same message.
    """

    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False
    rule: str | None = None

    def admits(self, value: Decimal | int) -> bool:
        """Return whether ``value`` lies within the bounds."""
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (self.high is not None and (value >= self.high if self.high_open else value > self.high))

    def describe(self) -> Text:
        """Return the condition a value must meet, e.g. "大于 0 且不大于 1" / "greater than 0 and at most 1"."""
        zh: list[str] = []
        en: list[str] = []
        if self.low is not None:
            low = _number(self.low)
            zh.append(f"大于 {low}" if self.low_open else f"不小于 {low}")
            en.append(f"greater than {low}" if self.low_open else f"at least {low}")
        if self.high is not None:
            high = _number(self.high)
            zh.append(f"小于 {high}" if self.high_open else f"不大于 {high}")
            en.append(f"less than {high}" if self.high_open else f"at most {high}")
        return Text(" 且".join(zh), " and ".join(en))


def _number(value: Decimal) -> str:
    text = format(value.normalize(), ",f") if abs(value) < 10**12 else f"{value:.0E}".replace("+", "")
    return "0" if text in ("-0", "0") else text


def between(low: str | int | None, high: str | int | None, *, low_open: bool = False, high_open: bool = False,
            rule: str | None = None) -> Bounds:
    """Return bounds from ``low`` to ``high`` (closed unless said open)."""
    return Bounds(None if low is None else Decimal(low), None if high is None else Decimal(high),
                  low_open, high_open, rule)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """Describe one document field for people and for validation (see :func:`info`)."""

    label: Text
    unit: Unit | None = None
    #: the reference code list a text value comes from ("fuel", "process", "product", "region", "industry"):
    #: unknown codes are findings (GHG-002, ENT-002/003), not refusals, so a filing can be saved
    codes: str | None = None
    #: the closed value set of a ``Literal`` field (its names come from labels.VALUE_SETS)
    values: ValueSet | None = None
    bounds: Bounds | None = None
    max_length: int | None = None
    #: most items a list may hold (an input beyond it is refused, naming the limit)
    max_items: int | None = None
    help: Text | None = None
    #: a number's display places where fixed (computed figures); None: as filed, aligned per column
    places: int | None = None
    #: the value is set by the portal, never typed (kind, schema_version, keys)
    fixed: bool = False
    #: the amendment of the format that added the field ("2026-12"); such a field is left out of the
    #: canonical JSON while it holds no value, so every document valid before keeps its bytes and its hash
    since: str | None = None


def info(zh: str, en: str, unit: str | None = None, *, values: str | None = None, help_zh: str | None = None,
         help_en: str | None = None, **options: Any) -> dict[str, Any]:
    """Return dataclass field metadata holding the field's :class:`FieldInfo`.

    ``unit`` and ``values`` are codes of the label catalogue (``labels.UNITS``, ``labels.VALUE_SETS``): a
    field names its unit, the catalogue spells it, so one unit reads the same everywhere. ``help_zh`` and
    ``help_en`` make its help text (English falls back to the Chinese). Every other option is the
    :class:`FieldInfo` attribute of that name (``codes``, ``bounds``, ``max_length``, ``max_items``,
    ``places``, ``fixed``, ``since``): a misspelt one fails at import. A field added by an amendment of
    schema_version 1 gives ``since`` (it must be optional, default None).
    """
    help_text = None if help_zh is None else Text(help_zh, help_en or help_zh)
    return {"info": FieldInfo(
        Text(zh, en),
        unit=None if unit is None else UNITS[unit],
        values=None if values is None else VALUE_SETS[values],
        help=help_text,
        **options,
    )}


# The declaration helpers return Any: a dataclass field is assigned a ``dataclasses.Field`` object, and the
# annotation beside it gives the field's type.
def optional(zh: str, en: str, unit: str | None = None, **options: Any) -> Any:
    """Declare a document field that may stay empty (default None): its :func:`info` in one call."""
    return dataclasses.field(default=None, metadata=info(zh, en, unit, **options))


def flag(zh: str, en: str, **options: Any) -> Any:
    """Declare a yes/no document field, false until set: its :func:`info` in one call."""
    return dataclasses.field(default=False, metadata=info(zh, en, **options))


def rows(zh: str, en: str, **options: Any) -> Any:
    """Declare a list field of a document, empty until filled: its :func:`info` in one call."""
    return dataclasses.field(default_factory=list, metadata=info(zh, en, **options))


def nested(part: Callable[[], Any], zh: str, en: str, **options: Any) -> Any:
    """Declare a document field holding a part of its own (a new, empty ``part`` by default)."""
    return dataclasses.field(default_factory=part, metadata=info(zh, en, **options))


def field_info(f: dataclasses.Field[Any]) -> FieldInfo:
    """Return the :class:`FieldInfo` declared on a dataclass field (a field without one is a programming error)."""
    found = f.metadata.get("info")
    if not isinstance(found, FieldInfo):
        raise TypeError(f"field {f.name} declares no info(...)")
    return found


@dataclass(frozen=True, slots=True)
class SectionDef:
    """Declare one section of a filing: the page of the forms, the heading of the PDF, the Excel sheet.

    ``fields`` are top-level document attributes, in the order they are shown. ``slug`` is the section's
    URL (``/filings/<id>/edit/<slug>``) and ``sheet`` its Excel sheet name (≤ 31 characters).
    """

    key: str
    slug: str
    sheet: str
    title: Text
    fields: tuple[str, ...]


def section(key: str, zh: str, en: str, fields: tuple[str, ...], *, slug: str | None = None,
            sheet: str | None = None) -> SectionDef:
    """Return a section declaration (slug defaults to the key with dashes, sheet to the Chinese title)."""
    return SectionDef(key, slug or key.replace("_", "-"), sheet or zh, Text(zh, en), fields)


@dataclass(frozen=True, slots=True)
class ComputedDef:
    """Declare one computed figure: its key in the results, label, unit and display places."""

    key: str
    label: Text
    unit: Unit | None
    places: int | None


def computed(key: str, zh: str, en: str, unit: str | None = None, places: int | None = None) -> ComputedDef:
    """Return a computed-figure declaration (the unit is a code of the label catalogue)."""
    return ComputedDef(key, Text(zh, en), None if unit is None else UNITS[unit], places)


_R = TypeVar("_R")


def per_class(compute: Callable[[type], _R]) -> Callable[[type], _R]:
    """Return ``compute`` computed once per class (``functools.cache`` for functions of a dataclass's type).

    Not ``functools.cache`` itself: its wrapper takes ``Hashable`` arguments, which mypy does not see a class as.
    """
    found: dict[type, _R] = {}

    def cached(cls: type) -> _R:
        try:
            return found[cls]
        except KeyError:
            value = found[cls] = compute(cls)
            return value

    cached.__doc__ = compute.__doc__
    return cached
