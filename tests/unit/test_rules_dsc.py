"""DSC-001 on the GHG report (DSC-002…DSC-011, on the disclosure documents: test_rules_disclosure.py)."""

from __future__ import annotations

from .rule_docs import cpa_doc, fires, ghg_doc, silent


def _plain_enterprise():
    doc = ghg_doc()
    doc.enterprise.is_key_pollutant_discharger = False
    doc.enterprise.is_key_emitter = False
    return doc


def test_dsc_001_notes_the_disclosure_obligation_of_the_example():
    found = fires(ghg_doc(), "DSC-001", "notice", "")
    assert "重点排污单位" in found.message_zh and "重点排放单位" in found.message_zh
    assert "2025-03-15" in found.message_zh
    assert "环境信息依法披露" in found.citation


def test_dsc_001_for_a_key_emitter_alone():
    doc = _plain_enterprise()
    doc.enterprise.is_key_emitter = True
    fires(doc, "DSC-001", "notice", "")


def test_dsc_001_for_a_mandatory_audit():
    doc = _plain_enterprise()
    doc.toxic.uses_toxic_materials = True
    found = fires(doc, "DSC-001", "notice", "")
    assert "强制性清洁生产审核" in found.message_zh and "双有" in found.message_zh


def test_dsc_001_for_a_listed_company_with_an_exceedance():
    doc = _plain_enterprise()
    doc.enterprise.is_listed = True
    doc.exceeded_standards = True
    assert "上市公司" in fires(doc, "DSC-001", "notice", "").message_zh


def test_dsc_001_silent_for_an_enterprise_with_no_disclosure_duty():
    silent(_plain_enterprise(), "DSC-001")
    doc = _plain_enterprise()
    doc.enterprise.is_listed = True  # listed, but no violation known
    silent(doc, "DSC-001")


def test_dsc_001_does_not_run_on_audits():
    silent(cpa_doc(), "DSC-001")
