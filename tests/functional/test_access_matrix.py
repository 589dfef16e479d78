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
    "filings.open_adhoc": ("POST", "/enterprises/{enterprise}/adhoc"),
    "filings.show": ("GET", "/filings/{filing}"),
    "filings.draft_json": ("GET", "/filings/{filing}/draft.json"),
    "filings.edit_json": ("GET", "/filings/{filing}/json"),
    "filings.explanations": ("POST", "/filings/{filing}/explanations"),
    "filings.ready_for_signature": ("POST", "/filings/{filing}/ready-for-signature"),
    "filings.submit": ("GET", "/filings/{filing}/submit"),
    "filings.delete": ("POST", "/filings/{filing}/delete"),
    "filings.withdraw": ("POST", "/filings/{filing}/withdraw"),
    "filings.version": ("GET", "/filings/{filing}/versions/1"),
    "filings.refresh_prefill": ("POST", "/filings/{filing}/prefill"),
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
    # The JSON API is opened with a write token of the role (_open); tests/functional/test_api_v1.py has more.
    "api.draft": ("GET", "/api/v1/filings/{filing}/draft"),
    "api.put_draft": ("PUT", "/api/v1/filings/{filing}/draft"),
    "api.patch_draft": ("PATCH", "/api/v1/filings/{filing}/draft"),
    "api.check_filing": ("POST", "/api/v1/filings/{filing}/check"),
    "api.submit_filing": ("POST", "/api/v1/filings/{filing}/submit"),
    "api.findings": ("GET", "/api/v1/filings/{filing}/findings"),
    "api.patch_explanations": ("PATCH", "/api/v1/filings/{filing}/explanations"),
    "api.get_enterprise": ("GET", "/api/v1/enterprises/{enterprise}"),
    "api.get_filing": ("GET", "/api/v1/filings/{filing}"),
    "api.list_versions": ("GET", "/api/v1/filings/{filing}/versions"),
    "api.get_version": ("GET", "/api/v1/filings/{filing}/versions/1"),
    "api.version_pdf": ("GET", "/api/v1/filings/{filing}/versions/1/pdf"),
    "api.version_xlsx": ("GET", "/api/v1/filings/{filing}/versions/1/xlsx"),
    "api.list_comments": ("GET", "/api/v1/filings/{filing}/comments"),
    "api.create_comment": ("POST", "/api/v1/filings/{filing}/comments"),
    "api.get_import": ("GET", "/api/v1/imports/{job}"),
    "api.import_errors": ("GET", "/api/v1/imports/{job}/errors.xlsx"),
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
    # issue 18 items 3–5: the regulator's tools and the master-data requests
    "regulator.assign": ("POST", "/review/filings/{filing}/assign"),
    "regulator.reopen": ("POST", "/review/filings/{filing}/reopen"),
    "regulator.extend": ("POST", "/review/enterprises/{enterprise}/deadline"),
    "regulator.request_change": ("GET", "/enterprises/{enterprise}/master-data"),
    "regulator.decide_master_data": ("POST", "/review/master-data/{change}/reject"),
    "admin.set_obligations": ("POST", "/admin/obligations/{enterprise}"),
    # Public (办法第二十一条): open to everyone, signed in or not, but only for published versions — see
    # PUBLIC_ENDPOINTS and test_public_disclosure_pages_show_nothing_unpublished below.
    "disclosure.adhoc": ("GET", "/disclosure/{uscc}/2024/adhoc/{filing}"),
    "disclosure.adhoc_pdf": ("GET", "/disclosure/{uscc}/2024/adhoc/{filing}/v1.pdf"),
    # issue 18: verification (核查) and evidence attachments
    "verification.workspace": ("GET", "/verification/filings/{filing}"),
    "verification.checklist": ("POST", "/verification/filings/{filing}/checklist"),
    "verification.raise_finding": ("POST", "/verification/filings/{filing}/findings"),
    "verification.close_finding": ("POST", "/verification/filings/{filing}/findings/{vfinding}/close"),
    "verification.request_correction": ("POST", "/verification/filings/{filing}/return"),
    "verification.conclude": ("POST", "/verification/filings/{filing}/conclude"),
    "verification.version_pdf": ("GET", "/verification/filings/{filing}/versions/1.pdf"),
    "verification.accept": ("POST", "/review/filings/{filing}/verification/accept"),
    "verification.verified_pdf": ("GET", "/filings/{filing}/verified.pdf"),
    "verification.attachments": ("GET", "/filings/{filing}/attachments"),
    "verification.upload": ("POST", "/filings/{filing}/attachments"),
    "verification.delete_attachment": ("POST", "/filings/{filing}/attachments/{attachment}/delete"),
    "verification.attachment": ("GET", "/filings/{filing}/attachments/{attachment}"),
    "verification.respond": ("POST", "/filings/{filing}/verification/findings/{vfinding}/respond"),
}
#: the public disclosure pages: not in the role matrix (anyone may read what is published; nothing else exists)
PUBLIC_ENDPOINTS = {"disclosure.adhoc", "disclosure.adhoc_pdf"}

