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
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh empty database of the suite's kind, dropped afterwards."""
    if not database_url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "jobs.sqlite3")
        return
    name = f"portal_jobs_{uuid.uuid4().hex[:10]}"
    server = sa.engine.make_url(database_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


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
        db.session.expunge(job)
        return job


def _start_worker(app: Flask, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
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


def test_embedded_worker_thread_runs_a_refused_upload(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("embedded")
    job_id = _submit(app, b"this is not a workbook", "notes.xlsx")
    job = _wait(lambda: (j := _job(app, job_id)).is_final and j, 20, "the embedded worker")
    assert job.status == "failed", (job.status, job.error_en)
    assert job.attempt == 1 and ":" in (job.worker or "")


@needs_redis
def test_redis_worker_process_runs_a_refused_upload(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(REDIS_URL)
    worker = _start_worker(app, tmp_path)
    try:
        job_id = _submit(app, b"this is not a workbook", "notes.xlsx")
        job = _wait(lambda: (j := _job(app, job_id)).is_final and j, 30, "the worker process")
        assert job.status == "failed", (job.status, job.error_en)
        assert job.worker and job.worker.split(":")[1] == str(worker.pid)
    finally:
        _stop(worker)
