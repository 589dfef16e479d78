"""A clean-production audit in a real browser: created, filled section by section, saved and submitted;
a mandatory audit past its deadlines shows the overdue steps on its timeline."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

ENTERPRISE = "江西赣峰水泥有限公司"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"audit-{name}.png"), full_page=True)


def _save(page, message: str = "本节已保存") -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    assert any(text.startswith(message) for text in page.locator(".alert").all_inner_texts()), \
        page.locator(".alert").all_inner_texts()


def _section(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="表单分节").get_by_role("link", name=re.compile(title)).click()
    page.wait_for_load_state("networkidle")


def test_filer_creates_fills_saves_and_the_signatory_submits_an_audit(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "filer@demo.cn")
    page.get_by_role("link", name=ENTERPRISE).first.click()
    page.wait_for_load_state("networkidle")
    # The enterprise page: one row per year, the 2024 GHG report beside an audit cell offering to start one.
    row = page.locator('tr[data-year="2024"]')
    assert "温室气体排放年度报告 2024" in row.inner_text()
    row.get_by_role("button", name="开始填报 清洁生产审核 2024").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="填写表单").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("填写表单 · 清洁生产审核 2024")

    _section(page, "审核类型与期限")
    page.get_by_label("审核类型").select_option("voluntary")  # a new audit is voluntary already
    # The GHG report of 2024 is the evidence shown for the triggers; its draft is what is read.
    assert "依据 2024 年度温室气体排放报告" in page.locator("#trigger-evidence").inner_text()
    _save(page, "本节没有修改")
    assert "自愿性审核没有法定期限。" in page.locator("#audit-timeline").inner_text()

    _section(page, "审核阶段")
    page.locator("#phases-preparation-start").fill("2024-02-01")
    page.locator("#phases-preparation-end").fill("2024-02-28")
    _save(page)

    # An audit is certified only with its focus and at least one indicator (CPA-013, issue 20 item 9).
    _section(page, "审核重点与指标")
    page.locator("#focus").fill("1#熟料生产线烧成系统")
    page.get_by_role("button", name="添加一行").click()
    page.locator("#indicators-0-indicator").select_option("unit_energy")
    page.locator("#indicators-0-baseline").fill("108.5")
    page.locator("#indicators-0-target").fill("104")
    _save(page)

    _section(page, "清洁生产方案")
    page.get_by_role("button", name="添加一行").click()  # draft-form.js clones the template row
    page.locator("#options-0-id").fill("F1")
    page.locator("#options-0-name").fill("篦冷机密封改造")
    page.locator("#options-0-cost_class").select_option("no_low")
    page.locator("#options-0-category").select_option("equipment")
    page.locator("#options-0-investment_10k_cny").fill("8")
    page.locator("#options-0-status").select_option("implemented")
    page.locator("#options-0-savings-co2_t").fill("1550")
    page.get_by_role("button", name="添加一行").click()
    page.locator("#options-1-id").fill("Z1")
    page.locator("#options-1-name").fill("分级燃烧+SNCR脱硝优化")
    page.locator("#options-1-cost_class").select_option("medium_high")
    page.locator("#options-1-category").select_option("process")
    page.locator("#options-1-investment_10k_cny").fill("480")
    page.locator("#options-1-status").select_option("implemented")
    page.locator("#options-1-annual_benefit_10k_cny").fill("95")
    page.locator("#options-1-lifetime_years").fill("10")
    page.locator("#options-1-savings-nox_t").fill("110")
    page.locator("#options-1-savings-co2_t").fill("0")
    # The live preview recomputes the unsaved input: 8 + 480, and Z1's economics (examples README).
    total = page.locator('[data-total="total_investment_10k_cny"]')
    total.filter(has_text="488.00").wait_for()
    assert page.locator('[data-total="savings-co2_t"]').inner_text() == "1550"
    page.locator("[data-lines]").filter(has_text="回收期 5.05 年").wait_for()
    assert "净现值 157.46 万元；内部收益率 14.82%" in page.locator("[data-lines]").inner_text()  # one format (issue 20)
    assert page.locator("[data-dirty-indicator]").inner_text() != ""  # unsaved-change warning
    _save(page)
    assert page.locator('[data-total="implementation_rate_no_low"]').inner_text() == "100.0%"
    _shot(page, "options-saved")

    page.get_by_role("navigation", name="位置").get_by_role("link", name="清洁生产审核 2024").click()
    page.wait_for_load_state("networkidle")
    filing_url = page.url
    page.context.clear_cookies()  # the filer leaves; the signatory signs

    login(page, live_server, "signatory@demo.cn")
    page.goto(filing_url)
    page.get_by_role("link", name="审阅并签署提交").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    assert "/versions/1" in page.url
    assert page.get_by_test_id("version-hash").inner_text().startswith("SHA-256 ")
    assert page.get_by_test_id("total-investment").inner_text() == "488"
    options = page.locator("#computed-options").inner_text()
    assert "Z1" in options and "5.05" in options and "157.46" in options and "14.82%" in options
    _shot(page, "version")


def test_a_mandatory_audit_with_overdue_steps_shows_them_on_its_timeline(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "filer@demo.cn")
    page.get_by_role("link", name=ENTERPRISE).first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("申报类型").select_option("clean_production_audit")
    page.get_by_label("年度").fill("2021")
    page.get_by_role("button", name="打开").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="填写表单").click()
    page.wait_for_load_state("networkidle")
    _section(page, "审核类型与期限")
    page.get_by_label("审核类型").select_option("mandatory")
    page.get_by_label("双有").check()
    page.get_by_label("名单公布日期").fill("2021-01-15")
    page.get_by_label("企业信息公布日期").fill("2021-03-01")  # due 2021-02-15: 14 days late
    _save(page)
    timeline = page.locator("#audit-timeline")
    steps = timeline.locator("ol > li")
    assert steps.count() == 3
    assert steps.nth(0).get_attribute("data-status") == "done_late"
    assert "逾期完成" in steps.nth(0).inner_text() and "逾期 14 天" in steps.nth(0).inner_text()
    for index in (1, 2):  # start (due 2021-03-15) and finish (due 2022-01-15) never done
        assert steps.nth(index).get_attribute("data-status") == "overdue"
        assert "已逾期，尚未完成" in steps.nth(index).inner_text()
    timeline.scroll_into_view_if_needed()
    _shot(page, "mandatory-timeline")
    # The filing page shows the same timeline beside the CPA-003/CPA-004 findings it implies.
    page.get_by_role("navigation", name="位置").get_by_role("link", name="清洁生产审核 2021").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('#audit-timeline li[data-status="overdue"]').count() == 2
    findings = page.locator("#findings").inner_text()
    assert "CPA-003" in findings and "CPA-004" in findings
    _shot(page, "mandatory-filing")
