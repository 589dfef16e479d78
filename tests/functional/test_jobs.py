"""The job pages: progress from the server (survives a reload), stale heartbeats, retry, privacy, languages.

These run with JOB_QUEUE=immediate (tests/conftest.py): the live store is Huey's memory storage and a
queued job runs inside the request that queues it. The real workers are in
tests/integration/test_job_workers.py.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from portal.jobs import get_queue
from portal.models import Job
from portal.services import jobs
from tests.conftest import login


@pytest.fixture()
def running_job(app, world):  # type: ignore[no-untyped-def]
    """Return filer_a's job claimed by a (pretend) worker, with live progress reported 1 s ago."""
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "bulk.xlsx", b"x" * 1000)
    attempt = jobs.claim(job.id, "host:1:worker")
    assert attempt == 1
    get_queue(app).put_live(job.id, {"attempt": 1, "beat": time.time() - 1,
                                     "stages": {"parsed": [40, 40], "validated": [10, 20]}})
    yield job
    get_queue(app).clear_live(job.id)


def test_progress_page_is_drawn_from_the_server_and_survives_a_reload(client, running_job) -> None:
    login(client, "filer_a@test.cn")
    for _ in range(2):  # the second load is the "reload": same job, same place, nothing kept in the browser
        page = client.get(f"/jobs/{running_job.id}").get_data(as_text=True)
        assert "正在处理" in page
        assert re.search(r'aria-labelledby="stage-validated-label" aria-valuetext="10 / 20"\s+'
                         r'aria-valuemin="0" aria-valuemax="20" aria-valuenow="10"', page)
        assert 'aria-valuemax="40" aria-valuenow="40"' in page
        assert 'aria-valuetext="未开始"' in page  # stored: not begun
        assert "job-bar-50" in page and "job-progress.js" in page


def test_status_json_reports_each_stage_and_the_overall_percent(client, running_job) -> None:
    login(client, "filer_a@test.cn")
    state = client.get(f"/jobs/{running_job.id}.json").get_json()
    assert state["status"] == "running" and state["final"] is False
    assert [(s["stage"], s["done"], s["total"], s["percent"], s["text"]) for s in state["stages"]] == [
        ("parsed", 40, 40, 100, "40 / 40"), ("validated", 10, 20, 50, "10 / 20"), ("stored", 0, 0, 0, "未开始")]
    # Each stage weighs a third: (40/40 + 10/20 + 0) / 3 = 0.5.
    assert state["percent"] == 50
    assert state["status_label"] == "正在处理"


def test_a_stale_heartbeat_shows_interrupted_and_the_reaper_records_it(app, client, running_job) -> None:
    stale = app.config["JOB_STALE_SECONDS"]
    queue = get_queue(app)
    queue.put_live(running_job.id, {"attempt": 1, "beat": time.time() - stale + 5, "stages": {}})
    login(client, "filer_a@test.cn")
    assert client.get(f"/jobs/{running_job.id}.json").get_json()["status"] == "running"

    queue.put_live(running_job.id, {"attempt": 1, "beat": time.time() - stale - 1,
                                    "stages": {"parsed": [7, 9]}})
    state = client.get(f"/jobs/{running_job.id}.json").get_json()
    assert state["status"] == "interrupted" and state["final"] is True
    assert "意外停止" in state["message"]

    assert jobs.reap_stale(queue.live, stale, time.time()) == [running_job.id]
    from portal.extensions import db

    db.session.refresh(running_job)
    assert running_job.status == "interrupted" and running_job.finished_at is not None
    assert json.loads(running_job.progress_json)["parsed"] == [7, 9]
    assert running_job.payload is not None  # kept: the job can run again
    # The worker of attempt 1, had it been alive after all, can no longer report done.
    assert jobs.finish(running_job.id, 1, "done") is False


def test_a_worker_that_never_reported_is_stale_after_the_threshold_from_its_start(app, world) -> None:
    import datetime as dt

    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"abc")
    jobs.claim(job.id, "w")
    from portal.extensions import db

    db.session.refresh(job)
    started = job.started_at.timestamp()
    assert jobs.job_view(job, None, 30.0, started + 29).status == "running"
    assert jobs.job_view(job, None, 30.0, started + 31).status == "interrupted"
    # Live state of an older attempt says nothing about this one.
    old = {"attempt": 0, "beat": started + 31, "stages": {"parsed": [1, 1]}}
    view = jobs.job_view(job, old, 30.0, started + 31)
    assert view.status == "interrupted" and view.stages["parsed"] == (0, 0)
    assert job.size == 3 and job.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert dt.timedelta(0) <= dt.datetime.now(dt.UTC) - job.started_at < dt.timedelta(minutes=1)


def test_claim_is_once_only(world) -> None:
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"abc")
    assert jobs.claim(job.id, "w1") == 1
    assert jobs.claim(job.id, "w2") is None  # a second delivery of the same message does nothing


def test_an_empty_upload_is_refused_in_both_languages(world) -> None:
    from portal.services.errors import ServiceError

    with pytest.raises(ServiceError) as error:
        jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"")
    assert error.value.message_zh == "上传的文件为空。" and error.value.message_en == "The uploaded file is empty."


def test_english_page_and_json(client, running_job) -> None:
    login(client, "filer_a@test.cn")
    client.post("/language/en", data={"next": "/"})
    state = client.get(f"/jobs/{running_job.id}.json").get_json()
    assert state["status_label"] == "Processing"
    assert [s["label"] for s in state["stages"]] == ["Rows read", "Documents validated", "Documents stored"]
    page = client.get(f"/jobs/{running_job.id}").get_data(as_text=True)
    assert "Processing progress" in page and "Rows read" in page


