"""Reference data read from the versioned data files shipped inside the package.

``portal check`` works with no database: it reads ``portal/reference/data/`` through
:class:`FileReference`. The web portal seeds its database from the same files (``all_fuels()`` …
``all_params()``) and lets administrators correct values there. Every value carries its source and a
status (C = seen in a published source, U = unconfirmed), exactly as reference-data.md marks it.

Files (all JSON, numbers read as exact ``Decimal``):

``fuels.json``
    fuel defaults in both editions, the industry → edition map, the plausibility-band rules.
``processes.json``, ``products.json``
    process factors (§2) and products with energy-efficiency levels and bands (§4).
``parameters.json`` and ``rule-parameters.json``
    year-versioned parameters, one format: ``{"key", "from_year", "value", "type", "status", "source"}``
    with ``type`` one of decimal, int, str, bool, date, list. The second file belongs to the rules.
``industry-products.json``
    industry → benchmark products (§4). A mapping does not fit a parameter value, so it has its own file
    and accessor (:meth:`FileReference.industry_products`); it is also exposed as the list parameter
    ``industries.benchmark_products`` of ``"industry:product|product"`` entries for required products.
``cp-industries.json``
    key clean-production industries → GB/T 4754 prefixes (§6), accessor
    :meth:`FileReference.key_cp_industry`; each group is also the list parameter
    ``industries.key_cp.<code>``.
``holidays.json``
    the working-day calendar of each year (§5): the State Council notice's days off and adjusted working
    days, accessor :meth:`FileReference.calendar`. Optional: without it no year has a calendar.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .types import (
    AdjustedWorkingDay,
    FuelFactor,
    Holiday,
    IndustryProducts,
    KeyCpIndustry,
    Parameter,
    ParamType,
    ProcessFactor,
    ProductLevel,
    ProductRef,
    Status,
    WorkCalendar,
)

PARAMETER_FILES = ("parameters.json", "rule-parameters.json")
PARAM_TYPES: tuple[ParamType, ...] = ("decimal", "int", "str", "bool", "date", "list")
STATUSES: tuple[Status, ...] = ("C", "U")
LEVEL_UNITS = ("kgce", "kgoe", "kWh")
#: The year the synthesised parameters (from industry-products.json, cp-industries.json) apply from.
_SYNTHESISED_FROM_YEAR = 2019
_ONE = Decimal(1)
_THOUSAND = Decimal(1000)


class ReferenceDataError(ValueError):
    """Report a malformed reference-data file, naming the file and the entry."""


class ParameterNotFound(KeyError):
    """Report a parameter that is unknown, or not yet in force for the year asked."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a message reads better unquoted.
        return str(self.args[0]) if self.args else "parameter not found"


# ------------------------------------------------------------------------------------ small readers


def _load_json(directory: Traversable | Path, name: str, *, required: bool = True) -> Any:
    path = directory / name
    if not path.is_file():
        if required:
            raise ReferenceDataError(f"{name}: reference-data file is missing")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{name}: not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def _where(name: str, entry: Mapping[str, Any] | None, extra: str = "") -> str:
    label = ""
    if entry is not None:
        for field in ("code", "key", "industry_code"):
            if field in entry:
                label = f" {field}={entry[field]!r}"
                break
    return f"{name}:{label}{extra}"


def _check_keys(
    where: str, entry: Any, required: set[str], optional: frozenset[str] | set[str] = frozenset()
) -> None:
    if not isinstance(entry, Mapping):
        raise ReferenceDataError(f"{where} must be an object")
    missing = required - entry.keys()
    unknown = entry.keys() - required - optional
    if missing:
        raise ReferenceDataError(f"{where} lacks {', '.join(sorted(missing))}")
    if unknown:
        raise ReferenceDataError(f"{where} has unknown field(s) {', '.join(sorted(unknown))}")


