"""Compute a GHG annual report (filing-format.md "Computed") — pure Decimal arithmetic, no I/O.

Every factor comes from :class:`~portal.reference.types.ReferenceData` (reference-data.md: "No number
from this file is a literal in rule or calculation code"). The only literals here are the
stoichiometric ratios the formulas themselves state (44/12, 44/56, 44/40.30) and the rounding places.
Rounding is ROUND_HALF_UP (四舍五入), as the national accounting guidelines round reported figures.
Line emissions are rounded to 2 decimals and the totals are sums of the rounded lines, so a filer can
add up the table on paper and get the same total.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from functools import partial
from typing import Any, Literal

from portal.domain.codec import format_decimal
from portal.domain.documents import FuelLine, GhgAnnualReport, ProcessLine, ProductLine
from portal.domain.fields import field_info
from portal.reference.types import FuelFactor, ProcessFactor, ReferenceData

from .results import (
    EnergyLevel,
    FuelLineResult,
    GeneratingUnitResult,
    GhgComputed,
    ProcessLineResult,
    ProductResult,
)

# 28 significant digits, the decimal module's default, so 44/12 = 3.666666666666666666666666667 exactly as
# a reviewer reproduces it with Decimal(44) / Decimal(12); half-up for every rounding (四舍五入).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)

with localcontext(_CONTEXT):
    #: CO2/C molar-mass ratio: EF = CC × OF × 44/12 (filing-format.md, per fuel line).
    CO2_PER_C = Decimal(44) / Decimal(12)
    #: CO2/CaO and CO2/MgO ratios for clinker: EF = cao × 44/56 + mgo × 44/40.30 (filing-format.md).
    CO2_PER_CAO = Decimal(44) / Decimal(56)
    CO2_PER_MGO = Decimal(44) / Decimal("40.30")

_ZERO = Decimal(0)
_ONE = Decimal(1)
_THOUSAND = Decimal(1000)  # tce → kgce (unit energy is kgce per unit of output)
_UNIT = Decimal(1)
_CENT = Decimal("0.01")
_TEN_THOUSANDTH = Decimal("0.0001")
_LATEST_YEAR = 9999

#: The process code whose factor can be computed from CaO/MgO fractions (reference-data.md §2).
CLINKER = "clinker"
#: The product codes of a power enterprise's outputs (reference-data.md §4).
ELECTRICITY_PRODUCT = "electricity"
HEAT_PRODUCT = "heat"

# Parameter keys (reference/data/parameters.json).
GRID_FACTOR = "grid_factor"
POWER_COUNTS_PURCHASED = "grid_factor.power_generation_counts_purchased"
HEAT_FACTOR = "heat_factor"
GJ_PER_TCE = "energy.gj_per_tce"
TCE_PER_MWH = "energy.tce_per_mwh"
POWER_HIGH_DEFAULT_CC = "power_generation.high_default_carbon_content"
POWER_OXIDATION_RATE = "power_generation.oxidation_rate"
STEEL_OXIDATION_RATE = "steel.oxidation_rate"
KGCE_PER_KGOE = "energy.kgce_per_kgoe"
ETS_DIRECT_INDUSTRIES = "industries.ets_direct_coverage"


def _fuel_label(name: str) -> str:
    """Return the label of a fuel line's field as the arithmetic names it ("Measured NCV")."""
    return field_info(FuelLine.__dataclass_fields__[name]).label.en


def _round(value: Decimal, places: Decimal) -> Decimal:
    """Return ``value`` rounded half-up to ``places``, without a negative zero."""
    try:
        rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: only for absurd inputs; keep as is
        return value
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _n(value: Decimal) -> str:
    """Return an input number as typed, in plain notation (``1E+5`` → ``100000``, ``0.90`` → ``0.9``)."""
    if value.is_finite():
        return format_decimal(value)  # the same text, with a fast path (~90 numbers per report)
    return format(value.normalize(), "f")


def _r(value: Decimal) -> str:
    """Return a rounded result with its places kept (``664922.90``)."""
    return format(value, "f")


