"""A new user's first minutes, in a real browser: log in as each demo role and see that role's home page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("email", "heading"), [
    ("filer@demo.cn", "我的申报"),
    ("signatory@demo.cn", "我的申报"),
    ("reviewer-jx@demo.cn", "审核队列"),
    ("admin@demo.cn", "系统管理"),
])
def test_each_demo_role_sees_its_home_in_chinese(page, live_server: str, email: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, email)
    assert page.locator("h1").first.inner_text().startswith(heading)
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_filer_opens_the_demo_report_and_sees_the_computed_total(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "filer@demo.cn")
    page.get_by_role("link", name="温室气体排放年度报告").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("total-tco2").inner_text().replace(",", "") == "1067866"


def test_reviewer_out_of_scope_gets_404(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "reviewer-js@demo.cn")
    response = page.goto(live_server + "/filings/1")
    assert response is not None and response.status == 404
    assert "页面不存在" in page.content()


def test_public_rules_catalogue(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/rules")
    assert page.locator("article#GHG-004").count() == 1
