"""CPA-001…CPA-012: clean-production audits (CPA-001 and CPA-011 on the GHG report)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.calc.ghg import compute_ghg
from portal.reference.files import default_reference
from portal.rules import AuditRecord, mandatory_audit_indicators

from .rule_docs import D, cpa_doc, fires, ghg_doc, in_jiangsu, of_rule, run, silent

# ------------------------------------------------------------------------------ on the GHG report


def test_cpa_001_fires_for_a_trigger_without_a_recent_audit():
    doc = ghg_doc(exceeded_standards=True, last_audit_year=2019)
    found = fires(doc, "CPA-001", "warning", "last_audit_year")
    assert "双超" in found.message_zh and "2019" in found.message_zh and "2024 年及以后" in found.message_zh
    assert "依法实施“双超双有高耗能”企业强制性清洁生产审核" in found.citation


def test_cpa_001_fires_for_high_energy_and_double_toxic():
    doc = ghg_doc(last_audit_year=None)
    doc.products[0].energy_tce = D(150000)  # worse than the baseline (PLN-006)
    doc.toxic.uses_toxic_materials = True
    doc.toxic.categories = ["heavy_metals"]
    found = fires(doc, "CPA-001", "warning", "last_audit_year")
    assert "高耗能" in found.message_zh and "双有" in found.message_zh and "重金属" in found.message_zh


def test_cpa_001_double_exceed_is_answered_only_by_an_audit_of_the_reporting_year_or_later():
    # Issue 14: a 双超 enterprise with an audit three years ago was told nothing (v1 looked back 5 years).
    found = fires(ghg_doc(exceeded_standards=True), "CPA-001", "warning", "last_audit_year")  # audit 2021
    assert "2021" in found.message_zh and "双超、高耗能须在 2024 年及以后完成审核" in found.message_zh
    fires(ghg_doc(exceeded_standards=True, last_audit_year=2023), "CPA-001", "warning", "last_audit_year")
    silent(ghg_doc(exceeded_standards=True, last_audit_year=2024), "CPA-001")
    silent(ghg_doc(exceeded_standards=True, last_audit_year=2025), "CPA-001")


def test_cpa_001_high_energy_is_answered_only_by_an_audit_of_the_reporting_year_or_later():
    doc = ghg_doc(last_audit_year=2023)
    doc.products[0].energy_tce = D(150000)
    fires(doc, "CPA-001", "warning", "last_audit_year")
    doc.last_audit_year = 2024
    silent(doc, "CPA-001")


def test_cpa_001_double_toxic_needs_an_audit_within_five_years_boundary_included():
    doc = ghg_doc(last_audit_year=2019)  # 2024 − 2019 = 5: outside "the last 5 years"
    doc.toxic.uses_toxic_materials = True
    found = fires(doc, "CPA-001", "warning", "last_audit_year")
    assert "双有须每 5 年至少审核一次" in found.message_zh and "双超" not in found.message_zh
    doc.last_audit_year = 2020  # 4 years: answered
    silent(doc, "CPA-001")


def test_cpa_001_names_only_the_triggers_no_audit_answers():
    doc = ghg_doc(exceeded_standards=True, last_audit_year=2021)
    doc.toxic.discharges_toxic_substances = True  # 双有 answered by the 2021 audit, 双超 not
    found = fires(doc, "CPA-001", "warning", "last_audit_year")
    assert "双超" in found.message_zh and "双有（" not in found.message_zh


def test_cpa_001_silent_without_triggers():
    silent(ghg_doc(last_audit_year=None), "CPA-001")
    silent(ghg_doc(), "CPA-001")


def test_cpa_001_uses_the_audit_history_instead_of_the_documents_field():
    doc = ghg_doc(exceeded_standards=True, last_audit_year=None)
    fires(doc, "CPA-001", "warning", "last_audit_year", audit_history=[AuditRecord(2022, "voluntary")])
    silent(doc, "CPA-001", audit_history=[AuditRecord(2024, "mandatory")])
    doc = ghg_doc(exceeded_standards=True, last_audit_year=2024)  # declares 2024, but the portal has none
    fires(doc, "CPA-001", "warning", "last_audit_year", audit_history=[])
    silent(doc, "CPA-001", audit_history=[2018, 2024])
    doc = ghg_doc(last_audit_year=None)
    doc.toxic.uses_toxic_materials = True
    silent(doc, "CPA-001", audit_history=[AuditRecord(2022, "voluntary")])


def test_cpa_001_cites_only_the_enterprises_province():
    jx = fires(ghg_doc(exceeded_standards=True), "CPA-001", "warning", "last_audit_year")
    assert "《江西省减污降碳协同增效实施方案》第（八）条" in jx.citation and "江苏" not in jx.citation
    js = fires(in_jiangsu(ghg_doc(exceeded_standards=True)), "CPA-001", "warning", "last_audit_year")
    assert "《江苏省减污降碳协同增效实施方案》第（十九）条" in js.citation and "江西" not in js.citation
    assert "《清洁生产审核办法》（2016）第八条" in jx.citation and "《清洁生产审核办法》（2016）第八条" in js.citation


def test_mandatory_audit_indicators_of_the_example_are_all_false():
    ref = default_reference()
    doc = ghg_doc()
    indicators = mandatory_audit_indicators(doc, compute_ghg(doc, ref), ref)
    assert set(indicators) == {"double_exceed", "high_energy", "double_toxic"}
    assert not any(indicators.values())


def test_mandatory_audit_indicators_give_reasons():
    ref = default_reference()
    doc = ghg_doc(exceeded_standards=True)
    doc.products[0].energy_tce = D(150000)
    doc.toxic.discharges_toxic_substances = True
    indicators = mandatory_audit_indicators(doc, compute_ghg(doc, ref), ref)
    assert all(indicators.values())
    assert indicators["double_exceed"].reasons[0].path == "exceeded_standards"
    assert indicators["high_energy"].reasons[0].path == "products[0].energy_tce"
    assert "水泥熟料" in indicators["high_energy"].reasons[0].zh
    assert indicators["double_toxic"].reasons[0].path == "toxic.discharges_toxic_substances"


def test_cpa_011_notes_a_key_industry_without_an_audit_in_five_years():
    found = fires(ghg_doc(last_audit_year=2019), "CPA-011", "notice", "last_audit_year")
    assert "建材" in found.message_zh


def test_cpa_011_lead_acid_batteries_are_key_in_jiangxi_only():
    doc = ghg_doc(last_audit_year=None)
    doc.enterprise.industry_code = "3843"
    fires(doc, "CPA-011", "notice", "last_audit_year")
    silent(in_jiangsu(doc), "CPA-011")


def test_cpa_011_silent_with_a_recent_audit_or_outside_key_industries():
    silent(ghg_doc(), "CPA-011")
    doc = ghg_doc(last_audit_year=None)
    doc.enterprise.industry_code = "3411"  # 锅炉及辅助设备制造
    silent(doc, "CPA-011")


# ------------------------------------------------------------------------------ on the audit


def test_cpa_002_fires_when_a_phase_ends_before_it_starts():
    doc = cpa_doc()
    doc.phases.assessment.end = dt.date(2023, 5, 1)
    found = fires(doc, "CPA-002", "error", "phases.assessment.end")
    assert "2023-05-01" in found.message_zh and "2023-05-16" in found.message_zh


def test_cpa_002_fires_when_phases_are_out_of_order():
    doc = cpa_doc()
    doc.phases.pre_assessment.start = dt.date(2023, 2, 1)
    fires(doc, "CPA-002", "error", "phases.pre_assessment.start")


def test_cpa_002_fires_for_a_date_after_the_filing_date():
    found = fires(cpa_doc(), "CPA-002", "error", "phases.implementation.end", filing_date=dt.date(2024, 6, 1))
    assert "2024-06-30" in found.message_zh
    findings = of_rule(run(cpa_doc(), filing_date=dt.date(2024, 6, 1)).findings, "CPA-002")
    assert {f.path for f in findings} == {"phases.implementation.end", "phases.continuous.start"}
    doc = cpa_doc()
    doc.options[2].implemented_on = dt.date(2024, 10, 1)
    fires(doc, "CPA-002", "error", "options[2].implemented_on")


def test_cpa_002_silent_for_the_example():
    silent(cpa_doc(), "CPA-002")


def _mandatory(**changes):
    doc = cpa_doc(audit_type="mandatory", triggers=["double_exceed"], listed_on=dt.date(2023, 1, 10),
                  info_published_on=dt.date(2023, 2, 1))
    for name, value in changes.items():
        setattr(doc, name, value)
    return doc


def test_cpa_003_fires_when_the_information_is_published_late():
    doc = _mandatory(info_published_on=dt.date(2023, 3, 1))
    found = fires(doc, "CPA-003", "warning", "info_published_on")
    assert "2023-02-10" in found.message_zh and "19" in found.message_zh


def test_cpa_003_fires_when_preparation_starts_late_or_information_is_never_published():
    doc = _mandatory(listed_on=dt.date(2022, 11, 1), info_published_on=None)
    fires(doc, "CPA-003", "warning", "info_published_on")
    fires(doc, "CPA-003", "warning", "phases.preparation.start")


def test_cpa_003_silent_on_time_or_for_voluntary_audits():
    silent(_mandatory(), "CPA-003")
    silent(cpa_doc(), "CPA-003")


def test_cpa_004_fires_when_implementation_ends_after_a_year():
    found = fires(_mandatory(), "CPA-004", "warning", "phases.implementation.end")
    assert "2024-01-10" in found.message_zh


def test_cpa_004_fires_when_implementation_is_still_open_after_a_year():
    doc = _mandatory()
    doc.phases.implementation.end = None
    doc.phases.continuous.start = None
    fires(doc, "CPA-004", "warning", "phases.implementation.end")


def test_cpa_004_silent_when_finished_in_time():
    silent(_mandatory(listed_on=dt.date(2023, 8, 1), info_published_on=dt.date(2023, 8, 20)), "CPA-004")
    silent(cpa_doc(), "CPA-004")


def test_cpa_005_fires_for_a_mandatory_audit_without_triggers():
    fires(_mandatory(triggers=[]), "CPA-005", "error", "triggers")


def test_cpa_005_fires_for_a_voluntary_audit_with_triggers():
    fires(cpa_doc(triggers=["high_energy"]), "CPA-005", "error", "triggers")


def test_cpa_005_silent_when_type_and_triggers_agree():
    silent(cpa_doc(), "CPA-005")
    silent(_mandatory(), "CPA-005")


def test_cpa_006_fires_for_each_missing_economic_input():
    doc = cpa_doc()
    doc.options[3].lifetime_years = None
    doc.options[2].annual_benefit_10k_cny = None
    fires(doc, "CPA-006", "error", "options[3].lifetime_years")
    found = fires(doc, "CPA-006", "error", "options[2].annual_benefit_10k_cny")
    assert "Z1" in found.message_zh


def test_cpa_006_silent_for_proposed_or_no_low_options():
    doc = cpa_doc()
    doc.options[3].status = "proposed"
    doc.options[3].lifetime_years = None
    doc.options[0].lifetime_years = None
    silent(doc, "CPA-006")


def test_cpa_007_fires_when_assessed_before_no_low_options_are_implemented():
    doc = cpa_doc()
    doc.options[1].status = "feasible"
    found = fires(doc, "CPA-007", "warning", "options[1].status")
    assert "F2" in found.message_zh


def test_cpa_007_silent_before_the_assessment_or_for_dropped_options():
    doc = cpa_doc()
    doc.options[1].status = "dropped"
    silent(doc, "CPA-007")
    doc = cpa_doc()
    doc.options[1].status = "proposed"
    doc.assessment.status = "not_applied"
    silent(doc, "CPA-007")


def test_cpa_008_fires_for_an_implemented_option_without_co_benefits():
    doc = cpa_doc()
    doc.options[2].savings.nox_t = None  # co2_t is 0
    fires(doc, "CPA-008", "warning", "options[2].savings")


def test_cpa_008_silent_when_co2_or_a_pollutant_is_saved():
    silent(cpa_doc(), "CPA-008")


def test_cpa_009_fires_for_a_jiangsu_audit_without_a_permit():
    doc = in_jiangsu(cpa_doc(permit_number=None))
    found = fires(doc, "CPA-009", "warning", "permit_number")
    assert "91360700MA38P2K51K001P" in found.message_zh


def test_cpa_009_is_jiangsu_only():
    silent(cpa_doc(permit_number=None), "CPA-009")
    silent(in_jiangsu(cpa_doc()), "CPA-009")


def test_cpa_010_fires_when_accepted_with_a_target_missed():
    doc = cpa_doc()
    doc.acceptance.status = "passed"
    doc.acceptance.date = dt.date(2024, 8, 1)
    found = fires(doc, "CPA-010", "warning", "indicators[0].achieved")
    assert "104.8" in found.message_zh and "104" in found.message_zh
    assert [f.path for f in of_rule(run(doc).findings, "CPA-010")] == ["indicators[0].achieved"]


def test_cpa_010_silent_before_acceptance():
    silent(cpa_doc(), "CPA-010")


def test_cpa_012_fires_for_an_invalid_consultancy_uscc():
    doc = cpa_doc()
    doc.consultancy.uscc = "91360100MA35K7Q2WZ"
    fires(doc, "CPA-012", "warning", "consultancy.uscc")


def test_cpa_012_silent_for_a_valid_or_absent_uscc():
    silent(cpa_doc(), "CPA-012")
    silent(cpa_doc(consultancy=None), "CPA-012")


def test_dropped_options_never_count_against_any_cpa_rule():
    """Add options a filer dropped, each with what would make a rule fire were it live: nothing fires."""
    import dataclasses

    from portal.domain.documents import AuditOption, OptionSavings

    doc = cpa_doc()
    clean = {f.rule for f in run(doc).findings if f.rule.startswith("CPA-")}
    doc.options.append(AuditOption(  # CPA-006: medium/high with no investment, benefit or lifetime
        id="X1", name="放弃的高费方案", cost_class="medium_high", category="process", status="dropped"))
    doc.options.append(AuditOption(  # CPA-007: a no/low option not implemented after the assessment
        id="X2", name="放弃的低费方案", cost_class="no_low", category="management", status="dropped",
        savings=OptionSavings()))  # CPA-008: no saving at all
    assert {f.rule for f in run(doc).findings if f.rule.startswith("CPA-")} == clean
    # The same options live make each rule fire — so the silence above is the status, not the data.
    live = dataclasses.replace(doc, options=[*doc.options[:-2], dataclasses.replace(doc.options[-2], status="feasible"),
                                             dataclasses.replace(doc.options[-1], status="proposed")])
    fires(live, "CPA-006", "error", "options[4].investment_10k_cny")
    fires(live, "CPA-007", "warning", "options[5].status")


# ------------------------------------------------------------------ CPA-013/014 (issue 20 item 9)


@pytest.mark.parametrize(("changes", "path"), [
    ({"focus": None}, "focus"),
    ({"focus": "  "}, "focus"),
    ({"indicators": []}, "indicators"),
    ({"options": []}, "options"),
])
def test_cpa_013_an_audit_without_its_required_content_is_an_error(changes, path: str) -> None:  # type: ignore[no-untyped-def]
    fires(cpa_doc(**changes), "CPA-013", "error", path)


def test_cpa_013_the_preparation_start_is_required_and_the_worked_audit_is_complete() -> None:
    doc = cpa_doc()
    doc.phases.preparation.start = None
    fires(doc, "CPA-013", "error", "phases.preparation.start")
    silent(cpa_doc(), "CPA-013")


def test_cpa_014_a_feasible_option_with_a_negative_npv() -> None:
    # Z2: investment 1,350, lifetime 15, r = 0.08 → annuity factor 8.559479; a benefit of 150 gives
    # NPV = −1350 + 150 × 8.559479 = −66.08 (< 0) and a payback of 9.00 years (< 15): the NPV fires
    doc = cpa_doc()
    doc.options[3].annual_benefit_10k_cny = D(150)
    finding = fires(doc, "CPA-014", "warning", "options[3].status")
    assert "−66.08" in finding.message_zh or "-66.08" in finding.message_zh
    assert "8.0%" in finding.message_zh  # the rate printed the one way (formatting.percent)
    # a benefit of 158: NPV = −1350 + 158 × 8.559479 = 2.40 ≥ 0: silent
    doc.options[3].annual_benefit_10k_cny = D(158)
    silent(doc, "CPA-014")
    silent(cpa_doc(), "CPA-014")  # Z2 as filed: NPV 875.46, payback 5.19 < 15


def test_cpa_014_a_loss_making_option_is_filed_but_not_feasible() -> None:
    doc = cpa_doc()
    doc.options[3].annual_benefit_10k_cny = D(-5)  # a real loss-making option: allowed by the schema
    assert "年经济效益为 -5 万元，投资无法回收" in fires(doc, "CPA-014", "warning", "options[3].status").message_zh
    doc.options[3].status = "dropped"
    silent(doc, "CPA-014")


def test_cpa_014_payback_beyond_lifetime_with_no_discounting() -> None:
    # r = 0: NPV = −1350 + 100 × 12 = −150 fires first; with a lifetime of 14: −1350 + 1400 = 50 ≥ 0 and the
    # payback 13.50 years < 14: silent; lifetime 13: payback 13.50 > 13 and NPV = −50 (the NPV message)
    doc = cpa_doc(discount_rate=D(0))
    doc.options[3].annual_benefit_10k_cny = D(100)
    doc.options[3].lifetime_years = 14
    silent(doc, "CPA-014")
    doc.options[3].lifetime_years = 13
    finding = fires(doc, "CPA-014", "warning", "options[3].status")
    assert "净现值为 -50" in finding.message_zh.replace("−", "-")
    assert "投资回收期 13.5 年超过寿命期 13 年" in finding.message_zh
