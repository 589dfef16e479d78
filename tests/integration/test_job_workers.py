"""The real workers: the embedded worker thread, and `portal worker` processes on Redis — including SIGKILL.

Workers read what the web process committed, so these tests use a scratch database of the suite's kind
(SQLite file or PostgreSQL database) with real commits instead of the rolled-back test transaction.
The Redis tests skip only when no Redis server answers (CI has one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from portal.jobs import get_queue
from portal.models import Job

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason=f"no Redis server at {REDIS_URL}")


@pytest.fixture()
def scratch_url(owner_database_url: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh empty database of the suite's kind (the owner's), dropped afterwards."""
    from tests.helpers import scratch_database

    with scratch_database(owner_database_url, tmp_path, "portal_jobs") as url:
        yield url


def _settings(url: str, queue: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
        "JOB_QUEUE": queue, "JOB_QUEUE_NAME": f"test-{uuid.uuid4().hex[:12]}",
        "JOB_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
        "JOB_HEARTBEAT_SECONDS": 0.2, "JOB_STALE_SECONDS": 2.0,
    }


@pytest.fixture()
def make_app(scratch_url: str, tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    """Return a factory of apps on the scratch database (migrated, with the test users, committed)."""
    apps: list[Flask] = []

    def make(queue: str) -> Flask:
        app = create_app(_settings(scratch_url, queue, tmp_path))
        with app.app_context():
            upgrade()
            from tests.helpers import build_world

            build_world()
            db.session.commit()
        apps.append(app)
        return app

    yield make
    for app in apps:
        queue = app.extensions.get("portal.jobs")
        if queue is not None:
            queue.stop_embedded_worker()
            if queue.mode.startswith("redis"):
                queue.huey.storage.flush_all()
        with app.app_context():
            db.engine.dispose()


def _user(app: Flask, email: str) -> Any:
    from sqlalchemy import select

    from portal.models import User

    return db.session.scalars(select(User).where(User.email == email)).one()


def _submit(app: Flask, data: bytes, filename: str = "bulk.xlsx") -> int:
    """Queue an upload the way the upload view does: create, commit, enqueue."""
    from portal.services import jobs

    with app.app_context():
        job = jobs.submit_upload(_user(app, "filer_a@test.cn"), "import_workbook", filename, data)
        db.session.commit()
        job_id = job.id
    get_queue(app).enqueue(job_id)
    return job_id


def _wait(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _job(app: Flask, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        _ = job.payload  # deferred: load it before leaving the session
        db.session.expunge(job)
        return job


def _start_worker(app: Flask, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SECRET_KEY": "test-worker",  # a PostgreSQL portal refuses the default key (issue 16)
        "PORTAL_JOB_QUEUE": app.config["JOB_QUEUE"],
        "PORTAL_JOB_QUEUE_NAME": app.config["JOB_QUEUE_NAME"],
        "PORTAL_JOB_HEARTBEAT_SECONDS": str(app.config["JOB_HEARTBEAT_SECONDS"]),
        "PORTAL_JOB_STALE_SECONDS": str(app.config["JOB_STALE_SECONDS"]),
    })
    with (tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log").open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen([str(Path(sys.executable).parent / "portal"), "worker"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # Huey's graceful stop
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()




def _ghg(year: int, **changes: Any) -> Any:
    import dataclasses

    from portal.domain.codec import document_from_json
    from tests.helpers import example_text

    document = document_from_json(example_text("ghg-jx-cement-2024.json"))
    return dataclasses.replace(document, reporting_year=year, **changes)


def _workbook(*documents: Any) -> bytes:
    from portal.reference import default_reference
    from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook

    return render_upload_workbook(documents[0].kind, list(documents),
                                  code_lists=code_lists_from_reference(default_reference()))


def _drafts(app: Flask) -> dict[int, str]:
    """Return enterprise A's GHG drafts by year (their canonical JSON)."""
    from sqlalchemy import select

    from portal.models import Filing

    with app.app_context():
        return {f.year: f.draft_json for f in db.session.scalars(select(Filing).where(Filing.year != 2024))}


def _uncommitted_writes_probe(app: Flask) -> Callable[[], bool]:
    """Return a check: does another connection hold written, uncommitted rows (the worker mid-import)?"""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        import sqlite3

        def sqlite_pending() -> bool:
            # A writer keeps SQLite's one write lock from its first write to its commit: BEGIN IMMEDIATE fails.
            conn = sqlite3.connect(url.database, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                conn.close()

        return sqlite_pending
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def postgresql_pending() -> bool:
        # An open transaction that has updated a filing holds RowExclusiveLock on it until it ends.
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                "AND l.relation = 'filing'::regclass AND l.mode = 'RowExclusiveLock'")))

    return postgresql_pending


def test_embedded_worker_thread_imports_a_workbook(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("embedded")
    job_id = _submit(app, _workbook(_ghg(2023)), "a-2023.xlsx")
    job = _wait(lambda: (j := _job(app, job_id)).is_final and j, 60, "the embedded worker")
    assert job.status == "done", (job.status, job.error_en, job.result_json)
    import json

    summary = json.loads(job.result_json)
    assert [(c["uscc"], c["year"], c["enterprise"]) for c in summary["created"]] == [
        ("91360700MA38P2K51K", 2023, "江西赣峰水泥有限公司")]
    assert summary["updated"] == [] and job.payload is None
    progress = json.loads(job.progress_json)
    # One document (validated, stored); its rows over all the sheets were read (parsed counts rows).
    assert progress["validated"] == [1, 1] and progress["stored"] == [1, 1]
    assert progress["parsed"][0] == progress["parsed"][1] > 1
    assert list(_drafts(app)) == [2023]
    # The live state goes right after the commit (pages ignore it once the row says the job ended).
    _wait(lambda: get_queue(app).live(job_id) is None, 10, "the live state to be cleared")


@needs_redis
def test_redis_worker_process_imports_and_refuses(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(REDIS_URL)
    worker = _start_worker(app, tmp_path)
    try:
        refused = _submit(app, b"this is not a workbook", "notes.xlsx")
        imported = _submit(app, _workbook(_ghg(2022)), "a-2022.xlsx")
        job = _wait(lambda: (j := _job(app, refused)).is_final and j, 60, "the worker process")
        assert job.status == "failed" and job.error_zh is None  # refused, not crashed
        assert "文件被拒绝" in job.result_json
        assert job.worker and job.worker.split(":")[1] == str(worker.pid)
        job = _wait(lambda: (j := _job(app, imported)).is_final and j, 60, "the second job")
        assert job.status == "done", (job.status, job.error_en)
        assert list(_drafts(app)) == [2022]
    finally:
        _stop(worker)


@needs_redis
def test_sigkill_mid_import_stores_nothing_and_the_job_is_interrupted(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL a real worker while it stores (drafts flushed, not committed): nothing is half-stored."""
    from decimal import Decimal

    from portal.domain.codec import canonical_json
    from portal.models import Enterprise, Filing, ImportRecord

    app = make_app(REDIS_URL)
    # 100 existing drafts (2024 is the world's own), each updated and flushed one by one by the import.
    years = [y for y in range(2000, 2101) if y != 2024]
    with app.app_context():
        from sqlalchemy import select

        a = db.session.scalars(select(Enterprise).where(Enterprise.region_code == "360700")).one()
        db.session.add_all(Filing(enterprise=a, enterprise_id=a.id, kind="ghg_annual_report", year=y,
                                  status="draft", draft_json=canonical_json(_ghg(y))) for y in years)
        db.session.commit()
    before = _drafts(app)
    data = _workbook(*(_ghg(y, co2_recovered_t=Decimal("12.3")) for y in years))
    pending = _uncommitted_writes_probe(app)
    worker = _start_worker(app, tmp_path)
    try:
        job_id = _submit(app, data, "many.xlsx")
        queue = get_queue(app)
        _wait(lambda: "stored" in ((queue.live(job_id) or {}).get("stages") or {}), 60, "the store stage")
        # Step the worker (SIGSTOP … SIGCONT) until it is caught holding written, uncommitted rows; kill it then.
        caught = False
        deadline = time.monotonic() + 60
        while not caught and time.monotonic() < deadline and _job(app, job_id).status == "running":
            worker.send_signal(signal.SIGSTOP)
            caught = pending()
            if caught:
                worker.send_signal(signal.SIGKILL)
            else:
                worker.send_signal(signal.SIGCONT)
                time.sleep(0.003)
        worker.wait(timeout=10)
    finally:
        _stop(worker)
    assert caught, "the worker finished storing before it could be caught mid-transaction"
    done, total = queue.live(job_id)["stages"]["stored"]
    assert total == 100 and done < 100

    assert _drafts(app) == before  # not one of the flushed updates was committed
    with app.app_context():
        from sqlalchemy import func, select

        assert db.session.scalar(select(func.count()).select_from(ImportRecord)) == 0
    job = _job(app, job_id)
    assert job.status == "running"  # as the dead worker left it — but never done

    client = app.test_client()
    client.post("/login", data={"email": "filer_a@test.cn", "password": "correct-horse-battery"})
    state = _wait(lambda: (s := client.get(f"/jobs/{job_id}.json").get_json())["status"] == "interrupted" and s,
                  10, "the heartbeat to go stale")
    assert state["final"] is True
    assert "重新运行" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    # A new worker records the interruption on start, and the user runs the job again: now it completes.
    worker = _start_worker(app, tmp_path)
    try:
        _wait(lambda: _job(app, job_id).status == "interrupted", 30, "the reaper")
        assert client.post(f"/jobs/{job_id}/retry").status_code == 302
        job = _wait(lambda: (j := _job(app, job_id)).is_final and j, 120, "the retried job")
    finally:
        _stop(worker)
    assert job.status == "done" and job.attempt == 2
    after = _drafts(app)
    assert sorted(after) == years and all(after[y] != before[y] for y in years)
