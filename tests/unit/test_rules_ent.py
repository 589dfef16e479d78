"""ENT-001…ENT-005 on both filing kinds."""

from __future__ import annotations

import pytest

from .rule_docs import captive_unit, cpa_doc, fires, ghg_doc, run, silent

BOTH = pytest.mark.parametrize("make", [ghg_doc, cpa_doc], ids=["ghg", "cpa"])


@BOTH
def test_ent_001_fires_on_a_wrong_check_character(make):
    doc = make()
    doc.enterprise.uscc = "91360700MA38P2K51A"
    found = fires(doc, "ENT-001", "error", "enterprise.uscc")
    assert "91360700MA38P2K51A" in found.message_zh and "K" in found.message_en


@BOTH
def test_ent_001_silent_for_the_example_and_a_missing_code(make):
    silent(make(), "ENT-001")
    doc = make()
    doc.enterprise.uscc = None  # ENT-005's finding, not ENT-001's
    silent(doc, "ENT-001")


@BOTH
def test_ent_002_fires_outside_jiangxi_and_jiangsu(make):
    doc = make()
    doc.enterprise.region_code = "110101"
    fires(doc, "ENT-002", "error", "enterprise.region_code")


def test_ent_002_fires_on_an_unknown_jiangxi_code():
    doc = ghg_doc()
    doc.enterprise.region_code = "360799"
    assert "GB/T 2260" in fires(doc, "ENT-002", "error", "enterprise.region_code").message_zh


def test_ent_002_names_the_successor_of_a_retired_code():
    doc = ghg_doc()
    doc.enterprise.region_code = "320103"  # 白下区, merged into 秦淮区 320104 in 2013
    found = fires(doc, "ENT-002", "error", "enterprise.region_code")
    assert "320104" in found.message_zh


@BOTH
def test_ent_002_silent_for_the_example(make):
    silent(make(), "ENT-002")


@BOTH
def test_ent_003_fires_on_an_unknown_class(make):
    doc = make()
    doc.enterprise.industry_code = "3019"
    fires(doc, "ENT-003", "error", "enterprise.industry_code")


@BOTH
def test_ent_003_silent_for_the_example(make):
    silent(make(), "ENT-003")


@BOTH
def test_ent_004_fires_when_the_permit_is_not_the_enterprises(make):
    doc = make()
    doc.enterprise.permit_number = "91360100MA35K7Q2WY001P"
    fires(doc, "ENT-004", "error", "enterprise.permit_number")


def test_ent_004_checks_the_permit_linked_to_an_audit():
    doc = cpa_doc(permit_number="91360700MA38P2K51K01P")  # 21 characters
    fires(doc, "ENT-004", "error", "permit_number")


@BOTH
def test_ent_004_silent_for_the_example_and_without_a_permit(make):
    silent(make(), "ENT-004")
    doc = make()
    doc.enterprise.permit_number = None
    silent(doc, "ENT-004")


@BOTH
@pytest.mark.parametrize("field", ["name", "uscc", "region_code", "industry_code"])
def test_ent_005_fires_for_each_missing_profile_field(make, field):
    doc = make()
    setattr(doc.enterprise, field, None)
    fires(doc, "ENT-005", "error", f"enterprise.{field}")


def test_ent_005_treats_a_blank_name_as_missing():
    doc = ghg_doc()
    doc.enterprise.name = "   "
    found = fires(doc, "ENT-005", "error", "enterprise.name")
    assert found.message_zh == "未填写企业名称"


@BOTH
def test_ent_005_silent_for_the_example(make):
    silent(make(), "ENT-005")


def test_an_enterprise_outside_both_provinces_gets_no_provincial_rule():
    doc = ghg_doc(generating_units=[captive_unit()])
    doc.enterprise.region_code = "110101"
    doc.air.flue_gas_bypass = True  # PLN-010 is Jiangxi only
    doc.air.ultra_low_retrofit_done = False
    doc.products[0].new_capacity = True
    rules = {f.rule for f in run(doc).findings}
    assert "ENT-002" in rules
    assert not rules & {"PLN-004", "PLN-005", "PLN-010", "PLN-012"}  # province-specific parameters or scope
