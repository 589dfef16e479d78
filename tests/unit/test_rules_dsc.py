"""DSC-001: who owes the annual disclosure report (《企业环境信息依法披露管理办法》第七条, amended 2026-12).

DSC-002…011 come with the disclosure kinds (disclosure-format.md); the v1 placeholder is gone.
"""

from __future__ import annotations

import pytest

from portal.rules import AuditRecord, get_rule

from .rule_docs import D, cpa_doc, fires, ghg_doc, in_jiangsu, silent


def _plain_enterprise():  # type: ignore[no-untyped-def]
    doc = ghg_doc()
    doc.enterprise.is_key_pollutant_discharger = False
    doc.enterprise.is_key_emitter = False
    return doc


def test_dsc_001_notes_the_disclosure_obligation_of_the_example():
    found = fires(ghg_doc(), "DSC-001", "notice", "")
    assert "重点排污单位" in found.message_zh and "2025-03-15" in found.message_zh
    # a key emitter among the subjects: its report includes the carbon section (第十二条)
    assert "重点排放单位，披露报告应包含碳排放信息" in found.message_zh
    assert "环境信息依法披露" in found.citation and "第七条" in found.citation


def test_dsc_001_a_key_emitter_alone_is_not_a_subject():
    # v1 made every key emitter a subject; 第七条 does not (amended 2026-12)
    doc = _plain_enterprise()
    doc.enterprise.is_key_emitter = True
    silent(doc, "DSC-001")


def test_dsc_001_for_a_key_pollutant_discharger_that_is_not_a_key_emitter():
    doc = _plain_enterprise()
    doc.enterprise.is_key_pollutant_discharger = True
    found = fires(doc, "DSC-001", "notice", "")
    assert "重点排污单位" in found.message_zh and "碳排放信息" not in found.message_zh


def test_dsc_001_for_a_mandatory_audit_trigger():
    doc = _plain_enterprise()
    doc.toxic.uses_toxic_materials = True
    found = fires(doc, "DSC-001", "notice", "")
    assert "强制性清洁生产审核" in found.message_zh and "双有" in found.message_zh


def test_dsc_001_for_a_permitted_total_exceeded():
    doc = _plain_enterprise()
    doc.pollutants.nox_t = D(500)
    doc.permit.nox_limit_t = D(400)
    assert "双超" in fires(doc, "DSC-001", "notice", "").message_zh


def test_dsc_001_for_a_mandatory_audit_on_file_in_the_reporting_year_or_later():
    doc = _plain_enterprise()
    found = fires(doc, "DSC-001", "notice", "", audit_history=[AuditRecord(2024, "mandatory")])
    assert "实施强制性清洁生产审核的企业（2024 年完成）" in found.message_zh
    fires(doc, "DSC-001", "notice", "", audit_history=[AuditRecord(2025, "mandatory")])
    silent(doc, "DSC-001", audit_history=[AuditRecord(2023, "mandatory")])  # finished before the year
    silent(doc, "DSC-001", audit_history=[AuditRecord(2024, "voluntary"), 2024])


def test_dsc_001_for_a_listed_company_with_a_serious_violation():
    doc = _plain_enterprise()
    doc.enterprise.is_listed = True
    doc.serious_violation = True
    found = fires(doc, "DSC-001", "notice", "")
    assert "上市公司或发债企业" in found.message_zh and "重大行政处罚" in found.message_zh


def test_dsc_001_silent_for_a_listed_company_without_a_serious_violation_or_an_unlisted_violator():
    doc = _plain_enterprise()
    doc.enterprise.is_listed = True
    silent(doc, "DSC-001")
    doc = _plain_enterprise()
    doc.serious_violation = True
    silent(doc, "DSC-001")


def test_dsc_001_an_exceedance_of_a_listed_company_counts_as_双超_not_as_a_第八条_violation():
    # v1 took any exceedance of a listed company for the listed-company case
    doc = _plain_enterprise()
    doc.enterprise.is_listed = True
    doc.exceeded_standards = True
    found = fires(doc, "DSC-001", "notice", "")
    assert "双超" in found.message_zh and "上市公司" not in found.message_zh


def test_dsc_001_silent_for_an_enterprise_with_no_disclosure_duty():
    silent(_plain_enterprise(), "DSC-001")


def test_dsc_001_cites_only_the_enterprises_province():
    jx = fires(ghg_doc(), "DSC-001", "notice", "")
    assert "《江西省减污降碳协同增效实施方案》第（二十三）条" in jx.citation and "江苏" not in jx.citation
    js = fires(in_jiangsu(ghg_doc()), "DSC-001", "notice", "")
    assert "《江苏省减污降碳协同增效实施方案》第（二十四）条" in js.citation and "江西" not in js.citation


def test_dsc_001_does_not_run_on_audits():
    silent(cpa_doc(), "DSC-001")


def test_the_dsc_002_placeholder_is_gone():
    with pytest.raises(KeyError):
        get_rule("DSC-002")
