"""Administrators create and edit users, enterprises and memberships; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Enterprise, User
from tests.conftest import login


def test_admin_registers_an_enterprise_and_a_filer_who_then_sees_it(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    bad = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345A", "name": "测试钢铁", "region_code": "360104", "industry_code": "3120"})
    assert "统一社会信用代码无效" in bad.get_data(as_text=True)
    unknown_region = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345U", "name": "测试钢铁", "region_code": "110101", "industry_code": "3120"})
    assert "行政区划代码未知" in unknown_region.get_data(as_text=True)
    created = client.post("/admin/enterprises/new", data={
        "uscc": "91360100705512345U", "name": "测试钢铁", "region_code": "360104", "industry_code": "3120",
        "is_key_emitter": "y"})
    assert created.status_code == 302
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == "91360100705512345U"))
    assert enterprise is not None and enterprise.is_key_emitter

    short = client.post("/admin/users/new", data={"email": "new@test.cn", "name": "新用户", "password": "short",
                                                  "active": "y"})
    assert short.status_code == 200 and "10" in short.get_data(as_text=True)
    made = client.post("/admin/users/new", data={"email": "New@Test.cn", "name": "新用户",
                                                 "password": "a-long-password", "active": "y"})
    assert made.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@test.cn"))
    assert user is not None and user.password_hash.startswith("$argon2id$")
    added = client.post(f"/admin/enterprises/{enterprise.id}/members", data={"m-email": "new@test.cn",
                                                                            "m-role": "filer"})
    assert added.status_code == 302
    client.post("/logout")
    login(client, "new@test.cn", "a-long-password")
    assert "测试钢铁" in client.get("/my").get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEntry.action)).all())
    assert {"enterprise.create", "user.create", "membership.add"} <= actions


def test_reviewer_scope_is_validated(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    page = client.post("/admin/users/new", data={"email": "r@test.cn", "name": "r", "password": "a-long-password",
                                                 "reviewer_scope": "11", "active": "y"}).get_data(as_text=True)
    assert "36 或 32" in page


def test_password_change_ends_the_users_sessions(client, app, world) -> None:  # type: ignore[no-untyped-def]
    other = app.test_client()
    login(other, "filer_a@test.cn")
    assert other.get("/my").status_code == 200
    login(client, "admin@test.cn")
    user = world.users["filer_a"]
    changed = client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": user.name,
                                                           "password": "another-long-password", "active": "y"})
    assert changed.status_code == 302, changed.get_data(as_text=True)[-1500:]
    assert other.get("/my").status_code == 302  # logged out everywhere
