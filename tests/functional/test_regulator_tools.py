"""The regulator's tools and registers (issue 18 items 3–5), over HTTP and through the services.

Hand-worked figures:
- GHG-014: the 2024 report is due 31 March 2025 (reference data); a draft checked on 1 May 2025 is
  31 days overdue (April has 30 days, + 1 May). Extended to 30 June 2025 for enterprise A only, A's draft
  is not overdue that day and C's (same region, no extension) still is, by the same 31 days.
- The ledger: the worked example's clinker line, 131,000 tce for 1,250,000 t, is 131,000 × 1,000 /
  1,250,000 = 104.8 kgce/t: above the benchmark 100 and not above the baseline 117 → "between".
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import AuditEntry, Enterprise, Filing, FilingVersion, Notification
from portal.services import accounts, checking, filings, masterdata, registers, regulator
from portal.services import review as decisions
from portal.services.errors import ServiceError
from tests.conftest import login
from tests.helpers import PASSWORD, example_text

MAY_1 = dt.date(2025, 5, 1)
USCC_C = "91360702MA35XXXX0Q"


def _switch(client, email: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout")
    login(client, email)


def _enterprise_c() -> tuple[Enterprise, Filing]:
    """Return a second Jiangxi cement plant (Ganzhou, 360702) with a 2024 draft of the worked example."""
    from portal.domain import codes

    uscc = next(u for u in (USCC_C[:-1] + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY") if codes.uscc_is_valid(u))
    c = accounts.create_enterprise(None, uscc=uscc, name="赣州南康建材有限公司", region_code="360702",
                                   industry_code="3011", is_key_emitter=True)
    data = json.loads(example_text("ghg-jx-cement-2024.json"))
    data["enterprise"].update(uscc=uscc, name=c.name, region_code="360702")
    filing = Filing(enterprise=c, enterprise_id=c.id, kind="ghg_annual_report", year=2024, status="draft",
                    draft_json=canonical_json(document_from_json(json.dumps(data))))
    db.session.add(filing)
    db.session.flush()
    return c, filing


def _ghg_014(filing: Filing, day: dt.date) -> list[str]:
    outcome = checking.run(filings.draft_document(filing), filing=filing, filing_date=day)
    return [f.message_zh for f in outcome.findings if f.rule == "GHG-014"]


# ---------------------------------------------------------------------------------- deadline extension


def test_an_extension_changes_ghg_014s_due_date_for_that_enterprise_only(world) -> None:  # type: ignore[no-untyped-def]
    _c, filing_c = _enterprise_c()
    assert _ghg_014(world.filing_a, MAY_1) == ["2024 年度报告的截止日期为 2025-03-31，尚未提交（已逾期 31 天）"]
    regulator.extend_deadline(world.users["reviewer_ganzhou"], world.a, "ghg_annual_report", 2024,
                              dt.date(2025, 6, 30), "企业遭受洪灾，经申请延期")
    assert _ghg_014(world.filing_a, MAY_1) == []
    assert _ghg_014(filing_c, MAY_1) == ["2024 年度报告的截止日期为 2025-03-31，尚未提交（已逾期 31 天）"]
    # after the extended date, A is late by the days past it: 1 July → 1 day
    assert _ghg_014(world.filing_a, dt.date(2025, 7, 1)) == [
        "2024 年度报告的截止日期为 2025-06-30，尚未提交（已逾期 1 天）"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deadline.extend"))
    assert entry.entity_id == world.a.id and entry.actor_id == world.users["reviewer_ganzhou"].id
    assert json.loads(entry.after_json) == {"kind": "ghg_annual_report", "year": 2024, "due_on": "2025-06-30",
                                            "standard": "2025-03-31", "reason": "企业遭受洪灾，经申请延期"}


def test_an_extension_must_be_later_than_the_standard_date_and_give_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    for due, reason, field in ((dt.date(2025, 3, 31), "理由", "due_on"), (dt.date(2025, 6, 30), "  ", "reason")):
        try:
            regulator.extend_deadline(reviewer, world.a, "ghg_annual_report", 2024, due, reason)
        except ServiceError as error:
            assert error.field == field
        else:
            raise AssertionError("refused")


def test_the_queue_and_the_filing_page_show_the_extended_date(client, world) -> None:  # type: ignore[no-untyped-def]
    _enterprise_c()
    login(client, "reviewer_jx@test.cn")
    response = client.post(f"/review/enterprises/{world.a.id}/deadline", data={
        "kind": "ghg_annual_report", "year": "2024", "due_on": "2025-06-30", "reason": "洪灾延期",
        "next": "/review/"})
    assert response.status_code == 302
    page = client.get("/review/").get_data(as_text=True)
    row_a = re.search(rf'<tr data-filing="{world.filing_a.id}">.*?</tr>', page, re.S).group(0)
    assert "2025-06-30" in row_a and "已延期" in row_a
    other = [r for r in re.findall(r'<tr data-filing="\d+">.*?</tr>', page, re.S) if "赣州南康" in r]
    assert len(other) == 1 and "2025-03-31" in other[0] and "已延期" not in other[0]
    _switch(client, "filer_a@test.cn")
    facts = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert re.search(r'data-testid="due-date">截止日期：2025-06-30 <span[^>]*>已延期', facts)
    home = client.get("/my").get_data(as_text=True)
    assert "2025-06-30" in home and "2025-03-31" not in home


def test_a_reviewer_outside_the_region_cannot_extend(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_nanchang@test.cn")
    response = client.post(f"/review/enterprises/{world.a.id}/deadline", data={
        "kind": "ghg_annual_report", "year": "2024", "due_on": "2025-06-30", "reason": "x"})
    assert response.status_code == 404


# ------------------------------------------------------------------------------ assignment and "mine"


def test_assign_within_scope_and_the_mine_filter(client, world) -> None:  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()
    ganzhou = world.users["reviewer_ganzhou"]
    login(client, "reviewer_jx@test.cn")
    # reviewer_nanchang (3601) does not cover Ganzhou (3607): refused, nothing assigned
    client.post(f"/review/filings/{world.filing_a.id}/assign",
                data={"assignee": str(world.users["reviewer_nanchang"].id)})
    db.session.refresh(world.filing_a)
    assert world.filing_a.assigned_to_id is None
    client.post(f"/review/filings/{world.filing_a.id}/assign", data={"assignee": str(ganzhou.id)})
    db.session.refresh(world.filing_a)
    assert world.filing_a.assigned_to_id == ganzhou.id
    assert f'data-filing="{world.filing_a.id}"' not in client.get("/review/?mine=y").get_data(as_text=True)
    _switch(client, "reviewer_ganzhou@test.cn")
    mine = client.get("/review/?mine=y").get_data(as_text=True)
    assert f'data-filing="{world.filing_a.id}"' in mine
    assert re.search(r'<td data-col="assignee">reviewer_ganzhou</td>', mine)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.assign"))
    assert json.loads(entry.after_json) == {"assigned_to": ganzhou.id}


def test_bulk_assign_and_remind(client, world) -> None:  # type: ignore[no-untyped-def]
    _c, filing_c = _enterprise_c()
    member = accounts.create_user(None, email="filer_c@test.cn", name="filer_c", password=PASSWORD,
                                  must_change_password=False)
    accounts.add_membership(None, member, filing_c.enterprise, "filer")
    db.session.commit()
    login(client, "reviewer_jx@test.cn")
    ids = [str(world.filing_a.id), str(filing_c.id)]
    client.post("/review/bulk", data={"action": "assign", "assignee": str(world.users["reviewer_ganzhou"].id),
                                      "filing_ids": ids})
    assert {f.assigned_to_id for f in (world.filing_a, filing_c) if db.session.refresh(f) is None} == {
        world.users["reviewer_ganzhou"].id}
    client.post("/review/bulk", data={"action": "remind", "filing_ids": ids})
    reminders = db.session.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    # both drafts: A's filer and signatory, C's filer — three notices, one per member
    assert sorted(n.user_id for n in reminders) == sorted(
        [world.users["filer_a"].id, world.users["signatory_a"].id, member.id])
    # pressing again the same day sends nothing more
    client.post("/review/bulk", data={"action": "remind", "filing_ids": ids})
    assert len(db.session.scalars(select(Notification).where(Notification.kind == "reminder")).all()) == 3
    # a filing outside the scope in the selection: the whole request is 404, nothing done
    assert client.post("/review/bulk", data={"action": "remind",
                                             "filing_ids": [str(world.filing_b.id)]}).status_code == 404


def test_the_queue_searches_name_uscc_and_region(client, world) -> None:  # type: ignore[no-untyped-def]
    _c, filing_c = _enterprise_c()
    db.session.commit()
    login(client, "reviewer_jx@test.cn")

    def found(q: str) -> set[int]:
        page = client.get("/review/", query_string={"q": q}).get_data(as_text=True)
        return {int(i) for i in re.findall(r'<tr data-filing="(\d+)">', page)}

    assert found("赣峰") == {world.filing_a.id}
    assert found(world.a.uscc[:8].lower()) == {world.filing_a.id}
    assert found("360702") == {filing_c.id}
    assert found("3607") == {world.filing_a.id, filing_c.id}
    assert found("南京") == set()  # Jiangsu is outside the scope, whatever the search


# --------------------------------------------------------------------------------------------- reopen


def test_reopen_keeps_the_accepted_version(client, world) -> None:  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    db.session.commit()
    accepted = db.session.scalar(select(FilingVersion).where(FilingVersion.filing_id == world.filing_a.id))
    sha, text = accepted.sha256, accepted.canonical_json
    login(client, "reviewer_jx@test.cn")
    client.post(f"/review/filings/{world.filing_a.id}/reopen", data={"reason": "产量数据与统计年报不一致，请更正"})
    db.session.refresh(world.filing_a)
    assert (world.filing_a.status, world.filing_a.accepted_at, world.filing_a.current_version) == ("returned", None, 1)
    # the enterprise corrects and submits version 2; version 1 stays as accepted
    data = json.loads(world.filing_a.draft_json)
    data["products"][0]["output"] = 1240000
    data["explanations"] = {}
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    comment = decisions.comments(world.filing_a, for_filer=True)[-1]
    assert comment.body == "重新打开更正 / reopened for correction: 产量数据与统计年报不一致，请更正"
    decisions.answer_comment(world.users["filer_a"], world.filing_a, comment, "已按统计年报更正")
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    versions = db.session.scalars(select(FilingVersion).where(FilingVersion.filing_id == world.filing_a.id)
                                  .order_by(FilingVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert (versions[0].sha256, versions[0].canonical_json) == (sha, text)
    assert world.filing_a.status == "resubmitted"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "filing.reopen_reason"))
    assert json.loads(entry.before_json)["accepted_version"] == 1


def test_reopen_needs_a_reason(client, world) -> None:  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    db.session.commit()
    login(client, "reviewer_jx@test.cn")
    page = client.get(f"/review/filings/{world.filing_a.id}").get_data(as_text=True)
    assert 'data-testid="reopen-form"' in page
    response = client.post(f"/review/filings/{world.filing_a.id}/reopen", data={"reason": ""},
                           follow_redirects=True)
    assert "请填写理由" in response.get_data(as_text=True)
    for bad in ("\x00", "x" * 100_000):
        assert client.post(f"/review/filings/{world.filing_a.id}/reopen", data={"reason": bad}).status_code == 400
    db.session.refresh(world.filing_a)
    assert world.filing_a.status == "accepted"


# --------------------------------------------------------------------------------------------- ledger


def _submit_new_clinker_line(world) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(world.filing_a.draft_json)
    data["products"][0].update(new_capacity=True, capacity_replacement_ref="赣工信产业字〔2024〕12号")
    # PLN-008 warns that new capacity is above the benchmark (104.80 > 100): explained, as a filer would
    data["explanations"] = {"PLN-008@products[0].new_capacity": "置换产能按基准水平建设，标杆改造列入2026年计划"}
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()


def test_the_ledger_lists_a_filed_new_clinker_line_with_its_benchmark_status(client, world) -> None:  # type: ignore[no-untyped-def]
    _submit_new_clinker_line(world)
    rows = registers.ledger("36")
    assert [(r.enterprise, r.product, str(r.capacity), str(r.energy_tce), str(r.unit_energy), r.level,
             r.replacement_ref) for r in rows] == [
        ("江西赣峰水泥有限公司", "cement_clinker", "1500000", "131000", "104.8", "between", "赣工信产业字〔2024〕12号")]
    login(client, "reviewer_ganzhou@test.cn")
    page = client.get("/review/ledger").get_data(as_text=True)
    row = re.search(rf'<tr data-filing="{world.filing_a.id}">.*?</tr>', page, re.S).group(0)
    assert "水泥熟料" in row and 'data-level="between"' in row and "赣工信产业字〔2024〕12号" in row
    assert f'data-filing="{world.filing_a.id}"' not in client.get("/review/ledger?level=benchmark").get_data(as_text=True)
    assert f'data-filing="{world.filing_a.id}"' in client.get("/review/ledger?level=between&year=2024").get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get("/review/ledger.xlsx?year=2024").data))
    sheet = book.active
    assert [c.value for c in sheet[1]][:6] == ["企业名称", "统一社会信用代码", "行政区划", "行业", "年度", "产品"]
    assert [c.value for c in sheet[2]][6:10] == [1500000, 1250000, 131000, 104.8]
    _switch(client, "reviewer_js@test.cn")
    assert f'data-filing="{world.filing_a.id}"' not in client.get("/review/ledger").get_data(as_text=True)


def test_a_line_without_new_capacity_is_not_in_the_ledger(world) -> None:  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    assert registers.ledger("36") == []


# ------------------------------------------------------------------------------------ credit ratings


def test_a_credit_grade_shows_on_the_filing_in_the_queue_and_on_the_review_page(client, world) -> None:  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()
    login(client, "reviewer_jx@test.cn")
    response = client.post("/review/credit", data={"uscc": world.a.uscc, "year": "2024", "grade": "yellow",
                                                   "issuer": "赣州市生态环境局"})
    assert response.status_code == 302
    queue = client.get("/review/").get_data(as_text=True)
    row = re.search(rf'<tr data-filing="{world.filing_a.id}">.*?</tr>', queue, re.S).group(0)
    assert re.search(r'<td data-col="credit"><span class="badge credit-yellow" data-grade="yellow">', row)
    review_page = client.get(f"/review/filings/{world.filing_a.id}").get_data(as_text=True)
    assert 'data-grade="yellow"' in review_page and "（2024）" in review_page
    _switch(client, "filer_a@test.cn")
    assert 'data-grade="yellow"' in client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    # enterprise B has no grade: "not rated"
    _switch(client, "filer_b@test.cn")
    assert "未评价" in client.get(f"/filings/{world.filing_b.id}").get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "credit_rating.set"))
    assert json.loads(entry.after_json) == {"year": 2024, "grade": "yellow", "issuer": "赣州市生态环境局",
                                            "source": "entered"}


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "评价年度", "评价等级", "评价机关"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_credit_grades_import_all_or_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    count, errors = registers.import_ratings(reviewer, _workbook([[world.a.uscc, 2023, "绿色"],
                                                                  [world.b.uscc, 2023, "blue"],
                                                                  [world.a.uscc, 2024, "紫色"]]))
    assert count == 0
    assert [(e.row, e.message_en) for e in errors] == [
        (3, f"row 3, column A: USCC {world.b.uscc} is not an enterprise in your scope"),
        (4, "row 4, column C: grade '紫色' is invalid (green, blue, yellow, red, black)")]
    assert registers.ratings_of(world.a.id) == []
    count, errors = registers.import_ratings(reviewer, _workbook([[world.a.uscc, 2023, "绿色"],
                                                                  [world.a.uscc, 2024, "Red"]]))
    assert (count, errors) == (2, [])
    assert [(r.year, r.grade, r.source) for r in registers.ratings_of(world.a.id)] == [
        (2024, "red", "imported"), (2023, "green", "imported")]
    # the 2024 filing shows the 2024 grade; a 2023 filing would show 2023's
    assert registers.rating_in_force(world.a.id, 2024).grade == "red"
    assert registers.rating_in_force(world.a.id, 2023).grade == "green"
    assert registers.rating_in_force(world.a.id, 2022) is None


def test_the_import_page_names_each_refused_row(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_ganzhou@test.cn")
    bad = _workbook([[world.a.uscc, 1999, "绿色"]])
    page = client.post("/review/credit/import", data={"file": (io.BytesIO(bad), "ratings.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "第 2 行 B 列：评价年度 1999 无效（2000–2100）" in page and "未导入任何评价" in page
    page = client.post("/review/credit/import", data={"file": (io.BytesIO(b"<?php echo 1;"), "ratings.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "请上传 .xlsx 文件" in page
    good = _workbook([[world.a.uscc, 2024, "蓝色", "赣州市生态环境局"]])
    page = client.post("/review/credit/import", data={"file": (io.BytesIO(good), "ratings.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "已导入 1 条环保信用评价" in page and 'data-grade="blue"' in page


# ----------------------------------------------------------------------------- master data lock


def test_the_registry_overwrites_the_enterprise_block_of_a_saved_draft(world) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(world.filing_a.draft_json)
    data["enterprise"].update(name="随便改的名字", region_code="360101", industry_code="3021")
    filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    saved = json.loads(world.filing_a.draft_json)["enterprise"]
    assert (saved["name"], saved["region_code"], saved["industry_code"]) == ("江西赣峰水泥有限公司", "360700", "3011")
    # another USCC still names another enterprise: refused, not overwritten
    data["enterprise"]["uscc"] = world.b.uscc
    try:
        filings.save_draft(world.users["filer_a"], world.filing_a, document_from_json(json.dumps(data)), None)
    except ServiceError as error:
        assert error.field == "enterprise.uscc"
    else:
        raise AssertionError("refused")


def test_a_name_change_is_a_request_a_reviewer_approves(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = client.post(f"/enterprises/{world.a.id}/master-data", data={
        "name": "江西赣峰水泥股份有限公司", "uscc": world.a.uscc, "region_code": "360700", "industry_code": "3011",
        "reason": "已完成股份制改造，营业执照已变更"})
    assert response.status_code == 302
    db.session.refresh(world.a)
    assert world.a.name == "江西赣峰水泥有限公司"  # unchanged until a reviewer approves
    (change,) = masterdata.requests_of(world.a.id)
    assert masterdata.changes_of(change) == {"name": "江西赣峰水泥股份有限公司"}
    _switch(client, "reviewer_nanchang@test.cn")  # 3601: not the enterprise's region
    assert client.post(f"/review/master-data/{change.id}/approve").status_code == 404
    _switch(client, "reviewer_ganzhou@test.cn")
    client.post(f"/review/master-data/{change.id}/approve")
    db.session.refresh(world.a)
    db.session.refresh(world.filing_a)
    assert world.a.name == "江西赣峰水泥股份有限公司"
    assert json.loads(world.filing_a.draft_json)["enterprise"]["name"] == "江西赣峰水泥股份有限公司"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise.master_data_change"))
    assert json.loads(entry.before_json) == {"name": "江西赣峰水泥有限公司"}
    assert entry.actor_id == world.users["reviewer_ganzhou"].id


def test_the_draft_form_shows_the_registered_fields_read_only(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}/edit/profile").get_data(as_text=True)
    for name in ("name", "uscc", "region_code", "industry_code"):
        tag = re.search(rf'<input[^>]*name="enterprise-{name}"[^>]*>', page)
        assert tag is not None and "readonly" in tag.group(0), name


# -------------------------------------------------------------------------------------- obligations


def test_the_obligations_page_shows_and_edits_who_files_what(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    page = client.get("/admin/obligations?year=2024").get_data(as_text=True)
    assert "deadline.ghg_annual_report" in page and "2025-03-31" in page and "2025-03-15" in page
    row_a = re.search(rf'<tr id="enterprise-{world.a.id}">.*?</tr>', page, re.S).group(0)
    assert re.search(r'<td data-col="ghg"><span class="text-danger">未提交</span> · 截止 2025-03-31</td>', row_a)
    client.post(f"/admin/obligations/{world.b.id}", data={"is_key_pollutant_discharger": "y"})
    db.session.refresh(world.b)
    assert (world.b.is_key_emitter, world.b.is_key_pollutant_discharger) == (False, True)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "enterprise.update")
                               .order_by(AuditEntry.id.desc())).first()
    assert json.loads(entry.before_json)["is_key_emitter"] is True