# Who may reach enterprise A's records (Jiangxi 360700); everyone else must get 404. "admin" is the system
# administrator, "security"/"security2" the security administrators, "auditor" the audit administrator.
VIEWERS = {"admin", "filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"}
MEMBERS = {"filer_a", "signatory_a"}  # the only ones who read the working draft (issue 16 item 6)
SECURITY = {"security", "security2"}
VERIFIER = {"verifier_a"}  # staff of the body engaged for filing A (verifier_x works for another body)
ALLOWED = {
    "filings.enterprise": VIEWERS,
    "filings.open_filing": MEMBERS,
    "filings.open_adhoc": MEMBERS,
    # others who may see the filing are sent to its submitted version (302)
    "filings.show": VIEWERS,
    "filings.draft_json": MEMBERS,
    "filings.edit_json": MEMBERS,
    "filings.explanations": MEMBERS,
    "filings.ready_for_signature": MEMBERS,
    "filings.submit": {"signatory_a"},
    "filings.delete": MEMBERS,  # a draft never submitted (issue 20 item 6)
    "filings.withdraw": {"signatory_a"},  # a submission the reviewer has not begun on
    "filings.version": VIEWERS,
    "filings.refresh_prefill": MEMBERS,
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
    "api.put_draft": MEMBERS,  # 409 for them: the draft is read-only under review
    "api.patch_draft": MEMBERS,
    "api.check_filing": MEMBERS,
    "api.submit_filing": {"signatory_a"},
    "api.findings": MEMBERS,
    "api.patch_explanations": MEMBERS,
    "api.get_enterprise": VIEWERS,
    "api.get_filing": VIEWERS,
    "api.list_versions": VIEWERS,
    "api.get_version": VIEWERS,
    "api.version_pdf": VIEWERS,
    "api.version_xlsx": VIEWERS,
    # the reviewers of the region read every comment, the enterprise those meant for it
    "api.list_comments": {"filer_a", "signatory_a", "reviewer_jx", "reviewer_ganzhou"},
    "api.create_comment": {"reviewer_jx", "reviewer_ganzhou"},
    "api.get_import": {"filer_a"},  # an import job is its uploader's, as on the pages
    "api.import_errors": {"filer_a"},
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
    "regulator.assign": {"reviewer_jx", "reviewer_ganzhou"},
    "regulator.reopen": {"reviewer_jx", "reviewer_ganzhou"},
    "regulator.extend": {"reviewer_jx", "reviewer_ganzhou"},
    "regulator.request_change": MEMBERS,  # the enterprise's own filers and signatories ask
    "regulator.decide_master_data": {"reviewer_jx", "reviewer_ganzhou"},  # reviewers of the enterprise's region
    "admin.set_obligations": {"admin"},
    # issue 18: the engaged body's verifier works on the filing; reviewers accept; the enterprise attaches and
    # answers; the evidence of a submitted version is seen by whoever sees the version, and its verifier
    "verification.workspace": VERIFIER,
    "verification.checklist": VERIFIER,
    "verification.raise_finding": VERIFIER,
    "verification.close_finding": VERIFIER,
    "verification.request_correction": VERIFIER,
    "verification.conclude": VERIFIER,
    "verification.version_pdf": VERIFIER,
    "verification.accept": {"reviewer_jx", "reviewer_ganzhou"},
    "verification.verified_pdf": VIEWERS | VERIFIER,
    "verification.attachments": MEMBERS,
    "verification.upload": MEMBERS,
    "verification.delete_attachment": MEMBERS,
    "verification.attachment": VIEWERS | VERIFIER,
    "verification.respond": MEMBERS,
}
ROLES = ["admin", "security", "security2", "auditor", "filer_a", "signatory_a", "filer_b", "signatory_b",
         "reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js", "nobody", "verifier_a", "verifier_x"]

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
    "/review/ledger": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/review/ledger.xlsx": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/review/credit": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/review/master-data": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/admin/obligations": {"admin"},
    "/review/export.xlsx?year=2024": {"admin", "reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/dashboard/": {"admin", "filer_a", "signatory_a", "filer_b", "signatory_b", "reviewer_jx", "reviewer_ganzhou",
                    "reviewer_nanchang", "reviewer_js"},
    "/verification/": {"verifier_a", "verifier_x"},
    "/review/engagements": {"reviewer_jx", "reviewer_ganzhou", "reviewer_nanchang", "reviewer_js"},
    "/admin/verification-bodies": {"admin", *SECURITY},
}


