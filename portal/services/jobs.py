"""Background jobs as use cases: queue an upload, find a user's jobs, claim, finish, retry, reap.

Services flush, never commit: the web view commits once and then hands the id to the queue; the runner
(``portal.jobs.runner``) draws its own transaction lines. Finishing and reaping are conditional UPDATEs on
``(id, attempt, status='running')``, so of a worker that finishes and a reaper that gave up on it only
one can win — a job declared interrupted is never reported done, and its import is rolled back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update

from ..db import rows_changed, utcnow
from ..extensions import db
from ..models import Job, User
from ..models.jobs import FINAL_STATUSES
from . import audit
from .errors import NotFound, ServiceError

#: The stages a job reports, in order (the import's progress(stage, done, total) callback).
STAGES = ("parsed", "validated", "stored")
#: The stages of each kind of job (each weighs the same share of the progress bar).
STAGES_BY_KIND: dict[str, tuple[str, ...]] = {
    "import_workbook": STAGES,
    "render_version": ("rendered", "signed", "stored"),
    "render_draft": ("rendered", "stored"),
}

INTERRUPTED_ZH = "处理此任务的后台进程意外停止，未保存任何数据。可以重新运行。"
INTERRUPTED_EN = "The background worker running this job stopped unexpectedly; nothing was stored. You can run it again."


def submit_upload(actor: User, kind: str, filename: str, data: bytes) -> Job:
    """Create a queued job holding the uploaded bytes; the caller commits, then enqueues its id."""
    if not data:
        raise ServiceError("上传的文件为空。", "The uploaded file is empty.", field="file")
    job = Job(user_id=actor.id, kind=kind, status="queued", filename=filename[:255] or "upload.xlsx",
              size=len(data), sha256=hashlib.sha256(data).hexdigest(), payload=data, attempt=0)
    db.session.add(job)
    db.session.flush()
    return job


def create_job(actor: User, kind: str, filename: str, payload: bytes) -> Job:
    """Create a queued job of ``kind`` (a render) for ``actor``; the caller commits, then enqueues its id."""
    job = Job(user_id=actor.id, kind=kind, status="queued", filename=filename[:255], size=len(payload),
              sha256=hashlib.sha256(payload).hexdigest(), payload=payload, attempt=0)
    db.session.add(job)
    db.session.flush()
    return job


def job_of(actor: User, job_id: int) -> Job | None:
    """Return the job if it belongs to ``actor`` — jobs are private to the user who started them."""
    job = db.session.get(Job, job_id)
    if job is None or job.user_id != actor.id:
        return None
    return job


def jobs_of(actor: User, limit: int = 50) -> list[Job]:
    """Return the user's newest jobs first."""
    return list(db.session.scalars(
        select(Job).where(Job.user_id == actor.id).order_by(Job.id.desc()).limit(limit)
    ))


def stored_files(job: Job) -> tuple[bool, bool]:
    """Return whether the job keeps its upload and an error workbook, without loading either blob."""
    row = db.session.execute(
        select(Job.payload.is_not(None), Job.result_file.is_not(None)).where(Job.id == job.id)
    ).one()
    return bool(row[0]), bool(row[1])


def can_retry(job: Job) -> bool:
    """Return whether the job may run again: its worker died, or it crashed, and its upload is kept."""
    if job.status not in ("interrupted", "failed"):
        return False
    has_upload, has_error_workbook = stored_files(job)
    return has_upload and not has_error_workbook


def retry(actor: User, job: Job, *, shown_interrupted: bool = False) -> Job:
    """Queue an interrupted (or crashed) job again with the upload it kept; the caller commits, enqueues.

    ``shown_interrupted``: the job is still recorded running but its heartbeat is stale, so every page
    shows it interrupted; it is recorded so first (the reaper would within a minute), for this attempt only.
    """
    if job.user_id != actor.id:  # jobs are private to the user who started them
        raise NotFound()
    if shown_interrupted and job.status == "running":
        finish(job.id, job.attempt, "interrupted", error=(INTERRUPTED_ZH, INTERRUPTED_EN), keep_payload=True)
        db.session.refresh(job)
    if not can_retry(job):
        raise ServiceError("此任务不能重新运行。", "This job cannot be run again.")
    job.status = "queued"
    job.finished_at = None
    job.error_zh = job.error_en = None
    job.result_json = None
    db.session.flush()
    return job


# ------------------------------------------------------------------------------ purging (issue 20 item 14)


@dataclass(frozen=True)
class Purged:
    """Say what a purge removed: the finished jobs, and the stored files only they referred to."""

    jobs: int
    files: int


