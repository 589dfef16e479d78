"""The fuels editor of a 5,000-line draft in a browser (issue 19 item 5): paged, usable, nothing typed lost.

The demo's GHG draft of 江西赣峰水泥 is given 5,000 fuel lines (the cap, common.MAX_LINES); the filer opens
the editor, goes to a later page, changes a value, saves, and finds it kept on that page with the other
pages as they were; input typed and not saved is offered again on its own page only; the page passes axe
and does not scroll sideways at 390 px.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OVERFLOWING_TABLES, axe_violations, login, page_overflow, serve_portal

pytestmark = pytest.mark.e2e

STATE: dict[str, int] = {}


def _prepare(app) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    from decimal import Decimal

    from sqlalchemy import select

    from portal.domain.codec import canonical_json
    from portal.domain.common import MAX_LINES
    from portal.extensions import db
    from portal.models import Enterprise, Filing
    from portal.services import filings as filing_service

    ganfeng = db.session.scalars(select(Enterprise).where(Enterprise.uscc == "91360700MA38P2K51K")).one()
    filing = db.session.scalars(select(Filing).where(
        Filing.enterprise_id == ganfeng.id, Filing.kind == "ghg_annual_report", Filing.year == 2024,
        Filing.status == "draft")).one()
    document = filing_service.draft_document(filing)
    line = document.fuels[0]
    fuels = [dataclasses.replace(line, source=f"L{i}", consumption=Decimal(i + 1)) for i in range(MAX_LINES)]
    filing.draft_json = canonical_json(dataclasses.replace(document, fuels=fuels))
    STATE["draft"] = filing.id


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_portal(tmp_path_factory.mktemp("editor-cap"), prepare=_prepare) as url:
        yield url


def test_a_later_page_of_a_5000_line_table_is_edited_and_saved(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server, "filer@demo.cn")
    url = f"{server}/filings/{STATE['draft']}/edit/fuels"
    page.goto(url)
    assert page.locator("table[data-row-list=fuels] tbody tr[data-row]").count() == 100
    assert "第 1 / 50 页：第 1–100 行，共 5,000 行" in page.locator("[data-row-pager]").inner_text()

    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("?page=2")
    assert page.locator("#fuels-100-source").input_value() == "L100"

    # 跳到第几行 2501: page 26, the row's first input focused
    page.get_by_label("跳到第几行").fill("2501")
    page.get_by_role("button", name="跳转").click()
    page.wait_for_load_state("networkidle")
    assert "第 26 / 50 页：第 2,501–2,600 行" in page.locator("[data-row-pager]").inner_text()
    assert page.evaluate("document.activeElement.id") == "fuels-2500-source"

    value = page.get_by_label("第 2501 行 消耗量")
    assert value.input_value() == "2501"
    value.fill("7777")
    # the live preview answers for the page: its lines, and the totals of the whole list
    expect(page.locator("[data-panel-status]")).to_contain_text("按当前输入计算（尚未保存）")
    expect(page.locator("#computed-panel [data-lines]")).to_contain_text("7777 ×")
    assert page.locator("#computed-panel [data-lines] li").count() == 100
    page.get_by_role("button", name="保存本节").first.click()
    page.wait_for_load_state("networkidle")
    assert "page=26" in page.url
    assert "本节已保存" in page.content()
    assert page.get_by_label("第 2501 行 消耗量").input_value() == "7777"  # kept, on its page
    assert page.get_by_label("第 2502 行 消耗量").input_value() == "2502"
    page.goto(url + "?page=25")
    assert page.get_by_label("第 2500 行 消耗量").input_value() == "2500"  # the page before: as it was

    # input typed and not saved is kept in the browser for its page, and offered there only
    page.goto(url + "?page=26")
    page.get_by_label("第 2510 行 消耗量").fill("8888")
    page.wait_for_timeout(800)  # the copy is written 400 ms after the last keystroke
    page.goto(url + "?page=1")
    assert page.locator("#restore-banner").is_hidden()
    page.goto(url + "?page=26")
    page.get_by_role("button", name="恢复未保存的输入").click()
    assert page.get_by_label("第 2510 行 消耗量").input_value() == "8888"
    context.close()


def test_the_paged_editor_fits_390_px_and_passes_axe(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    for width in (390, 1280):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        login(page, server, "filer@demo.cn")
        page.goto(f"{server}/filings/{STATE['draft']}/edit/fuels?page=26")
        assert page_overflow(page) == 0, f"scrolls sideways by {page_overflow(page)} px at {width} px"
        assert page.evaluate(OVERFLOWING_TABLES) == []
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{width} px: {bad}"
        # keyboard: the pager's links and the jump field are reached with Tab like any control
        page.get_by_label("跳到第几行").focus()
        page.keyboard.type("4999")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "第 50 / 50 页" in page.locator("[data-row-pager]").inner_text()
        context.close()
