"""What a reviewer sees: submitted versions only, never an enterprise's working draft (issue 16 item 6); and
a double submit answers with the version already submitted (issue 16 item 8)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.codec import document_from_json
from portal.extensions import db
from portal.models import FilingVersion
from portal.services import filings, review
from tests.conftest import PASSWORD, login

DRAFT_ONLY_NAME = "草稿中的新名称有限公司"


def _submitted_then_edited(world):  # type: ignore[no-untyped-def]
    """Submit filing A, have the reviewer return it, and let the filer change the draft (not resubmitted)."""
    filing = world.filing_a
    filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    review.return_filing(world.users["reviewer_jx"], filing, "请核对燃料数据")
    data = json.loads(filing.draft_json)
    data["fuels"][0]["consumption"] = 123456.78
    data["enterprise"]["contact_name"] = DRAFT_ONLY_NAME
    filings.save_draft(world.users["filer_a"], filing, document_from_json(json.dumps(data)), None)
    db.session.commit()
    return filing


def test_a_reviewer_never_reads_the_working_draft(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted_then_edited(world)
    login(client, "reviewer_jx@test.cn")
    shown = client.get(f"/filings/{filing.id}")
    assert shown.status_code == 302 and shown.headers["Location"].endswith(f"/filings/{filing.id}/versions/1")
    for url in (f"/filings/{filing.id}/versions/1", f"/review/filings/{filing.id}"):
        page = client.get(url).get_data(as_text=True)
        assert DRAFT_ONLY_NAME not in page and "123,456.78" not in page, url
    for url in (f"/filings/{filing.id}/draft.json", f"/filings/{filing.id}/draft.xlsx",
                f"/api/v1/filings/{filing.id}/draft", f"/filings/{filing.id}/edit", f"/filings/{filing.id}/json"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/filings/{filing.id}/draft.pdf").status_code == 404  # the draft's PDF is a job
    # the filer sees the draft, of course
    client.post("/logout")
    login(client, "filer_a@test.cn")
    assert DRAFT_ONLY_NAME in client.get(f"/filings/{filing.id}/draft.json").get_data(as_text=True)
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert DRAFT_ONLY_NAME in page and "123,456.78" in page  # what the reviewer's pages must not show


def test_a_draft_never_submitted_is_not_there_for_a_reviewer_or_the_system_administrator(client, world) -> None:  # type: ignore[no-untyped-def]
    for role in ("reviewer_jx", "admin"):
        login(client, f"{role}@test.cn")
        assert client.get(f"/filings/{world.filing_a.id}").status_code == 404
        page = client.get(f"/enterprises/{world.a.id}").get_data(as_text=True)
        assert f'href="/filings/{world.filing_a.id}"' not in page  # listed, but nothing to open
        client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    queue = client.get("/review/?status=draft").get_data(as_text=True)
    assert "江西赣峰水泥有限公司" in queue and f'href="/filings/{world.filing_a.id}"' not in queue


def test_a_double_submit_answers_with_the_version_already_submitted(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    login(client, "signatory_a@test.cn")
    form = {"certified": "y", "password": PASSWORD}
    first = client.post(f"/filings/{filing.id}/submit", data=form)
    second = client.post(f"/filings/{filing.id}/submit", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert second.headers["Location"].endswith(f"/filings/{filing.id}/versions/1")
    assert db.session.scalar(sa.select(sa.func.count(FilingVersion.id))
                             .where(FilingVersion.filing_id == filing.id)) == 1
    assert filing.status == "submitted"


def test_a_submit_racing_another_answers_with_the_winners_version_not_a_500(client, world) -> None:  # type: ignore[no-untyped-def]
    """The second of two simultaneous POSTs read the filing before the first committed: its write finds the
    revision changed (optimistic locking) and answers with the version the first one made."""
    filing = world.filing_a
    before = (filing.revision, filing.status, filing.current_version)
    filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)  # the winner
    db.session.commit()
    db.session.refresh(filing)
    # what the loser read, before the winner committed
    set_committed_value(filing, "revision", before[0])
    set_committed_value(filing, "status", before[1])
    set_committed_value(filing, "current_version", before[2])
    set_committed_value(filing, "versions", [])
    login(client, "signatory_a@test.cn")
    response = client.post(f"/filings/{filing.id}/submit", data={"certified": "y", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].endswith(f"/filings/{filing.id}/versions/1")
    assert db.session.scalar(sa.select(sa.func.count(FilingVersion.id))
                             .where(FilingVersion.filing_id == filing.id)) == 1

