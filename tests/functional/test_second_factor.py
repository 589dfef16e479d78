"""The second factor on the pages (issue 16 item 1): reviewers and administrators cannot get past enrolment
without one, sign-in asks for the code after the password, codes work once, recovery codes, turning it off."""

from __future__ import annotations

import re
import time
import urllib.parse

import pyotp
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, RecoveryCode
from tests.conftest import PASSWORD, enrol_totp, login, totp_code


def _password_step(client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": PASSWORD})


def _actions(user_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity_type == "user", AuditEntry.entity_id == user_id).order_by(AuditEntry.id)))


@pytest.mark.parametrize("role", ["reviewer_jx", "admin", "security", "auditor"])
def test_a_reviewer_or_administrator_without_totp_cannot_reach_anything_but_enrolment(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    response = _password_step(client, f"{role}@test.cn")
    assert response.status_code == 302  # signed in with the password: nothing else to ask yet
    for url in ("/review/", "/", "/admin/", "/admin/audit", "/dashboard/", f"/filings/{world.filing_a.id}",
                "/account/tokens", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor"), url
    assert client.get("/account/two-factor").status_code == 200


def test_enrolment_shows_the_secret_and_a_qr_code_then_recovery_codes_once(client, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    _password_step(client, "reviewer_jx@test.cn")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "生成密钥和二维码" in page and reviewer.totp_secret is None  # a GET makes no secret
    assert client.post("/account/two-factor", data={"action": "start"}).status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = reviewer.totp_secret
    grouped = re.search(r'data-testid="totp-secret" id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert grouped.replace(" ", "") == secret and len(secret) == 32
    qr = re.search(r'<img class="totp-qr[^"]*" src="(data:image/svg\+xml[^"]+)"', page).group(1)
    svg = urllib.parse.unquote(qr.split(",", 1)[1])
    assert svg.startswith("<svg") and "<path" in svg  # drawn on the server, no CDN, no script
    assert "alt=" in page and 'autocomplete="one-time-code"' in page
    assert client.get("/review/").status_code == 302  # still not enrolled
    wrong = client.post("/account/two-factor", data={"action": "confirm", "c-code": "000000"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor", data={"action": "confirm", "c-code": pyotp.TOTP(secret).now()})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and reviewer.totp_enabled
    codes = re.findall(r"<li class=\"col\">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/review/").status_code == 200  # enrolled: the queue opens
    again = client.get("/account/two-factor").get_data(as_text=True)
    assert not any(code in again for code in codes) and "剩余 10 个" in again  # shown once
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == reviewer.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in "".join(stored) for code in codes)
    assert {"2fa.enrol_start", "2fa.enable"} <= set(_actions(reviewer.id))


def test_sign_in_asks_for_the_code_after_the_password_and_each_code_works_once(client, app, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    secret = enrol_totp(reviewer)
    response = _password_step(client, "reviewer_jx@test.cn")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert client.get("/review/").status_code == 302  # the password alone signs nobody in
    assert "验证码" in client.get("/login/code").get_data(as_text=True)
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 200 and "验证码不正确或已使用" in wrong.get_data(as_text=True)
    code = totp_code(reviewer)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert client.get("/review/").status_code == 200
    # the same code a second time (a shoulder-surfer replaying it) is refused
    thief = app.test_client()
    _password_step(thief, "reviewer_jx@test.cn")
    assert thief.post("/login/code", data={"code": code}).status_code == 200
    assert thief.get("/review/").status_code == 302
    actions = _actions(reviewer.id)
    assert actions.count("auth.totp_failed") == 2 and "auth.password_ok" in actions
    assert pyotp.TOTP(secret).verify(code, valid_window=1)


def test_a_recovery_code_signs_in_once(client, app, world) -> None:  # type: ignore[no-untyped-def]
    from portal.services import twofactor

    reviewer = world.users["reviewer_jx"]
    enrol_totp(reviewer)
    codes = twofactor.regenerate_recovery_codes(reviewer)
    db.session.commit()
    _password_step(client, "reviewer_jx@test.cn")
    assert client.post("/login/code", data={"code": codes[3].lower()}).status_code == 302  # typed in lower case
    other = app.test_client()
    _password_step(other, "reviewer_jx@test.cn")
    assert other.post("/login/code", data={"code": codes[3]}).status_code == 200  # used up
    assert twofactor.unused_recovery_codes(reviewer) == 9


def test_the_code_step_expires_and_ends_with_the_sessions(app, client, world) -> None:  # type: ignore[no-untyped-def]
    from portal.services import accounts

    reviewer = world.users["reviewer_jx"]
    enrol_totp(reviewer)
    _password_step(client, "reviewer_jx@test.cn")
    with client.session_transaction() as session:
        session["_second_factor"] = {**session["_second_factor"], "at": time.time() - 301}  # past 5 minutes
    response = client.post("/login/code", data={"code": totp_code(reviewer)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    _password_step(client, "reviewer_jx@test.cn")
    accounts.end_sessions(None, reviewer, reason="test")  # a password change, "sign out everywhere"…
    db.session.commit()
    response = client.post("/login/code", data={"code": totp_code(reviewer)})
    assert response.headers["Location"].endswith("/login")


def test_wrong_codes_count_towards_the_lockout(client, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    enrol_totp(reviewer)
    _password_step(client, "reviewer_jx@test.cn")
    for _ in range(5):
        client.post("/login/code", data={"code": "000000"})
    assert client.post("/login/code", data={"code": totp_code(reviewer)}).status_code == 200  # locked now
    assert "auth.lockout" in _actions(reviewer.id)


def test_filers_may_turn_it_on_and_then_need_it(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")  # no second factor needed
    assert "未启用（可选）" in client.get("/account/").get_data(as_text=True)
    filer = world.users["filer_a"]
    client.post("/account/two-factor", data={"action": "start"})
    client.post("/account/two-factor", data={"action": "confirm", "c-code": pyotp.TOTP(filer.totp_secret).now()})
    assert filer.totp_enabled
    client.post("/logout")
    assert _password_step(client, "filer_a@test.cn").headers["Location"].endswith("/login/code")


def test_renewing_recovery_codes_and_turning_it_off_need_the_password(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_jx@test.cn")
    reviewer = world.users["reviewer_jx"]
    wrong = client.post("/account/two-factor", data={"action": "recovery", "r-password": "not-my-password"})
    assert wrong.status_code == 422 and "密码不正确" in wrong.get_data(as_text=True)
    renewed = client.post("/account/two-factor", data={"action": "recovery", "r-password": PASSWORD})
    assert len(re.findall(r'<li class="col">', renewed.get_data(as_text=True))) == 10
    assert client.post("/account/two-factor", data={"action": "disable", "r-password": "wrong-again-1"}
                       ).status_code == 422 and reviewer.totp_enabled
    off = client.post("/account/two-factor", data={"action": "disable", "r-password": PASSWORD})
    assert off.status_code == 302 and not reviewer.totp_enabled
    # a reviewer must have one: sent straight back to set a new one up (a new phone)
    assert client.get("/review/").headers["Location"].endswith("/account/two-factor")
    actions = _actions(reviewer.id)
    assert {"2fa.recovery_codes_new", "2fa.disable", "auth.reauth_failed"} <= set(actions)


def test_a_security_administrator_resets_a_lost_second_factor(client, app, world) -> None:  # type: ignore[no-untyped-def]
    reviewer = world.users["reviewer_jx"]
    signed_in = app.test_client()
    login(signed_in, "reviewer_jx@test.cn")
    login(client, "security@test.cn")
    page = client.get(f"/admin/users/{reviewer.id}").get_data(as_text=True)
    assert "已启用（剩余 10 个恢复码）" in page
    assert client.post(f"/admin/users/{reviewer.id}/two-factor-reset").status_code == 302
    assert not reviewer.totp_enabled
    assert signed_in.get("/review/").status_code == 302  # their sessions ended
    # nobody resets their own: that is the account page's, with the password
    me = world.users["security"]
    client.post(f"/admin/users/{me.id}/two-factor-reset")
    assert me.totp_enabled
