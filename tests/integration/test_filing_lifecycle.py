"""The life of a filing: drafts, certified submission, immutable versions, the state machine, the audit log."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from portal.domain.codec import document_from_json, sha256_text
from portal.extensions import db
from portal.models import AuditEntry, Filing, FilingVersion, ImmutableRecordError
from portal.services import filings, workflow
from portal.services import review as decisions
from portal.services.errors import Conflict, IllegalTransition, NotFound, ServiceError, StaleDraft
from tests.helpers import PASSWORD, example_text


def _submit(world, who="signatory_a"):  # type: ignore[no-untyped-def]
    return filings.submit(world.users[who], world.filing_a, password=PASSWORD, certified=True)


def test_submit_freezes_canonical_json_with_its_hash(world) -> None:  # type: ignore[no-untyped-def]
    version = _submit(world)
    assert world.filing_a.status == "submitted"
    assert version.number == 1 and world.filing_a.current_version == 1
    assert version.sha256 == sha256_text(version.canonical_json)
    assert document_from_json(version.canonical_json) == document_from_json(example_text("ghg-jx-cement-2024.json"))
    assert version.certified_by_id == world.users["signatory_a"].id
    assert "真实、完整、准确" in version.certification_statement
    findings = json.loads(version.findings_json)
    assert all(f["severity"] != "error" for f in findings)
    assert json.loads(version.computed_json)["total_tco2"] == 1067866


def test_only_a_signatory_with_password_and_statement_can_submit(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):  # a filer is not a signatory: refused as the pages refuse it, with 404
        filings.submit(world.users["filer_a"], world.filing_a, password=PASSWORD, certified=True)
    with pytest.raises(ServiceError) as wrong:
        filings.submit(world.users["signatory_a"], world.filing_a, password="wrong-password", certified=True)
    assert wrong.value.field == "password"
    with pytest.raises(ServiceError) as uncertified:
        filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=False)
    assert uncertified.value.field == "certified"
    with pytest.raises(ServiceError):
        filings.submit(world.users["signatory_b"], world.filing_a, password=PASSWORD, certified=True)
    assert world.filing_a.status == "draft" and world.filing_a.versions == []


def test_error_findings_block_submission(world) -> None:  # type: ignore[no-untyped-def]
    document = filings.draft_document(world.filing_a)
    bad = json.loads(example_text("ghg-jx-cement-2024.json"))
    bad["fuels"][0]["oxidation_rate"] = 1.2  # GHG-003: an oxidation rate above 1 cannot be right
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(bad)), None)
    with pytest.raises(filings.SubmissionBlocked) as blocked:
        _submit(world)
    assert any(f.rule == "GHG-003" for f in blocked.value.findings)
    assert document is not None and world.filing_a.status == "draft"


def test_submitted_versions_can_never_be_updated_or_deleted(world) -> None:  # type: ignore[no-untyped-def]
    version = _submit(world)
    db.session.flush()
    with pytest.raises(ImmutableRecordError), db.session.begin_nested():
        version.sha256 = "0" * 64
        db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count(FilingVersion.id))) == 1
    # Raw SQL, bypassing the ORM, is stopped by the database trigger.
    with pytest.raises(sa.exc.DBAPIError), db.session.begin_nested():
        db.session.execute(sa.text("UPDATE filing_version SET canonical_json = '{}'"))
    with pytest.raises(sa.exc.DBAPIError), db.session.begin_nested():
        db.session.execute(sa.text("DELETE FROM filing_version"))
    with pytest.raises(sa.exc.DBAPIError), db.session.begin_nested():
        db.session.execute(sa.text("UPDATE audit_log SET action = 'forged'"))


def test_editing_after_submission_leaves_the_version_untouched(world) -> None:  # type: ignore[no-untyped-def]
    version = _submit(world)
    frozen, frozen_hash = version.canonical_json, version.sha256
    changed = json.loads(example_text("ghg-jx-cement-2024.json"))
    changed["fuels"][1]["consumption"] = 130
    # Read-only while under review (issue 15): the reviewer returns it first.
    with pytest.raises(Conflict) as caught:
        filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(changed)), None)
    assert "只读" in caught.value.message_zh and "read-only" in caught.value.message_en
    decisions.return_filing(world.users["reviewer_jx"], world.filing_a, note="请核对 / please check")
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(changed)), None)
    db.session.flush()
    stored = db.session.get(FilingVersion, version.id)
    assert stored.canonical_json == frozen and stored.sha256 == frozen_hash
    second = _submit(world)
    assert second.number == 2 and second.sha256 != frozen_hash
    assert world.filing_a.status == "resubmitted"


def test_state_machine_rejects_illegal_transitions(world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    with pytest.raises(IllegalTransition):
        decisions.accept_filing(reviewer, world.filing_a)  # a draft cannot be accepted
    with pytest.raises(IllegalTransition):
        decisions.return_filing(reviewer, world.filing_a, note="请核对 / please check")  # nor returned
    _submit(world)
    with pytest.raises(ServiceError):
        decisions.accept_filing(world.users["reviewer_js"], world.filing_a)  # out of scope
    decisions.return_filing(reviewer, world.filing_a, note="请核对 / please check")
    assert world.filing_a.status == "returned"
    with pytest.raises(IllegalTransition):
        decisions.accept_filing(reviewer, world.filing_a)  # returned must be resubmitted first
    _submit(world)
    assert world.filing_a.status == "resubmitted"
    decisions.accept_filing(reviewer, world.filing_a)
    assert world.filing_a.status == "accepted" and world.filing_a.accepted_at is not None
    with pytest.raises(IllegalTransition):
        decisions.return_filing(reviewer, world.filing_a, note="请核对 / please check")
    with pytest.raises(ServiceError):
        filings.save_draft(world.users["filer_a"], world.filing_a, filings.draft_document(world.filing_a), None)


def test_status_check_constraints_hold_in_the_database(world) -> None:  # type: ignore[no-untyped-def]
    for statement in (
        "UPDATE filing SET status = 'approved' WHERE id = :id",  # unknown status
        "UPDATE filing SET status = 'submitted' WHERE id = :id",  # submitted without a version
        "UPDATE filing SET accepted_at = CURRENT_TIMESTAMP WHERE id = :id",  # accepted_at on a draft
    ):
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.execute(sa.text(statement), {"id": world.filing_a.id})


def test_one_filing_per_enterprise_kind_and_year(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Filing(enterprise_id=world.a.id, kind="ghg_annual_report", year=2024, status="draft",
                              draft_json=world.filing_a.draft_json))


def test_optimistic_locking_refuses_a_stale_save(world) -> None:  # type: ignore[no-untyped-def]
    document = filings.draft_document(world.filing_a)
    seen = world.filing_a.revision
    changed = json.loads(example_text("ghg-jx-cement-2024.json"))
    changed["fuels"][1]["consumption"] = 121
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(changed)), seen)
    assert world.filing_a.revision == seen + 1
    with pytest.raises(StaleDraft):
        filings.save_draft(world.users["signatory_a"], world.filing_a, document, seen)


def test_every_action_is_in_the_audit_log(world) -> None:  # type: ignore[no-untyped-def]
    _submit(world)
    decisions.return_filing(world.users["reviewer_ganzhou"], world.filing_a, note="请核对 / please check")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {"enterprise.create", "user.create", "membership.add", "filing.submit", "version.create",
            "filing.return"} <= set(actions)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "filing.return"))
    assert json.loads(entry.before_json) == {"status": "submitted"}
    assert json.loads(entry.after_json) == {"status": "returned"}
    assert entry.actor_id == world.users["reviewer_ganzhou"].id


@pytest.mark.parametrize("start", ["draft", "submitted", "returned", "resubmitted", "accepted"])
@pytest.mark.parametrize("action", ["submit", "return", "accept", "reopen"])
def test_every_transition_outside_the_table_is_refused(world, start: str, action: str) -> None:  # type: ignore[no-untyped-def]
    """Check the whole state machine: 5 statuses × 4 actions × 5 targets, only the 7 listed moves pass."""
    # A filing under review is not submitted again: its draft is read-only until returned (issue 15). An
    # accepted filing is reopened for correction by a reviewer (issue 18 item 3).
    allowed = {("draft", "submitted"), ("returned", "resubmitted"), ("submitted", "returned"),
               ("resubmitted", "returned"), ("submitted", "accepted"), ("resubmitted", "accepted"),
               ("accepted", "returned")}
    assert set(workflow.TRANSITIONS) == allowed
    for to in ("draft", "submitted", "returned", "resubmitted", "accepted"):
        filing = Filing(status=start)  # transient: _transition refuses before touching anything
        if workflow.TRANSITIONS.get((start, to)) == action:
            continue
        with pytest.raises(IllegalTransition):
            workflow.transition(world.users["reviewer_jx"], filing, to, action)
        assert filing.status == start
