"""PLN-001…PLN-013: obligations from the provincial plans."""

from __future__ import annotations

import datetime as dt

from portal.domain.documents import ProductLine

from .rule_docs import D, boiler, captive_unit, fires, ghg_doc, in_jiangsu, of_rule, run, silent

# ------------------------------------------------------------------------------------------ boilers (JX)


def test_pln_001_fires_for_a_small_coal_boiler_in_a_built_up_area_since_the_plan():
    doc = ghg_doc(boilers=[boiler()])
    found = fires(doc, "PLN-001", "warning", "boilers[0]")
    assert "20" in found.message_zh and "2022-01-10" in found.message_zh and "2021-11-16" in found.message_zh
    assert "35蒸吨/小时及以下燃煤锅炉" in found.citation


def test_pln_001_fires_at_exactly_35_tph_on_the_plan_date():
    fires(ghg_doc(boilers=[boiler(capacity_tph=D(35), commissioned=dt.date(2021, 11, 16))]),
          "PLN-001", "warning", "boilers[0]")


def test_pln_001_silent_before_the_plan_above_35_outside_built_up_areas_and_in_jiangsu():
    silent(ghg_doc(boilers=[boiler(commissioned=dt.date(2021, 11, 15))]), "PLN-001")
    silent(ghg_doc(boilers=[boiler(capacity_tph=D(40))]), "PLN-001")
    silent(ghg_doc(boilers=[boiler(in_built_up_area=False)]), "PLN-001")
    silent(ghg_doc(boilers=[boiler(fuel="gas")]), "PLN-001")
    silent(in_jiangsu(ghg_doc(boilers=[boiler()])), "PLN-001")


def test_pln_002_fires_for_a_large_coal_boiler_without_ultra_low_emission():
    doc = ghg_doc(boilers=[boiler(), boiler(id="2#炉", capacity_tph=D(75), in_built_up_area=False)])
    fires(doc, "PLN-002", "warning", "boilers[1].ultra_low_emission")


def test_pln_002_silent_at_65_tph_with_ultra_low_emission_and_in_jiangsu():
    silent(ghg_doc(boilers=[boiler(capacity_tph=D(65))]), "PLN-002")
    silent(ghg_doc(boilers=[boiler(capacity_tph=D(75), ultra_low_emission=True)]), "PLN-002")
    silent(in_jiangsu(ghg_doc(boilers=[boiler(capacity_tph=D(75))])), "PLN-002")


def test_pln_003_notes_a_gas_boiler_without_low_nox():
    fires(ghg_doc(boilers=[boiler(fuel="gas")]), "PLN-003", "notice", "boilers[0].low_nox")


def test_pln_003_silent_with_low_nox_or_for_coal():
    silent(ghg_doc(boilers=[boiler(fuel="gas", low_nox=True)]), "PLN-003")
    silent(ghg_doc(boilers=[boiler()]), "PLN-003")


# ------------------------------------------------------------------------------------------ PLN-004


def test_pln_004_fires_for_a_new_captive_coal_unit_in_jiangxi():
    found = fires(ghg_doc(generating_units=[captive_unit()]), "PLN-004", "warning", "generating_units[0]")
    assert "2021-11-16" in found.message_zh and "不再新增自备燃煤机组" in found.citation


def test_pln_004_uses_the_jiangsu_plan_date_in_jiangsu():
    silent(in_jiangsu(ghg_doc(generating_units=[captive_unit()])), "PLN-004")  # 2022-06-01 < 2023-01-09
    doc = in_jiangsu(ghg_doc(generating_units=[captive_unit(commissioned=dt.date(2023, 1, 9))]))
    found = fires(doc, "PLN-004", "warning", "generating_units[0]")
    assert "严禁新（扩）建燃煤自备电厂" in found.citation and "江西" not in found.citation


def test_pln_004_silent_for_public_or_gas_units():
    silent(ghg_doc(generating_units=[captive_unit(self_owned=False)]), "PLN-004")
    silent(ghg_doc(generating_units=[captive_unit(fuel="gas")]), "PLN-004")


# ------------------------------------------------------------------------------------------ PLN-005


def test_pln_005_fires_for_new_restricted_capacity_without_replacement():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    found = fires(doc, "PLN-005", "warning", "products[0].new_capacity")
    assert "水泥熟料" in found.message_zh


def test_pln_005_fires_when_capacity_grew_against_the_previous_report():
    previous = ghg_doc(reporting_year=2023)
    previous.products[0].capacity = D(1200000)
    found = fires(ghg_doc(), "PLN-005", "warning", "products[0].capacity", previous=previous)
    assert "300000" in found.message_zh


def test_pln_005_silent_with_a_replacement_ref_or_without_growth():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    doc.products[0].capacity_replacement_ref = "赣工信产业字〔2023〕12号"
    silent(doc, "PLN-005")
    silent(ghg_doc(), "PLN-005", previous=ghg_doc(reporting_year=2023))


def test_pln_005_pv_glass_is_restricted_in_jiangxi_only():
    doc = ghg_doc()
    doc.products.append(ProductLine(product="pv_glass", output=D(1000), capacity=D(2000), new_capacity=True))
    fires(doc, "PLN-005", "warning", "products[1].new_capacity")
    silent(in_jiangsu(doc), "PLN-005")


