"""Background jobs (issue 20 item 14): finished jobs are purged after JOB_RETENTION_DAYS with the draft PDFs only
they kept (service, `portal jobs purge`, the worker's hourly task); a handler that raises marks its job failed
with a message the user reads, and the job page stops waiting for it."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from portal.extensions import db
from portal.jobs import get_queue
from portal.jobs.handlers import HANDLERS
from portal.jobs.runner import CRASH_ZH, purge_finished_jobs
from portal.models import AuditEntry, Job
from portal.services import files, jobs
from tests.conftest import login

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def _finished(user, status: str, days_ago: float, *, kind: str = "import_workbook",  # type: ignore[no-untyped-def]
              result: str | None = None, now: dt.datetime = NOW) -> int:
    job = jobs.create_job(user, kind, "x.xlsx", b"payload")
    finished = now - dt.timedelta(days=days_ago) if status in ("done", "failed", "interrupted") else None
    db.session.execute(update(Job).where(Job.id == job.id).values(
        status=status, attempt=1, finished_at=finished, result_json=result,
        started_at=now - dt.timedelta(days=days_ago, seconds=5)))
    return job.id


def test_finished_jobs_older_than_the_retention_go_with_the_draft_pdfs_only_they_kept(world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    old_pdf = files.put(b"%PDF-old draft", content_type="application/pdf")
    shared_pdf = files.put(b"%PDF-shared draft", content_type="application/pdf")
    frozen = files.put(b"%PDF-copy of record", content_type="application/pdf", frozen=True)
    ids = {
        "old done render": _finished(filer, "done", 40, kind="render_draft", result=f'{{"key": "{old_pdf.key}"}}'),
        "old done, file also kept by a newer job": _finished(filer, "done", 40, kind="render_draft",
                                                             result=f'{{"key": "{shared_pdf.key}"}}'),
        "newer done, same file": _finished(filer, "done", 3, kind="render_draft",
                                           result=f'{{"key": "{shared_pdf.key}"}}'),
        "old version render (frozen file)": _finished(filer, "done", 40, kind="render_version",
                                                      result=f'{{"key": "{frozen.key}"}}'),
        "old failed": _finished(filer, "failed", 31),
        "old interrupted": _finished(filer, "interrupted", 30.5),
        "29 days": _finished(filer, "done", 29),
        "old running": _finished(filer, "running", 40),
        "old queued": _finished(filer, "queued", 40),
    }
    purged = jobs.purge_finished(dt.timedelta(days=30), now=NOW)
    # Hand-counted: 5 finished more than 30 days ago; one draft PDF no kept job names (the frozen one stays).
    assert (purged.jobs, purged.files) == (5, 1)
    left = set(db.session.scalars(select(Job.id)))
    assert left == {ids["newer done, same file"], ids["29 days"], ids["old running"], ids["old queued"]}
    assert not files.exists(old_pdf.key)
    assert files.exists(shared_pdf.key) and files.exists(frozen.key)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "jobs.purge"))
    assert entry is not None and '"jobs":5' in (entry.after_json or "")
    # A retention of 0 keeps every job.
    assert jobs.purge_expired(0, now=NOW + dt.timedelta(days=400)) == jobs.Purged(0, 0)


def test_portal_jobs_purge_command_and_the_workers_periodic_task(app, world) -> None:  # type: ignore[no-untyped-def]
    filer = world.users["filer_a"]
    now = dt.datetime.now(dt.UTC)
    recent = _finished(filer, "done", 1, now=now)
    _finished(filer, "done", 10, now=now)
    _finished(filer, "failed", 45, now=now)
    result = app.test_cli_runner().invoke(args=["jobs", "purge", "--older-than-days", "7"])
    assert result.exit_code == 0, result.output
    assert "purged 2 finished job(s) and 0 stored file(s) older than 7 day(s)" in result.output
    assert set(db.session.scalars(select(Job.id))) == {recent}
    # The worker's hourly task uses JOB_RETENTION_DAYS (30 by default): nothing that young goes.
    assert app.config["JOB_RETENTION_DAYS"] == 30
    assert purge_finished_jobs(app) == 0
    app.config["JOB_RETENTION_DAYS"] = 0.5
    try:
        assert purge_finished_jobs(app) == 1
    finally:
        app.config["JOB_RETENTION_DAYS"] = 30
    assert list(db.session.scalars(select(Job.id))) == []
    # The command refuses a negative age.
    assert app.test_cli_runner().invoke(args=["jobs", "purge", "--older-than-days", "-1"]).exit_code == 2


def _explode(actor, data, filename, progress):  # type: ignore[no-untyped-def]
    """A handler that fails half-way, as a bug or a lost dependency would."""
    progress("parsed", 3, 10)
    raise RuntimeError("handler bug: cannot read the sheet")


def test_a_handler_that_raises_marks_the_job_failed_and_its_page_stops_waiting(app, client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A real handler registered for the kind, as a plug-in would be: nothing of ours is mocked.
    monkeypatch.setitem(HANDLERS, "import_workbook", _explode)
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "bulk.xlsx", b"PK upload")
    db.session.commit()
    get_queue(app).enqueue(job.id)  # JOB_QUEUE=immediate: the runner runs it now
    db.session.expire_all()
    stored = db.session.get(Job, job.id)
    assert stored is not None
    assert (stored.status, stored.error_zh, stored.finished_at is not None) == ("failed", CRASH_ZH, True)
    assert jobs.stored_files(stored) == (True, False)  # the upload is kept: it can run again
    login(client, "filer_a@test.cn")
    state = client.get(f"/jobs/{job.id}.json").get_json()
    assert (state["status"], state["final"], state["message"]) == ("failed", True, CRASH_ZH)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert CRASH_ZH in page and "重新运行" in page
    # The page's progress box is final: job-progress.js does not poll it (it returns at data-final="true").
    assert re.search(r'class="job-progress"[^>]*data-final="true"', page)
    assert "handler bug" not in page  # the exception's text is for the log, not for the user
