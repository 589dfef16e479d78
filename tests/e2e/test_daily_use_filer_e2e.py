"""Issue 20, the filer's first hour, in a real browser at 1280 px: one test per numbered point (1–10).

The portal of this module is its own (``serve_portal``): some steps change the demo's drafts (an upload, a
withdrawal, a returned submission) that other modules read. Set-up that is not the point under test (a
submission with an explanation the reviewer then rejects) goes through the services on the server's
database, as the web pages would.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, serve_portal

pytestmark = pytest.mark.e2e

PASSWORD = "portal-demo-2024"
GANZHOU = "91360700MA38P2K51K"  # filer@demo.cn, signatory@demo.cn
NANCHANG = "91360100705512345U"  # filer@demo.cn, signatory-more@demo.cn: its 2024 report is submitted
#: a lower_snake_case token standing alone: a raw field key (issue 20 item 5)
SNAKE = re.compile(r"(?<![\w./%(\-\[{])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(])")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("e2e-daily-filer")
    with serve_portal(folder) as url:
        yield url, folder


@contextmanager
def portal_app(folder: Path) -> Iterator[Any]:
    """Open an application context on the server's own database (for set-up and for reading what was stored)."""
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "e2e.sqlite3"), "SECRET_KEY": "e2e",
                      "JOB_QUEUE_FILE": str(folder / "jobs.sqlite3")})
    with app.app_context():
        yield app
        db.session.remove()


def _filing_id(folder: Path, uscc: str, kind: str, year: int) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Enterprise, Filing

    with portal_app(folder):
        return int(db.session.scalar(select(Filing.id).join(Enterprise).where(
            Enterprise.uscc == uscc, Filing.kind == kind, Filing.year == year)))


def _enterprise_id(folder: Path, uscc: str) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Enterprise

    with portal_app(folder):
        return int(db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc)))


def _download(page, link_name: str, nth: int = 0) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).nth(nth).click()
    return Path(info.value.path()).read_bytes()


def _upload(page, base: str, data: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/uploads/")
    page.get_by_label("填好的上传工作簿（.xlsx）").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data})
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state("networkidle")


def _column(ws, code: str) -> int:  # type: ignore[no-untyped-def]
    return [str(c.value).split("\n")[1] for c in ws[1]].index(code) + 1


def _alerts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in page.locator(".alert, .invalid-feedback").all_inner_texts()]


def _save_fuels(page, base: str, filing_id: int, field: str, typed: str) -> str:  # type: ignore[no-untyped-def]
    """Type ``typed`` into a fuel-line input of the section form, save, and return the page's text."""
    page.goto(f"{base}/filings/{filing_id}/edit/fuels")
    page.locator(f"#{field}").fill(typed)
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    return page.inner_text("body")


# ------------------------------------------------------------------------------------ items 1–4 and 10