def test_failed_import_offers_the_annotated_workbook(client, world) -> None:
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "企业 2024.xlsx", b"upload")
    attempt = jobs.claim(job.id, "w")
    summary = {"message_zh": "第 3 行：燃料代码无效", "message_en": "row 3: unknown fuel code"}
    assert jobs.finish(job.id, attempt, "failed", outcome=jobs.Outcome(ok=False, summary=summary, file=b"PK-annotated"))
    login(client, "filer_a@test.cn")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "第 3 行：燃料代码无效" in page and f"/jobs/{job.id}/errors.xlsx" in page
    assert "重新运行" not in page  # a refused workbook is fixed and uploaded again, not re-run
    response = client.get(f"/jobs/{job.id}/errors.xlsx")
    assert response.data == b"PK-annotated"
    assert "errors.xlsx" in response.headers["Content-Disposition"]
    refreshed = client.get(f"/jobs/{job.id}.json").get_json()
    assert refreshed["final"] is True and refreshed["status"] == "failed"


def test_done_job_lists_what_it_created_and_updated(client, world) -> None:
    job = jobs.submit_upload(world.users["filer_a"], "import_workbook", "bulk.xlsx", b"upload")
    attempt = jobs.claim(job.id, "w")
    item = {"filing_id": world.filing_a.id, "kind": "ghg_annual_report", "year": 2024,
            "uscc": world.a.uscc, "enterprise": world.a.name}
    outcome = jobs.Outcome(ok=True, summary={"created": [], "updated": [item]})
    assert jobs.finish(job.id, attempt, "done", outcome=outcome,
                       stages={"parsed": (120, 120), "validated": (3, 3), "stored": (3, 3)})
    login(client, "filer_a@test.cn")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "新建的申报（0）" in page and "更新的申报（1）" in page
    assert world.a.uscc in page and f'/filings/{world.filing_a.id}"' in page
    assert client.get(f"/jobs/{job.id}.json").get_json()["percent"] == 100
    assert client.get(f"/jobs/{job.id}/errors.xlsx").status_code == 404
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job.id}" in listing and "已完成" in listing


def test_job_list_empty_state(client, world) -> None:
    login(client, "filer_b@test.cn")
    assert "您还没有后台任务" in client.get("/jobs/").get_data(as_text=True)


def test_payload_is_cleared_when_done_and_kept_when_interrupted(world) -> None:
    from portal.extensions import db

    done = jobs.submit_upload(world.users["filer_a"], "import_workbook", "a.xlsx", b"abc")
    assert jobs.finish(done.id, jobs.claim(done.id, "w"), "done")
    db.session.refresh(done)
    assert done.payload is None and db.session.get(Job, done.id).status == "done"


def _post(client, data: bytes, name: str):  # type: ignore[no-untyped-def]
    import io

    return client.post("/uploads/", data={"workbook": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_large_upload_runs_as_a_job_errors_then_corrected(app, client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Template → fill → upload above the threshold: a job; its page offers the annotated workbook; fixed → done."""
    import io

    from openpyxl import load_workbook

    from portal.domain.codec import document_from_json
    from portal.extensions import db
    from portal.models import Filing

    monkeypatch.setitem(app.config, "UPLOAD_JOB_THRESHOLD", 1000)
    login(client, "filer_a@test.cn")
    book = load_workbook(io.BytesIO(client.get("/uploads/template/ghg_annual_report.xlsx?filled=1").data))
    book["化石燃料燃烧"]["E2"] = "lots"  # consumption: not a number
    bad = io.BytesIO()
    book.save(bad)
    assert len(bad.getvalue()) > 1000

    response = _post(client, bad.getvalue(), "mine.xlsx")
    assert response.status_code == 302 and re.fullmatch(r"/jobs/\d+", response.headers["Location"])
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "未导入" in page and "工作簿有错误，未导入任何数据" in page and "发现 1 个问题" in page
    annotated = client.get(job_url + "/errors.xlsx")
    fixed_book = load_workbook(io.BytesIO(annotated.data))
    assert fixed_book["化石燃料燃烧"]["E2"].comment is not None
    fixed_book["化石燃料燃烧"]["E2"] = 150000
    fixed = io.BytesIO()
    fixed_book.save(fixed)

    response = _post(client, fixed.getvalue(), "mine-fixed.xlsx")
    job_url = response.headers["Location"]
    state = client.get(job_url + ".json").get_json()
    assert state["status"] == "done" and state["percent"] == 100
    assert [(s["stage"], s["done"] == s["total"]) for s in state["stages"]] == [
        ("parsed", True), ("validated", True), ("stored", True)]
    page = client.get(job_url).get_data(as_text=True)
    assert "更新的申报（1）" in page and f'/filings/{world.filing_a.id}"' in page and "/uploads/" in page
    document = document_from_json(db.session.get(Filing, world.filing_a.id).draft_json)
    assert str(document.fuels[0].consumption) == "150000"


def test_small_upload_stays_synchronous(app, client, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "UPLOAD_JOB_THRESHOLD", 10_000_000)
    login(client, "filer_a@test.cn")
    response = _post(client, b"%PDF-1.4 not a workbook", "x.xlsx")
    assert response.headers["Location"].startswith("/uploads/")
    assert "您还没有后台任务" in client.get("/jobs/").get_data(as_text=True)
