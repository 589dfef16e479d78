"""The job queue: one code path on Huey for the embedded mode, production and the test suite.

``JOB_QUEUE`` picks only where Huey keeps its queue — everything else (the task, the runner, the live
store, the reaper) is the same code in every mode:

* ``embedded`` (the default): a SQLite queue file in the instance folder, consumed by worker threads
  inside the web process (``portal serve`` starts them; any process starts them on its first enqueue).
* ``redis://…``: a Redis list consumed by any number of ``portal worker`` processes, on any machine.
* ``immediate``: Huey runs each job inside the call that queued it (the test suite, so that jobs run in
  the test's rolled-back transaction and no thread is left behind).

Besides the queue, Huey's key–value store holds each running job's *live* progress and heartbeat.
They cannot go into the ``job`` table: on SQLite the import holds the database's single write lock for
its one transaction, so a progress row written by another connection would wait for the import itself.
The durable state (status, owner, result) stays in the database.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.constants import EmptyData
from huey.consumer import Consumer

log = logging.getLogger(__name__)

RUN_TASK = "portal.run_job"
REAP_TASK = "portal.reap_stale_jobs"
PURGE_TASK = "portal.purge_finished_jobs"
_EXTENSION = "portal.jobs"


class EmbeddedConsumer(Consumer):
    """Run Huey's workers as threads of the web process, leaving its signal handling to the server."""

    def _set_signal_handlers(self) -> None:
        # Huey's consumer takes over SIGINT/SIGTERM, which would stop waitress from shutting down on Ctrl+C;
        # signal handlers can only be set from the main thread anyway, and this may start from a request.
        pass


class JobQueue:
    """Queue jobs, run them on workers, and keep their live progress, for one app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.mode = str(app.config.get("JOB_QUEUE") or "embedded")
        self.huey = self._make_huey(app, self.mode)
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()

        from .runner import purge_finished_jobs, reap_stale_jobs, run_job

        def run(job_id: int) -> None:
            run_job(app, job_id)

        def reap() -> None:
            reap_stale_jobs(app)

        self._run = self.huey.task(name=RUN_TASK)(run)
        # Persist "interrupted" for jobs whose worker died (SIGKILL, power cut): every minute, on any worker.
        self.huey.periodic_task(crontab(), name=REAP_TASK)(reap)

        def purge() -> None:
            purge_finished_jobs(app)

        # Finished jobs older than JOB_RETENTION_DAYS go, with the draft PDFs they stored (issue 20 item 14).
        self.huey.periodic_task(crontab(minute="17"), name=PURGE_TASK)(purge)

    @staticmethod
    def _make_huey(app: Flask, mode: str) -> Huey:
        name = str(app.config.get("JOB_QUEUE_NAME") or "portal")
        if mode == "embedded":
            path = app.config.get("JOB_QUEUE_FILE") or Path(app.instance_path) / f"{name}-jobs.sqlite3"
            return SqliteHuey(name=name, filename=str(path), results=False, utc=True)
        if mode == "immediate":
            return MemoryHuey(name=name, immediate=True, results=False, utc=True)
        if mode.startswith(("redis://", "rediss://", "unix://")):
            return RedisHuey(name=name, url=mode, results=False, utc=True)
        raise ValueError(f"JOB_QUEUE must be 'embedded', 'immediate' or a redis:// URL, not {mode!r}")

    # ------------------------------------------------------------------ queueing

    def enqueue(self, job_id: int) -> None:
        """Queue the job (already committed: a worker in another process must be able to read it)."""
        if self.mode == "embedded":
            self.start_embedded_worker()
        self._run(job_id)

    def start_embedded_worker(self) -> None:
        """Start the in-process worker threads once (the embedded mode only)."""
        if self.mode != "embedded":
            return
        with self._lock:
            if self._consumer is not None:
                return
            workers = int(self.app.config.get("JOB_WORKERS") or 1)
            # max_delay: an idle embedded worker polls the SQLite queue file at least every second.
            consumer = EmbeddedConsumer(self.huey, workers=workers, worker_type="thread", max_delay=1.0,
                                        check_worker_health=False)
            consumer.start()
            self._consumer = consumer
            log.info("embedded job worker started (%d thread(s))", workers)

    def stop_embedded_worker(self) -> None:
        """Stop the in-process workers, letting a running job finish."""
        with self._lock:
            consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.stop(graceful=True)

    def consumer(self, workers: int) -> Consumer:
        """Return a consumer for ``portal worker`` (its main loop handles SIGINT/SIGTERM gracefully)."""
        if self.mode == "immediate":
            raise ValueError("JOB_QUEUE=immediate runs jobs in the caller; there is nothing for a worker to do")
        return self.huey.create_consumer(workers=workers, worker_type="thread", max_delay=1.0)

    # ------------------------------------------------------------------ live state

    def put_live(self, job_id: int, state: dict[str, Any]) -> None:
        """Store the running job's live progress and heartbeat (JSON; last write wins)."""
        self.huey.storage.put_data(f"job:{job_id}", json.dumps(state).encode())

    def live(self, job_id: int) -> dict[str, Any] | None:
        """Return the job's live state, or None when no worker has reported on it."""
        raw = self.huey.storage.peek_data(f"job:{job_id}")
        if raw is EmptyData or raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def clear_live(self, job_id: int) -> None:
        """Forget the live state of a finished job (its last progress is in the database)."""
        self.huey.storage.pop_data(f"job:{job_id}")


def get_queue(app: Flask | None = None) -> JobQueue:
    """Return the app's job queue, created on first use (so commands that never queue touch nothing)."""
    from ..extensions import current_flask_app

    app = app or current_flask_app()
    queue = app.extensions.get(_EXTENSION)
    if queue is None or queue.mode != str(app.config.get("JOB_QUEUE") or "embedded"):
        queue = app.extensions[_EXTENSION] = JobQueue(app)
    return queue


def now() -> float:
    """Return the wall-clock time heartbeats are compared in (seconds; shared by every host)."""
    return time.time()