def _dec(where: str, value: Any) -> Decimal:
    # JSON integers arrive as int, fractions as Decimal (parse_float=Decimal); float never appears.
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ReferenceDataError(f"{where}: expected a number, got {value!r}")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ReferenceDataError(f"{where}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise ReferenceDataError(f"{where}: expected a finite number, got {value!r}")
    return number


def _dec_or_none(where: str, value: Any) -> Decimal | None:
    return None if value is None else _dec(where, value)


def _status(where: str, value: Any) -> Status:
    if value not in STATUSES:
        raise ReferenceDataError(f"{where}: status must be 'C' or 'U', got {value!r}")
    return "C" if value == "C" else "U"


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReferenceDataError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _named(where: str, entry: Mapping[str, Any]) -> dict[str, str]:
    """Return an entry's Chinese and English names and its unit, each a non-empty string."""
    return {key: _text(where, entry[key]) for key in ("name_zh", "name_en", "unit")}


def _iso_date(where: str, value: Any) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ReferenceDataError(f"{where}: expected a YYYY-MM-DD date, got {value!r}")


def _band(where: str, value: Any) -> tuple[Decimal, Decimal] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        low, high = value.get("low"), value.get("high")
    elif isinstance(value, list) and len(value) == 2:
        low, high = value
    else:
        raise ReferenceDataError(f"{where}: a band is [low, high] or {{low, high}}, got {value!r}")
    band = (_dec(where, low), _dec(where, high))
    if band[0] > band[1]:
        raise ReferenceDataError(f"{where}: band low {band[0]} is above high {band[1]}")
    return band


def _relative_band(value: Decimal, tolerance: Decimal) -> tuple[Decimal, Decimal]:
    low, high = value * (_ONE - tolerance), value * (_ONE + tolerance)
    return (low, high) if low <= high else (high, low)


def _codes(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ReferenceDataError(f"{where}: expected a list of codes, got {value!r}")
    return tuple(value)


def parse_param_value(
    where: str, value_type: Any, value: Any
) -> Decimal | int | str | bool | dt.date | list[str]:
    """Return a parameter value converted to its declared ``type``; raise :class:`ReferenceDataError`."""
    if value_type == "decimal":
        return _dec(where, value)
    if value_type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReferenceDataError(f"{where}: expected an integer, got {value!r}")
        return value
    if value_type == "str":
        if not isinstance(value, str):
            raise ReferenceDataError(f"{where}: expected a string, got {value!r}")
        return value
    if value_type == "bool":
        if not isinstance(value, bool):
            raise ReferenceDataError(f"{where}: expected true or false, got {value!r}")
        return value
    if value_type == "date":
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ReferenceDataError(f"{where}: expected a YYYY-MM-DD date, got {value!r}") from None
    if value_type == "list":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ReferenceDataError(f"{where}: expected a list of strings, got {value!r}")
        return list(value)
    raise ReferenceDataError(f"{where}: type must be one of {', '.join(PARAM_TYPES)}, got {value_type!r}")


# ------------------------------------------------------------------------------------ the loader


class FileReference:
    """Serve reference data from the JSON files, with dictionary look-ups (implements ReferenceData)."""

    def __init__(self, directory: Traversable | Path | None = None) -> None:
        """Load and validate every data file in ``directory`` (default: the package's data folder)."""
        self.directory = directory if directory is not None else resources.files("portal.reference") / "data"
        self._fuels: dict[tuple[str, str], FuelFactor] = {}
        self._fuel_codes: list[str] = []
        self._editions: dict[str, dict[str, Any]] = {}
        self._industry_editions: dict[str, str] = {}  # the latest year's map
        self._default_edition = ""
        # industry → edition by reporting year: sorted first years, and (default, map, status, source)
        self._edition_years: list[int] = []
        self._edition_maps: list[tuple[str, dict[str, str], Status, str]] = []
        self._processes: dict[str, ProcessFactor] = {}
        self._products: dict[str, ProductRef] = {}
        self._industry_products: dict[str, IndustryProducts] = {}
        self._cp_groups: list[KeyCpIndustry] = []
        # key → (sorted from_years, parameters in the same order)
        self._params: dict[str, tuple[list[int], list[Parameter]]] = {}
        self._calendars: dict[int, WorkCalendar] = {}
        self._load_fuels()
        self._load_processes()
        self._load_products()
        self._load_industry_products()
        self._load_cp_industries()
        self._load_params()
        self._load_calendars()

    # ---- fuels (§1)

    def _load_fuels(self) -> None:
        name = "fuels.json"
        data = _load_json(self.directory, name)
        _check_keys(
            name,
            data,
            {"editions", "industry_editions", "band_rules", "fuels"},
            {"about", "bands_without_fuel_code"},
        )
        for edition, meta in data["editions"].items():
            where = _where(name, None, f" edition {edition!r}")
            _check_keys(where, meta, {"name_zh", "name_en", "status", "source", "fallback"})
            _status(where, meta["status"])
            _text(where, meta["source"])
            self._editions[edition] = dict(meta)
        for edition, meta in self._editions.items():
            if meta["fallback"] is not None and meta["fallback"] not in self._editions:
                raise ReferenceDataError(
                    f"{name}: edition {edition!r} falls back to unknown {meta['fallback']!r}"
                )

        # The industry → edition map by reporting year (which guideline's table applies to which year).
        mappings = data["industry_editions"]
        if not isinstance(mappings, list) or not mappings:
            raise ReferenceDataError(f"{name}: industry_editions must be a list of yearly mappings")
        for mapping in sorted(mappings, key=lambda m: m.get("from_year", 0) if isinstance(m, Mapping) else 0):
            where = f"{name}: industry_editions"
            _check_keys(where, mapping, {"from_year", "default", "map", "status", "source"})
            for industry, edition in {"(default)": mapping["default"], **mapping["map"]}.items():
                if edition not in self._editions:
                    raise ReferenceDataError(f"{name}: industry {industry} maps to unknown edition {edition!r}")
            self._edition_years.append(mapping["from_year"])
            self._edition_maps.append((mapping["default"], dict(mapping["map"]), _status(where, mapping["status"]),
                                       _text(where, mapping["source"])))
        self._default_edition, self._industry_editions = self._edition_maps[-1][:2]

        rules = data["band_rules"]
        _check_keys(f"{name}: band_rules", rules, {"ncv_relative", "coal_carbon_content_relative"})
        tolerances: dict[str, tuple[Decimal, Status]] = {}
        for rule, spec in rules.items():
            where = f"{name}: band_rules.{rule}"
            _check_keys(where, spec, {"value", "status", "source"})
            tolerances[rule] = (_dec(where, spec["value"]), _status(where, spec["status"]))
        ncv_tol, ncv_tol_status = tolerances["ncv_relative"]
        cc_tol, cc_tol_status = tolerances["coal_carbon_content_relative"]
        ncv_source = rules["ncv_relative"]["source"]
        cc_source = rules["coal_carbon_content_relative"]["source"]

        fuel_fields = {"code", "name_zh", "name_en", "unit", "is_coal", *self._editions}
        for entry in data["fuels"]:
            where = _where(name, entry)
            _check_keys(where, entry, fuel_fields, {"ncv_band", "fossil_fraction"})
            # share of fossil carbon: 1 unless said (biomass 0; alternative fuels null = the filer states it)
            fossil_fraction = _dec_or_none(where, entry.get("fossil_fraction", 1))
            if fossil_fraction is not None and not 0 <= fossil_fraction <= 1:
                raise ReferenceDataError(f"{where}: fossil_fraction must lie in [0, 1]")
            code = _text(where, entry["code"])
            if code in self._fuel_codes:
                raise ReferenceDataError(f"{where}: duplicate fuel code")
            self._fuel_codes.append(code)
            if not isinstance(entry["is_coal"], bool):
                raise ReferenceDataError(f"{where}: is_coal must be true or false")
            fixed_ncv_band = entry.get("ncv_band")
            if fixed_ncv_band is not None:
                _check_keys(f"{where} ncv_band", fixed_ncv_band, {"low", "high", "status", "source"})
            for edition, meta in self._editions.items():
                values = entry[edition]
                if values is None:  # not tabulated in this edition (gangue in ndrc-2015)
                    continue
                at = f"{where} {edition}"
                _check_keys(at, values, {"ncv", "carbon_content", "oxidation_rate"}, {"status", "source"})
                ncv = _dec_or_none(at, values["ncv"])
                cc = _dec_or_none(at, values["carbon_content"])
                of = _dec(at, values["oxidation_rate"])
                if ncv is None or cc is None or fossil_fraction == 0:
                    # No default to judge a measurement by (alternative fuels), or biogenic carbon, which no
                    # fossil CO2 depends on: GHG-004/005 bands do not apply (reference-data.md §1b).
                    ncv_band, ncv_band_status, band_source = None, None, ""
                elif fixed_ncv_band is not None:
                    # A published band (natural gas, gangue) replaces the relative rule.
                    ncv_band = _band(at, fixed_ncv_band)
                    ncv_band_status = _status(at, fixed_ncv_band["status"])
                    band_source = _text(at, fixed_ncv_band["source"])
                else:
                    ncv_band = _relative_band(ncv, ncv_tol)
                    ncv_band_status = ncv_tol_status
                    band_source = ncv_source
                # reference-data.md §1 defines carbon-content bands for coal only; others are unchecked.
                cc_band = _relative_band(cc, cc_tol) if entry["is_coal"] and cc is not None else None
                self._fuels[(code, edition)] = FuelFactor(
                    code=code,
                    edition=edition,
                    **_named(at, entry),
                    ncv=ncv,
                    carbon_content=cc,
                    oxidation_rate=of,
                    is_coal=entry["is_coal"],
                    ncv_band=ncv_band,
                    carbon_content_band=cc_band,
                    status=_status(at, values.get("status", meta["status"])),
                    source=_text(at, values.get("source", meta["source"])),
                    ncv_band_status=ncv_band_status,
                    carbon_content_band_status=cc_tol_status if cc_band is not None else None,
                    band_source=band_source if cc_band is None else f"{band_source}; {cc_source}",
                    fossil_fraction=fossil_fraction,
                )
            if not any((code, edition) in self._fuels for edition in self._editions):
                raise ReferenceDataError(f"{where}: no edition has values")

    # ---- processes (§2)

    def _load_processes(self) -> None:
        name = "processes.json"
        data = _load_json(self.directory, name)
        _check_keys(name, data, {"processes"}, {"about"})
        for entry in data["processes"]:
            where = _where(name, entry)
            _check_keys(
                where,
                entry,
                {
                    "code",
                    "name_zh",
                    "name_en",
                    "unit",
                    "default_factor",
                    "default_purity",
                    "status",
                    "source",
                },
            )
            code = _text(where, entry["code"])
            if code in self._processes:
                raise ReferenceDataError(f"{where}: duplicate process code")
            factor = entry["default_factor"]
            default: Decimal | None
            if isinstance(factor, Mapping):
                # PFCs: kg of gas per t Al × GWP / 1000 → tCO2e per t Al (reference-data.md §2).
                _check_keys(f"{where} default_factor", factor, {"kg_per_unit", "gwp"})
                default = _dec(where, factor["kg_per_unit"]) * _dec(where, factor["gwp"]) / _THOUSAND
            else:
                default = _dec_or_none(where, factor)
            self._processes[code] = ProcessFactor(
                code=code,
                **_named(where, entry),
                default_factor=default,
                default_purity=_dec_or_none(where, entry["default_purity"]),
                status=_status(where, entry["status"]),
                source=_text(where, entry["source"]),
            )

    # ---- products (§4)

    def _load_products(self) -> None:
        name = "products.json"
        data = _load_json(self.directory, name)
        _check_keys(name, data, {"products", "bands_source"}, {"about"})
        bands_source = _text(name, data["bands_source"])
        for entry in data["products"]:
            where = _where(name, entry)
            _check_keys(
                where,
                entry,
                {"code", "name_zh", "name_en", "unit", "default_variant", "levels", "restricted_jx", "restricted_js",
                 "intensity_band", "unit_energy_band", "band_status"},
                {"note"},
            )
            code = _text(where, entry["code"])
            if code in self._products:
                raise ReferenceDataError(f"{where}: duplicate product code")
            for flag in ("restricted_jx", "restricted_js"):
                if not isinstance(entry[flag], bool):
                    raise ReferenceDataError(f"{where}: {flag} must be true or false")
            levels = tuple(self._level(f"{where} level {i}", level) for i, level in enumerate(entry["levels"]))
            variants = [level.variant for level in levels]
            default = entry["default_variant"]
            if len(set(variants)) != len(variants) or default not in variants or ("" in variants) != (len(variants) == 1):
                raise ReferenceDataError(f"{where}: levels need distinct variants, one unnamed band or several named "
                                         f"ones, and default_variant among them (got {variants}, {default!r})")
            intensity_band = _band(f"{where} intensity_band", entry["intensity_band"])
            unit_energy_band = _band(f"{where} unit_energy_band", entry["unit_energy_band"])
            has_band = intensity_band is not None or unit_energy_band is not None
            band_status = entry["band_status"]
            if has_band:
                _status(f"{where} band_status", band_status)
            elif band_status is not None:
                raise ReferenceDataError(f"{where}: band_status given without a band")
            self._products[code] = ProductRef(
                code=code,
                **_named(where, entry),
                levels=levels,
                default_variant=default,
                restricted_jx=entry["restricted_jx"],
                restricted_js=entry["restricted_js"],
                intensity_band=intensity_band,
                unit_energy_band=unit_energy_band,
                band_status=band_status,
                band_source=bands_source if has_band else "",
            )

    @staticmethod
    def _level(where: str, entry: Any) -> ProductLevel:
        _check_keys(where, entry, {"variant", "name_zh", "name_en", "level_unit", "benchmark", "baseline", "status",
                                   "source"})
        unit = entry["level_unit"]
        if unit not in LEVEL_UNITS:
            raise ReferenceDataError(f"{where}: level_unit must be one of {', '.join(LEVEL_UNITS)}, got {unit!r}")
        benchmark = _dec_or_none(where, entry["benchmark"])
        baseline = _dec_or_none(where, entry["baseline"])
        has_level = benchmark is not None or baseline is not None
        if has_level != (entry["status"] is not None):
            raise ReferenceDataError(f"{where}: a level has a status, a band without a level has none")
        if benchmark is not None and baseline is not None and benchmark > baseline:
            raise ReferenceDataError(f"{where}: the benchmark {benchmark} is worse (higher) than the baseline {baseline}")
        variant = entry["variant"]
        if not isinstance(variant, str):
            raise ReferenceDataError(f"{where}: variant must be a string")
        return ProductLevel(
            variant=variant, name_zh=str(entry["name_zh"]), name_en=str(entry["name_en"]), level_unit=unit,
            benchmark=benchmark, baseline=baseline,
            status=None if entry["status"] is None else _status(where, entry["status"]),
            source=_text(where, entry["source"]),
        )

    # ---- industry → benchmark products (§4)

    def _load_industry_products(self) -> None:
        name = "industry-products.json"
        data = _load_json(self.directory, name)
        _check_keys(name, data, {"status", "source", "industries"}, {"about"})
        status = _status(name, data["status"])
        source = _text(name, data["source"])
        for entry in data["industries"]:
            where = _where(name, entry)
            _check_keys(where, entry, {"industry_code", "products", "also", "required"})
            code = _text(where, entry["industry_code"])
            products = _codes(where, entry["products"])
            also = _codes(where, entry["also"]) if entry["also"] else ()
            for product in (*products, *also):
                if product not in self._products:
                    raise ReferenceDataError(f"{where}: unknown product {product!r}")
            if not isinstance(entry["required"], bool):
                raise ReferenceDataError(f"{where}: required must be true or false")
            self._industry_products[code] = IndustryProducts(
                code, products, also, entry["required"], status, source
            )

    # ---- key clean-production industries (§6)

    def _load_cp_industries(self) -> None:
        name = "cp-industries.json"
        data = _load_json(self.directory, name)
        _check_keys(name, data, {"groups"}, {"about"})
        seen: set[str] = set()
        for entry in data["groups"]:
            where = _where(name, entry)
            _check_keys(
                where,
                entry,
                {"code", "name_zh", "name_en", "prefixes", "region_prefixes", "status", "source"},
            )
            code = _text(where, entry["code"])
            if code in seen:
                raise ReferenceDataError(f"{where}: duplicate group code")
            seen.add(code)
            regions = entry["region_prefixes"]
            self._cp_groups.append(
                KeyCpIndustry(
                    code=code,
                    name_zh=_text(where, entry["name_zh"]),
                    name_en=_text(where, entry["name_en"]),
                    prefixes=_codes(where, entry["prefixes"]),
                    region_prefixes=None if regions is None else _codes(where, regions),
                    status=_status(where, entry["status"]),
                    source=_text(where, entry["source"]),
                )
            )

    # ---- working-day calendars (§5)

    def _load_calendars(self) -> None:
        name = "holidays.json"
        data = _load_json(self.directory, name, required=False)
        if data is None:
            return
        _check_keys(name, data, {"years"}, {"about"})
        for index, entry in enumerate(data["years"]):
            where = f"{name}: years[{index}]"
            _check_keys(where, entry, {"year", "notice", "notice_number", "notice_number_status", "published_on",
                                       "status", "source", "days_off", "working_days"})
            year = entry["year"]
            if isinstance(year, bool) or not isinstance(year, int) or year in self._calendars:
                raise ReferenceDataError(f"{where}: year must be an integer given once, got {year!r}")
            holidays = []
            for h in entry["days_off"]:
                _check_keys(f"{where} days_off", h, {"name", "from", "to"})
                first, last = _iso_date(where, h["from"]), _iso_date(where, h["to"])
                if last < first or (last - first).days > 14:
                    raise ReferenceDataError(f"{where}: {h['name']} runs from {first} to {last}")
                holidays.append(Holiday(_text(where, h["name"]), first, last))
            adjusted = []
            for w in entry["working_days"]:
                _check_keys(f"{where} working_days", w, {"name", "date"})
                day = _iso_date(where, w["date"])
                # 调休上班 is always a Saturday or Sunday: a weekday here is a typing error
                if day.weekday() < 5:
                    raise ReferenceDataError(f"{where}: the adjusted working day {day} is not a weekend day")
                adjusted.append(AdjustedWorkingDay(_text(where, w["name"]), day))
            number = entry["notice_number"]
            published = entry["published_on"]
            self._calendars[year] = WorkCalendar(
                year=year,
                holidays=tuple(holidays),
                adjusted_working_days=tuple(adjusted),
                notice=_text(where, entry["notice"]),
                notice_number=None if number is None else _text(where, number),
                notice_number_status=_status(where, entry["notice_number_status"]),
                published_on=None if published is None else _iso_date(where, published),
                status=_status(where, entry["status"]),
                source=_text(where, entry["source"]),
            )
            overlap = self._calendars[year].days_off & self._calendars[year].working_weekend_days
            if overlap:
                raise ReferenceDataError(f"{where}: {sorted(overlap)[0]} is both a day off and a working day")

    # ---- parameters (both files, one format)

    def _load_params(self) -> None:
        origin: dict[tuple[str, int], str] = {}
        collected: list[Parameter] = []
        for name in PARAMETER_FILES:
            data = _load_json(self.directory, name, required=name == PARAMETER_FILES[0])
            if data is None:
                continue
            if not isinstance(data, list):
                raise ReferenceDataError(f"{name}: expected a list of parameters")
            for index, entry in enumerate(data):
                where = _where(name, entry if isinstance(entry, Mapping) else None, f" [{index}]")
                _check_keys(where, entry, {"key", "from_year", "value", "type", "status", "source"})
                key = _text(where, entry["key"])
                year = entry["from_year"]
                if isinstance(year, bool) or not isinstance(year, int):
                    raise ReferenceDataError(f"{where}: from_year must be an integer, got {year!r}")
                if (key, year) in origin:
                    raise ReferenceDataError(
                        f"{where}: {key} from {year} is also defined in {origin[(key, year)]}"
                    )
                origin[(key, year)] = name
                collected.append(
                    Parameter(
                        key=key,
                        from_year=year,
                        value=parse_param_value(where, entry["type"], entry["value"]),
                        status=_status(where, entry["status"]),
                        source=_text(where, entry["source"]),
                        value_type=entry["type"],
                    )
                )
        for synthesised in self._synthesised_params():
            if (synthesised.key, synthesised.from_year) in origin:
                raise ReferenceDataError(
                    f"{origin[(synthesised.key, synthesised.from_year)]}: {synthesised.key} is derived from the "
                    "industry data files and must not be defined as a parameter"
                )
            collected.append(synthesised)
        # Types must not change between versions of one key: rules read one type per key.
        types: dict[str, str | None] = {}
        for param in sorted(collected, key=lambda p: (p.key, p.from_year)):
            if types.setdefault(param.key, param.value_type) != param.value_type:
                raise ReferenceDataError(
                    f"parameter {param.key} changes type from {types[param.key]} in {param.from_year}"
                )
            years, params = self._params.setdefault(param.key, ([], []))
            years.append(param.from_year)
            params.append(param)

    def _synthesised_params(self) -> Iterator[Parameter]:
        # The list-of-"code:a|b" and prefix-list forms the rule packs read (portal/rules/params.py), derived
        # from the industry files so that each fact has one home.
        entries = [
            f"{item.industry_code}:{'|'.join(item.products)}"
            for item in self._industry_products.values()
            if item.required
        ]
        if self._industry_products:
            first = next(iter(self._industry_products.values()))
            yield Parameter(
                "industries.benchmark_products",
                _SYNTHESISED_FROM_YEAR,
                entries,
                first.status,
                f"{first.source} (derived from industry-products.json)",
                "list",
            )
        for group in self._cp_groups:
            if group.region_prefixes is None:
                yield Parameter(
                    f"industries.key_cp.{group.code}",
                    _SYNTHESISED_FROM_YEAR,
                    list(group.prefixes),
                    group.status,
                    f"{group.source} (derived from cp-industries.json)",
                    "list",
                )
            else:
                for region in group.region_prefixes:
                    yield Parameter(
                        f"industries.key_cp.{group.code}.{region}",
                        _SYNTHESISED_FROM_YEAR,
                        list(group.prefixes),
                        group.status,
                        f"{group.source} (derived from cp-industries.json; region {region})",
                        "list",
                    )

    # ------------------------------------------------------------------ the ReferenceData protocol

    def fuel(self, code: str, edition: str) -> FuelFactor | None:
        """Return a fuel's defaults in ``edition``, else in the edition's fallback; None for an unknown code.

        A fuel an edition does not tabulate (gangue in ndrc-2015) takes the fallback edition's values, so
        the result's ``edition`` says which table was used.
        """
        seen: set[str] = set()
        current: str | None = edition
        while current is not None and current not in seen:
            found = self._fuels.get((code, current))
            if found is not None:
                return found
            seen.add(current)
            current = self._editions.get(current, {}).get("fallback")
        return None

    def fuel_edition(self, industry_code: str | None, year: int | None = None) -> str:
        """Return the default edition for an industry in a reporting year (the latest mapping without a year).

        ``mee-2024`` for the national-ETS industries, ``ndrc-2015`` for every other; a year before the first
        mapping takes the first one.
        """
        position = len(self._edition_maps) if year is None else max(bisect.bisect_right(self._edition_years, year), 1)
        default, mapping, _, _ = self._edition_maps[position - 1]
        if industry_code is None:
            return default
        return mapping.get(industry_code, default)

    def edition_mappings(self) -> list[tuple[int, str, dict[str, str], Status, str]]:
        """Return the industry → edition mappings by first reporting year (admin page)."""
        return [(year, *m) for year, m in zip(self._edition_years, self._edition_maps, strict=True)]

    def process(self, code: str) -> ProcessFactor | None:
        """Return a process code's factor, or None for an unknown code."""
        return self._processes.get(code)

    def product(self, code: str) -> ProductRef | None:
        """Return a product code's levels, or None for an unknown code."""
        return self._products.get(code)

    def param(self, key: str, year: int) -> Parameter:
        """Return the parameter ``key`` in force for reporting ``year`` (the latest ``from_year`` ≤ year)."""
        try:
            years, params = self._params[key]
        except KeyError:
            raise ParameterNotFound(f"unknown reference parameter {key!r}") from None
        position = bisect.bisect_right(years, year)
        if position == 0:
            raise ParameterNotFound(
                f"reference parameter {key!r} is not defined before {years[0]} (asked for {year})"
            )
        return params[position - 1]

    def value(self, key: str, year: int) -> Decimal | int | str | bool | dt.date | list[str]:
        """Return just the value of :meth:`param`."""
        return self.param(key, year).value

    # ------------------------------------------------------------------ convenience look-ups

    def _in_list(self, key: str, code: str | None, year: int) -> bool:
        if not code:
            return False
        values = self.value(key, year)
        if not isinstance(values, list | str):
            raise TypeError(f"{key}: not a list parameter")
        return code in values

    def is_power_generation(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is power generation (param ``industries.power_generation``)."""
        return self._in_list("industries.power_generation", industry_code, year)

    def is_steel(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is steel (param ``industries.steel``)."""
        return self._in_list("industries.steel", industry_code, year)

    def is_national_ets(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is a national-ETS industry (param ``industries.national_ets``)."""
        return self._in_list("industries.national_ets", industry_code, year)

    def benchmark_products(self, industry_code: str | None) -> tuple[str, ...]:
        """Return the products an industry must report output for (empty when none is required).

        One of them suffices (3120: bof_steel or eaf_steel); see :meth:`industry_products` for the
        products that may accompany them.
        """
        entry = self._industry_products.get(industry_code or "")
        return entry.products if entry is not None and entry.required else ()

    def industry_products(self, industry_code: str | None) -> IndustryProducts | None:
        """Return the full benchmark-product entry of an industry, or None."""
        return self._industry_products.get(industry_code or "")

    def key_cp_industry(
        self, industry_code: str | None, region_code: str | None = None
    ) -> KeyCpIndustry | None:
        """Return the key clean-production industry an industry code falls under, or None.

        The group with the longest matching prefix wins; a regional group (3843 in Jiangxi) applies only
        when ``region_code`` is in its region.
        """
        if not industry_code:
            return None
        best: KeyCpIndustry | None = None
        best_length = 0
        for group in self._cp_groups:
            if group.region_prefixes is not None and not (
                region_code and region_code.startswith(group.region_prefixes)
            ):
                continue
            for prefix in group.prefixes:
                if len(prefix) > best_length and industry_code.startswith(prefix):
                    best, best_length = group, len(prefix)
        return best

    def deadline(self, obligation: str, reporting_year: int) -> dt.date:
        """Return the due date of an annual obligation (``deadline.<obligation>``, MM-DD of the next year)."""
        key = obligation if obligation.startswith("deadline.") else f"deadline.{obligation}"
        text = str(self.value(key, reporting_year))
        month, _, day = text.partition("-")
        return dt.date(reporting_year + 1, int(month), int(day))

    def calendar(self, year: int) -> WorkCalendar | None:
        """Return the working-day calendar of a year, or None when no notice for that year is entered."""
        return self._calendars.get(year)

    # ------------------------------------------------------------------ listings (admin page, seeding)

    def all_calendars(self) -> Iterator[WorkCalendar]:
        """Yield the working-day calendar of every year that has one, oldest first."""
        for year in sorted(self._calendars):
            yield self._calendars[year]

    def editions(self) -> dict[str, dict[str, Any]]:
        """Return the editions with their names, status, source and fallback."""
        return {edition: dict(meta) for edition, meta in self._editions.items()}

    def industry_editions(self) -> dict[str, str]:
        """Return the industries with a non-default edition (the rest use :meth:`default_edition`)."""
        return dict(self._industry_editions)

    def default_edition(self) -> str:
        """Return the edition of industries not listed in :meth:`industry_editions`."""
        return self._default_edition

    def all_fuels(self) -> Iterator[FuelFactor]:
        """Yield every fuel in every edition that tabulates it, fuel by fuel in file order."""
        for code in self._fuel_codes:
            for edition in self._editions:
                found = self._fuels.get((code, edition))
                if found is not None:
                    yield found

    def all_processes(self) -> Iterator[ProcessFactor]:
        """Yield every process code in file order."""
        yield from self._processes.values()

    def all_products(self) -> Iterator[ProductRef]:
        """Yield every product code in file order."""
        yield from self._products.values()

    def all_params(self) -> Iterator[Parameter]:
        """Yield every version of every parameter, by key, oldest first."""
        for key in sorted(self._params):
            yield from self._params[key][1]

    def all_industry_products(self) -> Iterator[IndustryProducts]:
        """Yield every industry → benchmark products entry."""
        yield from self._industry_products.values()

    def all_key_cp_industries(self) -> Iterator[KeyCpIndustry]:
        """Yield every key clean-production industry group."""
        yield from self._cp_groups


@cache
def default_reference() -> FileReference:
    """Return the reference data of the package's data files, loaded once per process."""
    return FileReference()
