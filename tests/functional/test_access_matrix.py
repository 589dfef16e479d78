"""Role × endpoint matrix: nobody sees another enterprise's data unless role and scope allow it (404)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import login

# Every URL rule that names a record must appear here, with how it is reached; a new endpoint that
# names a record and is missing from this table fails test_every_record_endpoint_is_in_the_matrix.
RECORD_ENDPOINTS: dict[str, tuple[str, str]] = {
    # endpoint: (method, url template with {filing}/{enterprise}/{version}/{membership}/{user}/{comment})
    "filings.enterprise": ("GET", "/enterprises/{enterprise}"),
    "filings.open_filing": ("POST", "/enterprises/{enterprise}/filings"),
    "filings.show": ("GET", "/filings/{filing}"),
    "filings.draft_json": ("GET", "/filings/{filing}/draft.json"),
    "filings.edit_json": ("GET", "/filings/{filing}/json"),
    "filings.explanations": ("POST", "/filings/{filing}/explanations"),
    "filings.submit": ("GET", "/filings/{filing}/submit"),
    "filings.delete": ("POST", "/filings/{filing}/delete"),
    "filings.withdraw": ("POST", "/filings/{filing}/withdraw"),
    "filings.version": ("GET", "/filings/{filing}/versions/1"),
    "filings.version_json": ("GET", "/filings/{filing}/versions/1.json"),
    "review.decide": ("POST", "/review/filings/{filing}/accept"),
    "review.show": ("GET", "/review/filings/{filing}"),
    "review.comment": ("POST", "/review/filings/{filing}/comments"),
    "review.verdict": ("POST", "/review/filings/{filing}/verdicts"),
    "review.answer": ("POST", "/filings/{filing}/comments/{comment}/answer"),
    "exports.version_pdf": ("GET", "/filings/{filing}/versions/1.pdf"),
    "exports.version_xlsx": ("GET", "/filings/{filing}/versions/1.xlsx"),
    "exports.draft_file": ("GET", "/filings/{filing}/draft.xlsx"),
    "exports.draft_pdf": ("POST", "/filings/{filing}/draft.pdf"),
    "exports.version_file_state": ("GET", "/filings/{filing}/versions/1.pdf/state.json"),
    "exports.queue_version_file": ("POST", "/filings/{filing}/versions/1.pdf/render"),
    "review.read": ("POST", "/review/filings/{filing}/versions/1/read"),
    "review.today": ("GET", "/review/filings/{filing}/versions/1/today"),
    "drafts.index": ("GET", "/filings/{filing}/edit"),
    "drafts.section": ("GET", "/filings/{filing}/edit/fuels"),
    "drafts.preview": ("POST", "/filings/{filing}/edit/fuels/preview"),
    # Read with the session here; writes need a token (tests/functional/test_api.py has the token matrix).
    "api.draft": ("GET", "/api/v1/filings/{filing}/draft"),
    "account.revoke_token": ("POST", "/account/tokens/{token}/revoke"),
    "admin.user_form": ("GET", "/admin/users/{user}"),
    "admin.unlock": ("POST", "/admin/users/{user}/unlock"),
    "admin.sign_out": ("POST", "/admin/users/{user}/sign-out"),
    "admin.reset_two_factor": ("POST", "/admin/users/{user}/two-factor-reset"),
    "admin.password_link": ("POST", "/admin/users/{user}/password-link"),
    "admin.request_grant": ("POST", "/admin/users/{user}/grants"),
    "admin.remove_role": ("POST", "/admin/users/{user}/roles/reviewer_scope/remove"),
    "admin.revoke_token": ("POST", "/admin/tokens/{token}/revoke"),
    "admin.decide_grant": ("POST", "/admin/grants/{grant}/reject"),
    "admin.enterprise_form": ("GET", "/admin/enterprises/{enterprise}"),
    "admin.add_member": ("POST", "/admin/enterprises/{enterprise}/members"),
    "admin.remove_member": ("POST", "/admin/memberships/{membership}/delete"),
    "jobs.show": ("GET", "/jobs/{job}"),
    "jobs.status": ("GET", "/jobs/{job}.json"),
    "jobs.error_workbook": ("GET", "/jobs/{job}/errors.xlsx"),
    "jobs.retry": ("POST", "/jobs/{job}/retry"),
    "jobs.file": ("GET", "/jobs/{job}/file"),
    "notifications.mark_read": ("POST", "/notifications/{notification}/read"),
    "uploads.result": ("GET", "/uploads/{upload}"),
    "uploads.error_workbook": ("GET", "/uploads/{upload}/errors.xlsx"),
}

# Who may reach enterprise A's records (Jiangxi 360700); everyone else must get 404. "admin" is the system
# administrator, "security"/"security2" the security administrators, "auditor" the audit administrator.
VIEWERS = {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"}
MEMBERS = {"filer_a", "signatory_a"}  # the only ones who read the working draft (issue 16 item 6)
SECURITY = {"security", "security2"}
ALLOWED = {
    "filings.enterprise": VIEWERS,
    "filings.open_filing": MEMBERS,
    # others who may see the filing are sent to its submitted version (302)
    "filings.show": VIEWERS,
    "filings.draft_json": MEMBERS,
    "filings.edit_json": MEMBERS,
    "filings.explanations": MEMBERS,
    "filings.submit": {"signatory_a"},
    "filings.delete": MEMBERS,  # a draft never submitted (issue 20 item 6)
    "filings.withdraw": {"signatory_a"},  # a submission the reviewer has not begun on
    "filings.version": VIEWERS,
    "filings.version_json": VIEWERS,
    "review.decide": {"reviewer_jx", "reviewer_ganzhou"},
    "review.show": {"reviewer_jx", "reviewer_ganzhou"},
    "review.comment": {"reviewer_jx", "reviewer_ganzhou"},
    "review.verdict": {"reviewer_jx", "reviewer_ganzhou"},
    "review.answer": MEMBERS,
    "exports.version_pdf": VIEWERS,
    "exports.version_xlsx": VIEWERS,
    "exports.draft_file": MEMBERS,
    "exports.draft_pdf": MEMBERS,
    "exports.version_file_state": VIEWERS,
    "exports.queue_version_file": VIEWERS,
    "review.read": {"reviewer_jx", "reviewer_ganzhou"},
    "review.today": {"reviewer_jx", "reviewer_ganzhou"},
    "drafts.index": MEMBERS,
    "drafts.section": MEMBERS,
    "drafts.preview": MEMBERS,
    "api.draft": MEMBERS,
    "account.revoke_token": {"filer_a"},  # the token's owner (administrators revoke through admin.revoke_token)
    "admin.user_form": SECURITY,
    "admin.unlock": SECURITY,
    "admin.sign_out": SECURITY,
    "admin.reset_two_factor": SECURITY,
    "admin.password_link": SECURITY,
    "admin.request_grant": SECURITY,
    "admin.remove_role": SECURITY,
    "admin.revoke_token": SECURITY,
    "admin.decide_grant": SECURITY,
    # the system administrator edits the master data, the security administrators manage the members
    "admin.enterprise_form": {"admin", *SECURITY},
    "admin.add_member": SECURITY,
    "admin.remove_member": SECURITY,
    # A job is private to the user who started it (filer_a's upload), administrators included.
    "jobs.show": {"filer_a"},
    "jobs.status": {"filer_a"},
    "jobs.error_workbook": {"filer_a"},
    "jobs.retry": {"filer_a"},
    "jobs.file": {"filer_a"},
    "notifications.mark_read": {"reviewer_jx"},  # the notice of reviewer_jx about the submission: theirs only
    # an upload's result and error workbook hold drafts: whoever uploaded it (filer_a here) only
    "uploads.result": {"filer_a"},
    "uploads.error_workbook": {"filer_a"},
}
ROLES = ["admin", "security", "security2", "auditor", "filer_a", "signatory_a", "filer_b", "signatory_b",
         "reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js", "nobody"]

# Pages that name no record, by who may open them (everyone else: 404). Anonymous users are sent to login.
ROLE_PAGES: dict[str, set[str]] = {
    "/admin/": {"admin", *SECURITY, "auditor"},  # the audit administrator is sent on to the audit log
    "/admin/users": SECURITY,
    "/admin/users/new": SECURITY,
    "/admin/grants": SECURITY,
    "/admin/enterprises": {"admin", *SECURITY},
    "/admin/enterprises/new": {"admin"},
    "/admin/reference": {"admin"},
    "/admin/audit": {"auditor"},
    "/admin/audit.csv": {"auditor"},
    "/review/": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/review/export.xlsx?year=2024": {"admin", "reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/dashboard/": {"admin", "filer_a", "signatory_a", "filer_b", "signatory_b", "reviewer_jx", "reviewer_ganzhou",
                    "reviewer_nanchang", "reviewer_js"},
}


def test_every_record_endpoint_is_in_the_matrix(app: Flask) -> None:
    named = {rule.endpoint for rule in app.url_map.iter_rules() if re.search(r"<(int:)?\w+_id>", rule.rule)}
    assert named - set(RECORD_ENDPOINTS) == set(), "add the new endpoints to the access matrix"


@pytest.fixture()
def submitted_world(world):  # type: ignore[no-untyped-def]
    from portal.services import filings, review
    from tests.helpers import PASSWORD

    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    from portal.extensions import db
    from portal.models import ImportRecord

    world.upload = ImportRecord(sha256="0" * 64, filename="a.xlsx", actor_id=world.users["filer_a"].id,
                                outcome="rejected", message_zh="错", message_en="wrong", error_workbook=b"PK")
    db.session.add(world.upload)
    db.session.flush()
    # A comment the enterprise can see, for the answer endpoint (the filing stays under review).
    world.comment = review.add_comment(world.users["reviewer_jx"], world.filing_a, target_type="filing", target="",
                                       visibility="filer", body="请核实")
    world.job = _failed_upload(world.users["filer_a"])
    from portal.services import grants, tokens

    world.token = tokens.issue(world.users["filer_a"], world.users["filer_a"], name="erp", scope="read")[0]
    # a pending request by one security administrator, to be decided by the other
    world.grant = grants.request_grant(world.users["security"], world.users["nobody"], "reviewer_scope", value="3607")
    return world


def _failed_upload(actor):  # type: ignore[no-untyped-def]
    """Return filer_a's finished upload job that has an error workbook (so every job URL has a target)."""
    from portal.services import jobs

    job = jobs.submit_upload(actor, "import_workbook", "bulk.xlsx", b"PK\x03\x04 not really")
    attempt = jobs.claim(job.id, "test")
    assert attempt == 1
    assert jobs.finish(job.id, attempt, "failed", outcome=jobs.Outcome(ok=False, file=b"annotated"))
    return job


