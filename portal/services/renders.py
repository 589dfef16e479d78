"""Render copies of record in the background, once, and serve them from storage (issue 15 item 3).

A submitted version's PDF copy of record and Excel filing are rendered by a job queued at submission
(:func:`queue_version_files`), stored frozen in the object store, and served from there on every download
(:func:`stored_file`): the web thread never renders a submitted version. Until its file is stored, a
download shows the job's progress (:func:`file_state`). A draft's PDF is a job of the user who asked for
it, with the job pages' progress; the file is kept (not frozen) in the store.

Services flush, never commit: the caller commits, then hands the job ids to the queue.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Filing, FilingVersion, Job, User, VersionFile
from . import files
from . import jobs as job_service
from .errors import NotFound, ServiceError

Progress = Callable[[str, int, int], None]

MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: a version file whose job has been queued this long without a worker taking it may be queued again
REQUEUE_AFTER_SECONDS = 60.0


def file_name(filing: Filing, suffix: str) -> str:
    """Return the download name of a filing's file: ``<USCC>-<kind>-<year>-<suffix>``."""
    return f"{filing.enterprise.uscc}-{filing.kind}-{filing.year}-{suffix}"


def version_file(version: FilingVersion, fmt: str) -> VersionFile | None:
    """Return the record of a version's rendered file of format ``fmt``, if any."""
    return db.session.scalar(select(VersionFile).where(VersionFile.version_id == version.id,
                                                       VersionFile.format == fmt))


def _queue_one(actor: User, version: FilingVersion, fmt: str, row: VersionFile | None) -> Job:
    name = file_name(version.filing, f"v{version.number}.{fmt}")
    if row is None:
        row = VersionFile(version_id=version.id, format=fmt)
        db.session.add(row)
        db.session.flush()
    job = job_service.create_job(actor, "render_version", name,
                                 json.dumps({"version_file": row.id}, sort_keys=True).encode())
    row.job_id = job.id
    db.session.flush()
    return job


def queue_version_files(actor: User, version: FilingVersion) -> list[int]:
    """Create the jobs rendering a just-submitted version's PDF and Excel filing; return their ids.

    The caller enqueues them once the submission is committed (a worker must find the rows).
    """
    return [_queue_one(actor, version, fmt, version_file(version, fmt)).id for fmt in ("pdf", "xlsx")]


def queued_jobs(version: FilingVersion) -> list[int]:
    """Return the ids of the version's render jobs still queued (to hand to the queue after a commit)."""
    return list(db.session.scalars(
        select(Job.id).join(VersionFile, VersionFile.job_id == Job.id)
        .where(VersionFile.version_id == version.id, Job.status == "queued").order_by(Job.id)))


def requeue_version_file(actor: User, version: FilingVersion, fmt: str, now: float | None = None) -> int:
    """Queue the render of a version's file again: never queued (an older version), failed, or left waiting.

    Refused while the file is stored or its job is running, or queued for less than a minute.
    """
    row = version_file(version, fmt)
    state = file_state(version, fmt, now=now)
    if state.stored:
        raise ServiceError("此文件已生成", "this file has already been rendered")
    if state.job is not None and state.status == "running":
        raise ServiceError("此文件正在生成", "this file is being rendered")
    if state.job is not None and state.status == "queued" and not state.waiting_long:
        raise ServiceError("此文件已排队等候生成", "this file is already queued for rendering")
    if state.job is not None and state.status == "queued":
        return state.job.id  # a lost enqueue: hand the same job to the queue again (claiming is idempotent)
    return _queue_one(actor, version, fmt, row).id


@dataclass(frozen=True)
class FileState:
    """Hold where a version's file stands: stored, or its job's status and progress."""

    stored: bool
    job: Job | None
    status: str  # done (stored), queued, running, failed, interrupted, none (never queued)
    percent: int
    stages: dict[str, tuple[int, int]]
    message_zh: str
    message_en: str
    waiting_long: bool = False

    @property
    def final(self) -> bool:
        """Return whether waiting longer will not change the state (stored, failed, never queued)."""
        return self.stored or self.status in ("failed", "interrupted", "none")


