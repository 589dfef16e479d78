"""Real plants file correctly (issue "domain fidelity"): six worked cases, every figure computed by hand.

Each expectation below was worked out on paper from filing-format.md and reference-data.md (the
arithmetic is in the comments, rounded half up as the guidelines round), not read back from the code.
The documents go through the whole engine (``check_document``): computed figures and the findings that
used to be wrong — a BOF works blocked, a refinery in the wrong unit, a CHP plant out of its band.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from portal.domain.documents import (
    Electricity,
    Enterprise,
    FuelLine,
    GeneratingUnit,
    GhgAnnualReport,
    ProcessLine,
    ProductLine,
)
from portal.reference import default_reference
from portal.rules import check_document

FILED = dt.date(2025, 3, 20)


def _report(industry: str, region: str, *, fuels=(), processes=(), products=(), purchased_mwh=0, units=(),
            heat_ratio=None, key_emitter=True) -> GhgAnnualReport:  # type: ignore[no-untyped-def]
    return GhgAnnualReport(
        kind="ghg_annual_report", schema_version=1, reporting_year=2024,
        enterprise=Enterprise(name="测试企业", uscc="91360700MA38P2K51K", region_code=region, industry_code=industry,
                              is_key_emitter=key_emitter),
        fuels=list(fuels), processes=list(processes), products=list(products),
        electricity=Electricity(purchased_mwh=D(purchased_mwh)), generating_units=list(units), heat_ratio=heat_ratio,
    )


def _run(document: GhgAnnualReport):  # type: ignore[no-untyped-def]
    return check_document(document, default_reference(), filing_date=FILED, today=FILED)


def _rules(outcome) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.rule for f in outcome.findings}


# ------------------------------------------------------------------------------- a co-firing cement kiln


def cement_cofiring() -> GhgAnnualReport:
    """Return a Jiangxi cement kiln burning coal with straw pellets and shredded tyres (2024, mee-2024)."""
    return _report(
        "3011", "360702",
        fuels=[
            FuelLine(source="1#窑", fuel="bituminous", consumption=D(100000)),
            FuelLine(source="1#窑", fuel="biomass", consumption=D(20000)),
            FuelLine(source="1#窑", fuel="alternative_fuel", consumption=D(5000), ncv=D(28),
                     carbon_content=D("0.0245"), fossil_fraction=D("0.6")),
        ],
        processes=[ProcessLine(source="1#窑", process="clinker", activity=D(1000000))],
        products=[ProductLine(product="cement_clinker", output=D(1000000), energy_tce=D(104000), primary=True)],
        purchased_mwh=80000,
    )


def test_a_cement_kiln_cofiring_biomass_and_tyres_counts_only_fossil_carbon() -> None:
    c = _run(cement_cofiring()).computed
    # coal: 100000 × 23.736 × 0.02618 × 0.99 × 44/12 = 225,571.28 (all fossil)
    # straw: 20000 × 12.57 × 0.0305 × 0.98 × 44/12 = 27,552.60 — fossil share 0: emits 0, a memo item
    # tyres: 5000 × 28 × 0.0245 × 0.98 × 44/12 = 12,325.13; × 0.6 = 7,395.08 fossil, × 0.4 = 4,930.05 biogenic
    assert [r.emission_tco2 for r in c.fuels] == [D("225571.28"), D("0.00"), D("7395.08")]
    assert [r.biogenic_tco2 for r in c.fuels] == [D("0.00"), D("27552.60"), D("4930.05")]
    assert c.combustion_tco2 == D("232966.36")  # 225,571.28 + 0 + 7,395.08
    assert c.biogenic_tco2 == D("32482.65")  # 27,552.60 + 4,930.05, never in a total
    # clinker 1,000,000 t × 0.5274 = 527,400.00; electricity 80,000 × 0.5703 = 45,624.00
    assert c.total_tco2 == D(805990)  # 232,966.36 + 527,400.00 + 45,624.00 = 805,990.36
    assert c.direct_tco2 == D(760366)  # 232,966.36 + 527,400.00 = 760,366.36
    assert c.ets_covered_tco2 == D(760366)  # cement is covered from 2024: its direct emissions
    # energy counts every fuel, biomass included: (2,373,600 + 251,400 + 140,000) GJ / 29.3076 = 94,344.13
    # + 80,000 MWh × 0.1229 = 9,832 → 104,176.13 tce
    assert c.energy_from_inputs_tce == D("104176.13")
    assert c.carbon_intensity == D("0.8060")  # 805,990 / 1,000,000


def test_the_cofiring_kiln_is_silent_where_it_used_to_be_refused() -> None:
    outcome = _run(cement_cofiring())
    assert not {"GHG-002", "GHG-003", "GHG-004", "GHG-005"} & _rules(outcome)


# ------------------------------------------------------------------------------------------ a refinery


def refinery() -> GhgAnnualReport:
    """Return a Jiangsu refinery: 3.6 Mt·energy factor, 38,000 tce."""
    return _report("2511", "320115", products=[
        ProductLine(product="refined_oil", output=D(3600000), energy_tce=D(38000), primary=True)])


def test_a_refinery_is_compared_in_kgoe() -> None:
    outcome = _run(refinery())
    (product,) = outcome.computed.products
    # 38,000 × 1000 / 3,600,000 = 10.5556 kgce; ÷ 1.4286 kgce/kgoe = 7.3888 → 7.39 kgoe ≤ benchmark 7.5
    assert (product.unit_energy, product.level_unit, product.level) == (D("7.39"), "kgoe", "benchmark")
    # in kgce (10.56) it used to be judged worse than the 8.5 baseline
    assert "PLN-006" not in _rules(outcome) and "PLN-007" in _rules(outcome)


# ------------------------------------------------------------------------------ a coal-based ammonia plant


def test_a_coal_ammonia_plant_is_held_to_its_own_band() -> None:
    product = ProductLine(product="ammonia", variant="coal_powder", output=D(300000), energy_tce=D(420000),
                          primary=True)
    outcome = _run(_report("2621", "360702", products=[product]))
    (result,) = outcome.computed.products
    # 420,000 × 1000 / 300,000 = 1,400 kgce/t: between the pulverised-coal band's 1,350 and 1,550
    assert (result.unit_energy, result.variant, result.level) == (D("1400.00"), "coal_powder", "between")
    assert not {"PLN-006", "GHG-016"} & _rules(outcome)
    # without its band it is held to natural gas (1,000/1,200): worse than the baseline, and told why
    assumed = _run(_report("2621", "360702", products=[ProductLine(
        product="ammonia", output=D(300000), energy_tce=D(420000), primary=True)]))
    assert assumed.computed.products[0].level == "worse_than_baseline"
    assert {"PLN-006", "GHG-016"} <= _rules(assumed)


# -------------------------------------------------------------------------------------------- a CHP plant


def chp(heat_ratio: D | None = D("0.25")) -> GhgAnnualReport:
    """Return a Jiangsu CHP plant: 600,000 t of coal, 900,000 MWh of electricity and 4 PJ of heat."""
    return _report(
        "4412", "320115",
        fuels=[FuelLine(source="1#机组", fuel="bituminous", consumption=D(600000), ncv=D("20.9"),
                        carbon_content=D("0.0260"))],
        products=[ProductLine(product="electricity", output=D(900000), primary=True),
                  ProductLine(product="heat", output=D(4000000))],
        units=[GeneratingUnit(id="1#机组", fuel="coal", capacity_mw=D(300), generation_mwh=D(900000),
                              heat_supplied_gj=D(4000000))],
        heat_ratio=heat_ratio,
    )


def test_a_chp_plant_allocates_its_electricity_intensity_by_the_heat_ratio() -> None:
    outcome = _run(chp())
    c = outcome.computed
    # 600,000 × 20.9 × 0.0260 × 0.99 (power, coal) × 44/12 = 1,183,525.20 → total 1,183,525
    assert c.combustion_tco2 == D("1183525.20") and c.total_tco2 == D(1183525)
    # 1,183,525 × (1 − 0.25) / 900,000 = 0.98627 → 0.9863, inside the 0.30–1.20 band
    assert c.carbon_intensity == D("0.9863")
    assert c.ets_covered_tco2 == D(1183525)  # power: combustion + purchased electricity (none)
    assert not {"GHG-009", "GHG-015"} & _rules(outcome)


def test_a_chp_plant_without_a_heat_ratio_is_told_and_left_unallocated() -> None:
    outcome = _run(chp(heat_ratio=None))
    # 1,183,525 / 900,000 = 1.3150: above 1.20 — the electricity carries the heat's emissions
    assert outcome.computed.carbon_intensity == D("1.3150")
    assert {"GHG-009", "GHG-015"} <= _rules(outcome)


def test_the_heat_ratio_of_the_units_is_weighted_by_generation() -> None:
    document = chp(heat_ratio=None)
    document.generating_units = [
        GeneratingUnit(id="1#机组", fuel="coal", generation_mwh=D(600000), heat_ratio=D("0.3"), heat_supplied_gj=D(1)),
        GeneratingUnit(id="2#机组", fuel="coal", generation_mwh=D(300000), heat_ratio=D("0.1")),
    ]
    outcome = _run(document)
    # (600,000 × 0.3 + 300,000 × 0.1) / 900,000 = 0.2333; 1,183,525 × 0.7667 / 900,000 = 1.0082
    assert outcome.computed.heat_ratio == D("0.2333")
    assert outcome.computed.carbon_intensity == D("1.0082")
    assert "GHG-015" not in _rules(outcome)  # the units state their ratios


# ---------------------------------------------------------------------------------- an aluminium smelter


def test_an_aluminium_smelter_is_compared_in_kwh_per_tonne() -> None:
    document = _report(
        "3216", "320115",
        fuels=[FuelLine(source="焙烧炉", fuel="natural_gas", consumption=D(3000))],
        processes=[ProcessLine(source="电解槽", process="anode", activity=D(200000)),
                   ProcessLine(source="电解槽", process="pfc_cf4", activity=D(200000)),
                   ProcessLine(source="电解槽", process="pfc_c2f6", activity=D(200000))],
        products=[ProductLine(product="aluminium", output=D(200000), electricity_mwh=D(2640000), primary=True)],
        purchased_mwh=2700000,
    )
    c = _run(document).computed
    (product,) = c.products
    # 2,640,000 MWh × 1000 / 200,000 t = 13,200 kWh/t: between 13,000 and 13,350
    assert (product.unit_energy, product.level_unit, product.level) == (D("13200.00"), "kWh", "between")
    # gas 3000 × 389.31 × 0.01532 × 0.99 × 44/12 = 64,950.46; anode 200,000 × 1.503 = 300,600;
    # CF4 200,000 × 0.034 × 6500 / 1000 = 44,200; C2F6 200,000 × 0.0034 × 9200 / 1000 = 6,256
    assert (c.combustion_tco2, c.process_tco2) == (D("64950.46"), D("351056.00"))
    # electricity 2,700,000 × 0.5703 = 1,539,810; total 1,955,816.46 → 1,955,816; direct 416,006.46 → 416,006
    assert (c.total_tco2, c.direct_tco2, c.ets_covered_tco2) == (D(1955816), D(416006), D(416006))


# ------------------------------------------------------------------------------------ a BOF steelworks


def bof_works() -> GhgAnnualReport:
    """Return a Jiangxi steelworks whose converters recover more energy than they use (2024)."""
    return _report(
        "3120", "360702",
        fuels=[FuelLine(source="转炉", fuel="bof_gas", consumption=D(10000))],
        processes=[ProcessLine(source="转炉", process="scrap_in", activity=D(300000)),
                   ProcessLine(source="转炉", process="crude_steel_out", activity=D(2000000))],
        products=[ProductLine(product="bof_steel", output=D(2000000), energy_tce=D(-40000), primary=True)],
    )


def test_a_bof_steelworks_reports_negative_process_energy_without_an_error() -> None:
    outcome = _run(bof_works())
    (product,) = outcome.computed.products
    # −40,000 × 1000 / 2,000,000 = −20 kgce/t: between the benchmark −30 and the baseline −10
    assert (product.unit_energy, product.level) == (D("-20.00"), "between")
    assert "GHG-002" not in _rules(outcome)
    assert not [f for f in outcome.findings if f.severity == "error"]


def test_negative_energy_stays_an_error_for_any_other_product() -> None:
    document = bof_works()
    document.products.append(ProductLine(product="pig_iron", output=D(1000), energy_tce=D(-1)))
    found = [f for f in _run(document).findings if f.rule == "GHG-002"]
    assert [f.path for f in found] == ["products[1].energy_tce"]