def _notice_of(user) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Notification

    return int(db.session.scalar(select(Notification.id).where(Notification.user_id == user.id)))


@pytest.mark.parametrize("role", ROLES)
def test_role_by_endpoint(client, submitted_world, role: str) -> None:  # type: ignore[no-untyped-def]
    w = submitted_world
    victim = w.users["filer_a"]
    ids = {"filing": w.filing_a.id, "enterprise": w.a.id, "user": victim.id,
           "membership": victim.memberships[0].id, "comment": w.comment.id,
           "notification": _notice_of(w.users["reviewer_jx"]), "job": w.job.id, "upload": w.upload.id,
           "token": w.token.id, "grant": w.grant.id}
    login(client, f"{role}@test.cn")
    failures = []
    for endpoint, (method, template) in RECORD_ENDPOINTS.items():
        url = template.format(**ids)
        response = client.open(url, method=method, data={})
        allowed = role in ALLOWED[endpoint]
        if allowed and response.status_code == 404:
            failures.append(f"{role} {method} {url}: 404 but should be allowed")
        if not allowed and response.status_code != 404:
            failures.append(f"{role} {method} {url}: {response.status_code}, expected 404")
    assert failures == []


def test_anonymous_users_are_sent_to_login(client, world) -> None:  # type: ignore[no-untyped-def]
    for method, template in RECORD_ENDPOINTS.values():
        url = template.format(filing=world.filing_a.id, enterprise=world.a.id, user=1, membership=1, comment=1,
                              notification=1, job=1, upload=1, token=1, grant=1)
        response = client.open(url, method=method)
        if url.startswith("/api/"):  # the JSON API answers 401 (a bearer token is needed), not a redirect
            assert response.status_code == 401, url
            continue
        assert response.status_code in (302, 400), url  # 400: POST without CSRF when it is on
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_reviewer_queues_show_only_their_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_js@test.cn")
    page = client.get("/review/").get_data(as_text=True)
    assert "南京江宁热电有限公司" in page and "江西赣峰水泥有限公司" not in page
    client.post("/logout")
    login(client, "reviewer_nanchang@test.cn")
    page = client.get("/review/").get_data(as_text=True)
    assert "江西赣峰水泥有限公司" not in page and "南京江宁热电有限公司" not in page
    client.post("/logout")
    login(client, "reviewer_ganzhou@test.cn")
    page = client.get("/review/").get_data(as_text=True)
    assert "江西赣峰水泥有限公司" in page and "南京江宁热电有限公司" not in page