def _sum_text(parts: list[Decimal], result: Decimal) -> str:
    if not parts:
        return f"0 = {_r(result)}"
    return " + ".join(_r(part) for part in parts) + f" = {_r(result)}"


def _value(ref: ReferenceData, key: str, year: int) -> Any:
    """Return a parameter in force for ``year``; for a year before its first version, the latest one.

    A report for a year before reference data begins is itself an error (GHG-001); computing it with the
    current values keeps the engine from crashing so the filer still sees the figures and the finding.
    """
    try:
        return ref.value(key, year)
    except LookupError:
        return ref.value(key, _LATEST_YEAR)


def _industry_is(test: Callable[[str | None, int], bool], industry: str | None, year: int) -> bool:
    """Return ``test(industry, year)``, falling back to the latest year as :func:`_value` does."""
    try:
        return test(industry, year)
    except LookupError:
        return test(industry, _LATEST_YEAR)


class _Setting:
    """Hold what one report's lines share: edition, industry type and the parameters of the year."""

    __slots__ = (
        "edition",
        "is_power",
        "is_steel",
        "high_cc",
        "power_of",
        "steel_of",
        "gj_per_tce",
        "fuels",
        "processes",
        "year",
    )

    def __init__(self, document: GhgAnnualReport, ref: ReferenceData) -> None:
        year = self.year = document.reporting_year
        industry = document.enterprise.industry_code
        self.edition = ref.fuel_edition(industry, year)
        self.is_power = _industry_is(ref.is_power_generation, industry, year)
        self.is_steel = _industry_is(ref.is_steel, industry, year)
        self.high_cc: Decimal = _value(ref, POWER_HIGH_DEFAULT_CC, year) if self.is_power else _ZERO
        self.power_of: Decimal = _value(ref, POWER_OXIDATION_RATE, year) if self.is_power else _ZERO
        self.steel_of: Decimal = _value(ref, STEEL_OXIDATION_RATE, year) if self.is_steel else _ZERO
        self.gj_per_tce: Decimal = _value(ref, GJ_PER_TCE, year)
        # Per-report caches: 500 lines usually name a handful of codes.
        self.fuels: dict[str, FuelFactor | None] = {}
        self.processes: dict[str, ProcessFactor | None] = {}


# ----------------------------------------------------------------------------------------- lines


def _uncounted_line(
    index: int, code: str, *, known: bool, ncv: Decimal | None, carbon_content: Decimal | None,
    oxidation_rate: Decimal | None, oxidation_rate_default: bool, arithmetic: str,
    fossil_fraction: Decimal | None = None, fossil_fraction_default: bool = True,
) -> FuelLineResult:
    """Return a fuel line that counts nothing (no energy, no emission): the parameters it has, and why."""
    return FuelLineResult(
        index=index, fuel=code, known=known, ncv=ncv, ncv_default=False, carbon_content=carbon_content,
        carbon_content_default=False, carbon_content_high_default=False, oxidation_rate=oxidation_rate,
        oxidation_rate_default=oxidation_rate_default, activity_gj=_ZERO, emission_factor=_ZERO,
        emission_tco2=_ZERO, energy_tce=_ZERO, arithmetic=arithmetic, fossil_fraction=fossil_fraction,
        fossil_fraction_default=fossil_fraction_default,
    )


