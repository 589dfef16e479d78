"""Every mutating service refuses an actor without permission with NotFound (the pages' 404), changing nothing.

The views check access before they call a service, but a service is reached by other channels too (the
API, imports, jobs, scripts): each one checks its actor itself (``portal.services.access``). Saving a
draft had no check before issue 13.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from portal.extensions import db
from portal.models import Job, Membership, Notification, ReviewComment
from portal.services import (
    accounts,
    audit_log,
    credentials,
    filings,
    grants,
    jobs,
    notifications,
    reference,
    review,
    tokens,
    twofactor,
)
from portal.services.errors import NotFound
from tests.helpers import PASSWORD, fingerprint

WARNING_KEY = "XCK-004@energy_total_tce"


def _verification():  # type: ignore[no-untyped-def]
    from portal.services import verification

    return verification


def _attachments():  # type: ignore[no-untyped-def]
    from portal.services import attachments

    return attachments


def _models():  # type: ignore[no-untyped-def]
    import portal.models

    return portal.models


def _submitted(world):  # type: ignore[no-untyped-def]
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    return world.filing_a


def _comment(world) -> ReviewComment:  # type: ignore[no-untyped-def]
    filing = _submitted(world)
    return review.add_comment(world.users["reviewer_jx"], filing, target_type="filing", target="",
                              visibility="filer", body="请核实")


def _notice(world) -> Notification:  # type: ignore[no-untyped-def]
    notice = notifications.notify(world.users["filer_a"], "reminder", "提醒", "reminder")
    assert notice is not None
    return notice


def _job(world) -> Job:  # type: ignore[no-untyped-def]
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"PK-not-really")
    job.status, job.finished_at = "interrupted", dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    db.session.flush()
    return job


def _document(world):  # type: ignore[no-untyped-def]
    return filings.draft_document(world.filing_a)


def _nothing(world) -> None:  # type: ignore[no-untyped-def]
    return None


def _token(world):  # type: ignore[no-untyped-def]
    return tokens.issue(world.users["filer_a"], world.users["filer_a"], name="erp", scope="read")[0]


def _grant(world):  # type: ignore[no-untyped-def]
    return grants.request_grant(world.users["security"], world.users["nobody"], "reviewer_scope", value="36")


def _engaged(world):  # type: ignore[no-untyped-def]
    """Return the verification of submitted filing A by a body; ``verifier_x`` works for another body (issue 18)."""
    from portal.services import verification

    filing = _submitted(world)
    engaged, other = verification.create_body(None, "赣江核查中心"), verification.create_body(None, "另一核查机构")
    world.users["verifier_x"] = accounts.create_user(None, email="verifier_x@test.cn", name="x", password=PASSWORD)
    grants.set_verifier_directly(None, world.users["verifier_x"], other)
    row = verification.engage(world.users["reviewer_jx"], engaged, 2024, [filing])
    return verification.verifications_of_engagement(row)[0]


def _with_body(world):  # type: ignore[no-untyped-def]
    return _submitted(world), _verification().create_body(None, "甲")


def _finding(world):  # type: ignore[no-untyped-def]
    from portal.services import verification

    row = _engaged(world)
    inside = accounts.create_user(None, email="verifier_a@test.cn", name="a", password=PASSWORD)
    grants.set_verifier_directly(None, inside, row.engagement.body)
    return verification.raise_finding(inside, row, field_path="fuels[0].consumption", body="不符")


def _attachment(world):  # type: ignore[no-untyped-def]
    from portal.services import attachments
    from tests.helpers import TINY_PDF

    return attachments.attach(world.users["filer_a"], world.filing_a, filename="lab.pdf", data=TINY_PDF)


def _membership(world) -> Membership:  # type: ignore[no-untyped-def]
    return db.session.scalars(select(Membership).where(Membership.enterprise_id == world.a.id)).first()


#: name → (what the case needs first, who is refused and what they try with it). Each attempt is refused for
#: lack of permission, before anything else is checked or changed.
CASES: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], object]]] = {
    "filings.open_draft": (_nothing, lambda w, _: filings.open_draft(w.users["filer_b"], w.a, "ghg_annual_report",
                                                                     2023)),
    "filings.save_draft": (_document, lambda w, doc: filings.save_draft(w.users["filer_b"], w.filing_a, doc, None)),
    "filings.save_draft (a reviewer)": (_document, lambda w, doc: filings.save_draft(w.users["reviewer_jx"],
                                                                                     w.filing_a, doc, None)),
    "filings.save_draft (an administrator)": (_document, lambda w, doc: filings.save_draft(w.users["admin"],
                                                                                           w.filing_a, doc, None)),
    "filings.submit": (_nothing, lambda w, _: filings.submit(w.users["filer_a"], w.filing_a, password=PASSWORD,
                                                             certified=True)),
    "review.add_comment": (_submitted, lambda w, f: review.add_comment(w.users["reviewer_js"], f, target_type="filing",
                                                                       target="", visibility="filer", body="x")),
    "review.set_verdict": (_submitted, lambda w, f: review.set_verdict(w.users["reviewer_nanchang"], f, WARNING_KEY,
                                                                       "rejected")),
    "review.answer_comment": (_comment, lambda w, c: review.answer_comment(w.users["filer_b"], w.filing_a, c, "已改")),
    "review.return_filing": (_submitted, lambda w, f: review.return_filing(w.users["reviewer_js"], f, "退回")),
    "review.accept_filing": (_submitted, lambda w, f: review.accept_filing(w.users["reviewer_js"], f)),
    "accounts.create_user": (_nothing, lambda w, _: accounts.create_user(w.users["reviewer_jx"], email="x@test.cn",
                                                                         name="x", password=PASSWORD)),
    "accounts.update_user": (_nothing, lambda w, _: accounts.update_user(w.users["filer_a"], w.users["filer_a"],
                                                                         admin_role="security")),
    "accounts.create_user (the system administrator)": (_nothing, lambda w, _: accounts.create_user(
        w.users["admin"], email="x@test.cn", name="x")),
    "accounts.update_user (the audit administrator)": (_nothing, lambda w, _: accounts.update_user(
        w.users["auditor"], w.users["filer_a"], name="改名")),
    "accounts.create_enterprise (a security administrator)": (_nothing, lambda w, _: accounts.create_enterprise(
        w.users["security"], uscc="x", name="x")),
    "accounts.add_membership (the system administrator)": (_nothing, lambda w, _: accounts.add_membership(
        w.users["admin"], w.users["nobody"], w.a, "filer")),
    "accounts.unlock (the system administrator)": (_nothing, lambda w, _: accounts.unlock(w.users["admin"],
                                                                                          w.users["filer_a"])),
    "accounts.sign_out_everywhere (another user)": (_nothing, lambda w, _: accounts.sign_out_everywhere(
        w.users["filer_b"], w.users["filer_a"])),
    "grants.request_grant (the system administrator)": (_nothing, lambda w, _: grants.request_grant(
        w.users["admin"], w.users["nobody"], "admin_role", value="system")),
    "grants.decide (a filer)": (_grant, lambda w, g: grants.decide(w.users["filer_a"], g, approve=True)),
    "grants.decide (the audit administrator)": (_grant, lambda w, g: grants.decide(w.users["auditor"], g,
                                                                                  approve=True)),
    "credentials.send_invitation (the system administrator)": (_nothing, lambda w, _: credentials.send_invitation(
        w.users["admin"], w.users["nobody"], lambda s: s)),
    "credentials.send_reset (a reviewer)": (_nothing, lambda w, _: credentials.send_reset(
        w.users["reviewer_jx"], w.users["nobody"], lambda s: s)),
    "twofactor.reset_by_administrator (the audit administrator)": (
        _nothing, lambda w, _: twofactor.reset_by_administrator(w.users["auditor"], w.users["reviewer_jx"])),
    "audit_log.page (a security administrator)": (_nothing, lambda w, _: audit_log.page(
        w.users["security"], audit_log.AuditFilter())),
    "reference.correct (a security administrator)": (_nothing, lambda w, _: reference.correct(
        w.users["security"], target="product", code="cement_clinker", scope="", field="benchmark", value="100",
        status="C", reason="test")),
    "accounts.create_enterprise": (_nothing, lambda w, _: accounts.create_enterprise(w.users["filer_a"], uscc="x",
                                                                                     name="x")),
    "accounts.update_enterprise": (_nothing, lambda w, _: accounts.update_enterprise(w.users["filer_a"], w.a,
                                                                                     name="改名")),
    "accounts.add_membership": (_nothing, lambda w, _: accounts.add_membership(w.users["filer_a"], w.users["nobody"],
                                                                               w.a, "signatory")),
    "accounts.remove_membership": (_membership, lambda w, m: accounts.remove_membership(w.users["filer_a"], m)),
    "accounts.issue_api_token": (_nothing, lambda w, _: accounts.issue_api_token(
        w.users["security"], w.users["filer_a"], name="x", scope="read")),
    "accounts.revoke_api_token": (_token, lambda w, t: accounts.revoke_api_token(w.users["filer_b"], t)),
    "accounts.set_locale": (_nothing, lambda w, _: accounts.set_locale(w.users["admin"], w.users["filer_a"], "en")),
    "reference.correct": (_nothing, lambda w, _: reference.correct(
        w.users["reviewer_jx"], target="product", code="cement_clinker", scope="", field="benchmark", value="100",
        status="C", reason="test")),
    "notifications.remind_overdue": (_nothing, lambda w, _: notifications.remind_overdue(w.users["filer_a"],
                                                                                         dt.date(2026, 6, 1))),
    "notifications.mark_read": (_notice, lambda w, n: notifications.mark_read(w.users["filer_b"], n)),
    "jobs.retry": (_job, lambda w, j: jobs.retry(w.users["filer_b"], j)),
    # issue 18: verification and evidence
    "verification.create_body (a reviewer)": (_nothing, lambda w, _: _verification().create_body(
        w.users["reviewer_jx"], "某核查机构")),
    "verification.engage (a filer)": (_with_body, lambda w, fb: _verification().engage(
        w.users["filer_a"], fb[1], 2024, [fb[0]])),
    "verification.engage (another province's reviewer)": (_with_body, lambda w, fb: _verification().engage(
        w.users["reviewer_js"], fb[1], 2024, [fb[0]])),
    "verification.save_checklist (another body's verifier)": (_engaged, lambda w, v: _verification().save_checklist(
        w.users["verifier_x"], v, {"boundary": ("conform", "")})),
    "verification.raise_finding (the reviewer)": (_engaged, lambda w, v: _verification().raise_finding(
        w.users["reviewer_jx"], v, field_path="fuels[0].consumption", body="x")),
    "verification.raise_finding (another body's verifier)": (_engaged, lambda w, v: _verification().raise_finding(
        w.users["verifier_x"], v, field_path="fuels[0].consumption", body="x")),
    "verification.request_correction (the filer)": (_engaged, lambda w, v: _verification().request_correction(
        w.users["filer_a"], v)),
    "verification.conclude (the reviewer)": (_engaged, lambda w, v: _verification().conclude(
        w.users["reviewer_jx"], v, verified_tco2=1, conclusion="x")),
    "verification.accept (another province's reviewer)": (_engaged, lambda w, v: _verification().accept(
        w.users["reviewer_js"], v)),
    "verification.respond (another enterprise)": (_finding, lambda w, f: _verification().respond(
        w.users["filer_b"], db.session.get(_models().Verification, f.verification_id), f, "已改")),
    "verification.close_finding (another body's verifier)": (_finding, lambda w, f: _verification().close_finding(
        w.users["verifier_x"], db.session.get(_models().Verification, f.verification_id), f)),
    "attachments.attach (another enterprise)": (_nothing, lambda w, _: _attachments().attach(
        w.users["filer_b"], w.filing_a, filename="a.pdf", data=b"%PDF-1.4 %%EOF")),
    "attachments.attach (a reviewer)": (_nothing, lambda w, _: _attachments().attach(
        w.users["reviewer_jx"], w.filing_a, filename="a.pdf", data=b"%PDF-1.4 %%EOF")),
    "attachments.delete (another enterprise)": (_attachment, lambda w, a: _attachments().delete(
        w.users["filer_b"], w.filing_a, a)),
    "grants.request_grant verifier (the system administrator)": (_nothing, lambda w, _: grants.request_grant(
        w.users["admin"], w.users["nobody"], "verifier", value="1")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_mutating_service_refuses_an_actor_without_permission(world, name: str) -> None:  # type: ignore[no-untyped-def]
    setup, attempt = CASES[name]
    target = setup(world)
    before = fingerprint()
    with pytest.raises(NotFound):
        attempt(world, target)
    assert fingerprint() == before  # refused before anything was written


def test_the_allowed_actor_passes_the_same_checks(world) -> None:  # type: ignore[no-untyped-def]
    """The checks refuse only the wrong actor: the right one (and the system, None) gets through."""
    filer, signatory = world.users["filer_a"], world.users["signatory_a"]
    filings.save_draft(filer, world.filing_a, _document(world), None)
    filings.save_draft(None, world.filing_a, _document(world), None)  # the command line without --as
    assert filings.open_draft(signatory, world.a, "ghg_annual_report", 2023).year == 2023
    token, secret = accounts.issue_api_token(filer, filer, name="erp", scope="write")
    assert len(secret) >= 32
    accounts.revoke_api_token(filer, token)
    assert token.revoked_at is not None
    accounts.set_locale(filer, filer, "en")
    assert filer.locale == "en"
    filing = _submitted(world)
    review.return_filing(world.users["reviewer_ganzhou"], filing, "请核对")
    assert filing.status == "returned"


def test_a_service_refusal_reaching_the_web_is_a_404(app: Flask, world) -> None:  # type: ignore[no-untyped-def]
    """A NotFound a view does not catch is answered like a missing record: the 404 page, JSON under /api/."""
    with app.test_request_context("/filings/1/edit/fuels", method="POST"):
        response = app.make_response(app.handle_user_exception(NotFound()))
        assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    with app.test_request_context("/api/v1/filings/1/draft", method="PUT"):
        response = app.make_response(app.handle_user_exception(NotFound()))
        assert response.status_code == 404 and response.get_json()["status"] == 404


def test_fingerprint_sees_a_change(world) -> None:  # type: ignore[no-untyped-def]
    """The fingerprint the tests above rely on does change when a row does."""
    before = fingerprint()
    db.session.execute(text("UPDATE enterprise SET name = name || '!' WHERE id = :id"), {"id": world.a.id})
    assert fingerprint() != before
