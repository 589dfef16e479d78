"""Computed results of the accounting engine (filing-format.md "Computed") — never typed by a filer.

Each line result keeps the values actually used and whether each came from a default, and an
``arithmetic`` string, so filers and reviewers can see *why* a total is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

EnergyLevel = Literal["benchmark", "between", "worse_than_baseline"]


@dataclass(frozen=True, slots=True)
class FuelLineResult:
    """Hold the emission of one fuel line and the parameters it used."""

    index: int  # position in document.fuels (path "fuels[index]")
    fuel: str
    known: bool  # False: unknown fuel code → no emission computed (GHG-002 reports it)
    ncv: Decimal | None
    ncv_default: bool
    carbon_content: Decimal | None
    carbon_content_default: bool
    #: True when the power-generation high default carbon content replaced a missing measurement (GHG-006)
    carbon_content_high_default: bool
    oxidation_rate: Decimal | None
    oxidation_rate_default: bool
    activity_gj: Decimal  # AD = consumption × NCV
    emission_factor: Decimal  # EF = CC × OF × 44/12, tCO2/GJ (unrounded)
    emission_tco2: Decimal  # fossil: AD × EF × fossil_fraction, rounded to 2 decimals (ROUND_HALF_UP)
    energy_tce: Decimal  # consumption × NCV / 29.3076 (unrounded; biomass included)
    arithmetic: str
    #: share of the carbon that is fossil (1 fossil fuels, 0 biomass, measured for alternative fuels)
    fossil_fraction: Decimal | None = None
    fossil_fraction_default: bool = True
    biogenic_tco2: Decimal = Decimal(0)  # AD × EF × (1 − fossil_fraction), 2 decimals: a memo item


@dataclass(frozen=True, slots=True)
class ProcessLineResult:
    """Hold the emission of one process line and the factor it used."""

    index: int
    process: str
    known: bool
    emission_factor: Decimal | None  # tCO2e per activity unit actually used
    factor_source: Literal["measured", "fractions", "default", "missing"]
    emission_tco2: Decimal  # rounded to 2 decimals
    arithmetic: str


@dataclass(frozen=True, slots=True)
class ProductResult:
    """Hold one product's unit energy and where it stands against the benchmark and baseline."""

    index: int
    product: str
    unit_energy: Decimal | None  # in the level's unit (kgce, kgoe or kWh per unit), 2 decimals; None without data
    benchmark: Decimal | None
    baseline: Decimal | None
    level: EnergyLevel | None  # None when not comparable
    arithmetic: str
    variant: str | None = None  # the band compared with ("" for an unbanded product, None for an unknown one)
    variant_assumed: bool = False  # a banded product named no band: the default band was used (GHG-016)
    level_unit: str = "kgce"


@dataclass(frozen=True, slots=True)
class GeneratingUnitResult:
    """Hold one generating unit's attributed combustion emissions and intensity."""

    index: int
    id: str
    combustion_tco2: Decimal
    intensity: Decimal | None  # tCO2/MWh, 4 decimals
    arithmetic: str


