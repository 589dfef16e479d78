"""GHG-001…GHG-014 on the GHG annual report."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.domain.documents import FuelLine, ProcessLine, ProductLine

from .rule_docs import (
    D,
    captive_unit,
    fires,
    ghg_doc,
    in_jiangsu,
    of_rule,
    power_plant,
    run,
    silent,
    small_emitter,
)

# ------------------------------------------------------------------------------------------ GHG-001


def test_ghg_001_fires_for_a_year_not_yet_ended():
    found = fires(ghg_doc(reporting_year=2025), "GHG-001", "error", "reporting_year")
    assert "2025" in found.message_zh and "2025-03-10" in found.message_zh


def test_ghg_001_fires_before_the_first_year():
    found = fires(ghg_doc(reporting_year=2018), "GHG-001", "error", "reporting_year")
    assert "2019" in found.message_en


def test_ghg_001_silent_for_a_completed_year():
    silent(ghg_doc(), "GHG-001")
    silent(ghg_doc(reporting_year=2019), "GHG-001")


# ------------------------------------------------------------------------------------------ GHG-002


def test_ghg_002_fires_on_an_unknown_fuel_code():
    doc = ghg_doc()
    doc.fuels[1].fuel = "kerosine"
    fires(doc, "GHG-002", "error", "fuels[1].fuel")


@pytest.mark.parametrize("value", [D(0), D(-3)])
def test_ghg_002_fires_on_non_positive_consumption(value):
    doc = ghg_doc()
    doc.fuels[1].consumption = value
    fires(doc, "GHG-002", "error", "fuels[1].consumption")


def test_ghg_002_fires_on_unknown_process_and_product_codes():
    doc = ghg_doc()
    doc.processes.append(ProcessLine(process="calcination", activity=D(10)))
    doc.products.append(ProductLine(product="cement", output=D(10)))
    fires(doc, "GHG-002", "error", "processes[1].process")
    fires(doc, "GHG-002", "error", "products[1].product")


def test_ghg_002_fires_on_non_positive_activity_and_a_missing_required_factor():
    doc = ghg_doc()
    doc.processes[0].activity = D(0)
    doc.processes.append(ProcessLine(process="other", activity=D(5)))
    fires(doc, "GHG-002", "error", "processes[0].activity")
    fires(doc, "GHG-002", "error", "processes[1].emission_factor")


@pytest.mark.parametrize(
    ("setter", "path"),
    [
        (lambda d: setattr(d.pollutants, "so2_t", D(-1)), "pollutants.so2_t"),
        (lambda d: setattr(d.electricity, "exported_mwh", D(-5)), "electricity.exported_mwh"),
        (lambda d: setattr(d.products[0], "capacity", D(-1)), "products[0].capacity"),
        (lambda d: setattr(d, "co2_recovered_t", D(-2)), "co2_recovered_t"),
        (lambda d: setattr(d.fuels[0], "sulfur_pct", D("-0.1")), "fuels[0].sulfur_pct"),
    ],
)
def test_ghg_002_fires_on_negative_quantities(setter, path):
    doc = ghg_doc()
    setter(doc)
    found = fires(doc, "GHG-002", "error", path)
    assert "应不小于 0" in found.message_zh


def test_ghg_002_silent_for_the_example():
    silent(ghg_doc(), "GHG-002")


# ------------------------------------------------------------------------------------------ GHG-003


@pytest.mark.parametrize("rate", [D("1.2"), D(0), D("-0.5")])
def test_ghg_003_fires_on_an_oxidation_rate_outside_0_1(rate):
    doc = ghg_doc()
    doc.fuels[0].oxidation_rate = rate
    fires(doc, "GHG-003", "error", "fuels[0].oxidation_rate")


def test_ghg_003_fires_on_non_positive_ncv_and_carbon_content_and_leaves_them_to_it():
    doc = ghg_doc()
    doc.fuels[0].ncv = D(0)
    doc.fuels[0].carbon_content = D("-0.02")
    fires(doc, "GHG-003", "error", "fuels[0].ncv")
    fires(doc, "GHG-003", "error", "fuels[0].carbon_content")
    silent(doc, "GHG-004")
    silent(doc, "GHG-005")


def test_ghg_003_silent_for_an_oxidation_rate_of_one():
    doc = ghg_doc()
    doc.fuels[0].oxidation_rate = D(1)
    silent(doc, "GHG-003")


# ------------------------------------------------------------------------------------------ GHG-004/005


def test_ghg_004_fires_on_an_implausible_natural_gas_ncv_with_the_values_in_the_message():
    doc = ghg_doc()
    doc.fuels.append(FuelLine(source="烘干炉", fuel="natural_gas", consumption=D(50), ncv=D(420)))
    found = fires(doc, "GHG-004", "warning", "fuels[2].ncv")
    assert found.message_zh == "实测低位发热量 420.000 GJ/万Nm³ 超出天然气合理范围 285.0–398.3"
    assert "420.000 GJ/10⁴Nm³" in found.message_en and "285.0–398.3" in found.message_en
    # a Jiangxi enterprise: the Jiangxi decision, never the Jiangsu plan (before 2026-12 it cited Jiangsu's)
    assert "对报告的真实性、完整性和准确性负责" in found.citation and "江苏" not in found.citation
    found = fires(in_jiangsu(doc), "GHG-004", "warning", "fuels[2].ncv")
    assert "严厉打击碳排放数据造假行为" in found.citation and "江西" not in found.citation


def test_ghg_004_fires_on_a_coal_ncv_beyond_25_percent():
    doc = ghg_doc()
    doc.fuels[0].ncv = D(30)  # bituminous mee-2024 default 23.736, band 17.802–29.67
    found = fires(doc, "GHG-004", "warning", "fuels[0].ncv")
    assert "17.802–29.67" in found.message_zh


def test_ghg_004_silent_within_the_band_and_for_defaults():
    silent(ghg_doc(), "GHG-004")  # 22.8 measured, inside the band; diesel uses the default


def test_ghg_005_fires_on_a_coal_carbon_content_beyond_10_percent():
    doc = ghg_doc()
    doc.fuels[0].carbon_content = D("0.0300")  # table 0.02618, band 0.023562–0.028798
    found = fires(doc, "GHG-005", "warning", "fuels[0].carbon_content")
    assert "0.03000 tC/GJ" in found.message_zh and "0.023562–0.028798" in found.message_zh


def test_ghg_005_silent_within_the_band_and_for_non_coal_fuels():
    doc = ghg_doc()
    doc.fuels[0].carbon_content = D("0.0270")
    doc.fuels[1].carbon_content = D("0.0300")  # diesel has no carbon-content band
    silent(doc, "GHG-005")


# ------------------------------------------------------------------------------------------ GHG-006


def test_ghg_006_notes_the_power_generation_high_default():
    found = fires(power_plant(), "GHG-006", "notice", "fuels[0].carbon_content")
    assert "0.03356" in found.message_zh


def test_ghg_006_silent_when_measured_or_not_power_generation():
    silent(ghg_doc(), "GHG-006")
    doc = power_plant()
    doc.fuels[0].carbon_content = D("0.0262")
    silent(doc, "GHG-006")


# ------------------------------------------------------------------------------------------ GHG-007


def test_ghg_007_fires_on_a_declared_total_off_by_more_than_half_a_percent():
    doc = ghg_doc()
    doc.declared.total_tco2 = D(1000000)
    found = fires(doc, "GHG-007", "error", "declared.total_tco2")
    assert "1000000" in found.message_zh and "1067866" in found.message_zh and "6.4%" in found.message_zh
    assert "江西省人民代表大会常务委员会" in found.citation  # the Jiangxi basis for a Jiangxi enterprise


def test_ghg_007_checks_each_declared_total():
    doc = ghg_doc()
    doc.declared.combustion_tco2 = D(340000)
    doc.declared.process_tco2 = D("664922.90")
    fires(doc, "GHG-007", "error", "declared.combustion_tco2")
    assert [f.path for f in of_rule(run(doc).findings, "GHG-007")] == ["declared.combustion_tco2"]


def test_ghg_007_silent_within_the_tolerance():
    doc = ghg_doc()
    doc.declared.total_tco2 = D(1070000)  # 0.2 %
    silent(doc, "GHG-007")
    silent(ghg_doc(), "GHG-007")


# ------------------------------------------------------------------------------------------ GHG-008


def _previous(**scale):
    prev = ghg_doc(reporting_year=2023)
    factor = scale.get("factor", D(1))
    prev.fuels[0].consumption *= factor
    prev.fuels[1].consumption *= factor
    prev.processes[0].activity *= factor
    prev.products[0].output *= factor
    prev.electricity.purchased_mwh *= factor
    return prev


def test_ghg_008_fires_on_an_intensity_change_beyond_15_percent():
    doc = ghg_doc()
    doc.products[0].output = D(1000000)  # intensity 0.8543 → 1.0679
    found = fires(doc, "GHG-008", "warning", "products[0]", previous=_previous())
    assert "0.8543" in found.message_zh and "+25.0%" in found.message_zh
    assert not [f for f in of_rule(run(doc, previous=_previous()).findings, "GHG-008") if f.path == ""]


def test_ghg_008_fires_on_a_total_change_beyond_30_percent():
    previous = _previous(factor=D("0.5"))  # same intensity, half the emissions
    found = fires(ghg_doc(), "GHG-008", "warning", "", previous=previous)
    assert "+100.0%" in found.message_en
    assert [f.path for f in of_rule(run(ghg_doc(), previous=previous).findings, "GHG-008")] == [""]


def test_ghg_008_silent_without_a_previous_report_or_within_limits():
    doc = ghg_doc()
    doc.products[0].output = D(1000000)
    silent(doc, "GHG-008")
    silent(ghg_doc(), "GHG-008", previous=_previous(factor=D("0.9")))


# ------------------------------------------------------------------------------------------ GHG-009


def test_ghg_009_fires_on_intensity_and_unit_energy_outside_the_bands():
    doc = ghg_doc()
    doc.products[0].output = D(2000000)  # intensity 0.5339 < 0.75; unit energy 65.50 < 80
    fires(doc, "GHG-009", "warning", "products[0]")
    found = fires(doc, "GHG-009", "warning", "products[0].energy_tce")
    assert "65.50" in found.message_zh and "80.0–140.0" in found.message_zh


def test_ghg_009_silent_inside_the_bands():
    silent(ghg_doc(), "GHG-009")


# ------------------------------------------------------------------------------------------ GHG-010/011


def test_ghg_010_notes_an_ets_industry_above_the_threshold_not_listed():
    doc = ghg_doc()
    doc.enterprise.is_key_emitter = False
    found = fires(doc, "GHG-010", "notice", "enterprise.is_key_emitter")
    assert "26000" in found.message_zh and "1011976" in found.message_zh and "全国碳市场覆盖行业" in found.message_zh
    assert "2.6万吨二氧化碳当量" in found.citation


def test_ghg_010_notes_a_captive_plant_outside_the_ets_industries():
    # 自备电厂 are covered by the power sector (amended 2026-12): the enterprise's own industry does not matter
    doc = ghg_doc(generating_units=[captive_unit(fuel="gas", commissioned=dt.date(2015, 1, 1))])
    doc.enterprise.is_key_emitter = False
    doc.enterprise.industry_code = "3021"  # 石灰和石膏制造 is not a national-ETS class
    found = fires(doc, "GHG-010", "notice", "enterprise.is_key_emitter")
    assert "自备电厂" in found.message_zh


def test_ghg_010_silent_for_a_public_unit_outside_the_ets_industries_or_below_the_threshold():
    doc = ghg_doc(generating_units=[captive_unit(self_owned=False)])
    doc.enterprise.is_key_emitter = False
    doc.enterprise.industry_code = "3021"
    silent(doc, "GHG-010")
    small = small_emitter()
    small.enterprise.is_key_emitter = False
    small.enterprise.industry_code = "3021"
    small.generating_units = [captive_unit()]
    silent(small, "GHG-010")


def test_ghg_010_silent_for_listed_non_ets_or_small_enterprises():
    silent(ghg_doc(), "GHG-010")
    doc = ghg_doc()
    doc.enterprise.is_key_emitter = False
    doc.enterprise.industry_code = "3021"  # 石灰和石膏制造 is not a national-ETS class
    silent(doc, "GHG-010")
    small = small_emitter()
    small.enterprise.is_key_emitter = False
    silent(small, "GHG-010")


def test_ghg_011_notes_a_key_emitter_below_the_threshold_two_years_running():
    found = fires(small_emitter(), "GHG-011", "notice", "enterprise.is_key_emitter",
                  previous=small_emitter(2023))
    assert "2023" in found.message_zh


def test_ghg_011_silent_when_last_year_was_above_or_unknown():
    silent(small_emitter(), "GHG-011", previous=ghg_doc(reporting_year=2023))
    silent(small_emitter(), "GHG-011")


# ------------------------------------------------------------------------------------------ GHG-012


def test_ghg_012_fires_on_a_typed_grid_factor_that_is_not_official():
    doc = ghg_doc()
    doc.electricity.grid_factor = D("0.6101")
    found = fires(doc, "GHG-012", "warning", "electricity.grid_factor")
    assert "0.6101" in found.message_zh and "0.5703" in found.message_zh


def test_ghg_012_silent_for_the_official_factor_or_none():
    doc = ghg_doc()
    doc.electricity.grid_factor = D("0.57030")
    silent(doc, "GHG-012")
    silent(ghg_doc(), "GHG-012")


# ------------------------------------------------------------------------------------------ GHG-013


def test_ghg_013_fires_when_the_benchmark_product_is_missing():
    doc = ghg_doc()
    doc.products[0].product = "other"
    found = fires(doc, "GHG-013", "warning", "products")
    assert "水泥熟料" in found.message_zh


def test_ghg_013_fires_when_no_or_two_products_are_primary():
    doc = ghg_doc()
    doc.products[0].primary = False
    fires(doc, "GHG-013", "warning", "products[0].primary")
    doc = ghg_doc()
    doc.products.append(ProductLine(product="other", output=D(5), primary=True))
    fires(doc, "GHG-013", "warning", "products[1].primary")


def test_ghg_013_silent_for_the_example_and_industries_without_a_benchmark():
    silent(ghg_doc(), "GHG-013")
    doc = ghg_doc()
    doc.enterprise.industry_code = "3021"
    doc.products[0].product = "other"
    silent(doc, "GHG-013")


# ------------------------------------------------------------------------------------------ GHG-014


def test_ghg_014_notes_a_late_filing():
    found = fires(ghg_doc(), "GHG-014", "notice", "", filing_date=dt.date(2025, 4, 15))
    assert "2025-03-31" in found.message_zh and "15" in found.message_zh


def test_ghg_014_silent_on_the_due_date():
    silent(ghg_doc(), "GHG-014", filing_date=dt.date(2025, 3, 31))
    silent(ghg_doc(), "GHG-014", filing_date=dt.date(2025, 3, 31), submitted=False)


def test_ghg_014_on_a_draft_names_the_due_date_and_never_a_submission():
    found = fires(ghg_doc(), "GHG-014", "notice", "", filing_date=dt.date(2026, 12, 6), submitted=False)
    # due 2025-03-31; 2026-12-06 is 615 days after it
    assert found.message_zh == "2024 年度报告的截止日期为 2025-03-31，尚未提交（已逾期 615 天）"
    assert "提交，晚于" not in found.message_zh and "is filed on" not in found.message_en


# --------------------------------------------------------------------------- GHG-002 (amended 2026-12)


def test_ghg_002_asks_an_alternative_fuel_for_its_measurements():
    doc = ghg_doc()
    doc.fuels.append(FuelLine(source="1#窑", fuel="alternative_fuel", consumption=D(500)))
    for name in ("ncv", "carbon_content", "fossil_fraction"):
        fires(doc, "GHG-002", "error", f"fuels[2].{name}")
    doc.fuels[2] = FuelLine(source="1#窑", fuel="alternative_fuel", consumption=D(500), ncv=D(28),
                            carbon_content=D("0.0245"), fossil_fraction=D(1))  # a fully fossil waste (plastics)
    silent(doc, "GHG-002")


def test_ghg_002_refuses_a_fossil_share_the_method_fixes_otherwise():
    doc = ghg_doc()
    doc.fuels[0].fossil_fraction = D("0.8")  # coal is all fossil: co-firing goes on a line of its own
    found = fires(doc, "GHG-002", "error", "fuels[0].fossil_fraction")
    assert "固定为 1" in found.message_zh
    doc.fuels[0].fossil_fraction = D(1)  # stating the fixed share is no error
    silent(doc, "GHG-002")
    doc.fuels.append(FuelLine(fuel="biomass", consumption=D(10), fossil_fraction=D(0)))
    silent(doc, "GHG-002")


@pytest.mark.parametrize(("value", "fires_"), [(D(0), False), (D(1), False), (D("1.01"), True), (D("-0.01"), True)])
def test_ghg_002_bounds_of_the_fossil_share(value, fires_):
    doc = ghg_doc()
    doc.fuels.append(FuelLine(fuel="alternative_fuel", consumption=D(5), ncv=D(20), carbon_content=D("0.02"),
                              fossil_fraction=value))
    if fires_:
        fires(doc, "GHG-002", "error", "fuels[2].fossil_fraction")
    else:
        silent(doc, "GHG-002")


def test_ghg_002_knows_each_products_bands():
    doc = ghg_doc()
    doc.products[0].variant = "gt800"  # a flat-glass band named on cement clinker
    found = fires(doc, "GHG-002", "error", "products[0].variant")
    assert "水泥熟料" in found.message_zh
    doc.products.append(ProductLine(product="flat_glass", output=D(1000), variant="500_800"))
    doc.products[0].variant = None
    silent(doc, "GHG-002")


def test_ghg_002_admits_negative_energy_only_where_the_levels_are_negative():
    doc = ghg_doc()
    doc.products[0].energy_tce = D(-1)
    fires(doc, "GHG-002", "error", "products[0].energy_tce")
    doc.products[0] = ProductLine(product="bof_steel", output=D(1000), energy_tce=D(-20))
    silent(doc, "GHG-002")
    doc.products[0].energy_tce = D(0)  # the boundary: zero is not negative
    silent(doc, "GHG-002")


# ------------------------------------------------------------------------------------------ GHG-015


def test_ghg_015_fires_for_a_power_plant_supplying_heat_without_a_heat_ratio():
    doc = power_plant()
    doc.products.append(ProductLine(product="heat", output=D(100)))
    fires(doc, "GHG-015", "warning", "heat_ratio")


def test_ghg_015_silent_with_a_heat_ratio_or_without_heat_or_outside_power():
    doc = power_plant()
    doc.products.append(ProductLine(product="heat", output=D(100)))
    doc.heat_ratio = D(0)  # the boundary: a stated ratio of 0 is a statement
    silent(doc, "GHG-015")
    silent(power_plant(), "GHG-015")  # no heat supplied
    doc = ghg_doc()  # a cement plant selling heat is not allocating an electricity intensity
    doc.products.append(ProductLine(product="heat", output=D(100)))
    silent(doc, "GHG-015")


# ------------------------------------------------------------------------------------------ GHG-016


def test_ghg_016_notes_a_banded_product_without_its_band():
    doc = ghg_doc()
    doc.products.append(ProductLine(product="ceramic_tile", output=D(100000), energy_tce=D(500)))
    found = fires(doc, "GHG-016", "notice", "products[1].variant")
    assert "吸水率 ≤ 0.5%" in found.message_zh


def test_ghg_016_silent_for_a_named_band_and_for_unbanded_products():
    doc = ghg_doc()
    doc.products.append(ProductLine(product="ceramic_tile", variant="absorb_0_5_10", output=D(100000),
                                    energy_tce=D(500)))
    silent(doc, "GHG-016")
    silent(ghg_doc(), "GHG-016")  # cement clinker has no bands
