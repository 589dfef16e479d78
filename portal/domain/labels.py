"""The one label catalogue: units, closed value sets, filing kinds, statuses and severities, in Chinese and English.

Field labels live beside their fields (``info(...)`` in ``documents.py``); everything else a filing prints
by name is here, once (the names themselves are data, in ``data/labels.toml``, read at import). The screen, the PDF, the Excel filing, the upload template, the review diff and the
API messages all read these tables — a second label table anywhere is a defect (tests grep for one).

Names of *reference* code lists (fuels, processes, products; regions and industries) are not here: they
are data with a source and a status (``portal/reference/data``, ``domain/data``), and are looked up there.
Pure standard library: the web layer chooses the language when it draws a page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

Language = str  # "zh" or "en"


class _Bilingual:
    """Give a holder of ``zh`` and ``en`` its text in a language; it prints as its Chinese."""

    __slots__ = ()
    zh: str
    en: str

    def get(self, language: Language) -> str:
        """Return the text in ``language`` ("en" gives English, anything else Chinese)."""
        return self.en if language == "en" else self.zh

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True, slots=True)
class Text(_Bilingual):
    """Hold one text in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Unit(_Bilingual):
    """Hold a unit of measure as printed in Chinese and in English (ASCII where both read the same)."""

    code: str
    zh: str
    en: str


# The catalogue's tables are data: they live in ``data/labels.toml`` (the units, then every closed value
# set, in order), read once at import; this module gives each row its type.
_DATA_FILE = "labels.toml"
_TABLE: dict[str, Any] = tomllib.loads(
    resources.files(__package__).joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
)


def _strings(row: object, lengths: tuple[int, ...], where: str) -> tuple[str, ...]:
    """Return one row of the table as strings, or fail naming the row (a broken table must not load)."""
    if not isinstance(row, list) or len(row) not in lengths or not all(isinstance(x, str) for x in row):
        raise ValueError(f"{_DATA_FILE}: {where}: expected {' or '.join(map(str, lengths))} strings, got {row!r}")
    return tuple(row)


#: Every unit a filing prints, by code. Emission figures: CO2 from combustion, electricity and heat is
#: tCO2; process lines and every total that may hold them (PFCs are CO2 equivalents) are tCO2e.
UNITS: Mapping[str, Unit] = MappingProxyType(
    {u.code: u for u in (Unit(*_strings(row, (3,), "units")) for row in _TABLE["units"])}
)


#: how a document's decoder names the type a field expects, by the field's kind ("object" for any other)
EXPECTED_TYPES: Mapping[str, Text] = MappingProxyType(
    {kind: Text(zh, en)
     for kind, zh, en in (_strings(row, (3,), "expected_types") for row in _TABLE["expected_types"])}
)


def unit(code: str) -> Unit:
    """Return the unit of that code (a KeyError names a unit missing from the catalogue)."""
    return UNITS[code]


@dataclass(frozen=True, slots=True)
class Choice:
    """Hold the name of one value of a closed value set, and its unit where the value names a quantity."""

    value: str
    zh: str
    en: str
    unit: str | None = None  # a unit code (indicator codes carry their unit)

    @property
    def text(self) -> Text:
        """Return the name as a :class:`Text`."""
        return Text(self.zh, self.en)


@dataclass(frozen=True)
class ValueSet:
    """Hold a closed set of values (a ``Literal`` of the filing format) with their names, in order."""

    name: str
    choices: tuple[Choice, ...]
    _by_value: Mapping[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_value", MappingProxyType({c.value: c for c in self.choices}))

    def __iter__(self) -> Iterator[Choice]:
        return iter(self.choices)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    @property
    def values(self) -> tuple[str, ...]:
        """Return the values in order."""
        return tuple(c.value for c in self.choices)

    def get(self, value: object) -> Choice | None:
        """Return the choice of ``value``, or None for a value outside the set."""
        return self._by_value.get(value) if isinstance(value, str) else None

    def names(self) -> dict[str, tuple[str, str]]:
        """Return each value's Chinese and English name, by value."""
        return {c.value: (c.zh, c.en) for c in self.choices}

    def label(self, value: object, language: Language = "zh") -> str | None:
        """Return the name of ``value`` in ``language``, or None for a value outside the set."""
        choice = self.get(value)
        return None if choice is None else (choice.en if language == "en" else choice.zh)


def _value_set(name: str, rows: list[object]) -> ValueSet:
    return ValueSet(name, tuple(Choice(*_strings(row, (3, 4), name)) for row in rows))


#: every closed value set, by name
VALUE_SETS: Mapping[str, ValueSet] = MappingProxyType(
    {name: _value_set(name, rows) for name, rows in _TABLE["value_sets"].items()}
)

KINDS = VALUE_SETS["kind"]
FILING_STATUSES = VALUE_SETS["filing_status"]
SEVERITIES = VALUE_SETS["severity"]

#: words a filing prints around its values
YES = Text("是", "Yes")
NO = Text("否", "No")
EMPTY = "—"
ROW = Text("第{n}行", "row {n}")
WHOLE_DOCUMENT = Text("整份文书", "the whole document")


def kind_name(kind: str, language: Language = "zh") -> str:
    """Return the name of a filing kind (the code itself for an unknown kind)."""
    return KINDS.label(kind, language) or kind


def status_name(status: str, language: Language = "zh") -> str:
    """Return the name of a filing status (the code itself for an unknown status)."""
    return FILING_STATUSES.label(status, language) or status


def severity_name(severity: str, language: Language = "zh") -> str:
    """Return the name of a finding severity."""
    return SEVERITIES.label(severity, language) or severity


def row_text(index: int) -> Text:
    """Return "第 n 行" / "row n" for a 0-based list index."""
    return Text(ROW.zh.format(n=index + 1), ROW.en.format(n=index + 1))
