"""The audit administrator's log page: filters (actor, enterprise, action, result, dates), where from, CSV
export; and every export or download on record (issue 16 item 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry
from portal.services import filings
from tests.conftest import PASSWORD, login
from tests.helpers import render_version_files


def _entry_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-entry="(\d+)">', page)]


def _ids(**where) -> list[int]:  # type: ignore[no-untyped-def]
    query = sa.select(AuditEntry.id).order_by(AuditEntry.id.desc())
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def test_the_log_shows_where_from_and_filters_by_actor_enterprise_action_result_and_date(client, app, world) -> None:  # type: ignore[no-untyped-def]
    stranger = app.test_client()
    stranger.post("/login", data={"email": "filer_a@test.cn", "password": "wrong-guess-123"},
                  headers={"User-Agent": "Probe/1.0"}, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()
    login(client, "auditor@test.cn")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "198.51.100.9" in page and "Probe/1.0" in page and "失败" in page
    assert _entry_ids(page) == _ids()[:50]  # newest first, 50 a page

    failed = client.get("/admin/audit?action=auth.login_failed&result=failure").get_data(as_text=True)
    assert _entry_ids(failed) == _ids(action="auth.login_failed", result="failure")
    by_actor = client.get("/admin/audit?actor=signatory_a").get_data(as_text=True)
    assert _entry_ids(by_actor) == _ids(actor_id=world.users["signatory_a"].id)
    # the enterprise: its own record, its filings, their versions and comments, its memberships
    by_enterprise = _entry_ids(client.get(f"/admin/audit?enterprise={world.a.uscc}").get_data(as_text=True))
    actions = {db.session.get(AuditEntry, i).action for i in by_enterprise}
    assert {"enterprise.create", "filing.submit", "version.create", "membership.add"} <= actions
    others = _entry_ids(client.get(f"/admin/audit?enterprise={world.b.name}").get_data(as_text=True))
    assert not set(by_enterprise) & set(others)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert _entry_ids(client.get(f"/admin/audit?date_from={today}&date_to={today}").get_data(as_text=True))
    future = today + dt.timedelta(days=2)
    assert _entry_ids(client.get(f"/admin/audit?date_from={future}").get_data(as_text=True)) == []
    bad = client.get("/admin/audit?date_from=yesterday")
    assert bad.status_code == 200 and "起始日期" in bad.get_data(as_text=True)  # named, and the log unfiltered


def test_the_csv_export_holds_the_filtered_rows_with_their_hashes_and_is_itself_audited(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "auditor@test.cn")
    response = client.get("/admin/audit.csv?action=user.")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    expected = sorted(_ids(), reverse=False)
    expected = [i for i in expected if db.session.get(AuditEntry, i).action.startswith("user.")]
    assert [int(r["id"]) for r in rows] == expected
    first = db.session.get(AuditEntry, expected[0])
    assert rows[0]["row_hash"] == first.row_hash and rows[0]["prev_hash"] == first.prev_hash
    assert rows[0]["action"] == "user.create"
    exported = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "download.audit_csv")).one()
    assert exported.actor_id == world.users["auditor"].id and '"action":"user."' in (exported.after_json or "")
    # a client's text that a spreadsheet would run as a formula (CSV injection) is defused
    client.application.test_client().post("/login", data={"email": "x@test.cn", "password": "wrong-one-1"},
                                          headers={"User-Agent": "=HYPERLINK(\"http://evil\")"})
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv?action=auth.login_failed")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1]["user_agent"] == "'=HYPERLINK(\"http://evil\")"


def test_every_download_is_on_record(client, world) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    version = filings.submit(world.users["signatory_a"], filing, password=PASSWORD, certified=True)
    db.session.commit()
    render_version_files(version)  # the copies are rendered by jobs; a download before them is a 202 page
    db.session.commit()
    login(client, "filer_a@test.cn")
    for url in (f"/filings/{filing.id}/draft.json", f"/filings/{filing.id}/draft.xlsx",
                f"/filings/{filing.id}/versions/1.json", f"/filings/{filing.id}/versions/1.xlsx",
                f"/filings/{filing.id}/versions/1.pdf",
                "/dashboard/export/status.csv", "/uploads/template/ghg_annual_report.xlsx?filled=1"):
        assert client.get(url).status_code == 200, url
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    assert client.get("/review/export.xlsx?year=2024").status_code == 200
    downloads = db.session.execute(sa.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.entity_id)
                                   .where(AuditEntry.action.startswith("download.")).order_by(AuditEntry.id)).all()
    filer, reviewer = world.users["filer_a"].id, world.users["reviewer_jx"].id
    assert downloads == [
        ("download.draft_json", filer, filing.id), ("download.draft_xlsx", filer, filing.id),
        ("download.version_json", filer, filing.id), ("download.version_xlsx", filer, filing.id),
        ("download.version_pdf", filer, filing.id),
        ("download.dashboard_csv", filer, None), ("download.upload_template", filer, None),
        ("download.consolidated", reviewer, None),
    ]
