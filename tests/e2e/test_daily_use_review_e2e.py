"""Issue 20, reviewer and operations points in the browser, at a laptop's (1280 px) and a phone's (390 px) width.

11. The version diff is readable inside its card: one table per section, labels with units, old → new; computed
    figures by their labels, never raw keys or Python dict text.
12. The queue keeps enterprise names readable (never one character per line); it scrolls inside its container.
13. Ready for signature: the filer hands the draft to the signatory, who is notified, finds it, signs and submits.
14. A job whose handler raises ends "failed" with a message the user reads, and its page stops polling.

Screenshots of the review diff and the queue at both widths go to tests/e2e/screenshots/ (CI artefacts).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import (
    OVERFLOWING_TABLES,
    WIDTHS,
    explain_warnings,
    login,
    page_overflow,
    screenshot,
    serve_portal,
    submit_second_version,
)

pytestmark = pytest.mark.e2e

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
STATE: dict[str, int] = {}


def _prepare(app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Enterprise, Filing

    STATE["diff"] = submit_second_version(app)
    ganfeng = db.session.scalars(select(Enterprise).where(Enterprise.uscc == "91360700MA38P2K51K")).one()
    ghg = db.session.scalars(select(Filing).where(Filing.enterprise_id == ganfeng.id,
                                                  Filing.kind == "ghg_annual_report", Filing.year == 2024)).one()
    explain_warnings(ghg, "filer@demo.cn")  # a draft the signatory could submit as it stands
    STATE["draft"] = ghg.id
    STATE["audit"] = db.session.scalars(select(Filing.id).where(Filing.enterprise_id == ganfeng.id,
                                                                Filing.kind == "clean_production_audit")).one()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_portal(tmp_path_factory.mktemp("daily-use"), prepare=_prepare) as url:
        yield url


def _tab(browser, base: str, email: str, width: int = 1280, *, csp: bool = True):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, bypass_csp=not csp)
    page = context.new_page()
    login(page, base, email)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_review_diff_fits_its_card_and_speaks_labels(browser, server: str, width: int) -> None:  # type: ignore[no-untyped-def]
    context, page = _tab(browser, server, "reviewer-jx@demo.cn", width)
    try:
        page.goto(f"{server}/review/filings/{STATE['diff']}")
        diff = page.get_by_test_id("version-diff")
        # One table per section, in section order, each captioned with the section's title.
        captions = diff.locator("table caption").all_inner_texts()
        assert captions[:2] == ["化石燃料燃烧", "产品产量与能耗"] and captions[-1] == "情况说明", captions
        row = diff.locator('tr[data-path="fuels[0].consumption"]')
        assert "化石燃料燃烧 · 第1行 · 消耗量" in row.locator("th").inner_text()
        assert "t 或 万Nm³" in row.locator("th").inner_text()  # the unit beside the label
        assert row.locator("del").inner_text() and row.locator("ins").inner_text()
        added_fuel = diff.locator('tr[data-path="fuels[2].fuel"] ins').inner_text()
        assert added_fuel == "烟煤（bituminous）"  # a code by its name
        computed = page.get_by_test_id("computed-diff")
        text = computed.inner_text()
        assert "温室气体排放总量" in text and "化石燃料燃烧 · 第1行（烟煤） · 排放量" in text
        assert "{" not in text and "'" not in text and not SNAKE.search(text), text
        # Nothing sticks out: every diff table fits the card it is in, and the page does not scroll sideways.
        widths = page.evaluate("""() => [...document.querySelectorAll('[data-testid=version-diff] table, [data-testid=computed-diff]')]
            .map(t => [t.scrollWidth, t.closest('.card-body').clientWidth])""")
        assert widths and all(table <= card for table, card in widths), widths
        assert page.evaluate(OVERFLOWING_TABLES) == []
        assert page_overflow(page) == 0
        page.get_by_test_id("version-diff").scroll_into_view_if_needed()
        screenshot(page, f"review-diff-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_queue_keeps_enterprise_names_readable(browser, server: str, width: int) -> None:  # type: ignore[no-untyped-def]
    context, page = _tab(browser, server, "reviewer-jx@demo.cn", width)
    try:
        page.goto(f"{server}/review/")
        names = page.evaluate("""() => [...document.querySelectorAll('.queue-table tbody tr td:first-child')].map(td => {
            const style = getComputedStyle(td);
            return [td.innerText, td.clientWidth, td.clientHeight / parseFloat(style.lineHeight)]; })""")
        assert names
        for name, cell_width, lines in names:
            # "江西洪都特钢股份有限公司" on a phone: at least 10 characters a line (before: 1), at most 2 lines.
            assert cell_width >= 160 and lines < 3, (name, cell_width, lines)
        assert page.evaluate(OVERFLOWING_TABLES) == []  # the table scrolls inside .table-responsive
        assert page_overflow(page) == 0
        screenshot(page, f"queue-{width}")
    finally:
        context.close()


def test_ready_for_signature_the_filer_hands_over_and_the_signatory_submits(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    filing = STATE["draft"]
    context, page = _tab(browser, server, "filer@demo.cn", 390)
    try:
        page.goto(f"{server}/filings/{filing}")
        page.get_by_label("给签字人的说明（可选）").fill("已核对能源统计报表，请签署")
        page.get_by_role("button", name="提交签字人签署").click()
        page.wait_for_load_state("networkidle")
        assert "已提交签字人签署" in page.content()
        assert "王敏" in page.get_by_test_id("ready-for-signature").inner_text()
        assert page_overflow(page) == 0
    finally:
        context.close()
    context, page = _tab(browser, server, "signatory@demo.cn", 390)
    try:
        page.goto(f"{server}/notifications/")
        assert "已将" in page.content() and "请审阅、承诺并提交" in page.content()
        page.goto(f"{server}/my")
        to_sign = page.get_by_test_id("to-sign")
        assert "江西赣峰水泥有限公司" in to_sign.inner_text() and "已核对能源统计报表，请签署" in to_sign.inner_text()
        assert page_overflow(page) == 0
        to_sign.get_by_role("link").first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/filings/{filing}/submit")
        page.get_by_label("本人已阅读并接受上述承诺").check()
        page.get_by_label("请再次输入您的登录密码以确认签署").fill("portal-demo-2024")
        page.get_by_role("button", name="签署并提交").click()
        page.wait_for_load_state("networkidle")
        assert "已提交，版本" in page.content()
        page.goto(f"{server}/my")
        assert page.get_by_test_id("to-sign").count() == 0  # submitted: nothing waits any more
    finally:
        context.close()


def _explode(actor, data, filename, progress):  # type: ignore[no-untyped-def]
    """A render that fails half-way, as a bug or a missing font would."""
    progress("rendered", 0, 1)
    raise RuntimeError("renderer bug")


def test_a_job_whose_handler_raises_fails_with_a_message_and_the_page_stops_waiting(browser, server: str,
                                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.jobs.handlers import HANDLERS
    from portal.jobs.runner import CRASH_ZH

    # The server runs in this process: register a handler that raises for draft PDFs (nothing of ours is mocked).
    monkeypatch.setitem(HANDLERS, "render_draft", _explode)
    context, page = _tab(browser, server, "filer@demo.cn")
    try:
        page.goto(f"{server}/filings/{STATE['audit']}")
        page.get_by_test_id("draft-pdf").click()
        page.wait_for_url(re.compile(r"/jobs/\d+$"))
        page.get_by_text(CRASH_ZH).wait_for(timeout=30_000)  # the page reloads itself once the job is final
        assert page.locator(".job-progress").get_attribute("data-final") == "true"
        assert "失败" in page.locator('[data-job-field="status"]').inner_text()
        polls: list[str] = []
        page.on("request", lambda r: polls.append(r.url) if r.url.endswith(".json") else None)
        time.sleep(3)
        assert polls == []  # stopped waiting: no more status requests
        assert "renderer bug" not in page.content()
    finally:
        context.close()
