"""Run one job on a worker: claim it, beat, run its handler in one transaction, record the end.

Transaction lines (the runner is a top-level caller, like a view or a CLI command):

1. claim — ``queued → running`` under a new attempt number, committed at once;
2. the handler (the import) and ``running → done`` in **one** transaction: a worker killed before that
   commit leaves nothing of the import stored and the job ``running`` with a heartbeat that goes stale,
   which every page then shows as interrupted and the reaper records (issue 7: "a worker killed
   mid-import leaves nothing half-stored");
3. when the handler refuses the upload, ``failed`` is committed with the error workbook and the
   handler's record of the refusal (it stores no draft then); when it crashes, its transaction is rolled
   back and ``failed`` is committed on its own, keeping the upload so that the job can run again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from flask import Flask

from ..db_sqlite import intend_writes
from ..extensions import db
from ..models import Job
from ..services import jobs as job_service
from .handlers import HANDLERS
from .queue import get_queue, now

log = logging.getLogger(__name__)

CRASH_ZH = "处理时发生内部错误，未保存任何数据。可以重新运行；如果仍然出错，请联系管理员。"
CRASH_EN = "An internal error occurred while processing; nothing was stored. Run it again; if it fails again, contact the administrator."


def worker_name() -> str:
    """Return host:pid:thread, which tells apart every worker that could run a job."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


class LiveProgress:
    """Report a running job's progress and heartbeat to the queue store, from the job and a beat thread.

    Progress calls are throttled (an import may report thousands of rows); a stage change or a finished
    stage is always written. The beat thread keeps the heartbeat fresh while a stage runs long.
    """

    def __init__(self, app: Flask, job_id: int, attempt: int) -> None:
        self.queue = get_queue(app)
        self.job_id = job_id
        self.attempt = attempt
        self.interval = float(app.config.get("JOB_HEARTBEAT_SECONDS") or 2.0)
        self.stages: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self._last_write = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> LiveProgress:
        self._write()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` items of ``stage`` are through (the import's callback)."""
        with self._lock:
            changed = self.stages.get(stage, [None, None])[1] != total or done >= total
            self.stages[stage] = [int(done), int(total)]
        if changed or time.monotonic() - self._last_write >= 0.1:
            self._write()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Return each stage's counts so far."""
        with self._lock:
            return {stage: (pair[0], pair[1]) for stage, pair in self.stages.items()}

    def _write(self) -> None:
        with self._lock:
            state: dict[str, Any] = {"attempt": self.attempt, "beat": now(),
                                     "stages": {k: list(v) for k, v in self.stages.items()}}
            self._last_write = time.monotonic()
        try:
            self.queue.put_live(self.job_id, state)
        except Exception:  # a lost progress report must never fail the import itself
            log.warning("could not record progress of job %s", self.job_id, exc_info=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            self._write()


def run_job(app: Flask, job_id: int) -> None:
    """Run the queued job ``job_id`` to its end (called by a Huey worker, or inline in immediate mode)."""
    with app.app_context():
        # The claim writes at once; the handler then reads deferred until its own writes (db_sqlite).
        intend_writes(True)
        try:
            attempt = job_service.claim(job_id, worker_name())
            db.session.commit()
        finally:
            intend_writes(False)
        if attempt is None:
            log.info("job %s is not queued any more; skipped", job_id)
            return
        job = db.session.get(Job, job_id)
        assert job is not None
        try:
            with LiveProgress(app, job_id, attempt) as progress:
                _run_handler(job, attempt, progress)
        finally:
            intend_writes(False)
            get_queue(app).clear_live(job_id)


def _run_handler(job: Job, attempt: int, progress: LiveProgress) -> None:
    job_id = job.id
    try:
        handler = HANDLERS[job.kind]
        outcome = handler(job.user, job.payload or b"", job.filename, progress)
    except Exception:
        log.exception("job %s crashed", job_id)
        db.session.rollback()
        intend_writes(True)
        job_service.finish(job_id, attempt, "failed", error=(CRASH_ZH, CRASH_EN), stages=progress.snapshot(),
                           keep_payload=True)
        db.session.commit()
        return
    if outcome.ok:
        # The import's own transaction: its documents and "done" are committed together.
        if job_service.finish(job_id, attempt, "done", outcome=outcome, stages=progress.snapshot()):
            db.session.commit()
            return
        # The reaper gave up on this attempt meanwhile: it is shown as interrupted, so store nothing.
        log.warning("job %s was declared interrupted while it ran; its import is rolled back", job_id)
        db.session.rollback()
        return
    # Refused (hostile file, wrong cells): the handler touched no draft and added only the record of the
    # refusal, which is kept with the job's end.
    if job_service.finish(job_id, attempt, "failed", outcome=outcome, stages=progress.snapshot()):
        db.session.commit()
    else:
        db.session.rollback()


def reap_stale_jobs(app: Flask) -> list[int]:
    """Record as interrupted the running jobs whose worker stopped beating; return their ids."""
    with app.app_context():
        queue = get_queue(app)
        reaped = job_service.reap_stale(queue.live, float(app.config["JOB_STALE_SECONDS"]), now())
        db.session.commit()
    if reaped:
        log.warning("jobs %s had a stale heartbeat and were recorded as interrupted", reaped)
    return reaped


def purge_finished_jobs(app: Flask) -> int:
    """Purge the finished jobs older than ``JOB_RETENTION_DAYS`` (hourly on a worker); return how many."""
    with app.app_context():
        intend_writes(True)
        try:
            purged = job_service.purge_expired(float(app.config.get("JOB_RETENTION_DAYS") or 0))
            db.session.commit()
        finally:
            intend_writes(False)
    if purged.jobs:
        log.info("purged %d finished job(s) and %d stored file(s)", purged.jobs, purged.files)
    return purged.jobs
