"""XCK-001…XCK-005: carbon report × pollutant permit cross-checks."""

from __future__ import annotations

from portal.calc.ghg import compute_ghg
from portal.domain.documents import FuelLine
from portal.reference.files import default_reference
from portal.rules import mandatory_audit_indicators

from .rule_docs import D, fires, ghg_doc, silent


def test_xck_001_fires_when_coal_differs_from_the_permit_report():
    doc = ghg_doc()
    doc.permit.coal_t = D(140000)  # report 160000 t: 14.3 %
    found = fires(doc, "XCK-001", "warning", "permit.coal_t")
    assert "160000" in found.message_zh and "140000" in found.message_zh and "14.3%" in found.message_zh
    assert "统一采集、相互补充、交叉校核" in found.citation


def test_xck_001_silent_within_5_percent_or_without_a_permit_figure():
    silent(ghg_doc(), "XCK-001")  # 160000 vs 158500: 0.9 %
    doc = ghg_doc()
    doc.permit.coal_t = None
    silent(doc, "XCK-001")


def test_xck_002_fires_for_each_pollutant_off_by_more_than_10_percent():
    doc = ghg_doc()
    doc.permit.so2_t = D(70)  # 85 vs 70: 21.4 %
    doc.permit.pm_t = D(40)
    fires(doc, "XCK-002", "warning", "pollutants.so2_t")
    fires(doc, "XCK-002", "warning", "pollutants.pm_t")


def test_xck_002_silent_for_the_example():
    silent(ghg_doc(), "XCK-002")


def test_xck_003_fires_above_the_permitted_total_and_sets_double_exceed():
    doc = ghg_doc()
    doc.permit.nox_limit_t = D(400)
    found = fires(doc, "XCK-003", "warning", "pollutants.nox_t")
    assert "410" in found.message_zh and "400" in found.message_zh and "双超" in found.message_zh
    ref = default_reference()
    indicators = mandatory_audit_indicators(doc, compute_ghg(doc, ref), ref)
    assert indicators["double_exceed"]
    assert indicators["double_exceed"].reasons[0].path == "pollutants.nox_t"


def test_xck_003_silent_within_the_permitted_totals():
    silent(ghg_doc(), "XCK-003")


def test_xck_004_fires_when_declared_energy_differs_from_the_inputs():
    doc = ghg_doc()
    doc.energy_total_tce = D(160000)  # inputs 136691.67 tce
    found = fires(doc, "XCK-004", "warning", "energy_total_tce")
    assert "136691.67" in found.message_zh


def test_xck_004_silent_within_10_percent_or_when_not_declared():
    silent(ghg_doc(), "XCK-004")
    silent(ghg_doc(energy_total_tce=None), "XCK-004")


def test_xck_005_fires_when_so2_exceeds_what_the_sulfur_can_generate():
    doc = ghg_doc()
    doc.fuels[0].sulfur_pct = D("0.01")  # 2 × 0.01 % × 160000 t = 32 t < 85 t reported
    found = fires(doc, "XCK-005", "warning", "pollutants.so2_t")
    assert "32.00" in found.message_zh and "85" in found.message_zh


def test_xck_005_silent_when_generation_covers_the_emission():
    silent(ghg_doc(), "XCK-005")  # 0.9 % S: 2880 t possible


def test_xck_005_silent_when_a_coal_line_has_no_sulfur_content():
    doc = ghg_doc()
    doc.fuels[0].sulfur_pct = D("0.01")
    doc.fuels.append(FuelLine(fuel="anthracite", consumption=D(1000)))
    silent(doc, "XCK-005")