def _fuel_line(index: int, line: FuelLine, ref: ReferenceData, setting: _Setting) -> FuelLineResult:
    code = line.fuel
    try:
        factor = setting.fuels[code]
    except KeyError:
        factor = setting.fuels[code] = ref.fuel(code, setting.edition)
    if factor is None:
        # GHG-002 reports the unknown code; the line contributes nothing rather than a guess.
        return _uncounted_line(index, code, known=False, ncv=line.ncv, carbon_content=line.carbon_content,
                               oxidation_rate=line.oxidation_rate, oxidation_rate_default=False,
                               arithmetic=f"unknown fuel {code!r}: no emission computed")

    ncv = factor.ncv if line.ncv is None else line.ncv
    # Fossil share (reference-data.md §1b): fixed by the method for fossil fuels (1) and biomass (0); measured
    # for alternative fuels. A typed share that contradicts a fixed one is GHG-002's, the fixed one is used.
    fossil: Decimal | None  # None: an alternative fuel without its measured share (not computed below)
    cc: Decimal | None
    if factor.fossil_fraction is not None:
        fossil, fossil_default = factor.fossil_fraction, True
    else:
        fossil, fossil_default = line.fossil_fraction, False

    high_default = False
    if line.carbon_content is not None:
        cc = line.carbon_content
    elif setting.is_power and factor.is_coal:
        # 核算与报告指南 发电设施: unmeasured coal carbon content takes the high default (GHG-006).
        cc, high_default = setting.high_cc, True
    else:
        cc = factor.carbon_content

    notes: list[str] = []
    if setting.is_steel:
        # filing-format.md: steel (3110, 3120) enterprise-level accounting uses OF = 1, measured or not.
        of, of_default = setting.steel_of, True
        notes.append("OF steel enterprise level")
    elif line.oxidation_rate is not None:
        of, of_default = line.oxidation_rate, False
    elif setting.is_power and factor.is_coal:
        of, of_default = setting.power_of, True  # reference-data.md §1: power generation coal OF 0.99
    else:
        of, of_default = factor.oxidation_rate, True

    if ncv is None or cc is None or fossil is None:
        # An alternative fuel without its measurements (GHG-002 reports them): its energy and emissions
        # cannot be known — nothing is counted rather than a guess.
        # named by their labels, never their keys (issue 20 item 5): the arithmetic is shown on the pages
        missing = [_fuel_label(name) for name, value in (("ncv", ncv), ("carbon_content", cc),
                                                         ("fossil_fraction", fossil)) if value is None]
        return _uncounted_line(index, code, known=True, ncv=ncv, carbon_content=cc, oxidation_rate=of,
                               oxidation_rate_default=of_default,
                               arithmetic=f"{code}: measured {', '.join(missing)} required — not computed",
                               fossil_fraction=fossil, fossil_fraction_default=fossil_default)

    activity = line.consumption * ncv
    ef = cc * of * CO2_PER_C
    whole = activity * ef
    emission = _round(whole * fossil, _CENT)
    biogenic = _round(whole * (_ONE - fossil), _CENT)
    if high_default:
        notes.append("CC power-generation high default")
    if factor.edition != setting.edition:
        notes.append(f"defaults from {factor.edition}")
    base = f"{_n(line.consumption)} × {_n(ncv)} × {_n(cc)} × {_n(of)} × 44/12"
    if fossil == _ONE:
        arithmetic = f"{base} = {_r(emission)}"
    else:
        # biomass and alternative fuels: only the fossil share is emitted; the rest is a memo item
        arithmetic = f"{base} × {_n(fossil)} = {_r(emission)}; biogenic × {_n(_ONE - fossil)} = {_r(biogenic)}"
    if notes:
        arithmetic += f" ({'; '.join(notes)})"
    return FuelLineResult(
        index=index,
        fuel=code,
        known=True,
        ncv=ncv,
        ncv_default=line.ncv is None,
        carbon_content=cc,
        carbon_content_default=line.carbon_content is None,
        carbon_content_high_default=high_default,
        oxidation_rate=of,
        oxidation_rate_default=of_default,
        activity_gj=activity,
        emission_factor=ef,
        emission_tco2=emission,
        energy_tce=activity / setting.gj_per_tce,
        arithmetic=arithmetic,
        fossil_fraction=fossil,
        fossil_fraction_default=fossil_default,
        biogenic_tco2=biogenic,
    )


def _process_without_emission(index: int, code: str, known: bool, arithmetic: str) -> ProcessLineResult:
    """Return a process line whose emission cannot be computed (unknown code, or no factor at all): zero."""
    return ProcessLineResult(index=index, process=code, known=known, emission_factor=None, factor_source="missing",
                             emission_tco2=_ZERO, arithmetic=arithmetic)