def file_state(version: FilingVersion, fmt: str, *, live_of: Callable[[int], Any] | None = None,
               stale_after: float = 30.0, now: float | None = None) -> FileState:
    """Return whether a version's file is stored, or how far its render job is."""
    row = version_file(version, fmt)
    if row is not None and row.storage_key is not None:
        return FileState(True, row.job, "done", 100, {}, "已生成", "rendered")
    job = row.job if row is not None else None
    if job is None:
        return FileState(False, None, "none", 0, {}, "此版本的文件尚未生成", "this version's file has not been rendered")
    moment = now if now is not None else time.time()
    live = live_of(job.id) if live_of is not None and job.status == "running" else None
    view = job_service.job_view(job, live, stale_after, moment)
    summary = json.loads(job.result_json) if job.result_json else {}
    zh = summary.get("message_zh") or job.error_zh or ""
    en = summary.get("message_en") or job.error_en or zh
    created = job.created_at.timestamp() if job.created_at else moment
    waiting_long = view.status == "queued" and moment - created > REQUEUE_AFTER_SECONDS
    if view.status == "done" and not zh:
        zh, en = "已生成", "rendered"
    return FileState(False, job, view.status, view.percent, view.stages, zh, en, waiting_long)


@dataclass(frozen=True)
class StoredFile:
    """Hold a stored file ready to send."""

    content: bytes
    filename: str
    mimetype: str
    sha256: str  # of the file's bytes


def stored_file(version: FilingVersion, fmt: str) -> StoredFile | None:
    """Return a version's rendered file from the store (hash checked), or None while it is not stored."""
    row = version_file(version, fmt)
    if row is None or row.storage_key is None:
        return None
    data = files.get(row.storage_key)
    return StoredFile(data, file_name(version.filing, f"v{version.number}.{fmt}"), MIME[fmt], row.storage_key)


# ------------------------------------------------------------------------------- the job handlers


def render_version(payload: dict[str, Any], progress: Progress) -> tuple[Any, dict[str, Any]]:
    """Render and sign one version file (reads only); return (Rendered or None, summary of a refusal)."""
    from ..renderers import PdfPrerequisiteError
    from ..renderers.signing_key import SigningKeyError
    from . import exports

    if "verification" in payload:
        return _render_verification(payload, progress)
    row = db.session.get(VersionFile, int(payload["version_file"]))
    if row is None:
        return None, {"message_zh": "要生成的文件记录不存在", "message_en": "the file to render is not recorded"}
    if row.storage_key is not None:
        return None, {"key": row.storage_key, "already": True}
    try:
        progress("rendered", 0, 1)
        return exports.render_version_file(row.version, row.format, progress=progress), {}
    except (ServiceError, PdfPrerequisiteError, SigningKeyError) as error:
        return None, {"message_zh": error.message_zh, "message_en": error.message_en}


def store_version(payload: dict[str, Any], rendered: Any, seconds: float, progress: Progress) -> dict[str, Any]:
    """Store a rendered version file, frozen, and record it on the version; return the job's summary."""
    if "verification" in payload:
        return _store_verification(payload, rendered, seconds, progress)
    row = db.session.get(VersionFile, int(payload["version_file"]))
    assert row is not None
    stored = files.put(rendered.content, content_type=rendered.mimetype, frozen=True)
    progress("stored", 1, 1)
    row.storage_key = stored.key
    row.stored_at = dt.datetime.now(dt.UTC)
    row.render_seconds = round(seconds, 3)
    db.session.flush()
    version = row.version
    return {"key": stored.key, "filename": rendered.filename, "mimetype": rendered.mimetype, "size": stored.size,
            "seconds": row.render_seconds, "filing_id": version.filing_id, "number": version.number,
            "format": row.format}


# ------------------------------------------------------------------- the verification statement (issue 18)


def queue_verification_pdf(actor: User, verification: Any) -> Job:
    """Create the job rendering the copy of record with the accepted verification statement (a render job)."""
    name = file_name(verification.filing, f"v{verification.version_number}-verified.pdf")
    return job_service.create_job(actor, "render_version", name,
                                  json.dumps({"verification": verification.id}, sort_keys=True).encode())


def _render_verification(payload: dict[str, Any], progress: Progress) -> tuple[Any, dict[str, Any]]:
    from ..models import Verification
    from ..renderers import PdfPrerequisiteError
    from ..renderers.signing_key import SigningKeyError
    from . import exports

    verification = db.session.get(Verification, int(payload["verification"]))
    if verification is None or verification.status != "accepted":
        return None, {"message_zh": "要生成的核查结论不存在或未被接受",
                      "message_en": "the verification to render does not exist or was not accepted"}
    if verification.report_key is not None:
        return None, {"key": verification.report_key, "already": True}
    try:
        progress("rendered", 0, 1)
        return exports.verification_pdf(verification, progress=progress), {}
    except (ServiceError, PdfPrerequisiteError, SigningKeyError) as error:
        return None, {"message_zh": error.message_zh, "message_en": error.message_en}


