"""PLN-001…PLN-023: obligations from the provincial plans (PLN-014…023: the clauses added in 2026-12)."""

from __future__ import annotations

import datetime as dt

from portal.domain.documents import ProductLine

from .rule_docs import (
    D,
    boiler,
    captive_unit,
    coal_unit,
    fires,
    ghg_doc,
    in_jiangsu,
    kiln,
    of_rule,
    run,
    silent,
)

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


def test_pln_002_fires_at_exactly_65_tph():
    # "65蒸吨/小时以上" includes 65 (amended 2026-12; v1 fired only above 65)
    found = fires(ghg_doc(boilers=[boiler(capacity_tph=D(65))]), "PLN-002", "warning", "boilers[0].ultra_low_emission")
    assert "65 蒸吨/小时及以上" in found.message_zh and "65蒸吨/小时以上燃煤锅炉" in found.citation


def test_pln_002_silent_below_65_tph_with_ultra_low_emission_for_gas_and_in_jiangsu():
    silent(ghg_doc(boilers=[boiler(capacity_tph=D("64.9"))]), "PLN-002")
    silent(ghg_doc(boilers=[boiler(capacity_tph=D(75), ultra_low_emission=True)]), "PLN-002")
    silent(ghg_doc(boilers=[boiler(capacity_tph=D(75), fuel="gas")]), "PLN-002")
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
    assert "5 t" in found.message_zh and "挥发性有机物在线监控" in found.message_zh


def test_pln_011_one_finding_per_missing_pollutant():
    doc = ghg_doc()
    doc.pollutants.vocs_t = D(5)
    doc.pollutants.tp_t = D("0.8")
    doc.pollutants.tn_t = D(12)
    doc.toxic.categories = ["heavy_metals"]
    found = of_rule(run(doc).findings, "PLN-011")
    assert [f.path for f in found] == ["air.online_monitoring", "pollutants.tp_t", "pollutants.tn_t",
                                       "toxic.categories"]
    assert "总磷在线监控" in found[1].message_zh and "0.8 t" in found[1].message_zh
    assert "总氮在线监控" in found[2].message_zh and "重金属在线监控" in found[3].message_zh
    assert "总磷、总氮、重金属等特征污染物在线监控设备" in found[1].citation
    # each pollutant is answered by its own monitoring
    doc.air.online_monitoring = ["tp", "heavy_metals"]
    assert [f.path for f in of_rule(run(doc).findings, "PLN-011")] == ["air.online_monitoring", "pollutants.tn_t"]
    doc.air.online_monitoring = ["vocs", "tp", "tn", "heavy_metals"]
    silent(doc, "PLN-011")


def test_pln_011_tp_and_tn_fire_only_above_zero():
    doc = ghg_doc()
    doc.pollutants.tp_t = D("0.001")
    fires(doc, "PLN-011", "warning", "pollutants.tp_t")
    doc.pollutants.tp_t = D(0)
    doc.pollutants.tn_t = D(0)
    silent(doc, "PLN-011")


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
    silent(ghg_doc(), "PLN-011")  # cement, VOCs 0, no TP, TN or heavy metals
    doc = ghg_doc()
    doc.enterprise.is_key_pollutant_discharger = False
    doc.pollutants.tn_t = D(3)
    doc.toxic.categories = ["heavy_metals"]
    silent(doc, "PLN-011")
    doc.enterprise.is_key_pollutant_discharger = True
    assert of_rule(run(doc).findings, "PLN-011")
    silent(in_jiangsu(doc), "PLN-011")


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


# ------------------------------------------------------------------------------------------ PLN-014 (JS)


def _new_capacity(doc, grade):  # type: ignore[no-untyped-def]
    doc.products[0].new_capacity = True
    doc.products[0].capacity_replacement_ref = "苏工信产业〔2024〕3号"
    doc.products[0].equipment_efficiency = grade
    return doc


def test_pln_014_fires_for_new_capacity_with_equipment_below_grade_1_in_jiangsu():
    for grade in ("grade_2", "grade_3"):
        found = fires(in_jiangsu(_new_capacity(ghg_doc(), grade)), "PLN-014", "warning",
                      "products[0].equipment_efficiency")
        assert "一级能效" in found.message_zh and "水泥熟料" in found.message_zh
        assert found.citation == ("《江苏省减污降碳协同增效实施方案》第（五）条 “新建高耗能项目用能设备达到一级能效标准”；"
                                  "《江苏省减污降碳协同增效实施方案》第（八）条 “坚决淘汰落后产能、落后工艺、落后产品”")