def test_items_1_to_4_an_upload_reports_everything_at_once_as_the_form_does(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    login(page, base, "filer@demo.cn")
    page.goto(base + "/uploads/")
    book = load_workbook(io.BytesIO(_download(page, "下载含草稿的模板")))
    # item 10: the template's dropdowns show names, the code after them
    lists = [str(c.value) for row in book["_lists"].iter_rows(min_row=2) for c in row if c.value]
    assert "烟煤（bituminous）" in lists
    fuels, power, main = book["化石燃料燃烧"], book["电力"], book["基本信息"]
    fuels.cell(row=2, column=_column(fuels, "consumption"), value="一百吨")  # a type error
    fuels.cell(row=3, column=_column(fuels, "consumption"), value=-5)  # a bound (item 2)
    fuels.cell(row=2, column=_column(fuels, "oxidation_rate"), value=1.5)  # a bound (item 2)
    fuels.cell(row=3, column=_column(fuels, "ncv"), value=1e26)  # implausible (item 3)
    power.cell(row=2, column=_column(power, "electricity.purchased_mwh"), value="=1+1")  # a formula (item 4)
    main.cell(row=2, column=_column(main, "enterprise.permit_number"), value=f"{GANZHOU}001P ")  # trailing space
    out = io.BytesIO()
    book.save(out)
    _upload(page, base, out.getvalue(), "everything-wrong.xlsx")
    assert "有错误，未导入" in page.content()
    rows = [r.split("\t") for r in page.locator("tr.upload-error").all_inner_texts()]
    text = "\n".join("\t".join(r) for r in rows)
    # item 1: every error of every sheet in one pass, each with its row, column, field, value and message
    assert len(rows) == 5, text
    assert any(r[0] == "化石燃料燃烧!E2" and "消耗量" in r[3] and r[4] == "一百吨" and "应为数值" in r[5] for r in rows), text
    assert "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）" in text
    assert "碳氧化率应大于 0 且不大于 1（填报 1.5）" in text
    assert "低位发热量（实测）应大于 0 且不大于 1,000（填报 1E+26）" in text
    # item 4: the formula is named on the sheet the filer sees, never "sheet5"
    assert "电力!C2" in text and "公式" in text and not re.search(r"sheet\d", text)
    # items 2 and 3: the form refuses the same values with the same words
    filing_id = _filing_id(folder, GANZHOU, "ghg_annual_report", 2024)
    body = _save_fuels(page, base, filing_id, "fuels-1-consumption", "-5")
    assert "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）" in body
    body = _save_fuels(page, base, filing_id, "fuels-0-ncv", "1" + "0" * 26)
    assert "低位发热量（实测）应大于 0 且不大于 1,000（填报 1E+26）" in body
    # item 2: text is trimmed on every path — the corrected workbook stores a 22-character permit number
    main.cell(row=2, column=_column(main, "enterprise.permit_number"), value=f"{GANZHOU}001P ")
    for cell, value in ((fuels.cell(row=2, column=_column(fuels, "consumption")), 160000),
                        (fuels.cell(row=3, column=_column(fuels, "consumption")), 120),
                        (fuels.cell(row=2, column=_column(fuels, "oxidation_rate")), None),
                        (fuels.cell(row=3, column=_column(fuels, "ncv")), None),
                        (power.cell(row=2, column=_column(power, "electricity.purchased_mwh")), 98000)):
        cell.value = value
    out = io.BytesIO()
    book.save(out)
    _upload(page, base, out.getvalue(), "corrected.xlsx")
    assert "已导入" in page.inner_text("body") and "有错误" not in page.inner_text("body")
    page.goto(f"{base}/filings/{filing_id}")
    assert f"{GANZHOU}001P" in page.inner_text("#document")
    assert "ENT-004" not in page.inner_text("#findings")


# ------------------------------------------------------------------------------------------- item 5


def test_item_5_no_message_shows_a_raw_field_key(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    login(page, base, "signatory@demo.cn")
    report_id = _filing_id(folder, GANZHOU, "ghg_annual_report", 2024)
    page.goto(f"{base}/filings/{report_id}/submit")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("not-the-password")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    alerts = _alerts(page)
    assert any("密码不正确" in a for a in alerts), alerts
    for alert in alerts:
        assert not SNAKE.findall(alert) and "password" not in alert, alert
    # the enterprise page's new-filing form: a bad year is named by its label
    page.goto(f"{base}/enterprises/{_enterprise_id(folder, GANZHOU)}")
    page.evaluate("document.querySelector('#year').value = 'abc'")
    page.get_by_role("button", name="打开").click()
    page.wait_for_load_state("networkidle")
    for alert in _alerts(page):
        assert not SNAKE.findall(alert) and not alert.startswith("year"), alert


# ------------------------------------------------------------------------------------------- item 6


def test_item_6_a_mistaken_draft_is_deleted_and_a_submission_withdrawn(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    login(page, base, "filer@demo.cn")
    page.goto(f"{base}/enterprises/{_enterprise_id(folder, GANZHOU)}")
    page.locator("#kind").select_option("ghg_annual_report")
    page.locator("#year").fill("2026")
    page.get_by_role("button", name="打开").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/filings/\d+$", page.url)
    page.get_by_text("删除此草稿").click()
    page.get_by_role("button", name="确认删除草稿").click()
    page.wait_for_load_state("networkidle")
    assert "已删除 2026 年度的温室气体排放年度报告草稿" in page.inner_text("body")
    # withdrawn by the signatory before any reviewer has opened it
    page.context.clear_cookies()
    login(page, base, "signatory-more@demo.cn")
    submitted = _filing_id(folder, NANCHANG, "ghg_annual_report", 2024)
    page.goto(f"{base}/filings/{submitted}")
    page.get_by_role("button", name="撤回提交").click()
    page.wait_for_load_state("networkidle")
    assert "已撤回第 1 版的提交" in page.inner_text("body")
    assert page.get_by_role("button", name="撤回提交").count() == 0
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import AuditEntry

    with portal_app(folder):
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(("filing.delete", "filing.withdraw")))))
    assert actions == {"filing.delete", "filing.withdraw"}


# ------------------------------------------------------------------------------------------ items 7, 8


def _submit_with_a_rejected_explanation(folder: Path, filing_id: int) -> None:
    """Submit the Ganzhou report with an explained GHG-004 warning; the reviewer rejects it and returns it."""
    import json

    from sqlalchemy import select

    from portal.domain.codec import document_from_json
    from portal.extensions import db
    from portal.models import Filing, User
    from portal.services import checking, filings, review

    with portal_app(folder):
        filing = db.session.get(Filing, filing_id)
        users = {u.email: u for u in db.session.scalars(select(User))}
        data = json.loads(filing.draft_json)
        data["fuels"][1]["ncv"] = 60  # diesel: GHG-004 warning
        key = "GHG-004@fuels[1].ncv"
        data["explanations"] = {**data.get("explanations", {}), key: "柴油为外购高热值批次。"}
        filings.save_draft(users["filer@demo.cn"], filing, document_from_json(json.dumps(data)), None)
        outcome = checking.run(filings.draft_document(filing), filing=filing)
        for finding in outcome.findings:  # the demo draft's other warnings: explained too
            if finding.severity == "warning" and finding.key != key:
                data["explanations"][finding.key] = "已核实。"
        filings.save_draft(users["filer@demo.cn"], filing, document_from_json(json.dumps(data)), None)
        filings.submit(users["signatory@demo.cn"], filing, password=PASSWORD, certified=True)
        reviewer = users["reviewer-ganzhou@demo.cn"]
        review.set_verdict(reviewer, filing, key, "rejected")
        review.add_comment(reviewer, filing, target_type="finding", target=key, visibility="filer",
                           body="请附化验单编号")
        review.return_filing(reviewer, filing)
        db.session.commit()


