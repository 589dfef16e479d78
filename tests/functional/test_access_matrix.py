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
    "admin.user_form": ("GET", "/admin/users/{user}"),
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

# Who may reach enterprise A's records (Jiangxi 360700); everyone else must get 404.
ALLOWED = {
    "filings.enterprise": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "filings.open_filing": {"filer_a", "signatory_a"},
    "filings.show": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "filings.draft_json": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "filings.edit_json": {"filer_a", "signatory_a"},
    "filings.explanations": {"filer_a", "signatory_a"},
    "filings.submit": {"signatory_a"},
    "filings.version": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "filings.version_json": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "review.decide": {"reviewer_jx", "reviewer_ganzhou"},
    "review.show": {"reviewer_jx", "reviewer_ganzhou"},
    "review.comment": {"reviewer_jx", "reviewer_ganzhou"},
    "review.verdict": {"reviewer_jx", "reviewer_ganzhou"},
    "review.answer": {"filer_a", "signatory_a"},
    "exports.version_pdf": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "exports.version_xlsx": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "exports.draft_file": {"filer_a", "signatory_a"},
    "exports.draft_pdf": {"filer_a", "signatory_a"},
    "exports.version_file_state": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "exports.queue_version_file": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "review.read": {"reviewer_jx", "reviewer_ganzhou"},
    "review.today": {"reviewer_jx", "reviewer_ganzhou"},
    "drafts.index": {"filer_a", "signatory_a"},
    "drafts.section": {"filer_a", "signatory_a"},
    "drafts.preview": {"filer_a", "signatory_a"},
    "api.draft": {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "admin.user_form": {"admin"},
    "admin.enterprise_form": {"admin"},
    "admin.add_member": {"admin"},
    "admin.remove_member": {"admin"},
    # A job is private to the user who started it (filer_a's upload), administrators included.
    "jobs.show": {"filer_a"},
    "jobs.status": {"filer_a"},
    "jobs.error_workbook": {"filer_a"},
    "jobs.retry": {"filer_a"},
    "jobs.file": {"filer_a"},
    "notifications.mark_read": {"reviewer_jx"},  # the notice of reviewer_jx about the submission: theirs only
    # an upload's result and error workbook: whoever uploaded it (filer_a here) and administrators
    "uploads.result": {"admin", "filer_a"},
    "uploads.error_workbook": {"admin", "filer_a"},
}
ROLES = ["admin", "filer_a", "signatory_a", "filer_b", "signatory_b", "reviewer_jx", "reviewer_ganzhou",
         "reviewer_nanchang", "reviewer_js", "nobody"]


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
           "notification": _notice_of(w.users["reviewer_jx"]), "job": w.job.id, "upload": w.upload.id}
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
                              notification=1, job=1, upload=1)
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


def test_non_reviewers_and_non_admins_get_404_for_role_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    for url in ("/review/", "/admin/", "/admin/users", "/admin/enterprises", "/admin/audit"):
        assert client.get(url).status_code == 404, url


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