def test_pln_014_fires_for_obsolete_equipment_in_use():
    doc = in_jiangsu(ghg_doc(obsolete_equipment=True))
    assert "淘汰" in fires(doc, "PLN-014", "warning", "obsolete_equipment").message_zh


def test_pln_014_silent_at_grade_1_unstated_without_new_capacity_or_in_jiangxi():
    silent(in_jiangsu(_new_capacity(ghg_doc(), "grade_1")), "PLN-014")
    silent(in_jiangsu(_new_capacity(ghg_doc(), None)), "PLN-014")
    doc = in_jiangsu(ghg_doc())
    doc.products[0].equipment_efficiency = "grade_3"  # stated, but no new capacity this year
    silent(doc, "PLN-014")
    silent(in_jiangsu(ghg_doc()), "PLN-014")
    silent(_new_capacity(ghg_doc(obsolete_equipment=True), "grade_3"), "PLN-014")  # Jiangxi


# ------------------------------------------------------------------------------------------ PLN-015/016 (JS)


def test_pln_015_fires_for_a_coal_unit_of_exactly_300_mw_with_heat_demand_and_no_retrofit():
    doc = in_jiangsu(ghg_doc(generating_units=[coal_unit(capacity_mw=D(300), heat_demand_nearby=True)]))
    found = fires(doc, "PLN-015", "warning", "generating_units[0].heat_supply_retrofit")
    assert "300 MW 及以上" in found.message_zh and "推进30万千瓦及以上燃煤机组供热改造" in found.citation


def test_pln_015_silent_below_300_mw_retrofitted_supplying_heat_without_demand_or_in_jiangxi():
    def units(**fields):  # type: ignore[no-untyped-def]
        return in_jiangsu(ghg_doc(generating_units=[coal_unit(**{"heat_demand_nearby": True, **fields})]))
    silent(units(capacity_mw=D("299.9")), "PLN-015")
    silent(units(heat_supply_retrofit=True), "PLN-015")
    silent(units(heat_supplied_gj=D(50000)), "PLN-015")
    silent(units(heat_ratio=D("0.1")), "PLN-015")
    silent(units(fuel="gas"), "PLN-015")
    silent(units(heat_demand_nearby=False), "PLN-015")
    silent(ghg_doc(generating_units=[coal_unit(heat_demand_nearby=True)]), "PLN-015")


def test_pln_016_fires_for_a_small_coal_chp_unit_inside_a_large_units_radius():
    unit = coal_unit(capacity_mw=D("299.9"), heat_supplied_gj=D(800000), within_supply_radius_of_large_unit=True)
    found = fires(in_jiangsu(ghg_doc(generating_units=[unit])), "PLN-016", "warning",
                  "generating_units[0].within_supply_radius_of_large_unit")
    assert "小热电" in found.message_zh and "逐步关停整合落后燃煤小热电和燃煤锅炉" in found.citation
    unit = coal_unit(capacity_mw=D(50), heat_ratio=D("0.4"), within_supply_radius_of_large_unit=True)
    fires(in_jiangsu(ghg_doc(generating_units=[unit])), "PLN-016", "warning",
          "generating_units[0].within_supply_radius_of_large_unit")


def test_pln_016_silent_at_300_mw_outside_the_radius_without_heat_or_in_jiangxi():
    def units(**fields):  # type: ignore[no-untyped-def]
        values = {"capacity_mw": D(50), "heat_supplied_gj": D(800000), "within_supply_radius_of_large_unit": True}
        return in_jiangsu(ghg_doc(generating_units=[coal_unit(**{**values, **fields})]))
    silent(units(capacity_mw=D(300)), "PLN-016")  # a large unit is not a small CHP
    silent(units(within_supply_radius_of_large_unit=False), "PLN-016")
    silent(units(heat_supplied_gj=None), "PLN-016")  # a condensing unit is not a CHP unit
    silent(units(fuel="gas"), "PLN-016")
    unit = coal_unit(capacity_mw=D(50), heat_supplied_gj=D(800000), within_supply_radius_of_large_unit=True)
    silent(ghg_doc(generating_units=[unit]), "PLN-016")


# ------------------------------------------------------------------------------------------ PLN-017/018 (VOCs)


def test_pln_017_notes_high_vocs_materials_in_both_provinces_citing_each_ones_plan():
    doc = ghg_doc()
    doc.air.vocs_materials = "high_vocs"
    found = fires(doc, "PLN-017", "notice", "air.vocs_materials")
    assert "大力推进使用低挥发性有机物含量涂料、油墨、胶粘剂和清洗剂" in found.citation and "江苏" not in found.citation
    found = fires(in_jiangsu(doc), "PLN-017", "notice", "air.vocs_materials")
    assert "实施原辅材料和产品源头替代工程" in found.citation and "江西" not in found.citation


