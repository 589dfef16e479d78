"""Reference-data types and the protocol that calc and rules read reference data through.

Every number in reference-data.md lives in a data file under ``portal/reference/data/`` with its source
and status (C = seen in a published source, U = unconfirmed). ``portal check`` reads the files directly;
the web portal reads the database copy, where administrators' corrections take precedence. Both sides
implement :class:`ReferenceData`, so calc and rules never know which one they got.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

Status = Literal["C", "U"]


def int_value(value: Decimal | int | str | bool | dt.date | list[str]) -> int:
    """Return a parameter's value as a whole number (an int, a decimal or a digit string)."""
    if isinstance(value, int | Decimal | str):
        return int(value)
    raise TypeError(f"not a whole-number parameter value: {value!r}")
ParamType = Literal["decimal", "int", "str", "bool", "date", "list"]


@dataclass(frozen=True, slots=True)
class FuelFactor:
    """Hold one fuel's defaults in one edition (reference-data.md §1)."""

    code: str
    edition: str  # "mee-2024" or "ndrc-2015"
    name_zh: str
    name_en: str
    unit: str  # "t" or "10^4 Nm3"
    ncv: Decimal | None  # GJ per unit; None: no default, a measured value is required (alternative fuels)
    carbon_content: Decimal | None  # tC/GJ; None as for ncv. For biomass a memo value (biogenic carbon)
    oxidation_rate: Decimal  # fraction
    is_coal: bool  # counts toward coal consumed (XCK-001, XCK-005, power-generation high default)
    ncv_band: tuple[Decimal, Decimal] | None  # plausibility band for a measured NCV (GHG-004)
    carbon_content_band: tuple[Decimal, Decimal] | None  # band for a measured carbon content (GHG-005)
    status: Status  # of the edition values (U when any of NCV, CC, OF is U)
    source: str
    # Added: the status of each band (bands are partly published, partly engineering judgement).
    ncv_band_status: Status | None = None
    carbon_content_band_status: Status | None = None
    band_source: str = ""
    #: share of the fuel's carbon that is fossil: 1 for fossil fuels, 0 for biomass and biogas (fixed by
    #: the method); None where the filer must state it (alternative fuels, reference-data.md §1b)
    fossil_fraction: Decimal | None = Decimal(1)

    @property
    def biogenic(self) -> bool:
        """Return whether the fuel's carbon is biogenic (biomass, biogas): counted in energy, never in fossil CO2."""
        return self.fossil_fraction is not None and self.fossil_fraction == 0

    @property
    def measured_required(self) -> bool:
        """Return whether the filer must measure NCV, carbon content and fossil share (no defaults)."""
        return self.ncv is None or self.carbon_content is None or self.fossil_fraction is None


@dataclass(frozen=True, slots=True)
class ProcessFactor:
    """Hold one process code (reference-data.md §2)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    default_factor: Decimal | None  # tCO2e per activity unit, before purity; None → factor required
    default_purity: Decimal | None  # carbonates: default purity the factor is multiplied by
    status: Status
    source: str


LevelUnit = Literal["kgce", "kgoe", "kWh"]


@dataclass(frozen=True, slots=True)
class ProductLevel:
    """Hold one band of a product's energy-efficiency levels (标杆水平 / 基准水平), in the level's own unit.

    ``variant`` is "" for a product without bands. A band with no level (``benchmark`` and ``baseline``
    None) is listed so that a filer can name it, but nothing is compared (reference-data.md §4: "look up"
    values that were not found in the official tables are never guessed).
    """

    variant: str
    name_zh: str  # the band, e.g. "天然气", "> 800 t/d" ("" for an unbanded product)
    name_en: str
    level_unit: LevelUnit  # kgce (kg standard coal), kgoe (kg oil equivalent) or kWh (AC electricity)
    benchmark: Decimal | None  # 标杆水平 per unit of output; lower is better; may be negative (BOF)
    baseline: Decimal | None  # 基准水平
    status: Status | None  # None when the band has no level
    source: str

    @property
    def negative(self) -> bool:
        """Return whether the levels are negative (a net energy exporter: BOF steelmaking)."""
        return any(v is not None and v < 0 for v in (self.benchmark, self.baseline))


@dataclass(frozen=True, slots=True)
class ProductRef:
    """Hold one product code: its unit, its bands of energy-efficiency levels and plausibility bands (§4)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    levels: tuple[ProductLevel, ...]  # one per band, or one with variant "" for an unbanded product
    default_variant: str  # the band assumed when a banded product states none (GHG-016); "" if unbanded
    restricted_jx: bool  # capacity-restricted in Jiangxi (PLN-005)
    restricted_js: bool  # capacity-restricted in Jiangsu (PLN-005)
    intensity_band: tuple[Decimal, Decimal] | None  # tCO2 per unit, GHG-009
    unit_energy_band: tuple[Decimal, Decimal] | None  # in the level unit, GHG-009
    band_status: Status | None = None  # of intensity_band and unit_energy_band (GHG-009 bands are U)
    band_source: str = ""

    @property
    def banded(self) -> bool:
        """Return whether the product has bands a filer chooses with ``products[].variant``."""
        return bool(self.default_variant)

    def level(self, variant: str | None = None) -> ProductLevel | None:
        """Return the levels of a band (the default band when ``variant`` is None); None for an unknown band."""
        wanted = self.default_variant if variant is None else variant
        return next((lv for lv in self.levels if lv.variant == wanted), None)

    # The default band's levels, for views that show one level per product (the dashboard, the
    # consolidated workbook); calc and rules use :meth:`level` with the filed variant.
    @property
    def benchmark(self) -> Decimal | None:
        """Return the default band's benchmark."""
        found = self.level()
        return found.benchmark if found else None

    @property
    def baseline(self) -> Decimal | None:
        """Return the default band's baseline."""
        found = self.level()
        return found.baseline if found else None

    @property
    def level_unit(self) -> str:
        """Return the unit of the default band's levels."""
        found = self.level()
        return found.level_unit if found else "kgce"

    @property
    def status(self) -> Status | None:
        """Return the status of the default band's levels."""
        found = self.level()
        return found.status if found else None

    @property
    def source(self) -> str:
        """Return the source of the default band's levels."""
        found = self.level()
        return found.source if found else ""


