"""The engine: worked examples, explanations, scope, versioned parameters, catalogue and citations."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from portal.calc.ghg import compute_ghg
from portal.domain.documents import FuelLine
from portal.reference.files import default_reference
from portal.reference.types import Parameter
from portal.rules import (
    RULES_VERSION,
    PreviousReport,
    RuleContext,
    citations,
    evaluate,
    parameters_for,
    province_of,
    rule_catalogue,
    rules,
)
from tests.catalogue_expectations import NEW_PLN_RULES, PENDING_IN_REGISTRY, catalogue_rows, expected_rules

from .rule_docs import ROOT, D, boiler, cpa_doc, ghg_doc, in_jiangsu, of_rule, run, with_params

SPEC = ROOT.parent / "shared" / "spec" / "rules-catalogue.md"
PLANS = ROOT.parent / "shared" / "plans"
RULE_PARAMETERS = ROOT / "portal" / "reference" / "data" / "rule-parameters.json"

# ------------------------------------------------------------------------------------------ examples


def test_the_ghg_example_has_no_error_or_warning_and_only_the_disclosure_notice():
    outcome = run(ghg_doc())
    assert [(f.rule, f.severity) for f in outcome.findings] == [("DSC-001", "notice")]
    assert not outcome.has_errors and outcome.can_submit


def test_the_audit_example_has_no_finding():
    assert run(cpa_doc()).findings == []


def test_the_examples_stay_clean_in_jiangsu_except_what_jiangsu_adds():
    # Cement is an ultra-low-emission industry in Jiangsu (PLN-012) — the example has done its retrofit.
    assert [f.rule for f in run(in_jiangsu(ghg_doc())).findings] == ["DSC-001"]
    assert run(in_jiangsu(cpa_doc())).findings == []


def test_a_late_filing_adds_only_a_notice():
    outcome = run(ghg_doc(), filing_date=dt.date(2025, 6, 1))
    assert [f.rule for f in outcome.findings] == ["GHG-014", "DSC-001"]
    assert outcome.can_submit


# ------------------------------------------------------------------------------------------ explanations


def _bad_ncv():
    doc = ghg_doc()
    doc.fuels.append(FuelLine(source="烘干炉", fuel="natural_gas", consumption=D(50), ncv=D(420)))
    return doc


def test_a_finding_is_explained_by_its_rule_at_path_key():
    doc = _bad_ncv()
    doc.explanations = {"GHG-004@fuels[2].ncv": "第三方检测报告 2024-088 号"}
    (found,) = of_rule(run(doc).findings, "GHG-004")
    assert found.key == "GHG-004@fuels[2].ncv" and found.explained
    assert run(doc).can_submit


@pytest.mark.parametrize("explanations", [{}, {"GHG-004@fuels[2].ncv": "  "}, {"GHG-004": "x"},
                                          {"GHG-004@fuels[1].ncv": "x"}])
def test_a_blank_or_differently_keyed_explanation_does_not_count(explanations):
    doc = _bad_ncv()
    doc.explanations = explanations
    (found,) = of_rule(run(doc).findings, "GHG-004")
    assert not found.explained
    assert not run(doc).can_submit and run(doc).unexplained_warnings == [found]


def test_a_whole_document_finding_is_explained_by_the_bare_rule_id():
    doc = ghg_doc()
    doc.explanations = {"GHG-014": "系统故障，已报备"}
    (found,) = of_rule(run(doc, filing_date=dt.date(2025, 4, 2)).findings, "GHG-014")
    assert found.path == "" and found.key == "GHG-014" and found.explained


def test_audit_explanations_count_too():
    doc = cpa_doc()
    doc.options[1].status = "feasible"
    doc.explanations = {"CPA-007@options[1].status": "设备到货延期"}
    assert of_rule(run(doc).findings, "CPA-007")[0].explained


# ------------------------------------------------------------------------------------------ scope


def test_province_by_region_prefix():
    assert province_of("360700") == "JX" and province_of("320200") == "JS"
    assert province_of("110101") is None and province_of(None) is None and province_of("") is None


@pytest.mark.parametrize("rule_id", ["PLN-001", "PLN-002", "PLN-003", "PLN-010", "PLN-011"])
def test_jiangxi_only_rules_never_run_for_a_jiangsu_enterprise(rule_id):
    doc = ghg_doc()
    doc.boilers = [boiler(capacity_tph=D(20))]
    doc.boilers.append(boiler(capacity_tph=D(80)))
    doc.boilers.append(boiler(fuel="gas"))
    doc.air.flue_gas_bypass = True
    doc.pollutants.vocs_t = D(3)
    assert of_rule(run(doc).findings, rule_id)
    assert not of_rule(run(in_jiangsu(doc)).findings, rule_id)


def test_the_jiangsu_only_rule_never_runs_for_a_jiangxi_enterprise():
    assert of_rule(run(in_jiangsu(cpa_doc(permit_number=None))).findings, "CPA-009")
    assert not of_rule(run(cpa_doc(permit_number=None)).findings, "CPA-009")


def test_rules_run_only_on_their_kind():
    kinds = {f.rule: f for f in run(cpa_doc(triggers=["high_energy"])).findings}
    assert set(kinds) == {"CPA-005"}


# ------------------------------------------------------------------------------------------ parameters


def test_a_parameter_version_takes_effect_only_from_its_year():
    ref = with_params(Parameter("GHG-007.tolerance", 2025, Decimal("0.10"), "U", "test: looser from 2025"))
    doc_2024 = ghg_doc()
    doc_2024.declared.total_tco2 = D(1000000)  # 6.4 % off
    assert of_rule(run(doc_2024, ref=ref).findings, "GHG-007")
    doc_2025 = ghg_doc(reporting_year=2025)
    doc_2025.declared.total_tco2 = D(1000000)
    assert not of_rule(run(doc_2025, ref=ref, filing_date=dt.date(2026, 3, 1)).findings, "GHG-007")


def test_a_list_parameter_version_takes_effect_only_from_its_year():
    lifted = Parameter("PLN-005.restricted_jx", 2026, ["pig_iron", "bof_steel", "eaf_steel"], "U", "test")
    ref = with_params(lifted)
    doc = ghg_doc()
    doc.products[0].new_capacity = True
    assert of_rule(run(doc, ref=ref).findings, "PLN-005")
    doc.reporting_year = 2026
    assert not of_rule(run(doc, ref=ref, filing_date=dt.date(2027, 3, 1)).findings, "PLN-005")


def test_a_date_parameter_version_is_read_for_the_reporting_year():
    ref = with_params(Parameter("PLN-001.since", 2025, dt.date(2022, 6, 1), "U", "test"))
    doc = ghg_doc(boilers=[boiler()])  # 2022-01-10
    assert of_rule(run(doc, ref=ref).findings, "PLN-001")
    doc.reporting_year = 2025
    assert not of_rule(run(doc, ref=ref, filing_date=dt.date(2026, 3, 1)).findings, "PLN-001")


def test_a_report_before_the_first_year_is_checked_with_the_first_years_parameters():
    doc = ghg_doc(reporting_year=2017)
    doc.declared.total_tco2 = D(1000000)
    rules_fired = {f.rule for f in run(doc, filing_date=dt.date(2018, 3, 1)).findings}
    assert {"GHG-001", "GHG-007"} <= rules_fired


@pytest.mark.parametrize("year", [2019, 2024, 2026, 2030])
def test_every_rule_parameter_resolves(year):
    ref = default_reference()
    for entry in rules():
        for param in parameters_for(entry.id, ref, year):
            assert param.source and param.status in ("C", "U")


def test_parameters_for_returns_the_version_in_force():
    (param,) = parameters_for("GHG-007", default_reference(), 2024)
    assert param.key == "GHG-007.tolerance" and param.value == Decimal("0.005") and param.status == "U"
    keys = [p.key for p in parameters_for("PLN-004", default_reference(), 2024)]
    assert keys == ["PLN-004.since_jx", "PLN-004.since_js"]


def test_every_rule_parameter_entry_is_read_by_a_rule_and_documented():
    entries = json.loads(RULE_PARAMETERS.read_text(encoding="utf-8"))
    declared = {key for entry in rules() for key in entry.params}
    for entry in entries:
        assert entry["key"] in declared, f"{entry['key']} is not used by any rule"
        assert entry["status"] in ("C", "U") and entry["source"].strip()


def test_restricted_product_lists_agree_with_the_product_table():
    ref = default_reference()
    for province, flag in (("jx", "restricted_jx"), ("js", "restricted_js")):
        listed = set(ref.value(f"PLN-005.restricted_{province}", 2024))
        flagged = {p.code for p in ref.all_products() if getattr(p, flag)}
        assert listed == flagged


# ------------------------------------------------------------------------------------------ catalogue


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not beside the checkout")
def test_the_registry_matches_the_catalogue_ids_severities_and_scopes():
    # 2026-12: 52 rows (GHG-015/016 added, the DSC-002 placeholder row gone: DSC-002…011 live in
    # disclosure-format.md), plus exactly the new PLN rules of the clauses listed under the PLN table.
    spec = catalogue_rows()
    assert len(spec) == 52 and "DSC-002" not in spec and {"GHG-015", "GHG-016"} <= set(spec)
    assert set(spec) >= PENDING_IN_REGISTRY
    registry = {r.id: (r.severity, r.scope) for r in rules()}
    assert registry == expected_rules(set(registry))


def test_the_new_pln_rules_follow_the_catalogue_numbering():
    numbers = sorted(int(rule_id[4:]) for rule_id in NEW_PLN_RULES)
    assert numbers == list(range(14, 14 + len(numbers)))
    assert {r.id for r in rules() if r.id.startswith("PLN-")} == {f"PLN-{n:03d}" for n in range(1, 24)}


def test_the_catalogue_lists_every_rule_in_order_with_texts_and_basis():
    catalogue = rule_catalogue()
    assert [e["id"] for e in catalogue] == [r.id for r in rules()]
    assert [e["id"] for e in catalogue][:3] == ["ENT-001", "ENT-002", "ENT-003"]
    assert all(e["implemented"] for e in catalogue)  # the one unimplemented entry, DSC-002, is gone
    for entry in catalogue:
        for key in ("title_zh", "title_en", "checks_zh", "checks_en", "basis"):
            assert entry[key].strip(), (entry["id"], key)
        assert entry["rules_version"] == RULES_VERSION == "v1"


def test_findings_come_in_catalogue_order():
    doc = ghg_doc(exceeded_standards=True, last_audit_year=2018)
    doc.fuels[0].ncv = D(30)
    doc.permit.coal_t = D(100000)
    order = [r.id for r in rules()]
    fired = [f.rule for f in run(doc).findings]
    assert fired == sorted(fired, key=order.index)
    assert {"GHG-004", "XCK-001", "CPA-001", "DSC-001"} <= set(fired)


def test_evaluate_runs_on_results_computed_elsewhere():
    ref = default_reference()
    doc = ghg_doc()
    previous = ghg_doc(reporting_year=2023)
    previous.products[0].output = D(1500000)
    context = RuleContext(ref=ref, previous=PreviousReport(previous, compute_ghg(previous, ref)),
                          filing_date=dt.date(2025, 3, 1), today=dt.date(2025, 3, 1))
    findings = evaluate(doc, compute_ghg(doc, ref), context)
    assert [f.rule for f in findings] == ["GHG-008", "DSC-001"]
    assert run(doc, previous=previous).findings == findings


# ------------------------------------------------------------------------------------------ citations


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not PLANS.exists(), reason="plan texts not beside the checkout")
def test_every_quotation_is_the_plans_own_wording():
    corpus = "".join(_normalise(p.read_text(encoding="utf-8")) for p in sorted(PLANS.glob("*.txt")))
    corpus = corpus.replace("\u201c", "“").replace("\u201d", "”")
    texts = [value for name, value in vars(citations).items() if name.isupper() and isinstance(value, str)]
    texts += [text for entry in rules() for text in entry.basis.values()]
    quotes = {q for text in texts for q in re.findall(r"“([^“”]*(?:“[^“”]*”[^“”]*)*)”", text)}
    assert len(quotes) > 25
    for quote in quotes:
        for part in quote.split("……"):
            assert _normalise(part) in corpus, f"not in the plans: {part}"


def test_citations_name_documents_by_title_not_file():
    # the official document and clause, never a file of the plans or of the spec ("reference-data.md §4")
    for entry in rules():
        for text in entry.basis.values():
            assert ".txt" not in text and ".md" not in text and "§" not in text, (entry.id, text)
            assert "《" in text or "指南" in text, (entry.id, text)


# ------------------------------------------------------------------------------------------ robustness


@pytest.mark.parametrize("year", [-3, 0, 9999, 10**6])
def test_an_absurd_reporting_year_is_an_error_not_a_crash(year):
    fired = [f.rule for f in run(ghg_doc(reporting_year=year)).findings]
    assert fired[0] == "GHG-001"


def test_absurd_quantities_are_reported_not_crashed_on():
    doc = ghg_doc()
    doc.permit.so2_limit_t = D(0)
    doc.fuels[0].consumption = D("1E+999")
    doc.declared.total_tco2 = D("1E+50")
    outcome = run(doc)
    assert {"GHG-002", "GHG-007", "XCK-001", "XCK-003"} <= {f.rule for f in outcome.findings}
    assert all(len(f.message_zh) < 400 for f in outcome.findings)
    # 10⁹⁹⁹ t is beyond the consumption's plausibility bound (GHG-002) and the declared total disagrees (GHG-007)
    assert outcome.counts()["error"] == 2