def test_pln_017_silent_for_low_vocs_none_or_unstated():
    for value in ("low_vocs", "none", None):
        doc = ghg_doc()
        doc.air.vocs_materials = value
        silent(doc, "PLN-017")
        silent(in_jiangsu(doc), "PLN-017")


def test_pln_018_fires_when_vocs_exceed_the_permitted_amount():
    doc = ghg_doc()
    doc.pollutants.vocs_t = D("12.5")
    doc.permit.vocs_limit_t = D(10)
    found = fires(doc, "PLN-018", "warning", "pollutants.vocs_t")
    assert "12.5 t" in found.message_zh and "10 t" in found.message_zh and "25.0%" in found.message_zh
    assert "实施挥发性有机物排放总量控制" in found.citation
    found = fires(in_jiangsu(doc), "PLN-018", "warning", "pollutants.vocs_t")
    assert "挥发性有机物排放总量比2020年分别下降10%以上" in found.citation


def test_pln_018_silent_at_the_limit_or_without_one():
    doc = ghg_doc()
    doc.pollutants.vocs_t = D(10)
    doc.permit.vocs_limit_t = D(10)
    silent(doc, "PLN-018")
    doc.permit.vocs_limit_t = None
    silent(doc, "PLN-018")
    # VOCs are not one of XCK-003's permitted totals: no 双超 from them
    doc.permit.vocs_limit_t = D(5)
    assert not of_rule(run(doc).findings, "XCK-003")


# ------------------------------------------------------------------------------------------ PLN-019 (JX)


def test_pln_019_one_finding_per_biomass_boiler_shortcoming():
    doc = ghg_doc(boilers=[boiler(fuel="biomass", biomass_boiler="converted", dust_removal="none", cofires_coal=True)])
    found = of_rule(run(doc).findings, "PLN-019")
    assert [f.path for f in found] == ["boilers[0].biomass_boiler", "boilers[0].dust_removal",
                                       "boilers[0].cofires_coal"]
    assert all(f.severity == "warning" for f in found)
    assert "加强生物质锅炉排放管控" in found[0].citation
    doc = ghg_doc(boilers=[boiler(fuel="biomass", dust_removal="ordinary")])
    assert "一般除尘" in fires(doc, "PLN-019", "warning", "boilers[0].dust_removal").message_zh


def test_pln_019_silent_for_a_compliant_or_unstated_biomass_boiler_other_fuels_and_in_jiangsu():
    silent(ghg_doc(boilers=[boiler(fuel="biomass", biomass_boiler="dedicated", dust_removal="high_efficiency")]),
           "PLN-019")
    silent(ghg_doc(boilers=[boiler(fuel="biomass")]), "PLN-019")  # nothing stated: not judged
    silent(ghg_doc(boilers=[boiler(biomass_boiler="converted", dust_removal="none", cofires_coal=True)]), "PLN-019")
    silent(in_jiangsu(ghg_doc(boilers=[boiler(fuel="biomass", cofires_coal=True)])), "PLN-019")


# ------------------------------------------------------------------------------------------ PLN-020/021/022 (kilns)


def test_pln_020_fires_for_a_coal_kiln_built_on_the_plan_date():
    found = fires(ghg_doc(kilns=[kiln()]), "PLN-020", "warning", "kilns[0].fuel")
    assert "2022-09-29" in found.message_zh and "新、改、扩建工业炉窑采用清洁低碳能源" in found.citation
    fires(ghg_doc(kilns=[kiln(fuel="heavy_oil", kind="glass")]), "PLN-020", "warning", "kilns[0].fuel")


def test_pln_020_silent_before_the_plan_on_clean_energy_undated_and_in_jiangsu():
    silent(ghg_doc(kilns=[kiln(commissioned=dt.date(2022, 9, 28))]), "PLN-020")
    for fuel in ("gas", "electric", "heat", "biomass", "other"):
        silent(ghg_doc(kilns=[kiln(fuel=fuel)]), "PLN-020")
    silent(ghg_doc(kilns=[kiln(commissioned=None)]), "PLN-020")
    silent(in_jiangsu(ghg_doc(kilns=[kiln()])), "PLN-020")


