"""Verification (核查) end to end in headless Chromium (issue 18 acceptance).

The filer attaches a lab report to the first fuel line and the signatory submits; the regulator engages a
verification body for the filing; the body's verifier raises a 不符合项 on the fuel line's consumption citing the
lab report and sends it back; the filer answers and corrects (a second version); the verifier closes the finding,
completes the checklist and concludes with a verified total 1,200 t below the reported one; the regulator sees
both totals and the difference and accepts; the PDF (pdftotext) shows reported and verified totals and the
attachment's SHA-256.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, click_and_wait_for, login, logout, serve_portal
from tests.helpers import TINY_PDF

pytestmark = pytest.mark.e2e

FINDING = "消耗量与煤质检测报告所附购煤发票合计不符，请按发票核实"
ANSWER = "已按购煤发票合计更正第 1 行消耗量"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the demo with a verification body and its verifier (set up by the system, as the CLI would)."""
    folder = tmp_path_factory.mktemp("e2e-verification")
    with serve_portal(folder) as url:
        from portal import create_app
        from portal.extensions import db
        from portal.services import accounts, grants, verification

        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "e2e.sqlite3"), "SECRET_KEY": "e2e",
                          "JOB_QUEUE": "immediate"})
        with app.app_context():
            body = verification.create_body(None, "赣江碳核查技术服务中心")
            user = accounts.create_user(None, email="verifier@demo.cn", name="核查员李工", password="portal-demo-2024",
                                        must_change_password=False)
            grants.set_verifier_directly(None, user, body)
            db.session.commit()
            db.engine.dispose()
        yield url


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"verification-{name}.png"), full_page=True)


def _sign_and_submit(page, base: str, filing: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "signatory@demo.cn")
    page.goto(f"{base}/filings/{filing}/submit")
    page.get_by_label("本人已阅读并接受上述承诺").check()
    page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
    page.get_by_role("button", name="签署并提交").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，版本" in page.content()
    logout(page)


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "verified.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_verifier_finding_correction_conclusion_acceptance(page, server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = server
    # 1. The filer attaches the lab report to the first fuel line; it is previewed in the page.
    login(page, base, "filer@demo.cn")
    page.get_by_role("link", name="温室气体排放年度报告").first.click()
    page.wait_for_load_state("networkidle")
    filing = page.url.rstrip("/").split("/filings/")[1].split("/")[0]
    page.get_by_test_id("attachments-link").click()
    page.wait_for_load_state("networkidle")
    page.set_input_files("#file", files=[{"name": "煤质检测报告.pdf", "mimeType": "application/pdf",
                                          "buffer": TINY_PDF}])
    page.get_by_label("附于").select_option("line:fuels[0]")
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_load_state("networkidle")
    lab_sha = hashlib.sha256(TINY_PDF).hexdigest()
    assert lab_sha in page.content() and "化石燃料燃烧 · 第1行" in page.content()
    assert page.locator("iframe[title^='附件预览']").count() == 1
    _shot(page, "01-attached")
    logout(page)
    _sign_and_submit(page, base, filing)

    # 2. The regulator engages the verification body for the filing.
    login(page, base, "reviewer-jx@demo.cn")
    page.get_by_role("link", name="核查委托").click()
    page.get_by_label("报告年度").fill("2024")
    page.get_by_role("button", name="列出可委托的申报").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("核查机构").select_option(label="赣江碳核查技术服务中心")
    page.get_by_label("江西赣峰水泥有限公司", exact=False).check()
    page.get_by_role("button", name="委托核查", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "已委托核查机构" in page.content()
    _shot(page, "02-engaged")
    logout(page)

    # 3. The verifier raises a 不符合项 on the fuel line's consumption, citing the lab report, and sends it back.
    login(page, base, "verifier@demo.cn")
    page.goto(f"{base}/verification/")
    page.get_by_role("link", name="江西赣峰水泥有限公司").click()
    page.wait_for_load_state("networkidle")
    assert lab_sha in page.content()
    page.locator("#f-field_path").select_option("fuels[0].consumption")
    page.locator("#f-body").fill(FINDING)
    page.locator("#f-attachment").select_option(index=1)
    click_and_wait_for(page, page.get_by_role("button", name="提出不符合项").last, "不符合项已提出")
    assert "不符合项已提出" in page.content()
    page.get_by_role("button", name="发送不符合项，退回企业修改").click()
    page.wait_for_load_state("networkidle")
    _shot(page, "03-finding")
    logout(page)

    # 4. The filer answers and corrects the consumption; the signatory resubmits (version 2).
    login(page, base, "filer@demo.cn")
    page.goto(f"{base}/filings/{filing}/attachments")
    assert FINDING in page.content()
    page.locator("textarea[name='r-response']").first.fill(ANSWER)
    page.get_by_role("button", name="保存答复").first.click()
    page.wait_for_load_state("networkidle")
    assert "答复已保存" in page.content()
    page.goto(f"{base}/filings/{filing}/edit/fuels")
    consumption = page.locator("#fuels-0-consumption")
    before = float(consumption.input_value().replace(",", ""))
    consumption.fill(str(int(before - 100)))
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    assert "本节已保存" in page.content()
    logout(page)
    _sign_and_submit(page, base, filing)

    # 5. The verifier closes the finding, completes the checklist and concludes 1,200 t below the reported total.
    login(page, base, "verifier@demo.cn")
    page.goto(f"{base}/verification/filings/{filing}")
    assert ANSWER in page.content()
    page.get_by_role("button", name="关闭", exact=True).click()
    page.wait_for_load_state("networkidle")
    for key in ("boundary", "activity_data", "parameters", "production", "permit_report"):
        page.locator(f"#result_{key}").select_option("conform")
    page.locator("#note_parameters").fill("低位发热量按批次检测，频次符合要求")
    page.get_by_role("button", name="保存核查清单").click()
    page.wait_for_load_state("networkidle")
    reported = int(page.get_by_test_id("workspace-reported").inner_text().replace(",", ""))
    verified = reported - 1200
    page.locator("#c-verified_tco2").fill(str(verified))
    page.locator("#c-conclusion").fill("排放报告经核查基本符合要求，第 1 行燃料消耗量按发票核减")
    page.get_by_role("button", name="出具核查结论").click()
    page.wait_for_load_state("networkidle")
    assert "核查结论已出具" in page.content()
    _shot(page, "04-concluded")
    logout(page)

    # 6. The regulator sees reported vs verified with the difference, and accepts.
    login(page, base, "reviewer-jx@demo.cn")
    page.goto(f"{base}/review/filings/{filing}")
    assert page.get_by_test_id("reported-total").inner_text() == f"{reported:,}"
    assert page.get_by_test_id("verified-total").inner_text() == f"{verified:,}"
    assert page.get_by_test_id("verified-difference").inner_text() == "-1,200"
    page.get_by_role("button", name="确认核查结论").click()
    page.wait_for_load_state("networkidle")
    assert "已确认核查结论" in page.content()
    _shot(page, "05-accepted")

    # 7. The PDF with the verification statement (rendered by the background worker) shows both totals and the hash.
    response = None
    for _ in range(120):
        response = page.request.get(f"{base}/filings/{filing}/verified.pdf")
        if response.status == 200:
            break
        time.sleep(1)
    assert response is not None and response.status == 200, "the verified PDF was not rendered"
    text = _pdftotext(response.body(), tmp_path)
    flat = "".join(text.split())
    assert "报告排放量" in text and "审定排放量" in text
    assert f"{reported:,}" in flat and f"{verified:,}" in flat and "-1,200" in flat
    assert lab_sha in flat and "煤质检测报告.pdf" in flat
