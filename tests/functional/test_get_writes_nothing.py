"""A GET never writes: every page of every role leaves every table exactly as it was (issue 13).

The world is set up so that the writes GETs used to make would happen: a submitted version whose derived
facts are missing (the queue and the dashboard derived them on read), unread notices (the list does not mark
them read), a job. Logins are POSTs and happen before the fingerprint is taken.
"""

from __future__ import annotations

from sqlalchemy import delete

from portal.extensions import db
from portal.models import ImportRecord, VersionMetric, VersionProductMetric
from portal.services import filings, jobs, notifications, version_facts
from tests.conftest import login
from tests.helpers import PASSWORD, fingerprint

PAGES: dict[str, tuple[str, ...]] = {
    "filer_a": (
        "/", "/my", "/enterprises/{a}", "/filings/{filing}", "/filings/{filing}/edit", "/filings/{filing}/edit/fuels",
        "/filings/{filing}/json", "/filings/{filing}/draft.json", "/filings/{filing}/versions/1",
        "/filings/{filing}/versions/1.json", "/filings/{filing}/versions/1.xlsx", "/filings/{filing}/draft.xlsx",
        "/notifications/", "/jobs/", "/jobs/{job}", "/jobs/{job}.json", "/uploads/", "/uploads/{upload}",
        "/uploads/template/ghg_annual_report.xlsx?filled=1", "/dashboard/", "/account/api-token",
        "/api/v1/filings/{filing}/draft", "/rules", "/verify", "/filings/{filing}/versions/1.pdf",
        "/filings/{filing}/versions/1.pdf/state.json", "/jobs/{job}/file",
    ),
    "signatory_a": ("/filings/{filing}/submit", "/my"),
    "reviewer_jx": (
        "/", "/review/", "/review/?rule=XCK-004&sort=errors", "/review/filings/{filing}", "/filings/{filing}",
        "/dashboard/", "/dashboard/?year=2024&basis=accepted", "/dashboard/export/status.csv",
        "/review/export.xlsx?year=2024", "/notifications/", "/review/filings/{filing}/versions/1/today",
        "/filings/{filing}/versions/1.pdf",
    ),
    "admin": (
        "/", "/admin/", "/admin/users", "/admin/users/{user}", "/admin/enterprises", "/admin/enterprises/{a}",
        "/admin/audit", "/admin/reference", "/dashboard/",
    ),
    "": ("/login", "/rules"),
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
    values = {"a": world.a.id, "filing": filing.id, "job": job.id, "upload": upload.id,
              "user": world.users["filer_a"].id}
    clients = {}
    for role in PAGES:
        clients[role] = app.test_client()
        if role:
            login(clients[role], f"{role}@test.cn")
    before = fingerprint()
    for role, pages in PAGES.items():
        for page in pages:
            url = page.format(**values)
            response = clients[role].get(url)
            # 202: a version's file not rendered yet shows its job's progress (issue 15)
            assert response.status_code in (200, 202, 302), (role, url, response.status_code)
            assert fingerprint() == before, f"GET {url} as {role or 'anonymous'} wrote to the database"
    assert version_facts.missing()  # still: deriving is an explicit step (portal derive-facts, serve, worker)
