"""Year-over-year rules read the previous accepted filing, and CPA rules the accepted audits, from the database."""

from __future__ import annotations

import json

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import Filing
from portal.services import checking, filings
from portal.services import review as decisions
from tests.helpers import PASSWORD, example_text


def _accepted(world, kind: str, year: int, data: dict) -> Filing:  # type: ignore[type-arg,no-untyped-def]
    filing = Filing(enterprise=world.a, enterprise_id=world.a.id, kind=kind, year=year, status="draft",
                    draft_json=canonical_json(document_from_json(json.dumps(data))))
    db.session.add(filing)
    db.session.flush()
    # Whatever warnings last year's data raised were explained when it was filed.
    document = filings.draft_document(filing)
    warnings = [f for f in checking.run(document, filing=filing).findings if f.severity == "warning"]
    filing.draft_json = canonical_json(filings.with_explanations(document, {f.key: "已说明" for f in warnings}))
    filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], filing)
    return filing


def test_ghg008_compares_with_the_previous_accepted_report(world) -> None:  # type: ignore[no-untyped-def]
    previous = json.loads(example_text("ghg-jx-cement-2024.json"))
    previous["reporting_year"] = 2023
    # Half the clinker a year earlier: total ≈ 735,405 t → this year's 1,067,866 t is +45 % (> 30 %).
    previous["processes"][0]["activity"] = 625000
    previous["products"][0]["output"] = 625000
    before = checking.run(filings.draft_document(world.filing_a), filing=world.filing_a)
    assert not [f for f in before.findings if f.rule == "GHG-008"]
    _accepted(world, "ghg_annual_report", 2023, previous)
    after = checking.run(filings.draft_document(world.filing_a), filing=world.filing_a)
    fired = [f for f in after.findings if f.rule == "GHG-008"]
    assert fired and all(f.severity == "warning" for f in fired)


def test_an_accepted_audit_in_the_database_is_the_audit_history(world) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(example_text("ghg-jx-cement-2024.json"))
    # 双有 → a mandatory trigger (CPA-001) that an audit within 5 years answers (a 双超 of 2024 would need an
    # audit of 2024 or later: rules-catalogue.md, CPA-001 amended 2026-12)
    report["toxic"]["uses_toxic_materials"] = True
    report["last_audit_year"] = 2015  # declared long ago
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(report)), None)
    fired = checking.run(filings.draft_document(world.filing_a), filing=world.filing_a).findings
    assert any(f.rule == "CPA-001" for f in fired)
    _accepted(world, "clean_production_audit", 2023, json.loads(example_text("cpa-jx-cement-2023.json")))
    now = checking.run(filings.draft_document(world.filing_a), filing=world.filing_a).findings
    assert not any(f.rule == "CPA-001" for f in now)  # the audit assessed 2023-11-20 counts