@dataclass(frozen=True, slots=True)
class GhgComputed:
    """Hold everything the engine computes for a GHG annual report."""

    edition: str  # default-factor edition used
    grid_factor: Decimal  # factor applied to electricity (official of the year unless typed)
    grid_factor_official: Decimal
    fuels: list[FuelLineResult]
    processes: list[ProcessLineResult]
    combustion_tco2: Decimal  # 2 decimals
    process_tco2: Decimal  # 2 decimals
    electricity_tco2: Decimal  # 2 decimals
    heat_tco2: Decimal  # 2 decimals
    co2_recovered_tco2: Decimal
    total_tco2: Decimal  # integer (ROUND_HALF_UP)
    direct_tco2: Decimal  # combustion + process − recovered, integer (the national-ETS threshold, GHG-010/011)
    energy_from_inputs_tce: Decimal  # 2 decimals
    carbon_intensity: Decimal | None  # 4 decimals; None without a primary product with output
    products: list[ProductResult]
    generating_units: list[GeneratingUnitResult]
    coal_t: Decimal  # Σ consumption of coal-type fuels (XCK-001)
    arithmetic: dict[str, str] = field(default_factory=dict)  # total name → "a + b + c − d = t"
    biogenic_tco2: Decimal = Decimal(0)  # Σ biogenic parts of the fuel lines, 2 decimals — never in a total
    ets_covered_tco2: Decimal | None = None  # what the national ETS covers (integer), None outside it
    heat_ratio: Decimal = Decimal(0)  # the heat ratio that allocated the electricity intensity
    supplies_heat: bool = False  # heat product output or heat supplied by a unit (GHG-015)

    def check_block(self) -> dict[str, Any]:
        """Return the ``computed`` block printed by ``portal check`` (filing-format.md)."""
        return {
            "combustion_tco2": self.combustion_tco2,
            "process_tco2": self.process_tco2,
            "electricity_tco2": self.electricity_tco2,
            "heat_tco2": self.heat_tco2,
            "co2_recovered_tco2": self.co2_recovered_tco2,
            "total_tco2": self.total_tco2,
            "direct_tco2": self.direct_tco2,
            "biogenic_tco2": self.biogenic_tco2,
            "ets_covered_tco2": self.ets_covered_tco2,
            "energy_from_inputs_tce": self.energy_from_inputs_tce,
            "carbon_intensity": self.carbon_intensity,
            "heat_ratio": self.heat_ratio,
            "unit_energy": {r.product: r.unit_energy for r in self.products},
            "edition": self.edition,
            "grid_factor": self.grid_factor,
            "fuels": [{"index": r.index, "fuel": r.fuel, "tco2": r.emission_tco2} for r in self.fuels],
            "processes": [{"index": r.index, "process": r.process, "tco2": r.emission_tco2} for r in self.processes],
            "products": {r.product: {"unit_energy": r.unit_energy, "level": r.level, "variant": r.variant,
                                     "level_unit": r.level_unit} for r in self.products},
            "generating_units": {r.id: {"intensity": r.intensity} for r in self.generating_units},
        }


@dataclass(frozen=True, slots=True)
class OptionEconomics:
    """Hold the feasibility figures of one medium/high-cost option."""

    id: str
    payback_years: Decimal | None  # investment / annual benefit, 2 decimals
    npv_10k_cny: Decimal | None  # at the discount rate over the lifetime, 2 decimals
    irr: Decimal | None  # 4 decimals, as a fraction; None when there is no sign change
    arithmetic: str


@dataclass(frozen=True, slots=True)
class IndicatorAchievement:
    """Hold whether one indicator reached its target, and the share of the planned change achieved."""

    index: int
    indicator: str
    achieved: bool | None  # None while no achieved value is reported
    achievement_pct: Decimal | None  # (baseline − achieved) / (baseline − target) × 100, 1 decimal


@dataclass(frozen=True, slots=True)
class AuditDeadlines:
    """Hold the deadlines derived from ``listed_on`` (reference-data.md §5)."""

    publish_by: Any  # datetime.date
    start_by: Any
    finish_by: Any


@dataclass(frozen=True, slots=True)
class CpaComputed:
    """Hold everything computed for a clean-production audit."""

    count_no_low: int  # options not dropped
    count_medium_high: int
    implemented_no_low: int
    implemented_medium_high: int
    implementation_rate_no_low: Decimal | None  # 4 decimals; None with no option in the class
    implementation_rate_medium_high: Decimal | None
    total_investment_10k_cny: Decimal  # 2 decimals, options not dropped
    savings_total: dict[str, Decimal]  # summed over implemented options, only keys with a value
    options: list[OptionEconomics]
    indicators: list[IndicatorAchievement]
    deadlines: AuditDeadlines | None

    def check_block(self) -> dict[str, Any]:
        """Return the ``computed`` block printed by ``portal check`` (filing-format.md)."""
        return {
            "implementation_rate_no_low": self.implementation_rate_no_low,
            "implementation_rate_medium_high": self.implementation_rate_medium_high,
            "total_investment_10k_cny": self.total_investment_10k_cny,
            "savings_total": self.savings_total,
            "options": {
                o.id: {"payback_years": o.payback_years, "npv_10k_cny": o.npv_10k_cny, "irr": o.irr}
                for o in self.options
            },
            "indicators": [
                {"indicator": i.indicator, "achieved": i.achieved, "achievement_pct": i.achievement_pct}
                for i in self.indicators
            ],
            "deadlines": None
            if self.deadlines is None
            else {
                "publish_by": self.deadlines.publish_by,
                "start_by": self.deadlines.start_by,
                "finish_by": self.deadlines.finish_by,
            },
        }


