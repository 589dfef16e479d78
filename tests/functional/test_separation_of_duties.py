"""三权分立 (issue 16 item 7): three administrator roles, and role and signatory grants that one security
administrator asks for and another approves — nobody grants themselves anything."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import AuditEntry, Membership, RoleGrant
from portal.services import accounts, grants
from portal.services.errors import NotFound, ServiceError
from tests.conftest import login


def _grant_ids(user_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(RoleGrant.id).where(RoleGrant.user_id == user_id)))


def test_a_role_is_asked_for_by_one_security_administrator_and_approved_by_another(client, app, world) -> None:  # type: ignore[no-untyped-def]
    nobody = world.users["nobody"]
    login(client, "security@test.cn")
    response = client.post(f"/admin/users/{nobody.id}/grants", data={"g-kind": "admin_role", "g-admin_role": "audit"})
    assert response.status_code == 302 and nobody.admin_role is None  # asked, not granted
    grant = db.session.get(RoleGrant, _grant_ids(nobody.id)[0])
    page = client.get("/admin/grants").get_data(as_text=True)
    assert "须由另一名安全管理员决定" in page  # no approve button for the requester
    client.post(f"/admin/grants/{grant.id}/approve")  # and the request is refused anyway
    assert grant.status == "pending" and nobody.admin_role is None
    second = app.test_client()
    login(second, "security2@test.cn")
    assert second.post(f"/admin/grants/{grant.id}/approve").status_code == 302
    assert grant.status == "approved" and nobody.admin_role == "audit"
    assert grant.requested_by == world.users["security"].id and grant.decided_by == world.users["security2"].id
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.index("grant.request") < actions.index("user.role_granted") < actions.index("grant.approve")
    # the new audit administrator must set up a second factor first, then reads the log
    client.post("/logout")
    assert client.post("/login", data={"email": "nobody@test.cn", "password": "correct-horse-battery"}
                       ).status_code == 302
    assert client.get("/admin/audit").headers["Location"].endswith("/account/two-factor")
    client.post("/logout")
    login(client, "nobody@test.cn")
    assert client.get("/admin/audit").status_code == 200


def test_nobody_grants_themselves_a_role_or_a_signatory_right(client, world) -> None:  # type: ignore[no-untyped-def]
    me = world.users["security"]
    with pytest.raises(ServiceError, match="themselves"):
        grants.request_grant(me, me, "signatory", enterprise=world.a)
    with pytest.raises(ServiceError, match="themselves"):
        grants.request_grant(me, me, "reviewer_scope", value="36")
    # a grant asked for me by my colleague cannot be approved by me
    for_me = grants.request_grant(world.users["security2"], world.users["filer_a"], "signatory", enterprise=world.b)
    with pytest.raises(ServiceError):
        grants.decide(world.users["security2"], for_me, approve=True)
    login(client, "security@test.cn")
    assert "不能为自己申请角色或签字权" in client.get(f"/admin/users/{me.id}").get_data(as_text=True)
    client.post(f"/admin/users/{me.id}/grants", data={"g-kind": "admin_role", "g-admin_role": "system"})
    assert _grant_ids(me.id) == [] and me.admin_role == "security"


def test_an_administrator_cannot_make_themselves_signatory_of_an_enterprise(client, world) -> None:  # type: ignore[no-untyped-def]
    """The issue's finding: "an administrator can make themselves signatory of an enterprise"."""
    system = world.users["admin"]
    login(client, "admin@test.cn")
    response = client.post(f"/admin/enterprises/{world.a.id}/members", data={"m-email": "admin@test.cn",
                                                                           "m-role": "signatory"})
    assert response.status_code == 404  # memberships are the security administrators'
    with pytest.raises(NotFound):
        accounts.add_membership(system, system, world.a, "signatory")
    client.post("/logout")
    security = world.users["security"]
    login(client, "security@test.cn")
    client.post(f"/admin/enterprises/{world.a.id}/members", data={"m-email": "security@test.cn",
                                                                 "m-role": "signatory"})
    client.post(f"/admin/enterprises/{world.a.id}/members", data={"m-email": "security@test.cn", "m-role": "filer"})
    assert security.memberships == [] and _grant_ids(security.id) == []
    # nor through a colleague: an administrator's account is never also an enterprise's user
    with pytest.raises(ServiceError, match="second account"):
        grants.request_grant(world.users["security2"], security, "signatory", enterprise=world.a)
    with pytest.raises(ServiceError):
        grants.request_grant(world.users["security2"], system, "reviewer_scope", value="36")


