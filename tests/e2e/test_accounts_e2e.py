"""Accounts in a real browser (issue 16): a demo administrator enrols the second factor at the first sign-in
(the page shows the secret and a QR code), the new pages pass axe and fit a 390 px phone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import _SECRETS, axe_violations, enrol_second_factor, login, next_code

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _fresh(browser, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", **options)
    return context, context.new_page()


def test_a_demo_administrator_enrols_at_first_sign_in_then_signs_in_with_a_code(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context, page = _fresh(browser, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        page.goto(live_server + "/login")
        page.get_by_label("电子邮箱").fill("audit@demo.cn")
        page.get_by_label("密码").fill("portal-demo-2024")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/account/two-factor")
        page.goto(live_server + "/admin/audit")  # nothing else until the second factor is set up
        assert page.url.endswith("/account/two-factor")
        page.get_by_role("button", name="生成密钥和二维码").click()
        page.wait_for_load_state("networkidle")
        qr = page.locator("img.totp-qr")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 100")  # drawn, from a data: URI (CSP)
        assert len(page.get_by_test_id("totp-secret").inner_text().replace(" ", "")) == 32
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
        page.goto(live_server + "/account/two-factor")  # back to the pending set-up, as a reload would
        codes = enrol_second_factor(page, live_server, "audit@demo.cn")
        assert len(codes) == 10
        assert page.url.rstrip("/").endswith("/admin/audit") or "/admin/audit" in page.url
        assert page.locator("h1").first.inner_text().startswith("操作日志")
        page.get_by_role("button", name="退出").click()
        page.wait_for_load_state("networkidle")
        login(page, live_server, "audit@demo.cn")  # the password, then a code from the "app"
        assert "/admin/audit" in page.url
    finally:
        context.close()


@pytest.mark.parametrize(("email", "path"), [
    ("filer@demo.cn", "/account/"),
    ("filer@demo.cn", "/account/tokens"),
    ("filer@demo.cn", "/account/password"),
    ("filer@demo.cn", "/account/two-factor"),
    ("security@demo.cn", "/admin/users"),
    ("security@demo.cn", "/admin/users/2"),
    ("security@demo.cn", "/admin/grants"),
    ("admin@demo.cn", "/admin/enterprises/1"),
    (None, "/password/forgot"),
])
def test_the_account_pages_pass_axe_and_fit_a_phone(browser, live_server: str, email: str | None, path: str) -> None:  # type: ignore[no-untyped-def]
    context, page = _fresh(browser, viewport=PHONE, bypass_csp=True)
    try:
        if email:
            login(page, live_server, email)
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, path
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{path}: {bad}"
    finally:
        context.close()


def test_the_second_step_page_passes_axe(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    first, page = _fresh(browser)
    login(page, live_server, "reviewer-ganzhou@demo.cn")  # enrolled here if it was not yet
    first.close()
    context, page = _fresh(browser, viewport=PHONE, bypass_csp=True)
    try:
        page.goto(live_server + "/login")
        page.get_by_label("电子邮箱").fill("reviewer-ganzhou@demo.cn")
        page.get_by_label("密码").fill("portal-demo-2024")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/login/code")
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        page.get_by_label("验证码（或恢复码）").fill(next_code(live_server, "reviewer-ganzhou@demo.cn"))
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state("networkidle")
        assert "/review/" in page.url and (live_server, "reviewer-ganzhou@demo.cn") in _SECRETS
    finally:
        context.close()
