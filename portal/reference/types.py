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
ParamType = Literal["decimal", "int", "str", "bool", "date", "list"]


@dataclass(frozen=True, slots=True)
class FuelFactor:
    """Hold one fuel's defaults in one edition (reference-data.md §1)."""

    code: str
    edition: str  # "mee-2024" or "ndrc-2015"
    name_zh: str
    name_en: str
    unit: str  # "t" or "10^4 Nm3"
    ncv: Decimal  # GJ per unit
    carbon_content: Decimal  # tC/GJ
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


@dataclass(frozen=True, slots=True)
class ProductRef:
    """Hold one product code with its energy-efficiency levels and plausibility bands (§4)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    benchmark: Decimal | None  # 标杆水平, unit energy (kgce per unit; kWh/t for aluminium)
    baseline: Decimal | None  # 基准水平
    restricted_jx: bool  # capacity-restricted in Jiangxi (PLN-005)
    restricted_js: bool  # capacity-restricted in Jiangsu (PLN-005)
    intensity_band: tuple[Decimal, Decimal] | None  # tCO2 per unit, GHG-009
    unit_energy_band: tuple[Decimal, Decimal] | None  # kgce per unit, GHG-009
    status: Status  # of benchmark and baseline
    source: str
    # Added: the unit benchmark and baseline are in ("kgce", or "kWh" for aluminium, "kgoe" for ethylene);
    # only "kgce" levels are comparable with unit_energy = energy_tce × 1000 / output.
    level_unit: str = "kgce"
    band_status: Status | None = None  # of intensity_band and unit_energy_band (GHG-009 bands are U)
    band_source: str = ""


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


class ReferenceData(Protocol):
    """Read reference data for calc and rules (implemented from files and from the database)."""

    def fuel(self, code: str, edition: str) -> FuelFactor | None:
        """Return the defaults of a fuel in an edition, or None for an unknown code."""
        ...

    def fuel_edition(self, industry_code: str | None) -> str:
        """Return the default edition for an industry: ``mee-2024`` for national-ETS ones, else ``ndrc-2015``."""
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
