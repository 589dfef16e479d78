"""The UI shell: login, each role's home page in Chinese, English switch, security, CSRF, rate limits."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import PASSWORD, login


@pytest.mark.parametrize(("role", "heading"), [
    ("filer_a", "我的申报"), ("signatory_a", "我的申报"), ("reviewer_jx", "审核队列"), ("admin", "系统管理"),
])
def test_each_role_lands_on_its_home_in_chinese(client, world, role: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    login(client, f"{role}@test.cn")
    response = client.get("/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 class=\"h3" in page and heading in page
    assert 'lang="zh-CN"' in page


def test_wrong_password_is_refused_with_a_chinese_message(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": "filer_a@test.cn", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "邮箱或密码不正确" in response.get_data(as_text=True)


def test_language_switch_to_english(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    client.post("/language/en", data={"next": "/my"})
    page = client.get("/my").get_data(as_text=True)
    assert 'lang="en"' in page and "My filings" in page


def test_security_headers_and_cookie_flags(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": "filer_a@test.cn", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/my")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"


def test_error_pages_are_in_chinese(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    client.post("/logout")
    assert client.get("/my").status_code == 302


def test_forms_without_csrf_token_are_refused(client, app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/login", data={"email": "a@b.cn", "password": "x"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    # Empty forms from one address: nothing is looked up or written, but every attempt counts.
    codes = [client.post("/login", data={}, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_login_page_markup_has_no_empty_aria_attributes_and_prompt_is_chinese(client, world) -> None:  # type: ignore[no-untyped-def]
    redirected = client.get("/my", follow_redirects=True).get_data(as_text=True)
    assert "请先登录" in redirected
    assert '="None"' not in redirected
    failed = client.post("/login", data={"email": "not-an-email", "password": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in failed and 'aria-describedby="email-err"' in failed
