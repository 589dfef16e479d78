"""Administrators, each in their own duty (三权分立): the system administrator registers enterprises, a security
administrator invites users (who set their own passwords) and adds filers; every change is audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Enterprise, OutboxMail, User
from tests.conftest import login


def _link(recipient: str, path: str) -> str:
    """Return the path of the newest link mailed to ``recipient`` (through the outbox) starting with ``path``."""
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == recipient)
                              .order_by(OutboxMail.id.desc())).first()
    assert mail is not None, f"no mail to {recipient}"
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]+)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_the_system_administrator_registers_an_enterprise_and_a_security_administrator_invites_its_filer(
        client, app, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    bad = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345A", "name": "测试钢铁", "region_code": "360104", "industry_code": "3120"})
    assert bad.status_code == 422 and "统一社会信用代码无效" in bad.get_data(as_text=True)
    unknown_region = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345U", "name": "测试钢铁", "region_code": "110101", "industry_code": "3120"})
    assert "行政区划代码未知" in unknown_region.get_data(as_text=True)
    created = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345U", "name": "测试钢铁", "region_code": "360104", "industry_code": "3120",
        "is_key_emitter": "y"})
    assert created.status_code == 302
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == "91360100705512345U"))
    assert enterprise is not None and enterprise.is_key_emitter
    # the system administrator manages no account
    assert client.get("/admin/users/new").status_code == 404
    client.post("/logout")

    login(client, "security@test.cn")
    assert client.post(f"/admin/enterprises/{enterprise.id}", data={"name": "改名"}).status_code == 404
    made = client.post("/admin/users/new", data={"email": "New@Test.cn", "name": "新用户"})
    assert made.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@test.cn"))
    assert user is not None and user.password_hash.startswith("$argon2id$")  # a hash of a secret nobody knows
    added = client.post(f"/admin/enterprises/{enterprise.id}/members", data={"m-email": "new@test.cn",
                                                                            "m-role": "filer"})
    assert added.status_code == 302
    client.post("/logout")

    welcome = _link("new@test.cn", "/welcome/")
    newcomer = app.test_client()
    page = newcomer.get(welcome).get_data(as_text=True)
    assert "new@test.cn" in page and "设置密码" in page
    short = newcomer.post(welcome, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "10" in short.get_data(as_text=True)
    assert newcomer.post(welcome, data={"password": "a-long-password", "confirm": "a-long-password"}
                         ).status_code == 302
    assert newcomer.get(welcome).status_code == 404  # used once
    login(newcomer, "new@test.cn", "a-long-password")
    assert "测试钢铁" in newcomer.get("/my").get_data(as_text=True)  # no forced change: they chose it
    actions = set(db.session.scalars(select(AuditEntry.action)).all())
    assert {"enterprise.create", "user.create", "account.invitation_sent", "account.password_set",
            "membership.add"} <= actions


def test_reviewer_scope_is_validated(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "security@test.cn")
    nobody = world.users["nobody"]
    page = client.post(f"/admin/users/{nobody.id}/grants", data={"g-kind": "reviewer_scope",
                                                                 "g-reviewer_scope": "11"}).get_data(as_text=True)
    assert "36 或 32" in page


def test_deactivating_a_user_ends_their_sessions(client, app, world) -> None:  # type: ignore[no-untyped-def]
    other = app.test_client()
    login(other, "filer_a@test.cn")
    assert other.get("/my").status_code == 200
    login(client, "security@test.cn")
    user = world.users["filer_a"]
    changed = client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": user.name})
    assert changed.status_code == 302, changed.get_data(as_text=True)[-1500:]
    assert not user.active
    assert other.get("/my").status_code == 302  # logged out everywhere
