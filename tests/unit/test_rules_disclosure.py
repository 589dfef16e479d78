"""DSC-002…DSC-011 on the disclosure documents: each with a document that fires it and one that does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from portal.domain.codec import DocumentError, document_from_json, parse_document
from portal.domain.disclosure import (
    AdhocRecord,
    CarbonSection,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    OtherSection,
    PollutantsSection,
    ViolationsSection,
)
from portal.domain.findings import Finding
from portal.reference import default_reference
from portal.rules import CheckOutcome, check_document, get_rule, rule_catalogue

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "examples"
#: a day on which the annual example (disclosed 2025-03-10) is checked
TODAY = dt.date(2025, 3, 12)


def annual(**changes: Any) -> EnvDisclosureAnnualReport:
    """Return a fresh copy of the annual example, top-level fields changed."""
    document = document_from_json((EXAMPLES / "disclosure-jx-cement-2024.json").read_bytes())
    assert isinstance(document, EnvDisclosureAnnualReport)
    for name, value in changes.items():
        setattr(document, name, value)
    return document


def adhoc() -> EnvDisclosureAdhoc:
    document = document_from_json((EXAMPLES / "adhoc-jx-cement-2024-penalty.json").read_bytes())
    assert isinstance(document, EnvDisclosureAdhoc)
    return document


def run(document: Any, today: dt.date = TODAY) -> CheckOutcome:
    return check_document(document, default_reference(), filing_date=today, today=today)


def findings(document: Any, rule: str, today: dt.date = TODAY) -> list[Finding]:
    return [f for f in run(document, today).findings if f.rule == rule]


def fires(document: Any, rule: str, path: str, today: dt.date = TODAY) -> Finding:
    found = [f for f in findings(document, rule, today) if f.path == path]
    assert found, f"{rule} did not fire at {path!r}: {[(f.rule, f.path) for f in run(document, today).findings]}"
    assert found[0].message_zh and found[0].message_en and found[0].citation
    return found[0]


def silent(document: Any, rule: str, today: dt.date = TODAY) -> None:
    found = findings(document, rule, today)
    assert not found, [(f.path, f.message_en) for f in found]


# ------------------------------------------------------------------------------------ the examples


def test_the_examples_have_no_error_warning_or_notice() -> None:
    assert run(annual()).findings == []
    assert run(adhoc(), dt.date(2024, 10, 9)).findings == []


def test_the_catalogue_holds_dsc_002_to_011_with_the_formats_severities_and_citations() -> None:
    entries = {e["id"]: e for e in rule_catalogue() if e["id"].startswith("DSC-")}
    severities = {k: v["severity"] for k, v in entries.items()}
    assert severities == {"DSC-001": "notice", "DSC-002": "error", "DSC-003": "warning", "DSC-004": "warning",
                          "DSC-005": "warning", "DSC-006": "warning", "DSC-007": "warning", "DSC-008": "error",
                          "DSC-009": "warning", "DSC-010": "warning", "DSC-011": "notice"}
    assert all(entries[f"DSC-{n:03d}"]["implemented"] for n in range(2, 12))
    assert entries["DSC-007"]["kinds"] == ["env_disclosure_adhoc", "env_disclosure_annual_report"]
    assert entries["DSC-002"]["kinds"] == ["env_disclosure_annual_report"]
    measures = "《企业环境信息依法披露管理办法》（生态环境部令第24号）"
    assert entries["DSC-002"]["basis"] == f"{measures}第十二条至第十五条；《企业环境信息依法披露格式准则》（环办综合〔2021〕32号）"
    assert entries["DSC-007"]["basis"] == f"{measures}第十七条；《中华人民共和国民法典》第二百零一条"
    assert entries["DSC-009"]["basis"] == f"{measures}第十七条"
    assert entries["DSC-010"]["basis"] == f"{measures}第十四条"
    assert "《排污许可管理条例》" in entries["DSC-005"]["basis"] and "《清洁生产审核办法》（2016）第八条" in entries["DSC-005"]["basis"]
    assert "3月15日" in entries["DSC-006"]["basis"] and "五万元以下" in entries["DSC-006"]["basis"]
    assert "关键环境信息提要" in entries["DSC-008"]["basis"] and f"{measures}第五条" in entries["DSC-008"]["basis"]
    # DSC-003/004 cite the enterprise's own province's plan (rules-catalogue.md, amended 2026-12)
    assert set(entries["DSC-003"]["basis_by_province"]) == {"JX", "JS"}
    assert "第四条" in entries["DSC-004"]["basis_by_province"]["JX"]


def test_the_enterprise_rules_check_the_disclosure_documents_too() -> None:
    document = annual()
    document.enterprise.uscc = "91360700MA38P2K51A"  # wrong check digit
    assert fires(document, "ENT-001", "enterprise.uscc").severity == "error"
    bad = adhoc()
    bad.enterprise.region_code = "110000"
    assert fires(bad, "ENT-002", "enterprise.region_code", dt.date(2024, 10, 9)).severity == "error"


# ----------------------------------------------------------------------------------------- DSC-002


@pytest.mark.parametrize("key", ["key_info", "basic_info", "env_management", "pollutants", "carbon", "emergency",
                                 "violations", "other", "audit", "financing"])
def test_dsc_002_an_absent_required_section(key: str) -> None:
    found = fires(annual(**{key: None}), "DSC-002", key)
    assert found.severity == "error"
    assert "缺少" in found.message_zh


def test_dsc_002_audit_and_financing_only_for_their_subjects() -> None:
    document = annual(audit=None, financing=None, subjects=["key_pollutant_discharger"], violation_grounds=[])
    silent(document, "DSC-002")
    found = fires(annual(audit=None), "DSC-002", "audit")
    assert "实施强制性清洁生产审核的企业" in found.message_zh


def test_dsc_002_no_subject() -> None:
    fires(annual(subjects=[]), "DSC-002", "subjects")


def test_dsc_002_an_empty_adhoc_list_is_none_this_year() -> None:
    silent(annual(adhoc=[]), "DSC-002")


def test_dsc_002_none_where_the_subject_forbids_it() -> None:
    document = annual(pollutants=PollutantsSection(none=True))
    assert "重点排污单位" in fires(document, "DSC-002", "pollutants").message_zh
    # not a key pollutant discharger (neither by subject nor by profile): 本年度无 is allowed
    document.subjects = ["mandatory_audit", "listed_company"]
    document.enterprise.is_key_pollutant_discharger = False
    silent(document, "DSC-002")
    carbon = annual(carbon=CarbonSection(none=True))
    assert "重点排放单位" in fires(carbon, "DSC-002", "carbon").message_zh
    carbon.enterprise.is_key_emitter = False
    silent(carbon, "DSC-002")
    silent(annual(other=OtherSection(none=True), violations=ViolationsSection(none=True)), "DSC-002")


def test_dsc_002_a_key_emitter_without_ets() -> None:
    document = annual()
    assert document.carbon is not None
    document.carbon.ets = None
    fires(document, "DSC-002", "carbon.ets")
    document.enterprise.is_key_emitter = False
    silent(document, "DSC-002")


def test_none_is_not_a_field_of_the_sections_that_cannot_be_none() -> None:
    # key_info, basic_info, audit and financing have no 本年度无: the decoder names the unknown field
    data = {"kind": "env_disclosure_annual_report", "schema_version": 1, "reporting_year": 2024, "enterprise": {},
            "key_info": {"none": True}}
    with pytest.raises(DocumentError) as caught:
        parse_document(data)
    assert caught.value.path == "key_info.none"
    data["key_info"] = {}
    data["pollutants"] = {"none": True}
    parsed = parse_document(data)
    assert isinstance(parsed, EnvDisclosureAnnualReport) and parsed.pollutants == PollutantsSection(none=True)


# ------------------------------------------------------------------------------------ DSC-003, 004


def _with_ghg_prefill(**values: Any) -> EnvDisclosureAnnualReport:
    document = annual()
    assert document.prefill.ghg is not None
    for name, value in values.items():
        setattr(document.prefill.ghg, name, value)
    return document


def test_dsc_003_half_a_percent_exactly_is_silent_one_tonne_more_fires() -> None:
    document = _with_ghg_prefill(direct_tco2=1000000)
    assert document.carbon is not None
    document.carbon.direct_tco2 = 1005000  # |1,005,000 − 1,000,000| ÷ 1,000,000 = 0.5 % exactly
    document.key_info.total_tco2 = 1005000 + 55890  # type: ignore[union-attr] # keep DSC-008 quiet
    silent(document, "DSC-003")
    document.carbon.direct_tco2 = 1005001  # 0.5001 %
    found = fires(document, "DSC-003", "carbon.direct_tco2")
    assert "0.50%" in found.message_zh and "1000000" in found.message_zh and found.severity == "warning"


def test_dsc_003_one_finding_per_figure() -> None:
    document = _with_ghg_prefill(indirect_tco2=50000, previous_ets_covered_tco2=1000000)
    assert document.carbon is not None and document.carbon.ets is not None
    document.carbon.ets.actual_tco2 = 1020000  # 0.79 % above 1,011,976
    document.carbon.ets.previous_actual_tco2 = 994999  # 0.5001 % below 1,000,000
    paths = sorted(f.path for f in findings(document, "DSC-003"))
    assert paths == ["carbon.ets.actual_tco2", "carbon.ets.previous_actual_tco2", "carbon.indirect_tco2"]
    document.carbon.ets.previous_actual_tco2 = 995000  # 0.5 % exactly
    assert "carbon.ets.previous_actual_tco2" not in {f.path for f in findings(document, "DSC-003")}


def test_dsc_003_cites_the_enterprises_own_province() -> None:
    document = _with_ghg_prefill(direct_tco2=900000)
    jx = fires(document, "DSC-003", "carbon.direct_tco2")
    assert "江西" in jx.citation and "江苏" not in jx.citation and "第五条" in jx.citation
    document.enterprise.region_code = "320200"
    js = fires(document, "DSC-003", "carbon.direct_tco2")
    assert "《江苏省减污降碳协同增效实施方案》第（二十四）条" in js.citation and "江西" not in js.citation


def test_dsc_003_without_a_prefill_or_with_carbon_none_is_silent() -> None:
    document = annual()
    document.prefill.ghg = None
    assert document.carbon is not None
    document.carbon.direct_tco2 = 1
    silent(document, "DSC-003")
    document = _with_ghg_prefill(direct_tco2=1)
    document.carbon = CarbonSection(none=True)
    silent(document, "DSC-003")


def test_dsc_004_totals_and_permitted_totals() -> None:
    document = annual()
    assert document.prefill.ghg is not None and document.pollutants is not None
    document.prefill.ghg.pollutants_t.so2 = D(80)
    document.pollutants.totals[0].total_t = D("80.4")  # 0.4 ÷ 80 = 0.5 % exactly
    silent(document, "DSC-004")
    document.pollutants.totals[0].total_t = D("80.41")  # 0.5125 %
    found = fires(document, "DSC-004", "pollutants.totals[0].total_t")
    assert "二氧化硫" in found.message_zh and "80.41" in found.message_zh
    document.pollutants.totals[1].permitted_t = D(603)  # 3 ÷ 600 = 0.5 % exactly
    assert "pollutants.totals[1].permitted_t" not in {f.path for f in findings(document, "DSC-004")}
    document.pollutants.totals[1].permitted_t = D(604)
    fires(document, "DSC-004", "pollutants.totals[1].permitted_t")


# ----------------------------------------------------------------------------------------- DSC-005


def test_dsc_005_a_total_above_its_permitted_total() -> None:
    document = annual()
    assert document.pollutants is not None
    document.pollutants.totals[0].total_t = D(200)  # equal to its permitted 200: not above
    silent(document, "DSC-005")
    document.pollutants.totals[0].total_t = D("200.01")
    found = fires(document, "DSC-005", "pollutants.totals[0].total_t")
    assert found.severity == "warning" and "200.01" in found.message_zh and "200" in found.message_zh
    document.pollutants.totals[0].permitted_t = None  # no permitted total: nothing to exceed
    silent(document, "DSC-005")


# ----------------------------------------------------------------------------------------- DSC-006


def test_dsc_006_disclosed_on_the_due_day_and_a_day_late() -> None:
    silent(annual(disclosed_on=dt.date(2025, 3, 15)), "DSC-006", dt.date(2025, 4, 1))
    found = fires(annual(disclosed_on=dt.date(2025, 3, 16)), "DSC-006", "disclosed_on", dt.date(2025, 4, 1))
    assert "2025-03-15" in found.message_zh and "逾期 1 天" in found.message_zh


def test_dsc_006_a_draft_once_the_due_day_has_passed() -> None:
    draft = annual(disclosed_on=None)
    silent(draft, "DSC-006", dt.date(2025, 3, 15))
    found = fires(draft, "DSC-006", "disclosed_on", dt.date(2025, 3, 16))
    assert "尚未发布" in found.message_zh and "not yet published" in found.message_en


# ----------------------------------------------------------------------------------------- DSC-007


def test_dsc_007_an_annual_reports_adhoc_line_on_its_due_day_and_a_day_late() -> None:
    document = annual()
    assert document.adhoc[1].disclosed_on == dt.date(2024, 10, 9)  # the 5th working day after 2024-09-26
    silent(document, "DSC-007")
    document.adhoc[1].disclosed_on = dt.date(2024, 10, 10)
    found = fires(document, "DSC-007", "adhoc[1].disclosed_on")
    assert "2024-10-09" in found.message_zh and "6 个工作日" in found.message_zh


def test_dsc_007_an_adhoc_report_across_national_day_2025() -> None:
    # received 2025-09-30: 10-09 (1), 10-10 (2), Saturday 10-11 调休 (3), 10-13 (4), 10-14 (5) → due 2025-10-14
    document = adhoc()
    document.document.date = document.document.received_on = dt.date(2025, 9, 30)
    document.disclosed_on = dt.date(2025, 10, 14)
    silent(document, "DSC-007", dt.date(2025, 10, 14))
    document.disclosed_on = dt.date(2025, 10, 15)
    found = fires(document, "DSC-007", "disclosed_on", dt.date(2025, 10, 15))
    assert "2025-10-14" in found.message_zh


def test_dsc_007_an_emergency_has_no_five_day_clock() -> None:
    document = adhoc()
    document.trigger = "incident"
    document.disclosed_on = dt.date(2024, 12, 31)
    silent(document, "DSC-007", dt.date(2025, 1, 2))


# ----------------------------------------------------------------------------------------- DSC-008


def test_dsc_008_the_total_within_one_tonne() -> None:
    document = annual()
    assert document.key_info is not None
    document.key_info.total_tco2 = 1067867  # carbon: 1,011,976 + 55,890 = 1,067,866; ±1 is rounding
    silent(document, "DSC-008")
    document.key_info.total_tco2 = 1067868
    assert fires(document, "DSC-008", "key_info.total_tco2").severity == "error"
    document.key_info.total_tco2 = 1067865
    silent(document, "DSC-008")


def test_dsc_008_a_total_with_carbon_none_and_none_without() -> None:
    document = annual(carbon=CarbonSection(none=True))
    fires(document, "DSC-008", "key_info.total_tco2")
    assert document.key_info is not None
    document.key_info.total_tco2 = None
    silent(document, "DSC-008")


def test_dsc_008_the_flags_and_the_counts() -> None:
    document = annual()
    assert document.key_info is not None and document.pollutants is not None
    document.key_info.exceeded_standards = True
    document.pollutants.totals[2].total_t = D(101)  # pm above its permitted 100
    document.key_info.penalties_count = 0
    document.key_info.incidents_count = 2
    document.key_info.adhoc_count = 1
    paths = sorted(f.path for f in findings(document, "DSC-008"))
    assert paths == ["key_info.adhoc_count", "key_info.exceeded_permitted_total", "key_info.exceeded_standards",
                     "key_info.incidents_count", "key_info.penalties_count"]


def test_dsc_008_none_counts_zero_and_an_absent_section_is_only_dsc_002() -> None:
    document = annual(violations=ViolationsSection(none=True))
    fires(document, "DSC-008", "key_info.penalties_count")  # the summary says 1, the section 本年度无
    assert document.key_info is not None
    document.key_info.penalties_count = 0
    silent(document, "DSC-008")
    absent = annual(violations=None)
    assert "key_info.penalties_count" not in {f.path for f in findings(absent, "DSC-008")}
    fires(absent, "DSC-002", "violations")


# ----------------------------------------------------------------------------------------- DSC-009


def test_dsc_009_a_penalty_without_its_adhoc_disclosure() -> None:
    document = annual()
    document.adhoc = [document.adhoc[0]]  # the permit renewal only
    found = fires(document, "DSC-009", "violations.cases[0].decision_number")
    assert "赣市环罚〔2024〕45号" in found.message_zh and "2024-10-09" in found.message_zh


def test_dsc_009_a_permit_event_without_its_adhoc_disclosure() -> None:
    document = annual()
    document.adhoc = [document.adhoc[1]]
    found = fires(document, "DSC-009", "env_management.permits[0].event")
    assert "延续" in found.message_zh and "2024-06-21" in found.message_zh
    assert document.env_management is not None
    document.env_management.permits[0].event_on = dt.date(2023, 12, 1)  # an event of another year
    silent(document, "DSC-009")


def test_dsc_009_unless_the_adhoc_would_be_due_after_31_december() -> None:
    document = annual(adhoc=[])
    document.env_management = None  # the permit event is not what this test is about
    assert document.violations is not None
    case = document.violations.cases[0]
    case.decided_on = case.received_on = dt.date(2024, 12, 27)
    # 12-30 (1), 12-31 (2), 2025-01-01 元旦, 01-02 (3), 01-03 (4), 01-06 (5): due in 2025, next year's report
    silent(document, "DSC-009")
    case.decided_on = case.received_on = dt.date(2024, 12, 24)
    # 12-25 (1), 12-26 (2), 12-27 (3), 12-30 (4), 12-31 (5): due on 31 December itself
    assert "2024-12-31" in fires(document, "DSC-009", "violations.cases[0].decision_number").message_zh


def test_dsc_009_a_penalty_of_another_year() -> None:
    document = annual(adhoc=[])
    document.env_management = None
    assert document.violations is not None
    document.violations.cases[0].decided_on = dt.date(2023, 11, 1)
    silent(document, "DSC-009")


# ----------------------------------------------------------------------------------------- DSC-010


def test_dsc_010_each_audit_fact_against_the_accepted_audit() -> None:
    document = annual()
    assert document.audit is not None
    document.audit.reasons = ["high_energy", "double_exceed"]
    document.audit.listed_on = dt.date(2023, 7, 11)
    document.audit.assessment.status = "applied"
    document.audit.acceptance.status = "passed"
    paths = sorted(f.path for f in findings(document, "DSC-010"))
    assert paths == ["audit.acceptance.status", "audit.assessment.status", "audit.listed_on", "audit.reasons"]
    document.audit.reasons = ["high_energy"]
    assert "audit.reasons" not in {f.path for f in findings(document, "DSC-010")}


def test_dsc_010_runs_only_when_both_exist() -> None:
    document = annual()
    assert document.audit is not None
    document.audit.listed_on = None
    document.prefill.audit = None
    silent(document, "DSC-010")
    silent(annual(audit=None), "DSC-010")


# ----------------------------------------------------------------------------------------- DSC-011


def test_dsc_011_no_cross_check_possible() -> None:
    document = annual()
    document.prefill.ghg = None
    document.prefill.audit = None
    paths = sorted(f.path for f in findings(document, "DSC-011"))
    assert paths == ["prefill.audit", "prefill.ghg"]
    assert all(f.severity == "notice" for f in findings(document, "DSC-011"))
    document.enterprise.is_key_emitter = False
    document.subjects = ["key_pollutant_discharger"]
    silent(document, "DSC-011")


def test_dsc_011_a_deadline_counted_into_a_year_without_a_calendar() -> None:
    document = adhoc()
    document.document.date = document.document.received_on = dt.date(2026, 12, 29)
    document.disclosed_on = dt.date(2027, 1, 4)
    found = fires(document, "DSC-011", "", dt.date(2027, 1, 4))
    assert "2027" in found.message_zh and "星期一至星期五" in found.message_zh
    silent(adhoc(), "DSC-011", dt.date(2024, 10, 9))


def test_the_example_annual_report_with_an_adhoc_line_into_2027() -> None:
    document = annual()
    document.adhoc.append(AdhocRecord(trigger="penalty", document_number="X", received_on=dt.date(2026, 12, 30),
                                      disclosed_on=dt.date(2027, 1, 4)))
    assert [f.path for f in findings(document, "DSC-011")] == [""]


def test_the_placeholder_is_gone_and_the_rule_is_implemented() -> None:
    rule = get_rule("DSC-002")
    assert rule.implemented and rule.severity == "error" and rule.note_zh is None


DISCLOSURE_SPEC = ROOT.parent / "shared" / "spec" / "disclosure-format.md"


@pytest.mark.skipif(not DISCLOSURE_SPEC.exists(), reason="shared spec not beside the checkout")
def test_the_registry_matches_the_disclosure_formats_rule_table() -> None:
    import re

    from portal.rules import rules

    kinds = {"annual": ["env_disclosure_annual_report"], "both": ["env_disclosure_adhoc", "env_disclosure_annual_report"]}
    spec = {}
    for line in DISCLOSURE_SPEC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(DSC-\d{3})\s*\|\s*(error|warning|notice)\s*\|\s*(annual|both)\s*\|", line)
        if match:
            spec[match.group(1)] = (match.group(2), "all", kinds[match.group(3)])
    registered = {r.id: (r.severity, r.scope, sorted(r.kinds)) for r in rules() if r.id in spec}
    # DSC-011 is "annual" in the format; the portal also raises it on an ad-hoc report whose deadline was
    # counted across a year without a working-day calendar (reference-data.md §5: "raises a notice")
    spec["DSC-011"] = ("notice", "all", kinds["both"])
    assert len(spec) == 10 and registered == spec