def test_a_signatory_right_needs_approval_and_a_filer_does_not(client, app, world) -> None:  # type: ignore[no-untyped-def]
    nobody = world.users["nobody"]
    login(client, "security@test.cn")
    client.post(f"/admin/enterprises/{world.a.id}/members", data={"m-email": "nobody@test.cn", "m-role": "filer"})
    assert world.a.id in nobody.enterprise_ids("filer")
    client.post(f"/admin/enterprises/{world.a.id}/members", data={"m-email": "nobody@test.cn", "m-role": "signatory"})
    assert world.a.id not in nobody.enterprise_ids("signatory")
    grant = db.session.get(RoleGrant, _grant_ids(nobody.id)[0])
    assert (grant.kind, grant.enterprise_id, grant.status) == ("signatory", world.a.id, "pending")
    second = app.test_client()
    login(second, "security2@test.cn")
    assert second.post(f"/admin/grants/{grant.id}/reject").status_code == 302
    assert grant.status == "rejected" and world.a.id not in nobody.enterprise_ids("signatory")
    again = grants.request_grant(world.users["security"], nobody, "signatory", enterprise=world.a)
    db.session.commit()
    second.post(f"/admin/grants/{again.id}/approve")
    db.session.refresh(nobody)
    assert world.a.id in nobody.enterprise_ids("signatory")


def test_the_database_holds_the_second_person_rule(world) -> None:  # type: ignore[no-untyped-def]
    """Even a bug in the service could not record a self-approved grant: CHECK constraints refuse it."""
    security, nobody = world.users["security"], world.users["nobody"]
    cases = [
        dict(user_id=security.id, requested_by=security.id),  # asked for oneself
        dict(user_id=nobody.id, requested_by=security.id, decided_by=security.id, status="approved"),  # own request
        dict(user_id=security.id, requested_by=world.users["security2"].id, decided_by=security.id,
             status="approved"),  # decided for oneself
    ]
    import datetime as dt

    for case in cases:
        fields = {"kind": "admin_role", "value": "system", "status": "pending", **case}
        if fields["status"] != "pending":
            fields["decided_at"] = dt.datetime.now(dt.UTC)
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(RoleGrant(**fields))
            db.session.flush()


def test_one_administrator_role_per_person_and_removal_is_immediate(client, world) -> None:  # type: ignore[no-untyped-def]
    security = world.users["security"]
    with pytest.raises(ServiceError, match="one administrator role"):
        grants.request_grant(security, world.users["admin"], "admin_role", value="audit")
    reviewer = world.users["reviewer_jx"]
    login(client, "security@test.cn")
    client.post(f"/admin/users/{reviewer.id}/roles/reviewer_scope/remove")
    assert reviewer.reviewer_scope is None
    client.post(f"/admin/users/{world.users['auditor'].id}/roles/admin_role/remove")
    assert world.users["auditor"].admin_role is None
    assert "user.role_removed" in db.session.scalars(sa.select(AuditEntry.action)).all()


@pytest.mark.parametrize(("role", "reaches", "refused"), [
    ("admin", ["/admin/enterprises/new", "/admin/reference", "/dashboard/", "/uploads/"],
     ["/admin/users", "/admin/grants", "/admin/audit"]),
    ("security", ["/admin/users", "/admin/grants", "/admin/enterprises"],
     ["/admin/enterprises/new", "/admin/reference", "/admin/audit", "/dashboard/", "/review/"]),
    ("auditor", ["/admin/audit", "/admin/audit.csv"],
     ["/admin/users", "/admin/enterprises", "/admin/reference", "/dashboard/", "/review/"]),
])
def test_each_administrator_reaches_their_own_duty_only(client, world, role, reaches, refused) -> None:  # type: ignore[no-untyped-def]
    login(client, f"{role}@test.cn")
    for url in reaches:
        assert client.get(url).status_code == 200, url
    for url in refused:
        assert client.get(url).status_code == 404, url


def test_the_operator_appoints_administrators_from_the_command_line(app, world) -> None:  # type: ignore[no-untyped-def]
    from portal.cli import admin_role_command

    runner = CliRunner()
    with app.app_context():
        result = runner.invoke(admin_role_command, ["Nobody@test.cn", "security"], obj=None,
                               standalone_mode=False)
    assert result.exception is None, result.output
    nobody = world.users["nobody"]
    db.session.refresh(nobody)
    assert nobody.admin_role == "security"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.role_granted")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id is None and entry.entity_id == nobody.id  # the system, on record
    result = runner.invoke(admin_role_command, ["filer_a@test.cn", "system"], standalone_mode=False)
    assert result.exception is not None  # an enterprise user's account is not made an administrator's
    assert db.session.scalars(sa.select(Membership).where(Membership.user_id == world.users["filer_a"].id)).all()


def test_an_administrators_e_mail_is_not_changed_on_the_web(client, world) -> None:  # type: ignore[no-untyped-def]
    """Changing a colleague's e-mail, then sending a reset link, would take their account over."""
    colleague = world.users["security2"]
    login(client, "security@test.cn")
    response = client.post(f"/admin/users/{colleague.id}", data={"email": "mine@test.cn", "name": colleague.name,
                                                                 "active": "y"})
    assert response.status_code == 422 and "运维人员" in response.get_data(as_text=True)
    assert colleague.email == "security2@test.cn"
    filer = world.users["filer_a"]  # an enterprise user's e-mail is the security administrators' to correct
    client.post(f"/admin/users/{filer.id}", data={"email": "filer.a@test.cn", "name": filer.name, "active": "y"})
    assert filer.email == "filer.a@test.cn"
