"""The document diff: changed leaves with their labels, old → new, worked out by hand on the worked example."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from portal.domain.codec import document_from_json
from portal.domain.diff import Change, by_section, diff_computed, diff_documents, leaves
from portal.domain.documents import FuelLine
from portal.domain.labels import Text
from tests.helpers import example_text


def _row(change: Change) -> tuple[object, ...]:
    unit = change.unit.zh if change.unit is not None else None
    return (change.path, change.kind, change.label_zh, change.label_en, unit, change.old, change.new)


@pytest.fixture()
def ghg():  # type: ignore[no-untyped-def]
    return document_from_json(example_text("ghg-jx-cement-2024.json"))


def test_identical_documents_have_no_changes(ghg) -> None:  # type: ignore[no-untyped-def]
    assert diff_documents(ghg, dataclasses.replace(ghg)) == []
    assert diff_documents(None, ghg) == []  # a first version has nothing to compare with


def test_changed_added_and_removed_values(ghg) -> None:  # type: ignore[no-untyped-def]
    # The example: fuels[0] bituminous 160000 t, ncv 22.8; fuels[1] diesel 120 t; energy_total_tce 137500.
    fuels = [dataclasses.replace(ghg.fuels[0], consumption=Decimal("158000"), ncv=None),
             ghg.fuels[1],
             FuelLine(source="2#窑", fuel="natural_gas", consumption=Decimal("35.5"))]
    new = dataclasses.replace(ghg, fuels=fuels, energy_total_tce=Decimal("137000"),
                              explanations={"XCK-004@energy_total_tce": "含外购蒸汽"})
    assert [_row(c) for c in diff_documents(ghg, new)] == [
        ("fuels[0].consumption", "changed", "化石燃料燃烧 · 第1行 · 消耗量",
               "Fuel combustion · row 1 · Consumption", "t 或 万Nm³", Decimal("160000"), Decimal("158000")),
        ("fuels[0].ncv", "removed", "化石燃料燃烧 · 第1行 · 低位发热量（实测）",
               "Fuel combustion · row 1 · Measured NCV", "GJ/燃料单位", Decimal("22.8"), None),
        # A new row: only its filled values are shown (None on both sides is no change).
        ("fuels[2].source", "added", "化石燃料燃烧 · 第3行 · 排放源", "Fuel combustion · row 3 · Emission source",
               None, None, "2#窑"),
        ("fuels[2].fuel", "added", "化石燃料燃烧 · 第3行 · 燃料品种", "Fuel combustion · row 3 · Fuel",
               None, None, "natural_gas"),
        ("fuels[2].consumption", "added", "化石燃料燃烧 · 第3行 · 消耗量",
               "Fuel combustion · row 3 · Consumption", "t 或 万Nm³", None, Decimal("35.5")),
        ("energy_total_tce", "changed", "综合能源消费量（企业申报）", "Declared energy consumption", "tce",
               Decimal("137500"), Decimal("137000")),
        # The finding key is named in words: its rule and the field it fired at (issue 20 item 11).
        ("explanations[XCK-004@energy_total_tce]", "added", "情况说明 · XCK-004 · 综合能源消费量（企业申报）",
               "Explanations · XCK-004 · Declared energy consumption", None, None, "含外购蒸汽"),
    ]


def test_removed_rows_follow_in_the_old_order(ghg) -> None:  # type: ignore[no-untyped-def]
    new = dataclasses.replace(ghg, fuels=ghg.fuels[:1])
    removed = diff_documents(ghg, new)
    # fuels[1] was diesel 120 t at 厂内车辆 with every measured value null: three leaves disappear.
    assert [(c.path, c.kind, c.old, c.new) for c in removed] == [
        ("fuels[1].source", "removed", "厂内车辆", None),
        ("fuels[1].fuel", "removed", "diesel", None),
        ("fuels[1].consumption", "removed", Decimal("120"), None),
    ]


def test_labels_and_kinds(ghg) -> None:  # type: ignore[no-untyped-def]
    by_path = {leaf.path: leaf for leaf in leaves(ghg)}
    assert (by_path["electricity.purchased_mwh"].label_zh, by_path["electricity.purchased_mwh"].label_en) == (
        "电力 · 购入电量", "Electricity · Purchased electricity")
    assert "nowhere" not in by_path
    assert leaves(ghg)[0].path == "kind"
    cpa = document_from_json(example_text("cpa-jx-cement-2023.json"))
    with pytest.raises(ValueError, match="cannot compare"):
        diff_documents(cpa, ghg)


# ------------------------------------------------------------------ issue 20 item 11: sections, computed figures

_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def test_changes_are_grouped_by_section_in_section_order(ghg) -> None:  # type: ignore[no-untyped-def]
    new = dataclasses.replace(ghg, energy_total_tce=Decimal("137000"), reporting_year=2025,
                              fuels=[dataclasses.replace(ghg.fuels[0], consumption=Decimal("158000")), ghg.fuels[1]],
                              explanations={"XCK-004@energy_total_tce": "含外购蒸汽"})
    groups = by_section("ghg_annual_report", diff_documents(ghg, new))
    # profile (reporting_year), fuels, products (energy_total_tce), then the explanations outside every section.
    assert [(g.key, g.title.zh, [c.path for c in g.changes]) for g in groups] == [
        ("profile", "企业信息", ["reporting_year"]),
        ("fuels", "化石燃料燃烧", ["fuels[0].consumption"]),
        ("products", "产品产量与能耗", ["energy_total_tce"]),
        ("explanations", "情况说明", ["explanations[XCK-004@energy_total_tce]"]),
    ]


def test_computed_differences_are_labelled_never_raw_keys_or_dict_text() -> None:
    old = {"total_tco2": 476565, "carbon_intensity": 0.2648, "edition": "2024", "calendar_missing": [],
           "fuels": [{"index": 0, "fuel": "bituminous", "tco2": 420220.42}],
           "products": {"cement_clinker": {"unit_energy": 96.0, "level": "benchmark", "variant": None,
                                           "level_unit": "kgce/t"}},
           "unit_energy": {"cement_clinker": 96.0}, "generating_units": {}}
    new = {**old, "total_tco2": 980829, "carbon_intensity": 0.5449,
           "fuels": [{"index": 0, "fuel": "bituminous", "tco2": 462242.46},
                     {"index": 1, "fuel": "bituminous", "tco2": 462242.46}],
           "products": {"cement_clinker": {"unit_energy": 98.5, "level": "benchmark", "variant": None,
                                           "level_unit": "kgce/t"}},
           "unit_energy": {"cement_clinker": 98.5}}
    names = {"fuel": {"bituminous": Text("烟煤", "Bituminous coal")}, "product": {"cement_clinker": Text("水泥熟料", "Cement clinker")}}
    changes = diff_computed("ghg_annual_report", old, new, names)
    rows = [(c.path, c.label.zh, c.unit.zh if c.unit else None, c.old_text(), c.new_text()) for c in changes]
    assert rows == [
        ("total_tco2", "温室气体排放总量", "tCO2e", "476,565", "980,829"),
        ("carbon_intensity", "碳排放强度（按主要产品）", "tCO2/单位产品", "0.2648", "0.5449"),
        ("fuels[0].tco2", "化石燃料燃烧 · 第1行（烟煤） · 排放量", "tCO2", "420,220.42", "462,242.46"),
        ("fuels[1].tco2", "化石燃料燃烧 · 第2行（烟煤） · 排放量", "tCO2", "—", "462,242.46"),
        ("products[cement_clinker].unit_energy", "产品产量与能耗 · 水泥熟料 · 单位产品能耗", "kgce/t", "96.00", "98.50"),
    ]
    for c in changes:
        shown = c.label.zh + c.old_text() + c.new_text() + c.label.en + c.new_text("en")
        assert "{" not in shown and "'" not in shown and not _SNAKE.search(shown), shown


def test_audit_computed_differences_name_options_savings_and_indicators() -> None:
    old = {"implementation_rate_no_low": 0.5, "implementation_rate_medium_high": 1.0, "total_investment_10k_cny": 120.0,
           "savings_total": {"co2_t": 300}, "options": {"F1": {"payback_years": 2.5, "npv_10k_cny": 40.0, "irr": 0.18}},
           "indicators": [{"indicator": "unit_energy", "achieved": False, "achievement_pct": 50.0}], "deadlines": None}
    new = {**old, "implementation_rate_no_low": 0.75, "savings_total": {"co2_t": 450},
           "options": {"F1": {"payback_years": 2.5, "npv_10k_cny": 40.0, "irr": 0.2}},
           "indicators": [{"indicator": "unit_energy", "achieved": True, "achievement_pct": 100.0}]}
    rows = [(c.label.zh, c.old_text(), c.new_text()) for c in diff_computed("clean_production_audit", old, new)]
    assert rows == [
        ("无/低费方案实施率", "50.0%", "75.0%"),
        ("减污降碳协同效益合计 · 二氧化碳减排量", "300", "450"),
        ("清洁生产方案 · F1 · 内部收益率", "18.00%", "20.00%"),
        ("审核重点与指标 · 单位产品综合能耗 · 目标完成程度", "50.0%", "100.0%"),
        ("审核重点与指标 · 单位产品综合能耗 · 是否达到目标值", "否", "是"),
    ]


def test_a_long_list_with_one_line_changed_and_one_removed(ghg) -> None:  # type: ignore[no-untyped-def]
    # 5,000 fuel lines (the cap); the rows equal at the same index are not walked (issue 19 item 5), and the
    # result is what a walk of every leaf gives: line 2,501's consumption 2501 → 7777, line 5,000 removed.
    line = ghg.fuels[0]
    old = dataclasses.replace(ghg, fuels=[dataclasses.replace(line, source=f"L{i}", consumption=Decimal(i + 1))
                                          for i in range(5000)])
    fuels = list(old.fuels[:4999])
    fuels[2500] = dataclasses.replace(fuels[2500], consumption=Decimal(7777))
    changes = diff_documents(old, dataclasses.replace(old, fuels=fuels))
    assert [(c.path, c.kind, c.old, c.new) for c in changes[:1]] == [
        ("fuels[2500].consumption", "changed", Decimal(2501), Decimal(7777))]
    removed = changes[1:]
    assert {c.kind for c in removed} == {"removed"}
    assert {c.path.split(".")[0] for c in removed} == {"fuels[4999]"}
    assert ("fuels[4999].source", "L4999") in [(c.path, c.old) for c in removed]
