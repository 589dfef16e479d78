"""The queue for versions written outside submit() (demo seed, scripts, older databases), and its bulk actions."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

from portal.domain.codec import document_from_json, dumps, sha256_text
from portal.extensions import db
from portal.models import (
    ExplanationVerdict,
    Filing,
    FilingVersion,
    Notification,
    QueueSummary,
    RuleHit,
    VersionMetric,
)
from portal.rules import RULES_VERSION
from portal.services import checking, version_facts
from tests.conftest import login

# A hand-made findings list: 1 error, 2 warnings (one unexplained), 1 notice; rules sorted for display.
FINDINGS = [
    {"rule": "GHG-004", "severity": "error", "path": "fuels[0]", "explained": False},
    {"rule": "XCK-004", "severity": "warning", "path": "energy_total_tce", "explained": True},
    {"rule": "GHG-010", "severity": "warning", "path": "", "explained": False},
    {"rule": "DSC-001", "severity": "notice", "path": ""},
]


def _insert_version(world, number: int, findings: list[dict], status: str = "submitted") -> FilingVersion:  # type: ignore[no-untyped-def]
    """Write a version the way a script or the demo seed does: straight into the tables, no submit()."""
    filing = world.filing_a
    text = filing.draft_json
    outcome = checking.run(document_from_json(text), filing_date=dt.date(2025, 3, 10))
    version = FilingVersion(
        filing=filing, filing_id=filing.id, number=number, canonical_json=text, sha256=sha256_text(text),
        computed_json=dumps(outcome.computed.check_block()), findings_json=json.dumps(findings),
        rules_version=RULES_VERSION, certified_by_id=world.users["signatory_a"].id,
        certification_statement="声明 / statement", submitted_at=dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC))
    db.session.add(version)
    filing.status, filing.current_version = status, number
    filing.last_submitted_at = version.submitted_at
    db.session.flush()
    return version


def _row(page: str, filing_id: int) -> str:
    return re.search(rf'<tr data-filing="{filing_id}">.*?</tr>', page, re.S).group(0)  # type: ignore[union-attr]


def test_a_version_written_without_submit_shows_its_counts(app, client, world) -> None:  # type: ignore[no-untyped-def]
    _insert_version(world, 1, FINDINGS)
    assert db.session.get(QueueSummary, world.filing_a.id) is None
    login(client, "reviewer_jx@test.cn")
    # Viewing the queue derives nothing (a GET never writes): the row shows "—" until the explicit step.
    row = _row(client.get("/review/").get_data(as_text=True), world.filing_a.id)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["—", "—", "—"]
    assert db.session.get(QueueSummary, world.filing_a.id) is None
    assert version_facts.missing()
    from portal.cli import derive_facts_command

    result = app.test_cli_runner().invoke(derive_facts_command)
    assert result.exit_code == 0 and "derived the facts of 1 version(s)" in result.output, result.output
    page = client.get("/review/").get_data(as_text=True)
    row = _row(page, world.filing_a.id)
    # errors 1, warnings 2, notices 1 — not "—"; one warning unexplained → "否"
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["1", "2", "1"]
    assert ">否<" in row and "DSC-001 GHG-004 GHG-010 XCK-004" in row
    assert f'/review/filings/{world.filing_a.id}"' in row  # reviewable now that it is summarised
    hits = set(db.session.scalars(select(RuleHit.rule_id).where(RuleHit.filing_id == world.filing_a.id)))
    assert hits == {"DSC-001", "GHG-004", "GHG-010", "XCK-004"}
    assert f'data-filing="{world.filing_a.id}"' in client.get("/review/?rule=GHG-010").get_data(as_text=True)
    # The same step derived the dashboard's figures: the worked example's 1,067,866 tCO2 (test_dashboard.py).
    metric = db.session.scalar(select(VersionMetric).where(VersionMetric.filing_id == world.filing_a.id))
    assert round(metric.total_tco2) == 1067866
    assert version_facts.refresh() == 0  # nothing left to derive


def test_a_newer_version_replaces_the_summary_and_a_same_version_summary_keeps_rejections(world) -> None:  # type: ignore[no-untyped-def]
    first = _insert_version(world, 1, FINDINGS)
    db.session.add(ExplanationVerdict(filing_id=world.filing_a.id, version_number=1,
                                      finding_key="XCK-004@energy_total_tce", verdict="rejected",
                                      reviewer_id=world.users["reviewer_jx"].id))
    db.session.flush()
    assert version_facts.refresh() == 1
    summary = db.session.get(QueueSummary, world.filing_a.id)
    assert (summary.version_number, summary.rejected) == (1, 1)  # the rejection on version 1 is counted
    assert first.id is not None
    _insert_version(world, 2, FINDINGS[3:], status="resubmitted")  # only the notice is left
    assert version_facts.refresh() == 1
    summary = db.session.get(QueueSummary, world.filing_a.id)
    assert (summary.version_number, summary.errors, summary.warnings, summary.notices, summary.rejected,
            summary.rule_ids) == (2, 0, 0, 1, 0, "DSC-001")
    assert set(db.session.scalars(select(RuleHit.rule_id).where(RuleHit.filing_id == world.filing_a.id))) == {
        "DSC-001"}
    assert db.session.query(VersionMetric).filter_by(filing_id=world.filing_a.id).count() == 2


def test_demo_versions_have_queue_counts(db_session) -> None:  # type: ignore[no-untyped-def]
    from portal.demo import DASHBOARD_VERSIONS, seed_demo

    seed_demo()
    submitted = db.session.scalars(select(Filing.id).where(Filing.current_version >= 1)).all()
    assert len(submitted) == len(DASHBOARD_VERSIONS) == 9
    summaries = {s.filing_id: s for s in db.session.scalars(select(QueueSummary))}
    assert set(summaries) == set(submitted)
    for filing_id in submitted:
        version = db.session.scalar(select(FilingVersion).where(FilingVersion.filing_id == filing_id))
        findings = json.loads(version.findings_json)
        assert summaries[filing_id].warnings == sum(f["severity"] == "warning" for f in findings)
        assert summaries[filing_id].notices == sum(f["severity"] == "notice" for f in findings)


def test_the_queue_sends_reminders_to_overdue_enterprises_in_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_jx@test.cn")
    page = client.get("/review/").get_data(as_text=True)
    bulk = re.search(r'<div[^>]*data-testid="bulk-actions".*?</div></div>', page, re.S).group(0)  # type: ignore[union-attr]
    assert 'data-testid="consolidated-export"' in bulk
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', bulk, re.S)
    assert form is not None and 'data-testid="remind-overdue"' in form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    response = client.post(form.group(1), data=fields, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/review/"
    assert "已向 1 家逾期企业发送催报提醒。" in response.get_data(as_text=True)
    # Whatever today is, the newest past-due year has no filing of A (Jiangxi) nor of B (Jiangsu, key
    # emitter): only A's filer and signatory are reminded — B is outside scope 36.
    reminded = {n.user.email for n in db.session.scalars(select(Notification).where(Notification.kind == "reminder"))}
    assert reminded == {"filer_a@test.cn", "signatory_a@test.cn"}