def purge_finished(older_than: dt.timedelta, now: dt.datetime | None = None) -> Purged:
    """Delete finished jobs (done, failed, interrupted) that ended more than ``older_than`` ago; flush.

    Their uploads and error workbooks go with the rows. A draft PDF a render stored goes too, unless a job
    still kept names it; a frozen object (a version's copy of record) is never deleted — versions keep their
    files, the ``version_file`` row only forgets the job (``ON DELETE SET NULL``). Queued and running jobs stay.
    """
    from . import files

    cutoff = (now or utcnow()) - older_than
    rows = db.session.execute(select(Job.id, Job.result_json).where(
        Job.status.in_(FINAL_STATUSES), Job.finished_at < cutoff)).all()
    if not rows:
        return Purged(0, 0)
    keys: set[str] = set()
    for _id, result in rows:
        summary = json.loads(result) if result else {}
        if isinstance(summary, dict) and isinstance(summary.get("key"), str):
            keys.add(summary["key"])
    ids = [job_id for job_id, _result in rows]
    for start in range(0, len(ids), 500):  # keep each IN list well under every database's parameter limit
        db.session.execute(delete(Job).where(Job.id.in_(ids[start:start + 500]))
                           .execution_options(synchronize_session=False))
    removed = 0
    for key in sorted(keys):
        record = files.record_of(key)
        if record is None or record.frozen:
            continue
        if db.session.scalar(select(Job.id).where(Job.result_json.contains(key)).limit(1)) is not None:
            continue  # a kept job still offers it
        files.delete(key)
        removed += 1
    db.session.flush()
    audit.record(None, "jobs.purge", "job", None,
                 after={"jobs": len(ids), "files": removed, "finished_before": cutoff.isoformat()})
    return Purged(len(ids), removed)


def purge_expired(retention_days: float, now: dt.datetime | None = None) -> Purged:
    """Purge the finished jobs older than the retention (``JOB_RETENTION_DAYS``; 0 or less keeps them all)."""
    if retention_days <= 0:
        return Purged(0, 0)
    return purge_finished(dt.timedelta(days=retention_days), now)


# ------------------------------------------------------------------------------ the runner's steps


def claim(job_id: int, worker: str) -> int | None:
    """Mark a queued job running under a new attempt number; return it, or None if it is not queued."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        return None
    attempt = job.attempt + 1
    result = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued", Job.attempt == job.attempt)
        .values(status="running", attempt=attempt, worker=worker[:120], started_at=utcnow(), progress_json=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(job)
    return attempt if rows_changed(result) == 1 else None


@dataclass
class Outcome:
    """Hold how a job ended: ok or not, a JSON-able summary, and a file to offer (the error workbook)."""

    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    file: bytes | None = None


def finish(job_id: int, attempt: int, status: str, *, outcome: Outcome | None = None,
           error: tuple[str, str] | None = None, stages: dict[str, tuple[int, int]] | None = None,
           keep_payload: bool = False) -> bool:
    """Record the end of this attempt; return False if the job is no longer ours (reaped meanwhile).

    Runs inside the caller's transaction: for a successful import that is the import's own transaction,
    so the stored documents and "done" are committed together or not at all.
    """
    values: dict[str, Any] = {
        "status": status, "finished_at": utcnow(),
        "progress_json": json.dumps({s: list(pair) for s, pair in (stages or {}).items()}),
    }
    if outcome is not None:
        values["result_json"] = json.dumps(outcome.summary, ensure_ascii=False, sort_keys=True)
        values["result_file"] = outcome.file
    if error is not None:
        values["error_zh"], values["error_en"] = error
    if not keep_payload:
        values["payload"] = None
    result = db.session.execute(
        update(Job).where(Job.id == job_id, Job.attempt == attempt, Job.status == "running")
        .values(**values).execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def reap_stale(live_of: Any, stale_after: float, now: float) -> list[int]:
    """Record as interrupted every running job whose heartbeat is older than ``stale_after`` seconds.

    ``live_of(job_id)`` returns the live state from the queue store. The import of a reaped job was
    never committed (done is committed with it), so the upload is kept and the job can run again.
    """
    reaped = []
    for job in db.session.scalars(select(Job).where(Job.status == "running")):
        view = job_view(job, live_of(job.id), stale_after, now)
        if view.status != "interrupted":
            continue
        if finish(job.id, job.attempt, "interrupted", error=(INTERRUPTED_ZH, INTERRUPTED_EN),
                  stages=view.stages, keep_payload=True):
            reaped.append(job.id)
    return reaped


# ------------------------------------------------------------------------------ what the pages show


@dataclass
class JobView:
    """Hold what a job page or its JSON shows: the effective status and each stage's counts."""

    status: str
    stages: dict[str, tuple[int, int]]
    heartbeat_age: float | None

    @property
    def percent(self) -> int:
        """Return overall progress: each stage counts the same share (a finished job is 100)."""
        if self.status == "done":
            return 100
        fractions = [min(done / total, 1.0) if total else 0.0 for done, total in self.stages.values()]
        return int(100 * sum(fractions) / max(len(self.stages), 1))


def job_view(job: Job, live: dict[str, Any] | None, stale_after: float, now: float) -> JobView:
    """Combine the job row with its live state; a running job with a stale heartbeat is interrupted."""
    stages = {s: (0, 0) for s in STAGES_BY_KIND.get(job.kind, STAGES)}
    _merge_stages(stages, json.loads(job.progress_json) if job.progress_json else None)
    age = None
    status = job.status
    if status == "running" and live is not None and live.get("attempt") == job.attempt:
        _merge_stages(stages, live.get("stages"))
        age = max(now - float(live.get("beat", 0)), 0.0)
    if status == "running":
        started = job.started_at.timestamp() if job.started_at else now
        silent_for = age if age is not None else max(now - started, 0.0)
        if silent_for > stale_after:
            status = "interrupted"
    return JobView(status=status, stages=stages, heartbeat_age=age)


def _merge_stages(stages: dict[str, tuple[int, int]], reported: Any) -> None:
    if not isinstance(reported, dict):
        return
    for stage, pair in reported.items():
        if stage in stages and isinstance(pair, list) and len(pair) == 2:
            stages[stage] = (int(pair[0]), int(pair[1]))