def test_pln_021_notes_an_existing_coal_kiln_for_substitution():
    found = fires(ghg_doc(kilns=[kiln(commissioned=dt.date(2022, 9, 28))]), "PLN-021", "notice", "kilns[0].fuel")
    assert "清洁低碳能源" in found.message_zh and "对以煤、石焦油、重油等为燃料的锅炉和工业窑炉" in found.citation
    fires(ghg_doc(kilns=[kiln(commissioned=None, fuel="heavy_oil")]), "PLN-021", "notice", "kilns[0].fuel")


def test_pln_021_leaves_new_kilns_to_pln_020_and_is_silent_on_clean_energy_or_in_jiangsu():
    silent(ghg_doc(kilns=[kiln()]), "PLN-021")  # 2022-09-29: PLN-020's
    silent(ghg_doc(kilns=[kiln(commissioned=dt.date(2015, 1, 1), fuel="gas")]), "PLN-021")
    silent(in_jiangsu(ghg_doc(kilns=[kiln(commissioned=dt.date(2015, 1, 1))])), "PLN-021")


def test_pln_022_deep_treatment_scope_by_province():
    # Jiangxi: ceramics, bricks, non-ferrous (第五章第二节); Jiangsu: every industrial kiln (第（十三）条)
    kinds = ("ceramic", "brick", "glass", "nonferrous", "other")
    doc = ghg_doc(kilns=[kiln(id=f"{i}#窑", kind=k, fuel="gas") for i, k in enumerate(kinds)])
    jx = of_rule(run(doc).findings, "PLN-022")
    assert [f.path for f in jx] == ["kilns[0].deep_treatment", "kilns[1].deep_treatment", "kilns[3].deep_treatment"]
    assert "推进陶瓷、砖瓦、有色等行业污染深度治理" in jx[0].citation and "江苏" not in jx[0].citation
    js = of_rule(run(in_jiangsu(doc)).findings, "PLN-022")
    assert [f.path for f in js] == [f"kilns[{i}].deep_treatment" for i in range(5)]
    assert "工业炉窑、垃圾焚烧重点设施超低排放改造（深度治理）" in js[0].citation and "江西" not in js[0].citation


def test_pln_022_silent_once_treated_or_without_kilns():
    silent(ghg_doc(kilns=[kiln(deep_treatment=True)]), "PLN-022")
    silent(in_jiangsu(ghg_doc(kilns=[kiln(kind="glass", deep_treatment=True)])), "PLN-022")
    silent(ghg_doc(), "PLN-022")
    silent(in_jiangsu(ghg_doc()), "PLN-022")


# ------------------------------------------------------------------------------------------ PLN-023 (JX)


def _heavy_metal_plant():  # type: ignore[no-untyped-def]
    doc = ghg_doc()
    doc.toxic.discharges_toxic_substances = True
    doc.toxic.categories = ["heavy_metals"]
    doc.products.append(ProductLine(product="other", output=D(100), capacity=D(200), new_capacity=True))
    return doc


def test_pln_023_fires_for_new_capacity_of_a_heavy_metal_enterprise_without_replacement():
    found = fires(_heavy_metal_plant(), "PLN-023", "warning", "toxic.heavy_metal_replacement_ref")
    assert "减量置换" in found.message_zh and "等量替换" in found.message_zh
    assert "新（改、扩）建涉重金属重点行业建设项目实施“减量置换”或“等量替换”原则" in found.citation


def test_pln_023_silent_with_a_replacement_without_new_capacity_or_heavy_metals_and_in_jiangsu():
    doc = _heavy_metal_plant()
    doc.toxic.heavy_metal_replacement_ref = "赣环环评〔2024〕15号 等量替换"
    silent(doc, "PLN-023")
    doc = _heavy_metal_plant()
    doc.toxic.heavy_metal_replacement_ref = "  "
    fires(doc, "PLN-023", "warning", "toxic.heavy_metal_replacement_ref")
    doc = _heavy_metal_plant()
    doc.products[1].new_capacity = False
    silent(doc, "PLN-023")
    doc = _heavy_metal_plant()
    doc.toxic.categories = ["hazardous_waste"]
    silent(doc, "PLN-023")
    silent(in_jiangsu(_heavy_metal_plant()), "PLN-023")


# ------------------------------------------------------------------------------------------ older documents


def test_the_new_rules_are_silent_on_the_worked_example_in_both_provinces():
    new = {f"PLN-0{n}" for n in range(14, 24)}
    assert not {f.rule for f in run(ghg_doc()).findings} & new
    assert not {f.rule for f in run(in_jiangsu(ghg_doc())).findings} & new
