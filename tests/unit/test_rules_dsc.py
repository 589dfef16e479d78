"""DSC-001 (DSC-002 is catalogued but not implemented in v1)."""

from __future__ import annotations

from portal.rules import get_rule, rule_catalogue

from .rule_docs import cpa_doc, fires, ghg_doc, run, silent


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


def test_dsc_002_is_catalogued_but_not_implemented():
    rule = get_rule("DSC-002")
    assert not rule.implemented and rule.note_en and "not implemented" in rule.note_en
    entry = next(e for e in rule_catalogue() if e["id"] == "DSC-002")
    assert entry["implemented"] is False and entry["severity"] == "warning"
    assert not [f for f in run(ghg_doc()).findings + run(cpa_doc()).findings if f.rule == "DSC-002"]