def _store_verification(payload: dict[str, Any], rendered: Any, seconds: float, progress: Progress) -> dict[str, Any]:
    from ..models import Verification

    verification = db.session.get(Verification, int(payload["verification"]))
    assert verification is not None
    stored = files.put(rendered.content, content_type=rendered.mimetype, frozen=True)
    progress("stored", 1, 1)
    verification.report_key = stored.key
    db.session.flush()
    return {"key": stored.key, "filename": rendered.filename, "mimetype": rendered.mimetype, "size": stored.size,
            "seconds": round(seconds, 3), "filing_id": verification.filing_id,
            "number": verification.version_number, "format": "pdf"}


def verification_file(verification: Any) -> StoredFile | None:
    """Return the stored PDF with the verification statement, or None while it is not rendered."""
    if verification.report_key is None:
        return None
    data = files.get(verification.report_key)
    return StoredFile(data, file_name(verification.filing, f"v{verification.version_number}-verified.pdf"),
                      MIME["pdf"], verification.report_key)


# ----------------------------------------------------------------------------------- draft files


def queue_draft_pdf(actor: User, filing: Filing) -> Job:
    """Create the job rendering the filing's draft PDF for ``actor``; the caller commits, then enqueues it."""
    payload = json.dumps({"filing": filing.id, "revision": filing.revision}, sort_keys=True).encode()
    return job_service.create_job(actor, "render_draft", file_name(filing, "draft.pdf"), payload)


def end_read(*keep: Any) -> None:
    """End the read-only transaction of a render before its writes begin, on a fresh snapshot.

    A render reads for a second or more before it writes. On SQLite a transaction whose snapshot went stale
    meanwhile (a page saved something) cannot take the write lock — "database is locked" — so the reads
    are ended first; nothing was written yet, so there is nothing to lose. ``keep`` stay loaded. The writes
    then begin with SQLite's write lock (``BEGIN IMMEDIATE``, :mod:`portal.db_sqlite`): they wait for a page's
    commit rather than fail; the caller (the job runner) turns that off when the job ends.
    """
    from ..db_sqlite import intend_writes

    intend_writes(True)
    for obj in keep:
        db.session.expunge(obj)
    db.session.rollback()
    for obj in keep:
        db.session.add(obj)


def render_draft_job(actor: User, payload: dict[str, Any], progress: Progress) -> tuple[bool, dict[str, Any]]:
    """Render a draft's PDF (with the 草稿 watermark) and keep it in the store; return (ok, summary)."""
    from ..renderers import PdfPrerequisiteError
    from .access import require_edit
    from .exports import draft_file

    filing = db.session.get(Filing, int(payload["filing"]))
    if filing is None:
        return False, {"message_zh": "申报不存在", "message_en": "the filing does not exist"}
    try:
        require_edit(actor, filing)
    except NotFound:
        return False, {"message_zh": "无权查看此草稿", "message_en": "you may not see this draft"}
    started = time.perf_counter()
    progress("rendered", 0, 1)
    try:
        rendered = draft_file(filing, "pdf")
    except (ServiceError, PdfPrerequisiteError) as error:
        return False, {"message_zh": error.message_zh, "message_en": error.message_en}
    progress("rendered", 1, 1)
    end_read(filing)
    stored = files.put(rendered.content, content_type=rendered.mimetype)
    progress("stored", 1, 1)
    return True, {"key": stored.key, "filename": rendered.filename, "mimetype": rendered.mimetype,
                  "size": stored.size, "seconds": round(time.perf_counter() - started, 3),
                  "filing_id": filing.id, "revision": filing.revision,
                  "message_zh": f"草稿 PDF 已生成（草稿修订 {filing.revision}）",
                  "message_en": f"the draft PDF is ready (draft revision {filing.revision})"}


def job_file(job: Job) -> StoredFile | None:
    """Return the file a finished render job stored (a draft PDF), or None."""
    if job.kind not in ("render_draft", "render_version") or job.status != "done" or not job.result_json:
        return None
    summary = json.loads(job.result_json)
    key = summary.get("key")
    if not key:
        return None
    try:
        data = files.get(key)
    except files.ObjectMissing:
        return None
    return StoredFile(data, summary.get("filename") or job.filename, summary.get("mimetype") or MIME["pdf"], key)
