"""A draft made by mistake can be deleted; a submission can be withdrawn before review starts (issue 20 item 6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Filing
from portal.services import binding, review
from portal.services import filings as filing_service
from portal.services.errors import Conflict, NotFound
from tests.conftest import login
from tests.helpers import PASSWORD


def _actions(entity_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "filing",
                                                                   AuditEntry.entity_id == entity_id)
                                   .order_by(AuditEntry.id)))


def test_a_draft_never_submitted_is_deleted_from_the_page_and_audited(client, world) -> None:  # type: ignore[no-untyped-def]
    mistake = filing_service.open_draft(world.users["filer_a"], world.a, "ghg_annual_report", 2026)
    db.session.commit()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{mistake.id}").get_data(as_text=True)
    assert "删除此草稿" in page
    response = client.post(f"/filings/{mistake.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/enterprises/{world.a.id}")
    assert db.session.get(Filing, mistake.id) is None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "filing.delete")).one()
    assert entry.entity_id == mistake.id and entry.actor_id == world.users["filer_a"].id
    assert '"year": 2026' in entry.before_json or "2026" in str(entry.before_json)
    assert "已删除 2026 年度的" in client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)


def test_a_submitted_filing_is_never_deleted(client, world) -> None:  # type: ignore[no-untyped-def]
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    with pytest.raises(Conflict):
        filing_service.delete_draft(world.users["filer_a"], world.filing_a)
    db.session.commit()
    login(client, "filer_a@test.cn")
    assert "删除此草稿" not in client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    client.post(f"/filings/{world.filing_a.id}/delete")
    assert db.session.get(Filing, world.filing_a.id) is not None


def test_withdraw_before_review_starts_then_not_after(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    version = filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    login(client, "signatory_a@test.cn")
    assert "撤回提交" in client.get(f"/filings/{filing.id}").get_data(as_text=True)
    response = client.post(f"/filings/{filing.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(filing)
    assert filing.status == "draft" and filing.current_version == 1 and filing_service.draft_editable(filing)
    assert _actions(filing.id)[-1] == "filing.withdraw"
    assert "已撤回第 1 版的提交" in client.get(f"/filings/{filing.id}").get_data(as_text=True)
    # submitted again; the reviewer opens it: no more withdrawal
    filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    assert filing.status == "submitted" and filing.current_version == 2 and version.number == 1
    binding.record_read(world.users["reviewer_jx"], filing, 2, filing.versions[-1].sha256)
    assert filing_service.review_started(filing)
    db.session.commit()  # a savepoint release: the refused request's rollback must not take the read with it
    assert "撤回提交" not in client.get(f"/filings/{filing.id}").get_data(as_text=True)
    client.post(f"/filings/{filing.id}/withdraw")
    db.session.refresh(filing)
    assert filing.status == "submitted"


def test_a_comment_starts_the_review_and_a_filer_preparer_cannot_withdraw(world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    filing_service.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    assert not filing_service.review_started(filing)
    with pytest.raises(NotFound):  # withdrawing what the signatory certified is the signatory's act
        filing_service.withdraw(world.users["filer_a"], filing)
    review.add_comment(world.users["reviewer_jx"], filing, target_type="filing", target="", visibility="filer",
                       body="请核实")
    with pytest.raises(Conflict):
        filing_service.withdraw(world.users["signatory_a"], filing)