def _process_line(index: int, line: ProcessLine, ref: ReferenceData, setting: _Setting) -> ProcessLineResult:
    code = line.process
    try:
        pf = setting.processes[code]
    except KeyError:
        pf = setting.processes[code] = ref.process(code)
    activity = line.activity
    if pf is None:
        return _process_without_emission(index, code, False, f"unknown process {code!r}: no emission computed")

    # Each path chooses the factor, where it came from and how the arithmetic reads; the result is built once.
    factor_source: Literal["measured", "fractions", "default"]
    if line.emission_factor is not None:
        ef, factor_source, formula = line.emission_factor, "measured", f"{_n(line.emission_factor)}"
    elif code == CLINKER and (line.cao_fraction is not None or line.mgo_fraction is not None):
        # filing-format.md: clinker without a factor, EF = cao × 44/56 + mgo × 44/40.30 (IPCC, C).
        cao = line.cao_fraction if line.cao_fraction is not None else _ZERO
        mgo = line.mgo_fraction if line.mgo_fraction is not None else _ZERO
        ef, factor_source = cao * CO2_PER_CAO + mgo * CO2_PER_MGO, "fractions"
        formula = f"({_n(cao)} × 44/56 + {_n(mgo)} × 44/40.30)"
    elif pf.default_factor is None:
        # reference-data.md §2: `other` has no default — a measured factor is required (GHG-002 level).
        return _process_without_emission(index, code, True, f"{code}: no emission factor given and no default — 0")
    elif pf.default_purity is not None:
        # Carbonates: default factor × purity, measured purity else the code's default (§2).
        purity = line.purity if line.purity is not None else pf.default_purity
        ef, factor_source = pf.default_factor * purity, "default"
        formula = f"{_n(pf.default_factor)} × {_n(purity)}"
    else:
        ef, factor_source, formula = pf.default_factor, "default", f"{_n(pf.default_factor)}"
    emission = _round(activity * ef, _CENT)
    return ProcessLineResult(
        index=index,
        process=code,
        known=True,
        emission_factor=ef,
        factor_source=factor_source,
        emission_tco2=emission,
        arithmetic=f"{_n(activity)} × {formula} = {_r(emission)}",
    )


def _product(index: int, line: ProductLine, ref: ReferenceData, kgce_per_kgoe: Decimal) -> ProductResult:
    """Return a product's unit energy in the unit of its level, and where it stands against its band's levels.

    reference-data.md §4: kgce per unit of output (energy_tce × 1000 / output), converted to kgoe for the
    levels stated in kg oil equivalent (refining, ethylene), or kWh of electricity per t where the level is
    an electricity level (aluminium: electricity_mwh × 1000 / output). Lower is better; levels may be
    negative (BOF steelmaking recovers more energy than it uses).
    """
    pref = ref.product(line.product)
    level_ref = pref.level(line.variant) if pref is not None else None
    assumed = pref is not None and pref.banded and line.variant is None
    variant = level_ref.variant if level_ref is not None else None
    unit = level_ref.level_unit if level_ref is not None else "kgce"
    benchmark = level_ref.benchmark if level_ref is not None else None
    baseline = level_ref.baseline if level_ref is not None else None
    result = partial(ProductResult, index=index, product=line.product, benchmark=benchmark, baseline=baseline,
                     variant=variant, variant_assumed=assumed, level_unit=unit)
    if line.output <= _ZERO:
        return result(unit_energy=None, level=None, arithmetic="no unit energy: output missing or zero")
    if unit == "kWh":
        if line.electricity_mwh is None:
            return result(unit_energy=None, level=None,
                          arithmetic="no unit energy: the level is kWh/t and electricity_mwh is missing")
        unit_energy = _round(line.electricity_mwh * _THOUSAND / line.output, _CENT)
        arithmetic = f"{_n(line.electricity_mwh)} × 1000 / {_n(line.output)} = {_r(unit_energy)} kWh"
    elif line.energy_tce is None:
        return result(unit_energy=None, level=None, arithmetic="no unit energy: energy_tce missing")
    elif unit == "kgoe":
        unit_energy = _round(line.energy_tce * _THOUSAND / line.output / kgce_per_kgoe, _CENT)
        arithmetic = (f"{_n(line.energy_tce)} × 1000 / {_n(line.output)} / {_n(kgce_per_kgoe)} = {_r(unit_energy)} kgoe")
    else:
        unit_energy = _round(line.energy_tce * _THOUSAND / line.output, _CENT)
        arithmetic = f"{_n(line.energy_tce)} × 1000 / {_n(line.output)} = {_r(unit_energy)} kgce"
    # Lower is better: at or below the benchmark reaches 标杆水平, above the baseline is worse than 基准水平.
    # The rounded figure is compared, the one the filer sees.
    level: EnergyLevel | None = None
    if benchmark is not None and unit_energy <= benchmark:
        level = "benchmark"
    elif baseline is not None and unit_energy > baseline:
        level = "worse_than_baseline"
    elif benchmark is not None and baseline is not None:
        level = "between"
    if level is not None:
        band = f" ({variant}{' assumed' if assumed else ''})" if variant else ""
        arithmetic += (
            f"; benchmark{band} {_n(benchmark) if benchmark is not None else '—'}, "
            f"baseline {_n(baseline) if baseline is not None else '—'} → {level}"
        )
    return result(unit_energy=unit_energy, level=level, arithmetic=arithmetic)


