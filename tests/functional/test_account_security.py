"""Issue 16's acceptance tests that need no new page: lockout, per-address failure limit behind ProxyFix,
sessions that end everywhere, tokens revoked by a password change, the signing password's lockout, and the
SECRET_KEY refusal."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import InsecureConfiguration, create_app, install_proxy_fix
from portal.auth import loading
from portal.extensions import db, limiter
from portal.models import AuditEntry
from portal.services import accounts, credentials, filings, tokens
from portal.services.errors import ServiceError
from tests.conftest import PASSWORD, login

WRONG = "not-the-password-1"


def _post_login(client, email: str, password: str, ip: str = "127.0.0.1", **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password}, headers=headers,
                       environ_base={"REMOTE_ADDR": ip})


def _actions(user_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity_type == "user", AuditEntry.entity_id == user_id).order_by(AuditEntry.id)))


def test_five_wrong_passwords_lock_one_account_and_not_another_from_the_same_address(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        response = _post_login(client, "filer_a@test.cn", WRONG)
        assert response.status_code == 200 and "邮箱或密码不正确" in response.get_data(as_text=True)
    # locked: even the right password is refused now, with the same message (no hint for an attacker)
    response = _post_login(client, "filer_a@test.cn", PASSWORD)
    assert response.status_code == 200 and "邮箱或密码不正确" in response.get_data(as_text=True)
    filer = world.users["filer_a"]
    assert _actions(filer.id)[-7:] == ["auth.login_failed"] * 5 + ["auth.lockout", "auth.login_locked"]
    lock = accounts.account_lock(filer)
    now = dt.datetime.now(dt.UTC)
    assert lock.level == 1 and dt.timedelta(minutes=14) < lock.locked_until - now <= dt.timedelta(minutes=15)
    # another account, same address: unaffected
    login(client, "filer_b@test.cn")


def test_the_lock_ends_after_fifteen_minutes_and_a_success_resets_the_count(client, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    for i in range(5):  # a run of failures sixteen minutes ago: the lock it caused is over
        accounts.record_failure(filer, "auth.login_failed", start + dt.timedelta(seconds=i))
    db.session.commit()
    assert not accounts.account_lock(filer).locked(dt.datetime.now(dt.UTC))
    login(client, "filer_a@test.cn")
    client.post("/logout")
    assert accounts.account_lock(filer).level == 0  # the success reset it


def test_a_successful_login_never_counts(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        _post_login(client, "filer_a@test.cn", WRONG)
    for _ in range(3):  # successes between failures
        login(client, "filer_a@test.cn")
        client.post("/logout")
    for _ in range(4):
        _post_login(client, "filer_a@test.cn", WRONG)
    login(client, "filer_a@test.cn")  # 8 failures in all, never 5 in a row: not locked


def test_behind_proxyfix_two_client_addresses_are_counted_separately(app: Flask, client, world) -> None:  # type: ignore[no-untyped-def]
    original_app, original_limit = app.wsgi_app, app.config["LOGIN_RATE_LIMIT"]
    install_proxy_fix(app, 1)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        proxy = "10.0.0.5"  # every request arrives from the load balancer…
        def attempt(client_ip: str, email: str, password: str):  # type: ignore[no-untyped-def]
            return _post_login(client, email, password, ip=proxy, **{"X-Forwarded-For": client_ip})
        # …whose X-Forwarded-For names the client. Successes are not counted:
        for _ in range(4):
            assert attempt("203.0.113.1", "filer_b@test.cn", PASSWORD).status_code == 302
            client.post("/logout")
        for _ in range(3):
            assert attempt("203.0.113.1", "nobody@test.cn", WRONG).status_code == 200
        assert attempt("203.0.113.1", "nobody@test.cn", WRONG).status_code == 429  # 4th failure from .1
        assert attempt("203.0.113.2", "filer_b@test.cn", PASSWORD).status_code == 302  # .2 is another client
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
                                   .order_by(AuditEntry.id.desc()).limit(1)).one()
        assert entry.ip == "203.0.113.1"
    finally:
        app.wsgi_app = original_app  # type: ignore[method-assign]
        app.config["LOGIN_RATE_LIMIT"] = original_limit
        limiter.reset()


def test_create_app_trusts_exactly_the_configured_proxies(database_url: str) -> None:
    assert not isinstance(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url}).wsgi_app, ProxyFix)
    fixed = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": 2}).wsgi_app
    assert isinstance(fixed, ProxyFix) and (fixed.x_for, fixed.x_proto, fixed.x_host) == (2, 2, 0)


def test_a_logged_out_cookie_replayed_gets_the_login_page(app: Flask, client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    stolen = client.get_cookie("session").value  # a copy of the cookie, taken while logged in
    assert client.get(f"/filings/{world.filing_a.id}").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get(f"/filings/{world.filing_a.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_out_everywhere_and_password_change_end_other_sessions(app: Flask, client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    other = app.test_client()
    login(other, "filer_a@test.cn")
    accounts.end_sessions(world.users["admin"], world.users["filer_a"], reason="admin")
    db.session.commit()
    assert client.get(f"/filings/{world.filing_a.id}").status_code == 302
    assert other.get(f"/filings/{world.filing_a.id}").status_code == 302


def test_sessions_end_when_idle_and_at_their_absolute_lifetime(app: Flask, client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    url = f"/filings/{world.filing_a.id}"
    with client.session_transaction() as session:
        session[loading.LAST_SEEN_AT] -= 31 * 60  # 31 minutes without a request
    assert client.get(url).status_code == 302
    login(client, "filer_a@test.cn")
    with client.session_transaction() as session:
        session[loading.SIGNED_IN_AT] -= 12 * 3600 + 1  # busy all day, but signed in over 12 hours ago
        session[loading.LAST_SEEN_AT] = time.time()
    assert client.get(url).status_code == 302
    assert loading.session_expired(1000.0, 1000.0, 1000.0 + 1800, idle_seconds=1800, absolute_seconds=43200) is False
    assert loading.session_expired(1000.0, 1000.0, 1000.0 + 1801, idle_seconds=1800, absolute_seconds=43200) is True


def test_a_token_stops_working_after_a_password_change(client, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    _, secret = tokens.issue(filer, filer, name="ERP", scope="write")
    db.session.commit()
    url = f"/api/v1/filings/{world.filing_a.id}/draft"
    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    credentials.change_password(filer, PASSWORD, "a-brand-new-passphrase")
    db.session.commit()
    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "api_token.revoke_all" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_tokens_have_scopes_expiry_and_last_use(client, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    read_token, read_secret = tokens.issue(filer, filer, name="reporting", scope="read")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    _, expired_secret = tokens.issue(filer, filer, name="old", scope="write", days=30, now=old)
    db.session.commit()
    assert read_secret.startswith("ptk_") and len(read_secret) == 4 + 43
    url = f"/api/v1/filings/{world.filing_a.id}/draft"
    response = client.get(url, headers={"Authorization": f"Bearer {read_secret}"})
    assert response.status_code == 200
    # the GET wrote nothing but its audit entry: the last use is read back from there
    last = tokens.last_uses([read_token])[read_token.id]
    assert last.ip == "127.0.0.1" and last.at is not None
    put = client.put(url, data=b"{}", content_type="application/json",
                     headers={"Authorization": f"Bearer {read_secret}", "If-Match": '"1"'})
    assert put.status_code == 403  # read scope cannot write (insufficient scope)
    assert client.get(url, headers={"Authorization": f"Bearer {expired_secret}"}).status_code == 401
    problems = [e.after_json for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "api_token.refused").order_by(AuditEntry.id))]
    assert problems == ['{"problem":"scope","scope":"write"}', '{"problem":"expired","scope":"read"}']
    with pytest.raises(ServiceError):
        tokens.issue(filer, filer, name="too long", scope="write", days=366)


def test_wrong_signing_passwords_are_audited_and_lock_the_account(world) -> None:  # type: ignore[no-untyped-def]
    signatory = world.users["signatory_a"]
    for _ in range(4):
        with pytest.raises(ServiceError) as refused:
            filings.submit(signatory, world.filing_a, password=WRONG, certified=True)
        assert refused.value.message_en == "wrong password"
        db.session.rollback()  # as the view does: the failures are kept all the same
    with pytest.raises(ServiceError) as refused:
        filings.submit(signatory, world.filing_a, password=WRONG, certified=True)
    assert "locked" in refused.value.message_en
    db.session.rollback()
    with pytest.raises(ServiceError) as refused:  # now even the right password is refused
        filings.submit(signatory, world.filing_a, password=PASSWORD, certified=True)
    assert "locked" in refused.value.message_en
    db.session.rollback()
    db.session.commit()
    assert _actions(signatory.id)[-7:] == ["auth.reauth_failed"] * 5 + ["auth.lockout", "auth.reauth_locked"]
    failed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "auth.reauth_failed")).all()
    assert {e.result for e in failed} == {"failure"}


def test_the_signing_password_through_the_page_is_counted_too(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "signatory_a@test.cn")
    response = client.post(f"/filings/{world.filing_a.id}/submit", data={"password": WRONG, "certified": "y"})
    assert response.status_code == 200
    assert _actions(world.users["signatory_a"].id)[-1] == "auth.reauth_failed"


def test_the_default_secret_key_is_refused_outside_debug_with_postgresql() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to: the check comes first
    with pytest.raises(InsecureConfiguration, match="PORTAL_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert create_app({"SQLALCHEMY_DATABASE_URI": url, "DEBUG": True}).config["SECRET_KEY"] == "dev-only-change-me"
    assert create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "s3cret-from-the-environment"})
    assert create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVES_REQUESTS": False})  # portal check, db upgrade, …


def test_the_embedded_mode_makes_and_keeps_a_random_key(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import portal

    key_file = tmp_path / "secret_key"
    first = portal._instance_secret(key_file)
    assert len(first) == 64 and int(first, 16) >= 0
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert portal._instance_secret(key_file) == first  # the same key on the next start
    # create_app uses it for SQLite when no key is configured (pointed at tmp_path, not the real instance folder)
    calls = []
    original = portal._instance_secret
    monkeypatch.setattr(portal, "_instance_secret", lambda path: calls.append(path) or original(key_file))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.sqlite3")})
    assert app.config["SECRET_KEY"] == first and calls[0].name == "secret_key"