@dataclass(frozen=True, slots=True)
class AdhocTiming:
    """Hold when one ad-hoc disclosure was due and how many working days it took (办法第十七条).

    ``due_on`` is None for a trigger without the 5-working-day clock (``disclosure.adhoc_untimed_triggers``)
    or without a receipt or document date; ``working_days_elapsed`` is None until it is disclosed.
    """

    index: int  # the line of the annual report's adhoc[] (0 for an ad-hoc report itself)
    received_on: Any  # datetime.date | None: received_on, else the document's date
    due_on: Any  # datetime.date | None
    working_days_elapsed: int | None
    arithmetic: str = ""


@dataclass(frozen=True, slots=True)
class AnnualDisclosureComputed:
    """Hold everything computed for an annual disclosure report (disclosure-format.md "Computed")."""

    required_sections: tuple[str, ...]
    due_on: Any  # datetime.date | None (None: a reporting year no date can hold)
    days_late: int | None  # None on a draft (not yet disclosed)
    carbon_total_tco2: int | None
    carbon_change_pct: Decimal | None  # a fraction, 4 decimals
    ccer_share: Decimal | None  # a fraction, 4 decimals
    permitted_ratio: dict[str, Decimal]  # pollutant → total / permitted, 4 decimals
    hazardous_waste_t: dict[str, Decimal]  # generated, self_used, self_disposed, transferred, stored; 2 decimals
    general_waste_use_rate: Decimal | None
    monitoring_completion_rate: Decimal | None
    implementation_rate_no_low: Decimal | None
    implementation_rate_medium_high: Decimal | None
    adhoc: list[AdhocTiming]
    #: years whose working-day calendar is missing where a count crossed them (Monday–Friday counted; DSC-011)
    calendar_missing: tuple[int, ...] = ()
    arithmetic: dict[str, str] = field(default_factory=dict)

    def check_block(self) -> dict[str, Any]:
        """Return the ``computed`` block printed by ``portal check``."""
        return {
            "required_sections": list(self.required_sections),
            "due_on": self.due_on,
            "days_late": self.days_late,
            "carbon_total_tco2": self.carbon_total_tco2,
            "carbon_change_pct": self.carbon_change_pct,
            "ccer_share": self.ccer_share,
            "permitted_ratio": self.permitted_ratio,
            "hazardous_waste_t": self.hazardous_waste_t,
            "general_waste_use_rate": self.general_waste_use_rate,
            "monitoring_completion_rate": self.monitoring_completion_rate,
            "implementation_rate_no_low": self.implementation_rate_no_low,
            "implementation_rate_medium_high": self.implementation_rate_medium_high,
            "adhoc": [{"index": a.index, "received_on": a.received_on, "due_on": a.due_on,
                       "working_days_elapsed": a.working_days_elapsed} for a in self.adhoc],
            "calendar_missing": list(self.calendar_missing),
        }


@dataclass(frozen=True, slots=True)
class AdhocDisclosureComputed:
    """Hold what is computed for an ad-hoc disclosure report: its due date and the working days it took."""

    timing: AdhocTiming
    calendar_missing: tuple[int, ...] = ()

    @property
    def due_on(self) -> Any:
        """Return the due date (the 5th working day after receipt), or None without a clock."""
        return self.timing.due_on

    @property
    def working_days_elapsed(self) -> int | None:
        """Return the working days after receipt up to and including the disclosure (None on a draft)."""
        return self.timing.working_days_elapsed

    def check_block(self) -> dict[str, Any]:
        """Return the ``computed`` block printed by ``portal check``."""
        return {
            "received_on": self.timing.received_on,
            "due_on": self.due_on,
            "working_days_elapsed": self.working_days_elapsed,
            "calendar_missing": list(self.calendar_missing),
        }