def test_pln_005_coke_is_restricted_in_jiangsu_only():
    doc = ghg_doc()
    doc.products.append(ProductLine(product="coke", output=D(1000), capacity=D(2000), new_capacity=True))
    silent(doc, "PLN-005")
    fires(in_jiangsu(doc), "PLN-005", "warning", "products[1].new_capacity")


# ------------------------------------------------------------------------------------------ PLN-006/007/008


def test_pln_006_fires_when_worse_than_the_baseline():
    doc = ghg_doc()
    doc.products[0].energy_tce = D(150000)  # 120.00 kgce/t > 117
    found = fires(doc, "PLN-006", "warning", "products[0].energy_tce")
    assert "120.00" in found.message_zh and "117" in found.message_zh and "高耗能" in found.message_zh


def test_pln_006_and_007_silent_between_benchmark_and_baseline():
    silent(ghg_doc(), "PLN-006")  # 104.80
    silent(ghg_doc(), "PLN-007")


def test_pln_007_notes_the_benchmark_level():
    doc = ghg_doc()
    doc.products[0].energy_tce = D(120000)  # 96.00 ≤ 100
    found = fires(doc, "PLN-007", "notice", "products[0].energy_tce")
    assert "96.00" in found.message_zh


def test_pln_008_fires_for_new_capacity_below_the_benchmark():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    fires(doc, "PLN-008", "warning", "products[0].new_capacity")


def test_pln_008_silent_for_new_capacity_at_the_benchmark():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    doc.products[0].energy_tce = D(120000)
    silent(doc, "PLN-008")


# ------------------------------------------------------------------------------------------ PLN-009…013


def test_pln_009_fires_for_hcfc_use_without_quota_and_plan():
    doc = ghg_doc()
    doc.hcfc.consumption_t = D(2)
    fires(doc, "PLN-009", "warning", "hcfc.has_quota")
    fires(doc, "PLN-009", "warning", "hcfc.phaseout_plan")


def test_pln_009_silent_with_quota_and_plan_or_no_use():
    doc = ghg_doc()
    doc.hcfc.consumption_t = D(2)
    doc.hcfc.has_quota = True
    doc.hcfc.phaseout_plan = True
    silent(doc, "PLN-009")
    silent(ghg_doc(), "PLN-009")


def test_pln_010_fires_for_an_unmonitored_bypass_in_jiangxi():
    doc = ghg_doc()
    doc.air.flue_gas_bypass = True
    fires(doc, "PLN-010", "warning", "air.bypass_monitored")


def test_pln_010_silent_when_monitored_or_in_jiangsu():
    doc = ghg_doc()
    doc.air.flue_gas_bypass = True
    doc.air.bypass_monitored = True
    silent(doc, "PLN-010")
    doc = ghg_doc()
    doc.air.flue_gas_bypass = True
    silent(in_jiangsu(doc), "PLN-010")


def test_pln_011_fires_for_a_key_discharger_emitting_vocs():
    doc = ghg_doc()
    doc.pollutants.vocs_t = D(5)
    found = fires(doc, "PLN-011", "warning", "air.online_monitoring")
    assert "5 t" in found.message_zh


def test_pln_011_fires_for_a_key_discharger_in_a_vocs_industry():
    doc = ghg_doc()
    doc.enterprise.industry_code = "2614"
    fires(doc, "PLN-011", "warning", "air.online_monitoring")


def test_pln_011_silent_when_monitored_not_key_or_not_concerned():
    doc = ghg_doc()
    doc.pollutants.vocs_t = D(5)
    doc.air.online_monitoring = ["vocs"]
    silent(doc, "PLN-011")
    doc = ghg_doc()
    doc.pollutants.vocs_t = D(5)
    doc.enterprise.is_key_pollutant_discharger = False
    silent(doc, "PLN-011")
    silent(ghg_doc(), "PLN-011")  # cement, VOCs 0


def test_pln_012_fires_for_jiangxi_steel_without_the_retrofit():
    doc = ghg_doc()
    doc.enterprise.industry_code = "3120"
    doc.air.ultra_low_retrofit_done = False
    found = fires(doc, "PLN-012", "warning", "air.ultra_low_retrofit_done")
    assert "力争全省钢铁企业完成改造" in found.citation


def test_pln_012_cement_is_due_in_jiangsu_only():
    doc = ghg_doc()
    doc.air.ultra_low_retrofit_done = False
    silent(doc, "PLN-012")
    found = fires(in_jiangsu(doc), "PLN-012", "warning", "air.ultra_low_retrofit_done")
    assert "江苏省减污降碳协同增效实施方案》第（十三）条" in found.citation


def test_pln_012_silent_when_done():
    doc = in_jiangsu(ghg_doc())
    silent(doc, "PLN-012")


def test_pln_013_notes_new_capacity_in_a_high_energy_industry():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    found = fires(doc, "PLN-013", "notice", "products[0].new_capacity")
    assert "台账" in found.message_zh


def test_pln_013_silent_outside_high_energy_industries_or_without_new_capacity():
    doc = ghg_doc()
    doc.enterprise.industry_code = "1311"  # 稻谷加工
    doc.products[0].new_capacity = True
    silent(doc, "PLN-013")
    silent(ghg_doc(), "PLN-013")


def test_new_restricted_capacity_raises_the_expected_set_of_findings():
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    rules = {f.rule for f in run(doc).findings if f.path.startswith("products[0]")}
    assert rules == {"PLN-005", "PLN-008", "PLN-013"}
    assert len(of_rule(run(doc).findings, "PLN-005")) == 1
