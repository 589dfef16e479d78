"""Read rule parameters from reference data, once per key and year, for one evaluation.

Every threshold, date, factor and code list a rule uses is a year-versioned :class:`Parameter`
(reference-data.md: "No number from this file is a literal in rule or calculation code"). The rule
packs never call ``ref.value`` directly: they go through a :class:`Params` view, which caches each
value for the evaluation of one document, so a rule that runs over 500 lines looks a value up once.
"""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import Decimal
from typing import Any

from portal.reference.types import ReferenceData, int_value

#: The parameter that fixes the first reportable year (GHG-001). It is also the year used to read the
#: other parameters for a document dated before it, so such a document is still checked completely.
FIRST_YEAR_KEY = "GHG-001.first_year"
_LATEST = 9999  # "the latest version" of a parameter (the lookup takes the greatest from_year ≤ year)


class ParameterMissing(LookupError):
    """Report that a rule parameter is not in the reference data for a year."""


def _lookup(ref: ReferenceData, key: str, year: int) -> Any:
    try:
        return ref.value(key, year)
    except (LookupError, ValueError) as exc:
        raise ParameterMissing(f"rule parameter {key!r} is not defined for {year}") from exc


class Params:
    """Hold the parameters in force for one document year, looked up lazily and cached."""

    __slots__ = ("ref", "year", "_cache", "_codes", "_prefixes", "_mappings")

    def __init__(self, ref: ReferenceData, year: int) -> None:
        self.ref = ref
        self.year = self._effective_year(ref, year)
        self._cache: dict[str, Any] = {}
        self._codes: dict[str, frozenset[str]] = {}
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._mappings: dict[str, dict[str, tuple[str, ...]]] = {}

    @staticmethod
    def _effective_year(ref: ReferenceData, year: int) -> int:
        """Return ``year``, or the first reportable year when ``year`` predates every version."""
        try:
            first = int_value(ref.value(FIRST_YEAR_KEY, _LATEST))
        except (LookupError, ValueError):
            return year
        return max(year, first)

    def get(self, key: str) -> Any:
        """Return the value of ``key`` in force for this view's year."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = _lookup(self.ref, key, self.year)
            return value

    def at(self, key: str, year: int) -> Any:
        """Return the value of ``key`` in force for another ``year`` (e.g. the previous report's)."""
        return _lookup(self.ref, key, self._effective_year(self.ref, year))

    def dec(self, key: str) -> Decimal:
        """Return a decimal parameter."""
        value = self.get(key)
        return value if isinstance(value, Decimal) else Decimal(str(value))

    def int(self, key: str) -> int:
        """Return an integer parameter."""
        return int(self.get(key))

    def date(self, key: str) -> dt.date:
        """Return a date parameter."""
        value = self.get(key)
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

    def codes(self, key: str) -> frozenset[str]:
        """Return a list parameter as a frozen set of codes (cached)."""
        try:
            return self._codes[key]
        except KeyError:
            parsed = self._codes[key] = frozenset(str(v) for v in self.get(key))
            return parsed

    def prefixes(self, key: str) -> tuple[str, ...]:
        """Return a list parameter of industry-code prefixes, longest first (cached)."""
        try:
            return self._prefixes[key]
        except KeyError:
            parsed = self._prefixes[key] = tuple(sorted((str(v) for v in self.get(key)), key=len, reverse=True))
            return parsed

    def matches(self, key: str, code: str | None) -> bool:
        """Return whether an industry ``code`` falls under one of the prefixes listed in ``key``."""
        if not code:
            return False
        return code.startswith(self.prefixes(key))

    def mapping(self, key: str) -> dict[str, tuple[str, ...]]:
        """Return a list parameter of ``"code:a|b"`` entries as ``{code: (a, b)}`` (cached)."""
        try:
            return self._mappings[key]
        except KeyError:
            out: dict[str, tuple[str, ...]] = {}
            for entry in self.get(key):
                code, _, rest = str(entry).partition(":")
                out[code.strip()] = tuple(part.strip() for part in rest.split("|") if part.strip())
            self._mappings[key] = out
            return out

    def due_date(self, key: str, year: builtins.int) -> dt.date | None:
        """Return the due date of a ``"MM-DD"`` parameter in ``year`` (e.g. 31 March of N+1).

        None when ``year`` is not a calendar year a date can hold (a mistyped reporting year, GHG-001).
        """
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return None
        month, day = (int(part) for part in str(self.get(key)).split("-"))
        return dt.date(year, month, day)
