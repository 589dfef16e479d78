"""Time the bulk import of 1,000 enterprises run directly and as a background job (embedded and Redis).

The job path adds: storing the upload in the job row, queueing, claiming, live progress and heartbeats,
and the job's end committed with the import. This prints each path's wall time from "uploaded" to
"committed", so the job system's overhead is visible next to the import itself.

Run: ``.venv/bin/python benchmarks/bench_job.py [--enterprises 1000] [--lines 20] [--redis redis://127.0.0.1:6379/0]``.
Each path runs on a fresh SQLite database (the same file imported twice would be a duplicate).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import documents  # noqa: E402  (the same 1,000-enterprise workbook as the import benchmark)

from portal.reference import default_reference  # noqa: E402
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _app(folder: Path, queue: str, docs):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import Enterprise
    from portal.services import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "TESTING": True,
                      "JOB_QUEUE": queue, "JOB_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}",
                      "JOB_QUEUE_FILE": str(folder / "queue.sqlite3")})
    with app.app_context():
        upgrade()
        db.session.add_all([Enterprise(uscc=d.enterprise.uscc, name=f"企业{n}", region_code="360700",
                                       industry_code="3011") for n, d in enumerate(docs)])
        accounts.create_user(None, email="admin@bench.cn", name="admin", password="bench-password-1",
                             admin_role="system")
        db.session.commit()
    return app


def _admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User

    return db.session.scalars(select(User).where(User.email == "admin@bench.cn")).one()


def direct(folder: Path, data: bytes, docs) -> float:  # type: ignore[no-untyped-def]
    from portal.extensions import db
    from portal.services.imports import import_workbook

    app = _app(folder, "immediate", docs)
    with app.app_context():
        started = time.perf_counter()
        outcome = import_workbook(_admin(), data, "bench.xlsx")
        db.session.commit()
        elapsed = time.perf_counter() - started
    assert outcome.ok, outcome.message_en
    return elapsed


def as_job(folder: Path, data: bytes, docs, queue: str) -> float:  # type: ignore[no-untyped-def]
    from portal.extensions import db
    from portal.jobs import get_queue
    from portal.models import Job
    from portal.services import jobs

    app = _app(folder, queue, docs)
    worker = None
    if queue.startswith("redis"):
        env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], PORTAL_JOB_QUEUE=queue,
                   PORTAL_JOB_QUEUE_NAME=app.config["JOB_QUEUE_NAME"])
        worker = subprocess.Popen([str(Path(sys.executable).parent / "portal"), "worker"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)  # let it start: the measurement is of the job, not of the worker's start-up
    try:
        with app.app_context():
            started = time.perf_counter()
            job = jobs.submit_upload(_admin(), "import_workbook", "bench.xlsx", data)
            db.session.commit()
            job_id = job.id
        get_queue(app).enqueue(job_id)
        while True:
            with app.app_context():
                status = db.session.get(Job, job_id).status
            if status in ("done", "failed", "interrupted"):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert status == "done", status
        return elapsed
    finally:
        get_queue(app).stop_embedded_worker()
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)
        if queue.startswith("redis"):
            get_queue(app).huey.storage.flush_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    docs = documents(args.enterprises, args.lines)
    data = render_upload_workbook("ghg_annual_report", docs, code_lists=code_lists_from_reference(default_reference()))
    print(f"workbook: {args.enterprises} enterprises, {args.enterprises * args.lines} lines, {len(data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("warm-up", "direct", "embedded", "redis"):
            (base / name).mkdir()
        # Warm this process up (modules, reference data, rule tables) so that "direct" is not charged for it.
        small = render_upload_workbook("ghg_annual_report", docs[:10],
                                       code_lists=code_lists_from_reference(default_reference()))
        direct(base / "warm-up", small, docs[:10])
        t_direct = direct(base / "direct", data, docs)
        print(f"direct import_workbook + commit:        {t_direct:6.2f} s")
        t_embedded = as_job(base / "embedded", data, docs, "embedded")
        print(f"job, embedded worker thread:             {t_embedded:6.2f} s  ({t_embedded / t_direct:.2f}×)")
        try:
            t_redis = as_job(base / "redis", data, docs, args.redis)
            print(f"job, Redis + one `portal worker`:        {t_redis:6.2f} s  ({t_redis / t_direct:.2f}×)")
        except Exception as error:  # no Redis here: the other figures stand
            print(f"job, Redis: not measured ({error})")


if __name__ == "__main__":
    main()