def test_items_7_and_8_the_verdict_beside_the_explanation_and_no_submission_that_never_was(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    filing_id = _filing_id(folder, GANZHOU, "ghg_annual_report", 2024)
    # item 8: the 2024 report was due on 2025-03-31 and was never submitted — the submit page says so
    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{filing_id}/submit")
    findings = page.inner_text("body")
    assert "2024 年度报告的截止日期为 2025-03-31，尚未提交" in findings
    assert not re.search(r"于 \d{4}-\d{2}-\d{2} 提交", findings)
    # item 7: submitted with an explanation the reviewer rejected, returned: the filer sees why
    _submit_with_a_rejected_explanation(folder, filing_id)
    page.context.clear_cookies()
    login(page, base, "filer@demo.cn")
    page.goto(f"{base}/filings/{filing_id}")
    verdict = page.get_by_test_id("verdict-GHG-004@fuels[1].ncv")
    assert "审核人不认可此说明" in verdict.inner_text() and "赣州市局审核员" in verdict.inner_text()
    item = page.locator("li.finding-warning", has=verdict)
    assert "柴油为外购高热值批次。" in item.inner_text() and "请附化验单编号" in item.inner_text()
    assert verdict.bounding_box()["width"] <= 1280


# ------------------------------------------------------------------------------------------- item 9


def test_item_9_an_empty_audit_is_refused_and_rates_read_one_way(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    login(page, base, "filer@demo.cn")
    page.goto(f"{base}/enterprises/{_enterprise_id(folder, GANZHOU)}")
    page.locator("#kind").select_option("clean_production_audit")
    page.locator("#year").fill("2026")
    page.get_by_role("button", name="打开").click()
    page.wait_for_load_state("networkidle")
    empty_id = int(page.url.rsplit("/", 1)[1])
    # a loss-making option marked feasible: saved, and flagged
    page.goto(f"{base}/filings/{empty_id}/edit/options")
    page.get_by_role("button", name="添加一行").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("#options-0-id").fill("Z9")
    page.locator("#options-0-name").fill("亏损方案")
    page.locator("#options-0-cost_class").select_option("medium_high")
    page.locator("#options-0-category").select_option("process")
    page.locator("#options-0-investment_10k_cny").fill("100")
    page.locator("#options-0-status").select_option("feasible")
    page.locator("#options-0-annual_benefit_10k_cny").fill("-5")
    page.locator("#options-0-lifetime_years").fill("10")
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/filings/{empty_id}")
    assert "年经济效益为 -5 万元，投资无法回收" in page.inner_text("#findings")
    # the audit lacks its focus, indicators and preparation date: it cannot be certified
    page.context.clear_cookies()
    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{empty_id}/submit")
    body = page.inner_text("body")
    assert "CPA-013" in body and "尚未填写审核重点" in body and "暂不能提交" in body
    # rates: one format (50.0%, 14.82%) on the demo audit's options panel
    page.context.clear_cookies()
    login(page, base, "filer@demo.cn")
    audit_id = _filing_id(folder, GANZHOU, "clean_production_audit", 2023)
    page.goto(f"{base}/filings/{audit_id}/edit/options")
    panel = page.locator("#computed-panel").text_content() or ""  # the arithmetic sits in <details>
    assert "= 50.0%" in panel and "内部收益率 14.82%" in panel
    assert "0.5000" not in panel and "0.1482" not in panel and " %" not in panel


# ------------------------------------------------------------------------------------------ item 10


def test_item_10_names_not_codes_and_the_dashboard_on_the_latest_complete_year(page, server) -> None:  # type: ignore[no-untyped-def]
    base, folder = server
    login(page, base, "filer@demo.cn")
    filing_id = _filing_id(folder, GANZHOU, "ghg_annual_report", 2024)
    page.goto(f"{base}/filings/{filing_id}/edit/fuels")
    select = page.locator("#fuels-0-fuel")
    shown = select.evaluate("s => s.options[s.selectedIndex].text")
    assert shown.startswith("烟煤"), shown
    labels = select.evaluate("s => Array.from(s.options).map(o => o.text)")
    assert not [t for t in labels if re.fullmatch(r"[a-z_]+", t)], labels
    page.goto(f"{base}/dashboard/")
    chosen = page.locator("#year").evaluate("s => s.options[s.selectedIndex].text")
    assert chosen == "2024", chosen  # the 2024 reports were due on 2025-03-31; not the sum of all years
    page.locator("#year").select_option("all")
    page.get_by_role("button", name="应用").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#year").evaluate("s => s.options[s.selectedIndex].text") == "全部年度（合计）"
