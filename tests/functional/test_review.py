"""The review cycle over HTTP: queue, comments (internal never reach the enterprise), verdicts, return, answer,
resubmit, diff, accept."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import AuditEntry, QueueSummary, ReviewComment
from portal.services import filings
from portal.services import review as decisions
from tests.conftest import login
from tests.helpers import PASSWORD, example_text

WARNING_KEY = "XCK-004@energy_total_tce"
INTERNAL = "内部：该企业去年也虚报过能耗，重点核查"
VISIBLE = "综合能源消费量 300000 tce 与按投入计算的能耗相差过大，请核实后改正"


def _draft_with_warning(world):  # type: ignore[no-untyped-def]
    """Put the worked example with a declared energy total far from the computed one (XCK-004), explained."""
    doc = document_from_json(example_text("ghg-jx-cement-2024.json"))
    doc = dataclasses.replace(doc, energy_total_tce=Decimal("300000"),
                              explanations={WARNING_KEY: "含外购蒸汽折标，按统计口径填报"})
    world.filing_a.draft_json = canonical_json(doc)
    db.session.flush()


def _submitted(world):  # type: ignore[no-untyped-def]
    _draft_with_warning(world)
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    return world.filing_a


def _switch(client, email: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout")
    login(client, email)


def test_queue_shows_counts_and_filters_by_rule(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    summary = db.session.get(QueueSummary, filing.id)
    # The version's findings: XCK-004 (warning, explained); GHG-014 and DSC-001 (notices).
    assert (summary.errors, summary.warnings, summary.notices, summary.unexplained) == (0, 1, 2, 0)
    assert summary.rule_ids == "DSC-001 GHG-014 XCK-004"
    login(client, "reviewer_jx@test.cn")
    page = client.get("/review/").get_data(as_text=True)
    row = re.search(rf'<tr data-filing="{filing.id}">.*?</tr>', page, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["0", "1", "2"]
    assert "DSC-001 GHG-014 XCK-004" in row and "2025-03-31" in row
    assert f'data-filing="{filing.id}"' in client.get("/review/?rule=XCK-004").get_data(as_text=True)
    assert f'data-filing="{filing.id}"' not in client.get("/review/?rule=GHG-004").get_data(as_text=True)
    assert f'data-filing="{filing.id}"' not in client.get("/review/?region=3601").get_data(as_text=True)
    assert f'data-filing="{filing.id}"' in client.get("/review/?region=3607&kind=ghg_annual_report&year=2024"
                                                      "&status=submitted&sort=enterprise&order=asc").get_data(as_text=True)
    # A region outside the reviewer's scope shows nothing, never Jiangsu's filings.
    page = client.get("/review/?region=32").get_data(as_text=True)
    assert "南京江宁热电有限公司" not in page and "没有符合筛选条件的申报" in page


def test_bad_queue_filters_say_what_and_where(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_jx@test.cn")
    response = client.get("/review/?year=abc&rule=nonsense")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "规则编号" in page and "a rule id looks like GHG-004" in page
    assert "年度" in page


def test_overdue_filter_lists_drafts_past_the_deadline(client, world) -> None:  # type: ignore[no-untyped-def]
    # Today is after 2025-03-31, the due date of the 2024 reports; both 2024 drafts are overdue.
    login(client, "reviewer_jx@test.cn")
    page = client.get("/review/?overdue=y").get_data(as_text=True)
    assert f'data-filing="{world.filing_a.id}"' in page and "逾期" in page


def test_internal_comments_never_reach_the_enterprise(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    login(client, "reviewer_ganzhou@test.cn")
    for target, visibility, body in (("field:energy_total_tce", "internal", INTERNAL),
                                     ("field:energy_total_tce", "filer", VISIBLE)):
        response = client.post(f"/review/filings/{filing.id}/comments",
                               data={"target": target, "visibility": visibility, "body": body})
        assert response.status_code == 302
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    assert INTERNAL in page and VISIBLE in page
    assert client.post(f"/review/filings/{filing.id}/return", data={}).status_code == 302
    assert filing.status == "returned"
    for role in ("filer_a", "signatory_a"):
        _switch(client, f"{role}@test.cn")
        pages = [client.get(url).get_data(as_text=True) for url in (
            f"/filings/{filing.id}", f"/filings/{filing.id}/edit/products", f"/filings/{filing.id}/versions/1")]
        assert all(INTERNAL not in p for p in pages), role
        assert VISIBLE in pages[0]
        # At the field it concerns, in the section form.
        assert re.search(r'id="energy_total_tce-comments".*?' + re.escape(VISIBLE), pages[1], re.S)
    # The enterprise cannot answer (or even find) the internal comment.
    internal = db.session.query(ReviewComment).filter_by(visibility="internal").one()
    assert client.post(f"/filings/{filing.id}/comments/{internal.id}/answer",
                       data={"answer": "x"}).status_code == 404


def test_return_needs_a_visible_comment(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    login(client, "reviewer_jx@test.cn")
    client.post(f"/review/filings/{filing.id}/comments",
                data={"target": "filing:", "visibility": "internal", "body": INTERNAL})
    response = client.post(f"/review/filings/{filing.id}/return", data={}, follow_redirects=True)
    assert filing.status == "submitted"
    assert "退回前请至少写一条企业可见的审核意见" in response.get_data(as_text=True)
    # A note typed with the decision is such a comment.
    client.post(f"/review/filings/{filing.id}/return", data={"note": "请核实综合能耗"})
    assert filing.status == "returned"
    note = db.session.query(ReviewComment).filter_by(visibility="filer").one()
    assert (note.target_type, note.body) == ("filing", "请核实综合能耗")


def test_a_rejected_explanation_blocks_acceptance(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    login(client, "reviewer_jx@test.cn")
    client.post(f"/review/filings/{filing.id}/verdicts", data={"finding_key": WARNING_KEY, "verdict": "rejected"})
    assert db.session.get(QueueSummary, filing.id).rejected == 1
    page = client.post(f"/review/filings/{filing.id}/accept", data={}, follow_redirects=True).get_data(as_text=True)
    assert filing.status == "submitted" and "未被认可" in page
    # A verdict on a finding the version does not have is refused, naming it.
    page = client.post(f"/review/filings/{filing.id}/verdicts", data={"finding_key": "GHG-004@x", "verdict": "rejected"},
                       follow_redirects=True).get_data(as_text=True)
    assert "本版本没有警告 GHG-004@x" in page
    client.post(f"/review/filings/{filing.id}/verdicts", data={"finding_key": WARNING_KEY, "verdict": "accepted"})
    assert db.session.get(QueueSummary, filing.id).rejected == 0
    client.post(f"/review/filings/{filing.id}/accept", data={})
    assert filing.status == "accepted"
    actions = [a for (a,) in db.session.query(AuditEntry.action).filter(AuditEntry.entity_id == filing.id)]
    assert "review.verdict" in actions and "filing.accept" in actions


def test_filer_answers_resubmits_and_reviewer_sees_the_diff(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    login(client, "reviewer_jx@test.cn")
    client.post(f"/review/filings/{filing.id}/comments",
                data={"target": f"finding:{WARNING_KEY}", "visibility": "filer", "body": VISIBLE})
    client.post(f"/review/filings/{filing.id}/return", data={})
    comment = db.session.query(ReviewComment).one()

    _switch(client, "filer_a@test.cn")
    assert client.post(f"/filings/{filing.id}/comments/{comment.id}/answer", data={"answer": ""}).status_code == 302
    assert comment.answer is None
    client.post(f"/filings/{filing.id}/comments/{comment.id}/answer", data={"answer": "已按统计报表改为 137500"})
    assert comment.answer == "已按统计报表改为 137500" and comment.answered_at is not None
    document = filings.draft_document(filing)
    filings.save_draft(world.users["filer_a"], filing,
                       dataclasses.replace(document, energy_total_tce=Decimal("137500"), explanations={}), None)
    filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    db.session.commit()  # as the signing view does; the next request's rollback must not undo it
    assert filing.status == "resubmitted" and filing.current_version == 2
    # Answers are closed once resubmitted.
    response = client.post(f"/filings/{filing.id}/comments/{comment.id}/answer", data={"answer": "改"},
                           follow_redirects=True)
    assert "重新提交前答复" in response.get_data(as_text=True)

    _switch(client, "reviewer_jx@test.cn")
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    diff = re.search(r'data-testid="version-diff".*?</div>', page, re.S).group(0)
    # Hand-worked: exactly two leaves changed between version 1 and 2.
    assert re.findall(r'data-path="([^"]+)"', diff) == ["energy_total_tce", f"explanations[{WARNING_KEY}]"]
    assert "<del>300,000</del>" in diff and "<ins>137,500</ins>" in diff
    assert "已按统计报表改为 137500" in page
    assert db.session.get(QueueSummary, filing.id).warnings == 0  # the resubmitted version has none
    client.post(f"/review/filings/{filing.id}/accept", data={})
    assert filing.status == "accepted"


def test_reviewers_comment_only_while_under_review_and_never_edit(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_jx@test.cn")
    assert client.get(f"/review/filings/{world.filing_a.id}").status_code == 404  # never submitted
    filing = _submitted(world)
    before = filing.draft_json
    client.post(f"/review/filings/{filing.id}/comments", data={"target": "field:fuels[0].ncv", "visibility": "filer",
                                                               "body": "请提供低位发热量检测报告"})
    client.post(f"/review/filings/{filing.id}/return", data={})
    response = client.post(f"/review/filings/{filing.id}/comments",
                           data={"target": "filing:", "visibility": "filer", "body": "再补充一条"}, follow_redirects=True)
    assert "只有待审核的申报可以评论或决定" in response.get_data(as_text=True)
    assert filing.draft_json == before
    # Reviewers cannot reach the enterprise's editing endpoints at all (access matrix has the rest).
    assert client.get(f"/filings/{filing.id}/edit/fuels").status_code == 404


def test_prior_year_diff_prints_years_as_labels(client, world) -> None:  # type: ignore[no-untyped-def]
    from portal.models import Filing

    previous_doc = dataclasses.replace(document_from_json(example_text("ghg-jx-cement-2024.json")), reporting_year=2023)
    previous = Filing(enterprise=world.a, enterprise_id=world.a.id, kind="ghg_annual_report", year=2023,
                      status="draft", draft_json=canonical_json(previous_doc))
    db.session.add(previous)
    db.session.flush()
    filings.submit(world.users["signatory_a"], previous, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], previous)
    filing = _submitted(world)
    login(client, "reviewer_jx@test.cn")
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    assert 'data-path="reporting_year"' in page
    assert "<del>2023</del>" in page and "<ins>2024</ins>" in page and "2,023" not in page
