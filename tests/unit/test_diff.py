"""The document diff: changed leaves with their labels, old → new, worked out by hand on the worked example."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from portal.domain.codec import document_from_json
from portal.domain.diff import Change, diff_documents, leaves
from portal.domain.documents import FuelLine
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
        ("explanations[XCK-004@energy_total_tce]", "added", "情况说明 · XCK-004@energy_total_tce",
               "Explanations · XCK-004@energy_total_tce", None, None, "含外购蒸汽"),
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
