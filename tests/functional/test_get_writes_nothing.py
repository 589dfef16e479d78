"""A GET never writes: every page of every role leaves every table exactly as it was (issue 13).

The world is set up so that the writes GETs used to make would happen: a submitted version whose derived
facts are missing (the queue and the dashboard derived them on read), unread notices (the list does not mark
them read), a job, a password-reset link (its page does not use it up). Logins are POSTs and happen before
the fingerprint is taken. The one thing a GET adds is the audit log's record of a download (issue 16 item 5):
nothing else.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import AuditEntry, ImportRecord, VersionMetric, VersionProductMetric
from portal.services import credentials, filings, jobs, notifications, version_facts
from tests.conftest import login
from tests.helpers import PASSWORD, fingerprint

PAGES: dict[str, tuple[str, ...]] = {
    "filer_a": (
        "/", "/my", "/enterprises/{a}", "/filings/{filing}", "/filings/{filing}/edit", "/filings/{filing}/edit/fuels",
        "/filings/{filing}/json", "/filings/{filing}/draft.json", "/filings/{filing}/versions/1",
        "/filings/{filing}/versions/1.json", "/filings/{filing}/versions/1.xlsx", "/filings/{filing}/draft.xlsx",
        "/notifications/", "/jobs/", "/jobs/{job}", "/jobs/{job}.json", "/uploads/", "/uploads/{upload}",
        "/uploads/template/ghg_annual_report.xlsx?filled=1", "/dashboard/", "/account/tokens", "/account/",
        "/account/password", "/account/two-factor", "/api/v1/filings/{filing}/draft", "/rules", "/verify",
        "/filings/{filing}/versions/1.pdf", "/filings/{filing}/versions/1.pdf/state.json", "/jobs/{job}/file",
        "/enterprises/{a}/master-data",
        # the JSON API's reads (a session may read; tokens are audited as every use is)
        "/api/v1/filings", "/api/v1/filings?updated_since=2000-01-01T00:00:00Z", "/api/v1/enterprises",
        "/api/v1/enterprises/{a}", "/api/v1/filings/{filing}", "/api/v1/filings/{filing}/findings",
        "/api/v1/filings/{filing}/versions", "/api/v1/filings/{filing}/versions/1",
        "/api/v1/filings/{filing}/versions/1/pdf", "/api/v1/filings/{filing}/versions/1/xlsx",
        "/api/v1/filings/{filing}/comments", "/api/v1/imports/{job}", "/api/v1/openapi.json", "/api/v1/docs",
        "/api/v1/problems",
    ),
    "signatory_a": ("/filings/{filing}/submit", "/my"),
    "reviewer_jx": (
        "/", "/review/", "/review/?rule=XCK-004&sort=errors", "/review/filings/{filing}", "/filings/{filing}",
        "/dashboard/", "/dashboard/?year=2024&basis=accepted", "/dashboard/export/status.csv",
        "/review/export.xlsx?year=2024", "/notifications/", "/account/two-factor",
        "/review/filings/{filing}/versions/1/today", "/filings/{filing}/versions/1.pdf",
        "/review/?q=赣峰&mine=y", "/review/ledger?year=2024", "/review/ledger.xlsx", "/review/credit",
        "/review/master-data",
        "/api/v1/review/queue", "/api/v1/review/export.xlsx?year=2024", "/api/v1/filings/{filing}/comments",
    ),
    "admin": ("/", "/admin/", "/admin/enterprises", "/admin/enterprises/{a}", "/admin/reference", "/dashboard/",
              "/admin/obligations"),
    "security": ("/", "/admin/users", "/admin/users/{user}", "/admin/users/new", "/admin/grants",
                 "/admin/enterprises/{a}"),
    "auditor": ("/", "/admin/audit", "/admin/audit?action=auth.&result=failure", "/admin/audit.csv"),
    "nobody": ("/account/two-factor",),  # enrolment not started: the page offers to start, writes no secret
    "": ("/login", "/rules", "/password/forgot", "/password/reset/{reset}"),
}


def test_no_page_writes(app, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    # As after migration 0007 or a version written by a script: the facts are missing until derived.
    db.session.execute(delete(VersionProductMetric))
    db.session.execute(delete(VersionMetric))
    assert version_facts.missing()
    for role in ("filer_a", "reviewer_jx"):
        notifications.notify(world.users[role], "reminder", "提醒", "reminder")
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"PK")
    upload = ImportRecord(sha256="0" * 64, filename="a.xlsx", actor_id=world.users["filer_a"].id, outcome="refused",
                          message_zh="拒绝", message_en="refused")
    db.session.add(upload)
    db.session.flush()
    links: list[str] = []
    credentials.send_reset(world.users["security"], world.users["filer_a"], links.append)
    values = {"a": world.a.id, "filing": filing.id, "job": job.id, "upload": upload.id,
              "user": world.users["filer_a"].id, "reset": links[0]}
    clients = {}
    for role in PAGES:
        clients[role] = app.test_client()
        if role:
            login(clients[role], f"{role}@test.cn")
    before, entries = fingerprint(exclude=("audit_log",)), _audit_ids()
    for role, pages in PAGES.items():
        for page in pages:
            url = page.format(**values)
            response = clients[role].get(url)
            # 202: a version's file not rendered yet shows its job's progress (issue 15)
            assert response.status_code in (200, 202, 302), (role, url, response.status_code)
            response.close()  # a streamed download (the audit CSV) ends with its response
            assert fingerprint(exclude=("audit_log",)) == before, f"GET {url} as {role or 'anonymous'} wrote"
            added = [action for _id, action in _audit_ids()[len(entries):]]
            assert all(action.startswith("download.") for action in added), (url, added)
            entries = _audit_ids()
    assert version_facts.missing()  # still: deriving is an explicit step (portal derive-facts, serve, worker)


def _audit_ids() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(select(AuditEntry.id, AuditEntry.action).order_by(AuditEntry.id))]