def _heat_ratio(document: GhgAnnualReport) -> tuple[Decimal, str]:
    """Return the enterprise's heat ratio and how it was found: stated, else generation-weighted, else 0.

    filing-format.md: heat_ratio null → the generation-weighted mean of generating_units[].heat_ratio.
    """
    if document.heat_ratio is not None:
        return document.heat_ratio, "heat ratio stated"
    weighted = [(u.generation_mwh, u.heat_ratio) for u in document.generating_units
                if u.heat_ratio is not None and u.generation_mwh is not None and u.generation_mwh > _ZERO]
    generation = sum((g for g, _ in weighted), _ZERO)
    if generation > _ZERO:
        ratio = _round(sum((g * r for g, r in weighted), _ZERO) / generation, _TEN_THOUSANDTH)
        return ratio, "heat ratio weighted by the units' generation"
    return _ZERO, "no heat ratio stated"


# ----------------------------------------------------------------------------------------- report


def compute_ghg(document: GhgAnnualReport, ref: ReferenceData) -> GhgComputed:
    """Compute every figure of a GHG annual report from the document and the reference data."""
    with localcontext(_CONTEXT):
        return _compute(document, ref)


def _compute(document: GhgAnnualReport, ref: ReferenceData) -> GhgComputed:
    year = document.reporting_year
    setting = _Setting(document, ref)
    arithmetic: dict[str, str] = {}

    fuels = [_fuel_line(i, line, ref, setting) for i, line in enumerate(document.fuels)]
    processes = [_process_line(i, line, ref, setting) for i, line in enumerate(document.processes)]

    fuel_parts = [r.emission_tco2 for r in fuels if r.known]
    combustion = _round(sum(fuel_parts, _ZERO), _CENT)
    arithmetic["combustion_tco2"] = _sum_text(fuel_parts, combustion)
    process_parts = [r.emission_tco2 for r in processes if r.emission_factor is not None]
    process = _round(sum(process_parts, _ZERO), _CENT)
    arithmetic["process_tco2"] = _sum_text(process_parts, process)

    # Electricity (filing-format.md): power generation counts purchased electricity only while the
    # parameter says so (not from 2026); other industries count net purchases.
    elec = document.electricity
    official: Decimal = _value(ref, GRID_FACTOR, year)
    grid = elec.grid_factor if elec.grid_factor is not None else official
    if setting.is_power:
        if _value(ref, POWER_COUNTS_PURCHASED, year):
            electricity = _round(elec.purchased_mwh * grid, _CENT)
            arithmetic["electricity_tco2"] = f"{_n(elec.purchased_mwh)} × {_n(grid)} = {_r(electricity)}"
        else:
            electricity = _round(_ZERO, _CENT)
            arithmetic["electricity_tco2"] = (
                f"power generation: purchased electricity not counted in {year} = 0.00"
            )
    else:
        electricity = _round((elec.purchased_mwh - elec.exported_mwh) * grid, _CENT)
        arithmetic["electricity_tco2"] = (
            f"({_n(elec.purchased_mwh)} − {_n(elec.exported_mwh)}) × {_n(grid)} = {_r(electricity)}"
        )

    heat = document.heat
    if setting.is_power:
        heat_tco2 = _round(_ZERO, _CENT)
        arithmetic["heat_tco2"] = "power generation: purchased heat not counted = 0.00"
    else:
        heat_factor: Decimal = _value(ref, HEAT_FACTOR, year)
        heat_tco2 = _round((heat.purchased_gj - heat.exported_gj) * heat_factor, _CENT)
        arithmetic["heat_tco2"] = (
            f"({_n(heat.purchased_gj)} − {_n(heat.exported_gj)}) × {_n(heat_factor)} = {_r(heat_tco2)}"
        )

    recovered = document.co2_recovered_t if document.co2_recovered_t is not None else _ZERO
    total = _round(combustion + process + electricity + heat_tco2 - recovered, _UNIT)
    arithmetic["total_tco2"] = (
        f"{_r(combustion)} + {_r(process)} + {_r(electricity)} + {_r(heat_tco2)} − {_n(recovered)} = {_r(total)}"
    )
    # filing-format.md: direct = combustion + process − recovered, an integer (the 26,000 t of GHG-010/011)
    direct = _round(combustion + process - recovered, _UNIT)
    arithmetic["direct_tco2"] = f"{_r(combustion)} + {_r(process)} − {_n(recovered)} = {_r(direct)}"
    biogenic_parts = [r.biogenic_tco2 for r in fuels if r.biogenic_tco2]
    biogenic = _round(sum(biogenic_parts, _ZERO), _CENT)
    arithmetic["biogenic_tco2"] = _sum_text(biogenic_parts, biogenic) + " (memo: not in any total)"

    # What the national ETS covers: power generation its combustion and purchased electricity; steel,
    # cement and aluminium (from 2024) their direct emissions; other industries nothing.
    ets_covered: Decimal | None = None
    if setting.is_power:
        ets_covered = _round(combustion + electricity, _UNIT)
        arithmetic["ets_covered_tco2"] = f"{_r(combustion)} + {_r(electricity)} = {_r(ets_covered)}"
    elif document.enterprise.industry_code in _value(ref, ETS_DIRECT_INDUSTRIES, year):
        ets_covered = direct
        arithmetic["ets_covered_tco2"] = f"direct emissions = {_r(direct)}"

    tce_per_mwh: Decimal = _value(ref, TCE_PER_MWH, year)
    fuel_energy = sum((r.energy_tce for r in fuels), _ZERO)
    inputs = fuel_energy + elec.purchased_mwh * tce_per_mwh + heat.purchased_gj / setting.gj_per_tce
    fuel_gj = sum((r.activity_gj for r in fuels), _ZERO)
    text = (f"{_n(fuel_gj)} / {_n(setting.gj_per_tce)} + {_n(elec.purchased_mwh)} × {_n(tce_per_mwh)} + "
            f"{_n(heat.purchased_gj)} / {_n(setting.gj_per_tce)}")
    if not setting.is_power and (elec.exported_mwh or heat.exported_gj):
        # Energy supplied to others is not consumed here (filing-format.md); power generation's output is
        # its product and stays in its inputs.
        inputs -= elec.exported_mwh * tce_per_mwh + heat.exported_gj / setting.gj_per_tce
        text += f" − {_n(elec.exported_mwh)} × {_n(tce_per_mwh)} − {_n(heat.exported_gj)} / {_n(setting.gj_per_tce)}"
    energy = _round(inputs, _CENT)
    arithmetic["energy_from_inputs_tce"] = f"{text} = {_r(energy)}"

    kgce_per_kgoe: Decimal = _value(ref, KGCE_PER_KGOE, year)
    products = [_product(i, line, ref, kgce_per_kgoe) for i, line in enumerate(document.products)]
    heat_ratio, ratio_text = _heat_ratio(document)
    supplies_heat = any(p.product == HEAT_PRODUCT and p.output > _ZERO for p in document.products) or any(
        (u.heat_supplied_gj or _ZERO) > _ZERO for u in document.generating_units)
    primary = next((p for p in document.products if p.primary), None)
    intensity: Decimal | None = None
    if primary is not None and primary.output > _ZERO:
        if primary.product == ELECTRICITY_PRODUCT and supplies_heat:
            # A CHP plant's electricity carries only its share of the emissions (核算与报告指南 发电设施, 供热比).
            intensity = _round(total * (_ONE - heat_ratio) / primary.output, _TEN_THOUSANDTH)
            arithmetic["carbon_intensity"] = (
                f"{_r(total)} × (1 − {_n(heat_ratio)}) / {_n(primary.output)} = {_r(intensity)} ({ratio_text})")
        else:
            intensity = _round(total / primary.output, _TEN_THOUSANDTH)
            arithmetic["carbon_intensity"] = f"{_r(total)} / {_n(primary.output)} = {_r(intensity)}"
    else:
        arithmetic["carbon_intensity"] = "no primary product with output"

    by_source: dict[str, Decimal] = {}
    for line, result in zip(document.fuels, fuels, strict=True):
        if line.source is not None:
            by_source[line.source] = by_source.get(line.source, _ZERO) + result.emission_tco2
    units: list[GeneratingUnitResult] = []
    for i, unit in enumerate(document.generating_units):
        unit_tco2 = _round(by_source.get(unit.id, _ZERO), _CENT)
        ratio = unit.heat_ratio if unit.heat_ratio is not None else _ZERO
        if unit.generation_mwh is not None and unit.generation_mwh > _ZERO:
            per_mwh = _round(unit_tco2 * (_ONE - ratio) / unit.generation_mwh, _TEN_THOUSANDTH)
            unit_intensity: Decimal | None = per_mwh
            text = f"{_r(unit_tco2)} × (1 − {_n(ratio)}) / {_n(unit.generation_mwh)} = {_r(per_mwh)}"
        else:
            unit_intensity = None
            text = f"{_r(unit_tco2)} tCO2; no generation reported"
        units.append(
            GeneratingUnitResult(
                index=i, id=unit.id, combustion_tco2=unit_tco2, intensity=unit_intensity, arithmetic=text
            )
        )

    # XCK-001 compares coal burnt with the permit's coal_t: coal-type fuels only (coke is not coal).
    coal_parts: list[Decimal] = []
    for line in document.fuels:
        factor = setting.fuels.get(line.fuel)
        if factor is not None and factor.is_coal:
            coal_parts.append(line.consumption)
    coal = sum(coal_parts, _ZERO)
    arithmetic["coal_t"] = " + ".join(_n(c) for c in coal_parts) + f" = {_n(coal)}" if coal_parts else "0"

    return GhgComputed(
        edition=setting.edition,
        grid_factor=grid,
        grid_factor_official=official,
        fuels=fuels,
        processes=processes,
        combustion_tco2=combustion,
        process_tco2=process,
        electricity_tco2=electricity,
        heat_tco2=heat_tco2,
        co2_recovered_tco2=recovered,
        total_tco2=total,
        direct_tco2=direct,
        biogenic_tco2=biogenic,
        ets_covered_tco2=ets_covered,
        heat_ratio=heat_ratio,
        supplies_heat=supplies_heat,
        energy_from_inputs_tce=energy,
        carbon_intensity=intensity,
        products=products,
        generating_units=units,
        coal_t=coal,
        arithmetic=arithmetic,
    )