def test_every_record_endpoint_is_in_the_matrix(app: Flask) -> None:
    named = {rule.endpoint for rule in app.url_map.iter_rules() if re.search(r"<(int:)?\w+_id>", rule.rule)}
    assert named - set(RECORD_ENDPOINTS) == set(), "add the new endpoints to the access matrix"


def _with_verifiers(world):  # type: ignore[no-untyped-def]
    """Add two verifiers: verifier_a of the body engaged for filing A (later), verifier_x of another body."""
    from portal.services import accounts, grants, verification
    from tests.helpers import PASSWORD

    bodies = [verification.create_body(None, name) for name in ("赣江核查中心", "另一核查机构")]
    for key, body in zip(("verifier_a", "verifier_x"), bodies, strict=True):
        user = accounts.create_user(None, email=f"{key}@test.cn", name=key, password=PASSWORD,
                                    must_change_password=False)
        grants.set_verifier_directly(None, user, body)
        world.users[key] = user
    world.bodies = bodies
    return world


@pytest.fixture()
def verifier_world(world):  # type: ignore[no-untyped-def]
    return _with_verifiers(world)


@pytest.fixture()
def submitted_world(world):  # type: ignore[no-untyped-def]
    from portal.services import attachments, filings, review, verification
    from tests.helpers import PASSWORD, TINY_PDF

    _with_verifiers(world)
    world.attachment = attachments.attach(world.users["filer_a"], world.filing_a, filename="lab.pdf", data=TINY_PDF)
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    engaged = verification.engage(world.users["reviewer_jx"], world.bodies[0], 2024, [world.filing_a])
    world.verification = verification.verifications_of_engagement(engaged)[0]
    world.vfinding = verification.raise_finding(world.users["verifier_a"], world.verification,
                                                field_path="fuels[0].consumption", body="与发票不符")
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
    from portal.services import masterdata

    # filer_a asks to rename enterprise A: a reviewer of its region decides (issue 18 item 5)
    world.change = masterdata.request_change(world.users["filer_a"], world.a, {"name": "江西赣峰水泥股份有限公司"},
                                             "更名")
    return world


def _failed_upload(actor):  # type: ignore[no-untyped-def]
    """Return filer_a's finished upload job that has an error workbook (so every job URL has a target)."""
    from portal.services import jobs

    job = jobs.submit_upload(actor, "import_workbook", "bulk.xlsx", b"PK\x03\x04 not really")
    attempt = jobs.claim(job.id, "test")
    assert attempt == 1
    assert jobs.finish(job.id, attempt, "failed", outcome=jobs.Outcome(ok=False, file=b"annotated"))
    return job


def _open(client, role: str, method: str, url: str, tokens: dict[str, str]):  # type: ignore[no-untyped-def]
    """Open ``url`` as ``role``: pages with the signed-in session, the JSON API with a write token of the role."""
    if not url.startswith("/api/"):
        return client.open(url, method=method, data={})
    if role not in tokens:
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import User
        from portal.services import tokens as token_service

        user = db.session.scalars(select(User).where(User.email == f"{role}@test.cn")).one()
        tokens[role] = token_service.issue(user, user, name="matrix", scope="write")[1]
        db.session.commit()  # a savepoint release: a refused request's rollback must keep the token
    return client.open(url, method=method, data={}, headers={"Authorization": f"Bearer {tokens[role]}"})


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
           "token": w.token.id, "grant": w.grant.id, "change": w.change.id, "attachment": w.attachment.id,
           "vfinding": w.vfinding.id}
    login(client, f"{role}@test.cn")
    failures = []
    tokens: dict[str, str] = {}
    for endpoint, (method, template) in RECORD_ENDPOINTS.items():
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        url = template.format(**ids)
        response = _open(client, role, method, url, tokens)
        allowed = role in ALLOWED[endpoint]
        if allowed and response.status_code == 404:
            failures.append(f"{role} {method} {url}: 404 but should be allowed")
        if not allowed and response.status_code != 404:
            failures.append(f"{role} {method} {url}: {response.status_code}, expected 404")
    assert failures == []


