"""Password change, reset by e-mail link, the forced change of a password someone else set, "sign out
everywhere", and lockouts seen and lifted by a security administrator (issue 16 items 1 and 3)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from portal.domain.codec import sha256_text
from portal.extensions import db
from portal.models import AccountLink, AuditEntry, OutboxMail
from portal.services import accounts, credentials, tokens
from tests.conftest import PASSWORD, enrol_totp, login, totp_code

NEW = "a-fresh-passphrase-42"


def _mails(recipient: str) -> list[OutboxMail]:
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == recipient)
                                   .order_by(OutboxMail.id)))


def _link_in(mail: OutboxMail) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_changing_ones_password_ends_other_sessions_and_tokens_but_not_this_one(client, app, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    _token, secret = tokens.issue(filer, filer, name="erp", scope="read")
    db.session.commit()
    other = app.test_client()
    login(other, "filer_a@test.cn")
    login(client, "filer_a@test.cn")
    wrong = client.post("/account/password", data={"current_password": "not-it-at-all", "new_password": NEW,
                                                   "confirm": NEW})
    assert wrong.status_code == 200 and "密码不正确" in wrong.get_data(as_text=True)
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "password123",
                                                  "confirm": "password123"})
    assert "已泄露" in weak.get_data(as_text=True)
    mismatch = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                      "confirm": NEW + "x"})
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/my").status_code == 200  # this browser stays signed in
    assert other.get("/my").status_code == 302  # every other session ended
    assert client.get(f"/api/v1/filings/{world.filing_a.id}/draft",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert {"auth.reauth_failed", "account.password_set", "auth.sessions_ended", "api_token.revoke_all"} <= set(
        _actions())


def test_a_password_someone_else_set_must_be_changed_first(client, world) -> None:  # type: ignore[no-untyped-def]
    user = accounts.create_user(world.users["security"], email="temp@test.cn", name="临时", password="typed-by-admin-1")
    db.session.commit()
    assert user.must_change_password
    login(client, "temp@test.cn", "typed-by-admin-1")
    for url in ("/my", "/", "/account/tokens", f"/filings/{world.filing_a.id}"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/password"), url
    assert "初始密码" in client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={"current_password": "typed-by-admin-1", "new_password": NEW,
                                           "confirm": NEW})
    assert not user.must_change_password and client.get("/my").status_code == 200
    # an administrator setting someone's password (the command line, a script) flags it again
    accounts.update_user(world.users["security"], user, password="typed-again-by-admin")
    assert user.must_change_password


def test_a_reset_link_answers_the_same_for_unknown_e_mails_works_once_and_is_stored_hashed(client, app, world) -> None:  # type: ignore[no-untyped-def]
    known = client.post("/password/forgot", data={"email": "filer_a@test.cn"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody-here@test.cn"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "如果该邮箱对应一个有效账户"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert _mails("nobody-here@test.cn") == []
    mail = _mails("filer_a@test.cn")[-1]
    path = _link_in(mail)
    secret = path.rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(AccountLink).where(AccountLink.purpose == "reset")).one()
    assert stored.token_hash == sha256_text(secret) and secret not in stored.token_hash
    assert dt.timedelta(minutes=59) < stored.expires_at - stored.created_at <= dt.timedelta(minutes=60)
    signed_in = app.test_client()
    login(signed_in, "filer_a@test.cn")
    page = client.get(path)
    assert page.status_code == 200 and "filer_a@test.cn" in page.get_data(as_text=True)
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.get(path).status_code == 404  # once
    assert client.post(path, data={"password": NEW + "2", "confirm": NEW + "2"}).status_code == 404
    assert signed_in.get("/my").status_code == 302  # a reset ends every session
    login(client, "filer_a@test.cn", NEW)
    actions = _actions()
    assert "account.reset_sent" in actions and "account.reset_refused" in actions
    assert "account.password_set" in actions


def test_reset_links_expire_end_each_other_and_are_not_mailed_twice_a_minute(client, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    urls: list[str] = []
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    credentials.request_reset("filer_a@test.cn", urls.append, now=long_ago)  # expired an hour ago
    credentials.request_reset("filer_a@test.cn", urls.append, now=long_ago + dt.timedelta(minutes=5))
    credentials.request_reset("filer_a@test.cn", urls.append, now=long_ago + dt.timedelta(minutes=5, seconds=30))
    assert len(urls) == 2  # the third was too soon after the second
    db.session.commit()
    for url in urls:
        assert client.get(f"/password/reset/{url}").status_code == 404
    credentials.request_reset("filer_a@test.cn", urls.append)
    credentials.send_reset(world.users["security"], filer, urls.append)  # an administrator's newer link
    db.session.commit()
    assert client.get(f"/password/reset/{urls[2]}").status_code == 404  # ended by the newer one
    assert client.get(f"/password/reset/{urls[3]}").status_code == 200
    assert client.get(f"/welcome/{urls[3]}").status_code == 404  # a reset link is no invitation


def test_a_reset_does_not_skip_the_second_factor(client, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    enrol_totp(reviewer)
    urls: list[str] = []
    credentials.request_reset("reviewer_jx@test.cn", urls.append)
    db.session.commit()
    client.post(f"/password/reset/{urls[0]}", data={"password": NEW, "confirm": NEW})
    response = client.post("/login", data={"email": "reviewer_jx@test.cn", "password": NEW})
    assert response.headers["Location"].endswith("/login/code")
    assert client.post("/login/code", data={"code": totp_code(reviewer)}).status_code == 302


def test_sign_out_everywhere_from_the_account_page_and_by_an_administrator(client, app, world) -> None:  # type: ignore[no-untyped-def]
    other = app.test_client()
    login(other, "filer_a@test.cn")
    login(client, "filer_a@test.cn")
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/my").status_code == 302 and other.get("/my").status_code == 302
    login(other, "filer_a@test.cn")
    admin = app.test_client()
    login(admin, "security@test.cn")
    assert admin.post(f"/admin/users/{world.users['filer_a'].id}/sign-out").status_code == 302
    assert other.get("/my").status_code == 302
    assert _actions().count("auth.sessions_ended") == 2


def test_the_user_page_shows_a_lockout_and_a_security_administrator_lifts_it(client, app, world) -> None:  # type: ignore[no-untyped-def]
    victim = app.test_client()
    for _ in range(5):
        victim.post("/login", data={"email": "filer_a@test.cn", "password": "wrong-guess-123"})
    filer = world.users["filer_a"]
    assert accounts.account_lock(filer).locked(dt.datetime.now(dt.UTC))
    login(client, "security@test.cn")
    page = client.get(f"/admin/users/{filer.id}").get_data(as_text=True)
    state = re.search(r'data-testid="lock-state">(.*?)</dd>', page, re.S).group(1)
    assert "已锁定至" in state and "第 1 次锁定" in state
    assert client.post(f"/admin/users/{filer.id}/unlock").status_code == 302
    assert not accounts.account_lock(filer).locked(dt.datetime.now(dt.UTC))
    assert "未锁定" in client.get(f"/admin/users/{filer.id}").get_data(as_text=True)
    login(victim, "filer_a@test.cn")


def test_an_invitation_link_expires_and_a_new_one_replaces_it(client, world) -> None:  # type: ignore[no-untyped-def]
    urls: list[str] = []
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    user = credentials.invite(world.users["security"], email="late@test.cn", name="迟到", link_url=urls.append,
                              now=old)
    db.session.commit()
    assert client.get(f"/welcome/{urls[0]}").status_code == 404  # seven days have passed
    login(client, "security@test.cn")
    assert client.post(f"/admin/users/{user.id}/password-link", data={"purpose": "invitation"}).status_code == 302
    path = _link_in(_mails("late@test.cn")[-1])
    assert path.startswith("/welcome/")
    client.post("/logout")
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    login(client, "late@test.cn", NEW)
    # the invited user's password cannot be guessed before they set it: none works
    assert accounts.authenticate("late@test.cn", "").outcome == "invalid"


def test_links_in_mail_use_the_configured_address_not_the_requests_host(app, client, world) -> None:  # type: ignore[no-untyped-def]
    app.config["PUBLIC_BASE_URL"] = "https://portal.example.gov.cn/"
    try:
        client.post("/password/forgot", data={"email": "filer_a@test.cn"}, headers={"Host": "evil.example"})
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    body = _mails("filer_a@test.cn")[-1].body
    assert "https://portal.example.gov.cn/password/reset/" in body and "evil.example" not in body
