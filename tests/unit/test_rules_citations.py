"""A finding cites only documents of the enterprise's own province, plus national ones (rules-catalogue.md 2026-12).

Two levels: every rule's citation for each province it applies to (the registry), and the findings of a set of
documents that together fire nearly every rule, in Jiangxi and in Jiangsu. Before 2026-12 a Jiangxi filing cited
the Jiangsu plan on XCK-001…005, DSC-001, CPA-001, GHG-004/005 — and a Jiangsu filing the Jiangxi plans on
GHG-008, PLN-007, PLN-013, CPA-011.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from portal.domain.documents import CPA_KIND, GHG_KIND, FuelLine, ProductLine
from portal.domain.findings import Finding
from portal.rules import AuditRecord, rules

from .rule_docs import (
    JS_REGION,
    D,
    boiler,
    captive_unit,
    coal_unit,
    cpa_doc,
    ghg_doc,
    kiln,
    power_plant,
    run,
    small_emitter,
)

#: what a citation of each province must never contain: the other province's documents. Every Jiangsu
#: document is 《江苏省…》 and every Jiangxi one 《江西省…》 (方案, "十四五"规划, 决定, 实施意见); the bare province
#: name is checked, so a shorthand such as 江苏方案 or 江西决定 cannot slip through either.
FOREIGN = {"JX": "江苏", "JS": "江西"}
PROVINCE_REGION = {"JX": "360700", "JS": JS_REGION}

@pytest.mark.parametrize("rule_id", [r.id for r in rules()])
def test_every_rules_citation_names_only_its_provinces_documents(rule_id: str) -> None:
    entry = next(r for r in rules() if r.id == rule_id)
    for province in sorted(entry.provinces):
        citation = entry.citation(province)
        assert citation.strip()
        assert FOREIGN[province] not in citation, f"{rule_id} cites {FOREIGN[province]} for {province}: {citation}"


def test_a_rule_that_draws_on_both_plans_has_a_basis_per_province() -> None:
    for entry in rules():
        if "all" in entry.basis:
            text = entry.basis["all"]
            assert not ("江西" in text and "江苏" in text), f"{entry.id} joins both provinces in one basis"


# ------------------------------------------------------------------------------------------ rich documents


def _in(province: str, doc: Any) -> Any:
    doc.enterprise.region_code = PROVINCE_REGION[province]
    return doc


def _kitchen_sink() -> Any:
    """Return the cement report with something wrong in nearly every section."""
    doc = ghg_doc(exceeded_standards=True, last_audit_year=2018, obsolete_equipment=True)
    doc.enterprise.is_key_emitter = False  # GHG-010
    doc.fuels[0].carbon_content = D("0.05")  # GHG-005
    doc.fuels[0].sulfur_pct = D("0.01")  # XCK-005: 2 × 0.01 % × coal far below the SO2 reported
    doc.fuels.append(FuelLine(source="烘干炉", fuel="natural_gas", consumption=D(50), ncv=D(420)))  # GHG-004
    doc.electricity.grid_factor = D("0.9")  # GHG-012
    doc.declared.total_tco2 = D(1000000)  # GHG-007
    doc.energy_total_tce = D(200000)  # XCK-004
    doc.permit.coal_t = D(100000)  # XCK-001
    doc.permit.so2_t = D(40)  # XCK-002
    doc.permit.so2_limit_t = D(50)  # XCK-003
    doc.products[0].new_capacity = True  # PLN-005, 008, 013
    doc.products[0].equipment_efficiency = "grade_3"  # PLN-014 (JS)
    doc.products[0].energy_tce = D(150000)  # PLN-006: 120 kgce/t, worse than the baseline
    doc.products.append(ProductLine(product="cement_clinker", output=D(0), primary=True))  # GHG-013: two primaries
    doc.boilers = [
        boiler(),  # PLN-001
        boiler(id="2#炉", capacity_tph=D(65), in_built_up_area=False),  # PLN-002
        boiler(id="3#炉", fuel="gas"),  # PLN-003
        boiler(id="4#炉", fuel="biomass", biomass_boiler="converted", dust_removal="none", cofires_coal=True),
    ]
    doc.generating_units = [
        captive_unit(commissioned=dt.date(2023, 6, 1)),  # PLN-004 in both provinces
        coal_unit(capacity_mw=D(300), heat_demand_nearby=True),  # PLN-015
        coal_unit(id="5#机", capacity_mw=D(50), heat_supplied_gj=D(600000), within_supply_radius_of_large_unit=True),
    ]
    doc.kilns = [kiln(), kiln(id="2#窑", commissioned=dt.date(2010, 1, 1), kind="brick")]  # PLN-020/021/022
    doc.hcfc.consumption_t = D(2)  # PLN-009
    doc.air.flue_gas_bypass = True  # PLN-010
    doc.air.vocs_materials = "high_vocs"  # PLN-017
    doc.pollutants.vocs_t = D(12)  # PLN-011, PLN-018
    doc.permit.vocs_limit_t = D(10)
    doc.pollutants.tp_t = D(1)
    doc.toxic.discharges_toxic_substances = True
    doc.toxic.categories = ["heavy_metals"]  # PLN-011, PLN-023
    return doc


def _steel() -> Any:
    doc = ghg_doc()
    doc.enterprise.industry_code = "3120"  # PLN-012 in both provinces
    doc.air.ultra_low_retrofit_done = False
    return doc


def _benchmark() -> Any:
    doc = ghg_doc()
    doc.products[0].energy_tce = D(120000)  # PLN-007: 96 kgce/t
    return doc


def _implausible() -> Any:
    doc = ghg_doc()
    doc.products[0].output = D(2000000)  # GHG-009: intensity and unit energy below their bands
    doc.products.append(ProductLine(product="ceramic_tile", output=D(100000), energy_tce=D(500)))  # GHG-016
    return doc


def _chp_without_heat_ratio() -> Any:
    doc = power_plant()  # GHG-006
    doc.products.append(ProductLine(product="heat", output=D(100)))  # GHG-015
    return doc


def _broken() -> Any:
    doc = ghg_doc(reporting_year=2025)  # GHG-001: not over at the filing date
    doc.enterprise.uscc = "91360700MA38P2K51A"  # ENT-001
    doc.enterprise.industry_code = "3019"  # ENT-003
    doc.enterprise.permit_number = "91360700MA38P2K51K01P"  # ENT-004
    doc.enterprise.name = None  # ENT-005
    doc.fuels[0].oxidation_rate = D("1.5")  # GHG-003
    doc.fuels.append(FuelLine(fuel="unobtainium", consumption=D(1)))  # GHG-002
    return doc


def _unknown_region(province: str) -> Any:
    doc = ghg_doc()
    doc.enterprise.region_code = {"JX": "360799", "JS": "320199"}[province]  # ENT-002, still in the province
    return doc


def _audits() -> Iterator[Any]:
    doc = cpa_doc(audit_type="mandatory", triggers=[], listed_on=dt.date(2022, 11, 1), info_published_on=None,
                  permit_number=None)  # CPA-003, 004, 005, 009 (JS)
    doc.phases.assessment.end = dt.date(2023, 5, 1)  # CPA-002
    doc.options[3].lifetime_years = None  # CPA-006
    doc.options[1].status = "feasible"  # CPA-007
    doc.options[2].savings.nox_t = None  # CPA-008
    doc.acceptance.status = "passed"
    doc.acceptance.date = dt.date(2024, 8, 1)  # CPA-010
    doc.consultancy.uscc = "91360100MA35K7Q2WZ"  # CPA-012
    yield doc
    empty = cpa_doc(focus=None, indicators=[])  # CPA-013
    empty.options[3].annual_benefit_10k_cny = D(-5)  # CPA-014: feasible, NPV < 0
    yield empty


def _previous(province: str) -> Any:
    """Return a 2023 report of a quarter of the clinker: carbon intensity and total change (GHG-008)."""
    return _in(province, ghg_doc(reporting_year=2023,
                                 products=[ProductLine(product="cement_clinker", output=D(400000), primary=True)]))


def _findings(province: str) -> list[Finding]:
    late = dt.date(2025, 6, 1)  # GHG-014
    out: list[Finding] = []
    for doc in (_kitchen_sink(), _steel(), _benchmark(), _implausible(), _broken()):
        out += run(_in(province, doc), filing_date=late, previous=_previous(province),
                   audit_history=[AuditRecord(2018, "voluntary")]).findings
    out += run(_unknown_region(province)).findings
    out += run(_in(province, small_emitter()), previous=_in(province, small_emitter(2023))).findings  # GHG-011
    out += run(_in(province, _chp_without_heat_ratio())).findings
    for audit in _audits():
        out += run(_in(province, audit)).findings
    return out


@pytest.mark.parametrize("province", ["JX", "JS"])
def test_findings_of_documents_firing_nearly_every_rule_cite_only_their_province(province: str) -> None:
    findings = _findings(province)
    # the GHG and audit rules here; the disclosure rules' own-province citations: test_rules_disclosure.py
    applicable = {r.id for r in rules() if province in r.provinces and r.kinds & {GHG_KIND, CPA_KIND}}
    fired = {f.rule for f in findings}
    assert fired <= applicable
    assert applicable == fired, sorted(applicable - fired)  # every rule of the province fires
    for finding in findings:
        assert FOREIGN[province] not in finding.citation, (finding.rule, finding.citation)