@dataclass(frozen=True, slots=True)
class Parameter:
    """Hold one year-versioned parameter (a rule threshold, a date, a factor) as in force for a year."""

    key: str  # e.g. "GHG-007.tolerance", "grid_factor", "deadline.ghg_annual_report"
    from_year: int  # the first reporting year it applies to
    value: Decimal | int | str | bool | dt.date | list[str]
    status: Status
    source: str
    value_type: ParamType | None = None  # added: the declared type in the data file


@dataclass(frozen=True, slots=True)
class IndustryProducts:
    """Hold the benchmark products of one industry class (reference-data.md §4; GHG-013, PLN-006…008)."""

    industry_code: str
    products: tuple[str, ...]  # at least one of these must have output when ``required``
    also: tuple[str, ...]  # may accompany them (pig_iron in integrated steel works, heat in power plants)
    required: bool  # False where the product is only expected when produced (2614 ethylene)
    status: Status
    source: str


@dataclass(frozen=True, slots=True)
class KeyCpIndustry:
    """Hold one key clean-production industry and the GB/T 4754 code prefixes it covers (§6)."""

    code: str  # e.g. "building_materials"
    name_zh: str
    name_en: str
    prefixes: tuple[str, ...]  # GB/T 4754-2017 division, group or class codes
    region_prefixes: tuple[str, ...] | None  # None: national; ("36",): Jiangxi only
    status: Status
    source: str


@dataclass(frozen=True, slots=True)
class Holiday:
    """Hold one holiday of a calendar: its name and its days off (放假调休, weekends within included)."""

    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True, slots=True)
class AdjustedWorkingDay:
    """Hold one 调休上班日: a Saturday or Sunday worked in exchange for a holiday's day off."""

    name: str
    day: dt.date


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Hold one year's working-day calendar (reference-data.md §5): the State Council's 节假日安排 notice.

    A working day is Monday to Friday, less the days off, plus the adjusted working days (调休上班).
    ``status`` is the status of the dates; the notice's number has a status of its own (2026: not seen).
    """

    year: int
    holidays: tuple[Holiday, ...]
    adjusted_working_days: tuple[AdjustedWorkingDay, ...]
    notice: str
    notice_number: str | None
    notice_number_status: Status
    published_on: dt.date | None
    status: Status
    source: str

    @property
    def days_off(self) -> frozenset[dt.date]:
        """Return every day off the notice lists (weekend days within a holiday included)."""
        out: set[dt.date] = set()
        for holiday in self.holidays:
            day = holiday.first
            while day <= holiday.last:
                out.add(day)
                day += dt.timedelta(days=1)
        return frozenset(out)

    @property
    def working_weekend_days(self) -> frozenset[dt.date]:
        """Return the adjusted working days (调休上班日)."""
        return frozenset(a.day for a in self.adjusted_working_days)


class ReferenceData(Protocol):
    """Read reference data for calc and rules (implemented from files and from the database)."""

    def fuel(self, code: str, edition: str) -> FuelFactor | None:
        """Return the defaults of a fuel in an edition, or None for an unknown code."""
        ...

    def fuel_edition(self, industry_code: str | None, year: int | None = None) -> str:
        """Return the default edition for an industry in a reporting year (the latest mapping without a year)."""
        ...

    def process(self, code: str) -> ProcessFactor | None:
        """Return a process code's factor, or None for an unknown code."""
        ...

    def product(self, code: str) -> ProductRef | None:
        """Return a product code's levels, or None for an unknown code."""
        ...

    def param(self, key: str, year: int) -> Parameter:
        """Return the parameter ``key`` in force for reporting ``year`` (the latest ``from_year`` ≤ year)."""
        ...

    def value(self, key: str, year: int) -> Decimal | int | str | bool | dt.date | list[str]:
        """Return just the value of :meth:`param`."""
        ...

    # Added for calc and rules: convenience look-ups over the data above.

    def is_power_generation(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is power generation (param ``industries.power_generation``)."""
        ...

    def is_steel(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is steel (param ``industries.steel``)."""
        ...

    def is_national_ets(self, industry_code: str | None, year: int) -> bool:
        """Return whether an industry is a national-ETS industry (param ``industries.national_ets``)."""
        ...

    def benchmark_products(self, industry_code: str | None) -> tuple[str, ...]:
        """Return the products an industry must report output for (empty when none is required)."""
        ...

    def industry_products(self, industry_code: str | None) -> IndustryProducts | None:
        """Return the full benchmark-product entry of an industry, or None."""
        ...

    def key_cp_industry(self, industry_code: str | None, region_code: str | None = None) -> KeyCpIndustry | None:
        """Return the key clean-production industry an industry code falls under, or None."""
        ...

    def deadline(self, obligation: str, reporting_year: int) -> dt.date:
        """Return the due date of an annual obligation (``deadline.<obligation>``, MM-DD of the next year)."""
        ...

    def calendar(self, year: int) -> WorkCalendar | None:
        """Return the working-day calendar of a year, or None when no notice for that year is entered."""
        ...
