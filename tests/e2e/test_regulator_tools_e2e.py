"""The regulator's tools in headless Chromium: assign → "mine" → extend → ledger → credit grade (issue 18).

The filer marks the worked example's clinker line as new capacity (with its replacement approval) and
explains PLN-008 (104.8 kgce/t is above the benchmark 100); the signatory submits. The province's reviewer
finds the filing by searching the queue and assigns it in bulk to the Ganzhou reviewer, who sees it under
"mine", extends the enterprise's deadline to 30 June 2025, finds the line in the 两高 ledger as "between
benchmark and baseline" and enters a yellow credit grade, which then shows in the queue and on the review
page. The server is its own (a fresh demo database): the review-cycle test submits the same filing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, login, logout, serve_portal

pytestmark = pytest.mark.e2e

ENTERPRISE = "江西赣峰水泥有限公司"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"regulator-tools-{name}.png"), full_page=True)


def _submit_new_clinker_line(page, base: str) -> str:  # type: ignore[no-untyped-def]
    login(page, base, "filer@demo.cn")
    page.get_by_role("link", name="温室气体排放年度报告").first.click()
    page.wait_for_load_state("networkidle")
    filing = re.search(r"/filings/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    page.goto(f"{base}/filings/{filing}/edit/products")
    page.get_by_label("本年新增产能").first.check()
    page.get_by_label("产能置换方案文号").first.fill("赣工信产业字〔2024〕12号")
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    assert "本节已保存" in page.content()
    page.goto(f"{base}/filings/{filing}")
    assert "PLN-008" in page.content()
    page.get_by_label("情况说明（提交前必填）").fill("置换产能按基准水平建设，标杆改造列入2026年计划")
    page.get_by_role("button", name="保存情况说明").click()
    page.wait_for_load_state("networkidle")
    logout(page)
    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{filing}/submit")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，版本" in page.content()
    logout(page)
    return filing


def test_assign_mine_extend_ledger_credit(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    with serve_portal(tmp_path) as base:
        filing = _submit_new_clinker_line(page, base)

        # 1. The province's reviewer searches the queue and assigns the filing in bulk to Ganzhou's reviewer.
        login(page, base, "reviewer-jx@demo.cn")
        page.goto(f"{base}/review/")
        page.get_by_test_id("queue-search").fill("赣峰")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state("networkidle")
        rows = page.locator("tr[data-filing]")
        assert rows.count() >= 1 and all(ENTERPRISE in rows.nth(i).inner_text() for i in range(rows.count()))
        page.locator(f'tr[data-filing="{filing}"]').get_by_label(f"选择 {ENTERPRISE}").check()
        bulk = page.get_by_test_id("bulk-form")
        bulk.get_by_label("批量操作").select_option("assign")
        bulk.get_by_label("分派给").select_option(label="赣州市局审核员 · 3607")
        page.get_by_test_id("bulk-submit").click()
        page.wait_for_load_state("networkidle")
        assert "已分派 1 份申报" in page.content()
        _shot(page, "01-assigned")
        logout(page)

        # 2. Ganzhou's reviewer sees it under "mine" and extends the enterprise's deadline.
        login(page, base, "reviewer-ganzhou@demo.cn")
        page.goto(f"{base}/review/")
        page.get_by_label("仅分派给我的").check()
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state("networkidle")
        mine = page.locator("tr[data-filing]")
        assert mine.count() == 1 and mine.first.get_attribute("data-filing") == filing
        assert "赣州市局审核员" in mine.first.locator('td[data-col="assignee"]').inner_text()
        _shot(page, "02-mine")
        mine.first.get_by_role("link", name=ENTERPRISE).click()
        page.wait_for_load_state("networkidle")
        page.get_by_label("延期后的截止日期").fill("2025-06-30")
        page.get_by_label("延期理由").fill("企业遭受洪灾，经书面申请延期")
        page.get_by_role("button", name="延长该企业的截止日期").click()
        page.wait_for_load_state("networkidle")
        assert "截止日期延至 2025-06-30" in page.content()
        assert re.search(r"截止日期：2025-06-30\s*已延期", page.get_by_test_id("due-date").inner_text())
        _shot(page, "03-extended")

        # 3. The ledger lists the new clinker line with its benchmark status and replacement approval.
        page.goto(f"{base}/review/ledger")
        row = page.locator(f'[data-testid="ledger"] tr[data-filing="{filing}"]')
        assert row.count() == 1
        text = row.inner_text()
        assert "水泥熟料" in text and "104.8" in text and "赣工信产业字〔2024〕12号" in text
        assert row.locator('td[data-col="level"]').inner_text() == "介于标杆水平与基准水平之间"
        _shot(page, "04-ledger")

        # 4. A credit grade entered for the enterprise shows in the queue and on the review page.
        page.goto(f"{base}/review/credit")
        page.get_by_label("统一社会信用代码").fill("91360700MA38P2K51K")
        page.get_by_label("评价年度").fill("2024")
        page.get_by_label("评价等级").select_option("yellow")
        page.get_by_label("评价机关").fill("赣州市生态环境局")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        assert "已记录" in page.content()
        page.goto(f"{base}/review/?q=赣峰")
        grade = page.locator(f'tr[data-filing="{filing}"] td[data-col="credit"] [data-grade]')
        assert grade.get_attribute("data-grade") == "yellow" and "黄色" in grade.inner_text()
        page.goto(f"{base}/review/filings/{filing}")
        assert page.get_by_test_id("credit-grade").locator("[data-grade]").get_attribute("data-grade") == "yellow"
        _shot(page, "05-credit")
    context.close()
