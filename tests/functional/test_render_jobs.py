"""Issue 15 item 3: a submitted version's PDF and Excel filing are rendered once by a job, stored, and served
from storage; until then the download shows the job's progress; a draft's PDF is a job with its page."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Job, StoredObject, VersionFile
from portal.services import exports, files
from portal.services import filings as filing_service
from portal.services.errors import ServiceError
from tests.conftest import login
from tests.helpers import PASSWORD, render_version_files


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout


def test_submitting_renders_once_in_the_queue_and_downloads_come_from_storage(app, client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    filing = world.filing_a
    login(client, "signatory_a@test.cn")
    response = client.post(f"/filings/{filing.id}/submit",
                           data={"certified": "y", "password": PASSWORD, "action": "certify_submit"})
    assert response.status_code == 302
    # JOB_QUEUE=immediate: the jobs handed to the queue after the commit ran inside that request.
    rows = db.session.scalars(select(VersionFile).order_by(VersionFile.format)).all()
    assert [(r.format, r.job.kind, r.job.status) for r in rows] == [("pdf", "render_version", "done"),
                                                                     ("xlsx", "render_version", "done")]
    pdf_row = rows[0]
    stored = db.session.get(StoredObject, pdf_row.storage_key)
    assert stored.frozen and stored.content_type == "application/pdf" and stored.size > 10_000
    # The object is a real file in the run's storage folder, named by its hash, read-only.
    folder = Path(app.config["STORAGE_URL"].removeprefix("file://"))
    path = folder / stored.key[:2] / stored.key[2:4] / stored.key
    assert path.is_file() and path.stat().st_size == stored.size and not path.stat().st_mode & 0o222

    # Downloads never render: with rendering broken, the stored copy is still served.
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a download rendered the version again")

    monkeypatch.setattr(exports, "render_version_file", broken)
    version = filing.versions[0]
    first = client.get(f"/filings/{filing.id}/versions/1.pdf")
    second = client.get(f"/filings/{filing.id}/versions/1.pdf")
    assert first.status_code == 200 and first.data == second.data == path.read_bytes()
    assert first.headers["X-Content-SHA256"] == version.sha256 and first.headers["X-File-SHA256"] == stored.key
    text = _text(first.data)
    assert "江西赣峰水泥有限公司" in text and version.sha256 in text and "草稿" not in text
    assert client.get(f"/filings/{filing.id}/versions/1.xlsx").status_code == 200
    # A frozen copy of record cannot be deleted.
    try:
        files.delete(stored.key)
    except ServiceError as error:
        assert "不能删除" in error.message_zh
    else:
        raise AssertionError("a frozen copy of record was deleted")


def test_until_the_job_ran_the_download_shows_its_progress(client, world) -> None:  # type: ignore[no-untyped-def]
    version = filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    db.session.commit()  # the jobs are queued, not yet run (as when the worker is busy)
    login(client, "reviewer_jx@test.cn")
    waiting = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and 'data-testid="file-progress"' in page and "job-progress.js" in page
    assert "排队等候" in page and "排版生成" in page and "数字签名" in page and "存入文件存储" in page
    state = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf/state.json").get_json()
    assert state["status"] == "queued" and state["final"] is False and state["percent"] == 0
    assert [s["stage"] for s in state["stages"]] == ["rendered", "signed", "stored"]
    # Queued a moment ago: asking again is refused (the job is there); the worker then runs it.
    client.post(f"/filings/{world.filing_a.id}/versions/1.pdf/render")
    assert db.session.scalar(select(db.func.count(Job.id)).where(Job.kind == "render_version")) == 2
    render_version_files(version)
    state = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf/state.json").get_json()
    assert state["status"] == "done" and state["final"] is True and state["percent"] == 100
    assert client.get(f"/filings/{world.filing_a.id}/versions/1.pdf").status_code == 200


def test_a_failed_render_says_why_and_can_be_queued_again(app, client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    version = filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    from portal.services import records

    def refuse(version):  # type: ignore[no-untyped-def]
        raise ServiceError("版本的存档记录与其哈希值不符，拒绝使用", "the version's record does not match its hash")

    monkeypatch.setattr(records, "render_inputs", refuse)
    render_version_files(version)
    monkeypatch.undo()
    db.session.commit()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}/versions/1.xlsx").get_data(as_text=True)
    assert "拒绝使用" in page and 'data-testid="queue-render"' in page
    assert client.post(f"/filings/{world.filing_a.id}/versions/1.xlsx/render").status_code == 302
    response = client.get(f"/filings/{world.filing_a.id}/versions/1.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")


def test_the_draft_pdf_is_a_job_with_its_progress_page_and_file(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert re.search(rf'<form method="post" action="/filings/{world.filing_a.id}/draft.pdf"', page)
    response = client.post(f"/filings/{world.filing_a.id}/draft.pdf")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "生成草稿 PDF" in job_page and 'data-testid="job-file"' in job_page and "已完成" in job_page
    job = db.session.scalar(select(Job).where(Job.kind == "render_draft"))
    download = client.get(f"/jobs/{job.id}/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "草稿" in _text(download.data)
    stored = db.session.get(StoredObject, files.key_of(download.data))
    assert stored is not None and not stored.frozen  # a draft's file is not a record
    # Private to the user who asked: another filer of the enterprise gets 404.
    client.post("/logout")
    login(client, "signatory_a@test.cn")
    assert client.get(f"/jobs/{job.id}/file").status_code == 404


def test_portal_render_filing_writes_the_stored_copy_once_rendered(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from portal.checking_cli import run_render_version
    from portal.services import renders

    version = filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    render_version_files(version)
    out = tmp_path / "v1.pdf"
    assert run_render_version(world.filing_a.id, 1, out, None) == 0
    assert out.read_bytes() == renders.stored_file(version, "pdf").content  # the very file downloads serve
