"""The annual environmental disclosure in a real browser (issue 17 part 2).

The filer opens the 2023 disclosure report of 江西赣峰水泥 from the enterprise page: it is pre-filled from the
accepted 2023 GHG report of the demo data, each copied value marked with its source. The filer completes the
report, corrects one pre-filled value (DSC-004 appears at the field), explains the warnings; the signatory
submits, which publishes it. Without logging in, the public search finds it; the public page and its PDF show
the sections in the 格式准则's order and nothing internal; another enterprise's unpublished draft is a 404.
"""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, click_and_wait_for, login, logout

pytestmark = pytest.mark.e2e

ENTERPRISE = "江西赣峰水泥有限公司"
USCC = "91360700MA38P2K51K"
OTHER = "江西洪都特钢股份有限公司"
OTHER_USCC = "91360100705512345U"
HEADINGS = ["关键环境信息提要", "企业基本信息", "企业环境管理信息", "污染物产生、治理与排放信息", "碳排放信息", "生态环境应急信息",
            "生态环境违法信息", "本年度临时环境信息依法披露情况", "法律法规规定的其他环境信息"]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"disclosure-{name}.png"), full_page=True)


def _save(page) -> None:  # type: ignore[no-untyped-def]
    click_and_wait_for(page, page.get_by_role("button", name="保存本节").first, re.compile("^(本节已保存|本节没有修改)"))
    alerts = page.locator(".alert").all_inner_texts()
    assert any(t.startswith(("本节已保存", "本节没有修改")) for t in alerts), alerts


def _open_disclosure(page, base: str, enterprise: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(base + "/my")
    page.get_by_role("link", name=enterprise).first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="开始填报 企业环境信息依法披露年度报告 2023").click()
    page.wait_for_load_state("networkidle")
    return re.search(r"/filings/(\d+)", page.url).group(1)  # type: ignore[union-attr]


def test_prefilled_disclosure_corrected_submitted_and_published(page, browser, live_server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    login(page, base, "filer@demo.cn")
    filing = _open_disclosure(page, base, ENTERPRISE)
    edit = f"{base}/filings/{filing}/edit"

    # Pre-filled from the accepted GHG report of 2023: the carbon figures, with their mark and source.
    page.goto(f"{edit}/carbon")
    direct = int(page.locator("#carbon-direct_tco2").input_value())
    indirect = int(page.locator("#carbon-indirect_tco2").input_value())
    assert direct > 0
    mark = page.locator('[data-prefilled="carbon-direct_tco2"]').inner_text()
    assert "预填自：温室气体排放年度报告 2023 第 1 版（已通过）" in mark
    _shot(page, "01-prefilled")

    # The filer completes what the GHG report does not say.
    page.goto(f"{edit}/profile")
    page.get_by_role("group", name="披露主体类别").get_by_label("重点排污单位").check()
    _save(page)
    page.goto(f"{edit}/key-info")
    page.get_by_label("提要").fill("2023年熟料线正常生产，无超标排放，无突发环境事件，无行政处罚。")
    page.locator("#key_info-total_tco2").fill(str(direct + indirect))
    _save(page)
    page.goto(f"{edit}/basic-info")
    page.locator("#basic_info-production_status").select_option("normal")
    page.locator("#basic_info-main_process").fill("新型干法水泥熟料生产")
    page.locator("#basic_info-env_officer").fill("陈志强")
    _save(page)
    for slug in ("emergency", "violations", "other"):
        page.goto(f"{edit}/{slug}")
        page.locator(f"#{slug}-none").check()
        _save(page)

    # It corrects one pre-filled value: the SO2 total differs from the GHG report now (DSC-004, at the field).
    page.goto(f"{edit}/pollutants")
    so2 = page.locator("#pollutants-totals-0-total_t")
    assert page.locator("#pollutants-totals-0-pollutant").input_value() == "so2"
    so2.fill(str(round(float(so2.input_value()) * 1.1, 2)))
    _save(page)
    finding = page.locator("#pollutants-totals-0-total_t-find")
    assert "DSC-004" in finding.inner_text()
    _shot(page, "02-corrected")

    # The filing page: no error left; each warning explained.
    page.goto(f"{base}/filings/{filing}")
    errors = page.locator(".finding-error").all_inner_texts()
    assert errors == [], errors
    for box in page.get_by_label("情况说明（提交前必填）").all():
        box.fill("已核实：以排污许可执行报告为准")
    page.get_by_role("button", name="保存情况说明").click()
    page.wait_for_load_state("networkidle")
    logout(page)

    # A second enterprise's draft, never published.
    login(page, base, "filer@demo.cn")
    _open_disclosure(page, base, OTHER)
    logout(page)

    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{filing}/submit")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，版本" in page.content()
    logout(page)

    # Without login (a new browser, axe allowed in): the search finds it; the page shows the sections in order
    # and nothing internal.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/disclosure")
    page.get_by_label("企业名称（包含）").fill("赣峰")
    page.get_by_label("年度").fill("2023")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("江西赣峰水泥有限公司 · 2023")).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/disclosure/{USCC}/2023")
    headings = [re.sub(r"^[一二三四五六七八九十]+、", "", h) for h in page.locator("section.disclosure-section h2").all_inner_texts()]
    assert headings == HEADINGS
    body = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    for internal in ("DSC-", "已核实：以排污许可执行报告为准", "预填", "王敏"):
        assert internal not in body, internal
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "03-public-page")

    # The public PDF: the same headings in the same order, nothing internal.
    pdf_url = page.get_by_test_id("public-pdf").get_attribute("href")
    with urllib.request.urlopen(base + pdf_url) as response:  # no cookie: anonymous
        assert response.headers["Content-Type"] == "application/pdf"
        pdf = tmp_path / "public.pdf"
        pdf.write_bytes(response.read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [re.sub(r"^[一二三四五六七八九十]+、", "", line.strip()) for line in text.splitlines()]
    printed = [line for line in lines if line in HEADINGS]
    assert printed == HEADINGS
    for internal in ("DSC-", "已核实", "王敏", "审核发现"):
        assert internal not in text, internal

    # The other enterprise's unpublished draft: the same 404 as a page that does not exist.
    for url in (f"/disclosure/{OTHER_USCC}/2023", f"/disclosure/{OTHER_USCC}/2023/v1.pdf"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + url)
        assert refused.value.code == 404
    context.close()
