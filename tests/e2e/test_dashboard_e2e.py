"""The dashboard in a real headless Chromium: every chart draws on a canvas from the demo data, no CSP errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

CHARTS = ("status", "emissions", "products", "intensity", "targets", "audit_deadlines", "audit_options",
          "audit_savings")


def test_admin_dashboard_draws_every_chart_without_console_errors(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    # (the browser's own /favicon.ico request is not the page's: the portal has no icon)
    page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url')}")
            if m.type in ("error", "warning") and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, live_server, "admin@demo.cn")
    page.get_by_role("link", name="数据看板").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "数据看板"
    # the page opens on the latest complete year (issue 20 item 10); every chart has data over all years
    # (the demo's audits are of 2023, its reports of 2024)
    page.locator("#year").select_option("all")
    page.get_by_role("button", name="应用").click()
    page.wait_for_load_state("networkidle")
    for chart in CHARTS:
        box = page.locator(f'[data-chart="{chart}"]')
        assert box.get_attribute("data-rendered") == "true", chart
        assert box.locator("canvas").count() >= 1, chart
    # the table is one click away
    section = page.get_by_test_id("chart-targets")
    section.get_by_text("查看数据表").click()
    assert section.locator("table").is_visible()
    assert "水泥熟料" in section.locator("table").inner_text()
    with page.expect_download() as download:
        section.get_by_role("link", name="导出 CSV").click()
    assert download.value.suggested_filename == "dashboard-targets-all.csv"
    assert problems == []


def test_reviewer_sees_notifications_count(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "reviewer-jx@demo.cn")
    page.goto(live_server + "/notifications/")
    assert page.locator("h1").first.inner_text() == "通知"