def test_enterprise_home_lists_only_own_filings(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_b@test.cn")
    page = client.get("/my").get_data(as_text=True)
    assert "南京江宁热电有限公司" in page and "江西赣峰水泥有限公司" not in page


@pytest.mark.parametrize("role", ROLES)
def test_role_by_page(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    """Each administrator reaches the pages of their own duty only (三权分立); the others answer 404."""
    login(client, f"{role}@test.cn")
    failures = []
    for url, allowed in ROLE_PAGES.items():
        status = client.get(url).status_code
        if role in allowed and status not in (200, 302):
            failures.append(f"{role} GET {url}: {status} but should be allowed")
        if role not in allowed and status != 404:
            failures.append(f"{role} GET {url}: {status}, expected 404")
    assert failures == []


def test_anonymous_users_are_sent_to_login_from_role_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    for url in ROLE_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", ["reviewer_jx", "reviewer_ganzhou", "filer_a", "signatory_a"])
def test_jiangxi_users_see_nothing_of_jiangsu(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    login(client, f"{role}@test.cn")
    for method, template in RECORD_ENDPOINTS.values():
        if "{filing}" not in template and "{enterprise}" not in template:
            continue
        url = template.format(filing=world.filing_b.id, enterprise=world.b.id, comment=1)
        assert client.open(url, method=method, data={}).status_code == 404, url
    if role.startswith("reviewer"):
        assert "南京江宁热电有限公司" not in client.get("/review/").get_data(as_text=True)