def test_anonymous_users_are_sent_to_login(client, world) -> None:  # type: ignore[no-untyped-def]
    for endpoint, (method, template) in RECORD_ENDPOINTS.items():
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        url = template.format(filing=world.filing_a.id, enterprise=world.a.id, user=1, membership=1, comment=1,
                              notification=1, job=1, upload=1, token=1, grant=1, change=1, uscc=world.a.uscc,
                              attachment=1, vfinding=1)
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
def test_role_by_page(client, verifier_world, role: str) -> None:  # type: ignore[no-untyped-def]
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
    tokens: dict[str, str] = {}
    for method, template in RECORD_ENDPOINTS.values():
        if "{filing}" not in template and "{enterprise}" not in template:
            continue
        url = template.format(filing=world.filing_b.id, enterprise=world.b.id, comment=1, change=1, uscc=world.b.uscc,
                              attachment=1, vfinding=1)
        assert _open(client, role, method, url, tokens).status_code == 404, url
    if role.startswith("reviewer"):
        assert "南京江宁热电有限公司" not in client.get("/review/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "security", "auditor", "filer_a", "signatory_a", "nobody"])
def test_the_regulators_posts_without_a_record_are_reviewers_only(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    """The queue's bulk actions and the credit-grade entry and import (issue 18) answer 404 to non-reviewers."""
    login(client, f"{role}@test.cn")
    for url in ("/review/bulk", "/review/credit", "/review/credit/import"):
        assert client.post(url, data={"filing_ids": [str(world.filing_a.id)], "action": "remind"}).status_code == 404, url
# ------------------------------------------------------------------ the public disclosure pages (issue 17)


@pytest.fixture()
def disclosure_world(verifier_world):  # type: ignore[no-untyped-def]
    """Return the world with A's annual report and ad-hoc report published, then drafts that are not.

    After publication A's annual draft is returned and changed (a new summary, not yet published); A has a
    second, unpublished ad-hoc draft of 2025; B has an unpublished annual draft of 2024.
    """
    import dataclasses
    import datetime as dt

    from portal.extensions import db
    from portal.services import filings, review
    from tests.functional.test_disclosure_web import ADHOC, _published_example, example_text, publish

    world = verifier_world
    annual, _version = _published_example(world)
    review.return_filing(world.users["reviewer_jx"], annual, note="请更正")
    draft = filings.draft_document(annual)
    changed = dataclasses.replace(draft, key_info=dataclasses.replace(draft.key_info, summary_zh="未披露的草稿内容"))
    filings.save_draft(world.users["filer_a"], annual, changed, None)
    adhoc = filings.open_draft(world.users["filer_a"], world.a, "env_disclosure_adhoc", 2024)
    filings.save_draft(world.users["filer_a"], adhoc, filings.parse_json_draft(example_text(ADHOC)), None)
    publish(world, adhoc, dt.datetime(2024, 9, 27, 2, 0, tzinfo=dt.UTC))
    unpublished = filings.open_draft(world.users["filer_a"], world.a, "env_disclosure_adhoc", 2025)
    b_draft = filings.open_draft(world.users["filer_b"], world.b, "env_disclosure_annual_report", 2024)
    db.session.flush()
    world.public = {"adhoc": adhoc, "unpublished": unpublished, "b_draft": b_draft, "annual": annual}
    return world


@pytest.mark.parametrize("role", [None, *ROLES])
def test_public_disclosure_pages_show_nothing_unpublished(client, disclosure_world, role) -> None:  # type: ignore[no-untyped-def]
    """Anyone — anonymous or any role — reads what is published, and nothing unpublished, ever (404)."""
    w = disclosure_world
    if role is not None:
        login(client, f"{role}@test.cn")
    a, b = w.a.uscc, w.b.uscc
    adhoc, unpublished = w.public["adhoc"].id, w.public["unpublished"].id
    published = [f"/disclosure/{a}/2024", f"/disclosure/{a}/2024/v1.pdf", f"/disclosure/{a}/2024/adhoc/{adhoc}",
                 f"/disclosure/{a}/2024/adhoc/{adhoc}/v1.pdf", f"/disclosure?uscc={a}"]
    for url in published:
        assert client.get(url).status_code == 200, (role, url)
    missing = [
        f"/disclosure/{b}/2024", f"/disclosure/{b}/2024/v1.pdf",  # B's draft was never published
        f"/disclosure/{a}/2024/v2.pdf",  # the returned draft is not a version
        f"/disclosure/{a}/2025", f"/disclosure/{a}/2025/adhoc/{unpublished}",  # an unpublished ad-hoc draft
        f"/disclosure/{a}/2024/adhoc/{unpublished}", f"/disclosure/{a}/2024/adhoc/{w.filing_a.id}",  # a GHG report
        f"/disclosure/{a}/2024/adhoc/{w.public['annual'].id}",  # the annual report is not an ad-hoc one
        f"/disclosure/{b}/2024/adhoc/{adhoc}",  # A's ad-hoc under B's code
        "/disclosure/91360700MA38P2K5XX/2024", "/disclosure/not-a-code/2024",
    ]
    for url in missing:
        assert client.get(url).status_code == 404, (role, url)
    page = client.get(f"/disclosure/{a}/2024").get_data(as_text=True)
    assert "未披露的草稿内容" not in page  # the changed draft, returned for correction, is not published
    search = client.get("/disclosure?year=2024").get_data(as_text=True)
    assert "南京江宁热电有限公司" not in search  # B's draft is not found
    assert f"/adhoc/{unpublished}" not in client.get(f"/disclosure?uscc={a}").get_data(as_text=True)
