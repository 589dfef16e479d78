"""The whole review cycle in headless Chromium, and axe accessibility checks of the main pages.

A filer declares an energy total that trips XCK-004 and explains it, the signatory submits, the reviewer
returns it with a comment the enterprise can see, the filer answers, corrects and the signatory resubmits,
the reviewer sees 300,000 → 137,500 in the diff and accepts; the accepted version downloads (JSON and PDF). Screenshots
of every step go to test-artifacts/.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, login, logout

pytestmark = pytest.mark.e2e

COMMENT = "综合能源消费量 300000 tce 与按投入计算的约 136692 tce 相差过大，请按能源统计报表核实"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-cycle-{name}.png"), full_page=True)


def _set_energy_total(page, base: str, filing: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/filings/{filing}/edit/products")
    page.get_by_label("综合能源消费量（企业申报）").fill(value)
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    assert "本节已保存" in page.content()


def _sign_and_submit(page, base: str, filing: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{filing}/submit")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，版本" in page.content()
    logout(page)


def test_filer_reviewer_cycle_return_resubmit_accept(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    # 1. The filer declares an energy total far from the computed one and explains the warning.
    login(page, base, "filer@demo.cn")
    page.get_by_role("link", name="温室气体排放年度报告").first.click()
    page.wait_for_load_state("networkidle")
    filing = re.search(r"/filings/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    _set_energy_total(page, base, filing, "300000")
    page.goto(f"{base}/filings/{filing}")
    assert "XCK-004" in page.content()
    page.get_by_label("情况说明（提交前必填）").fill("含外购蒸汽折标煤，按集团统计口径填报")
    page.get_by_role("button", name="保存情况说明").click()
    page.wait_for_load_state("networkidle")
    _shot(page, "01-filer-explained")
    logout(page)
    _sign_and_submit(page, base, filing)

    # 2. The reviewer finds it in the queue by its rule, comments on the field for the enterprise, returns it.
    login(page, base, "reviewer-jx@demo.cn")
    page.goto(f"{base}/review/?rule=XCK-004")
    _shot(page, "02-queue")
    page.get_by_role("link", name="江西赣峰水泥有限公司").first.click()
    page.wait_for_load_state("networkidle")
    assert "含外购蒸汽折标煤" in page.content()  # the filer's explanation is on the review page
    page.get_by_label("针对").select_option("field:energy_total_tce")
    page.get_by_label("可见范围").select_option("filer")
    page.get_by_label("意见内容").fill(COMMENT)
    page.get_by_role("button", name="保存意见").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="退回修改").click()
    page.wait_for_load_state("networkidle")
    assert "已退回修改" in page.content()
    _shot(page, "03-returned")
    logout(page)

    # 3. The filer sees the comment at the field, answers it and corrects the value; the signatory resubmits.
    login(page, base, "filer@demo.cn")
    page.goto(f"{base}/filings/{filing}")
    assert COMMENT in page.content()
    page.get_by_label("答复意见 1").fill("已按能源统计报表改为 137500 tce")
    page.get_by_role("button", name="保存答复").click()
    page.wait_for_load_state("networkidle")
    assert "答复已保存" in page.content()
    page.goto(f"{base}/filings/{filing}/edit/products")
    assert COMMENT in page.locator("#energy_total_tce-comments").inner_text()
    _shot(page, "04-comment-at-field")
    _set_energy_total(page, base, filing, "137500")
    logout(page)
    _sign_and_submit(page, base, filing)

    # 4. The reviewer sees what changed and accepts.
    login(page, base, "reviewer-jx@demo.cn")
    page.goto(f"{base}/review/filings/{filing}")
    row = page.locator('[data-testid="version-diff"] tr[data-path="energy_total_tce"]')
    assert row.locator("del").inner_text() == "300,000" and row.locator("ins").inner_text() == "137,500"
    assert "已按能源统计报表改为 137500 tce" in page.content()
    _shot(page, "05-diff")
    page.get_by_role("button", name="通过").click()
    page.wait_for_load_state("networkidle")
    assert "已通过" in page.content()
    _shot(page, "06-accepted")

    # 5. The accepted version downloads, byte for byte what was hashed.
    shown = page.locator(".mono").filter(has_text="SHA-256").first.inner_text().split()[-1]
    with page.expect_download() as info:
        page.get_by_role("link", name="下载规范 JSON").click()
    body = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(body).hexdigest() == shown
    assert json.loads(body)["energy_total_tce"] == 137500
    # The accepted PDF copy of record (issue 6's exports.version_pdf) downloads from the review page.
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert info.value.suggested_filename.endswith(".pdf")


# Main pages of each role; axe must report no serious or critical violation on any of them.
AXE_PAGES = [
    (None, "/login"),
    (None, "/rules"),
    ("filer@demo.cn", "/my"),
    ("filer@demo.cn", "/filings/{filing}"),
    ("filer@demo.cn", "/filings/{filing}/edit/products"),
    ("signatory@demo.cn", "/filings/{filing}/submit"),
    ("reviewer-jx@demo.cn", "/review/"),
    ("reviewer-jx@demo.cn", "/review/?rule=NOPE-999"),
    ("filer@demo.cn", "/jobs/"),  # the empty state (tests/e2e/test_jobs_e2e.py audits a job's page)
    ("filer@demo.cn", "/uploads/"),
    ("reviewer-jx@demo.cn", "/review/filings/{filing}"),
    ("reviewer-jx@demo.cn", "/dashboard/"),
    ("reviewer-jx@demo.cn", "/notifications/"),
    ("reviewer-jx@demo.cn", "/verify"),
]


@pytest.mark.parametrize(("email", "path"), AXE_PAGES)
def test_axe_finds_no_serious_violations(browser, live_server: str, email: str | None, path: str,
                                         request) -> None:  # type: ignore[no-untyped-def]
    # Our CSP forbids inline scripts, which is how add_script_tag injects axe: bypass it for the audit only.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        if email:
            login(page, live_server, email)
        filing = "1"
        page.goto(live_server + path.format(filing=filing))
        result = axe_violations(page)
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / ("axe-" + re.sub(r"[^A-Za-z0-9]+", "-", path) + ".json")).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        assert bad == [], f"{path}: {bad}"
    finally:
        context.close()
