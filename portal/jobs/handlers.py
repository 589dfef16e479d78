"""What each kind of job does: a function (user, payload bytes, filename, progress) → Outcome.

The payload is the uploaded workbook of an import, and a small JSON naming what to render for a render.

A handler flushes, never commits: the runner commits its work together with the job's end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Enterprise, User
from ..services.jobs import Outcome

Progress = Callable[[str, int, int], None]
Handler = Callable[[User, bytes, str, Progress], Outcome]


def import_workbook_job(actor: User, data: bytes, filename: str, progress: Progress) -> Outcome:
    """Import an uploaded workbook (all or nothing) and summarise what it created, updated or left."""
    from ..services.imports import import_workbook

    outcome = import_workbook(actor, data, filename, progress=progress, before_store=_begin_writes)
    entries = [*outcome.filings, *outcome.unchanged]
    names = dict(db.session.execute(
        select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc.in_({e[1] for e in entries}))
    ).tuples().all()) if entries else {}

    def describe(entry: tuple[int, str, int, str, str]) -> dict[str, Any]:
        filing_id, uscc, year, kind, _action = entry
        return {"filing_id": filing_id, "uscc": uscc, "year": year, "kind": kind, "enterprise": names.get(uscc)}

    summary = {
        "created": [describe(e) for e in outcome.filings if e[4] == "created"],
        "updated": [describe(e) for e in outcome.filings if e[4] == "updated"],
        "unchanged": [describe(e) for e in outcome.unchanged],
        "message_zh": outcome.message_zh,
        "message_en": outcome.message_en,
        "duplicate_of": outcome.duplicate_of,
        "import_record": outcome.record_id,
        "errors": len(outcome.errors),
    }
    return Outcome(ok=outcome.ok, summary=summary, file=outcome.error_workbook)


def _begin_writes(*keep: Any) -> None:
    """End the read-only part of a job and begin its writes with the write lock (issue 20 item 14).

    The reads (parsing, validating, rendering) took seconds on a snapshot a page save may have made stale;
    nothing is written yet, so they are ended, and the writes begin on a fresh snapshot with ``BEGIN IMMEDIATE``
    (``services.renders.end_read``, ``portal.db_sqlite``): they wait for a page save's commit instead of failing, and a page save waits only
    for the short store phase. ``keep`` stay loaded.
    """
    from ..services.renders import end_read

    end_read(*keep)


def render_version_job(actor: User, data: bytes, filename: str, progress: Progress) -> Outcome:
    """Render, sign and store a submitted version's PDF copy of record or Excel filing (issue 15).

    The render only reads; its read transaction is ended before the file is stored and recorded, so that
    the writes start on a fresh snapshot (``services.renders.end_read``).
    """
    import time

    from ..services import renders

    payload = json.loads(data)
    started = time.perf_counter()
    rendered, summary = renders.render_version(payload, progress)
    if rendered is None:
        return Outcome(ok=bool(summary.get("already")), summary=summary)
    _begin_writes()
    return Outcome(ok=True, summary=renders.store_version(payload, rendered, time.perf_counter() - started, progress))


def render_draft_job(actor: User, data: bytes, filename: str, progress: Progress) -> Outcome:
    """Render a draft's PDF (草稿 watermark) for the filer who asked, kept in the store."""
    from ..services.renders import render_draft_job as render

    ok, summary = render(actor, json.loads(data), progress)
    return Outcome(ok=ok, summary=summary)


HANDLERS: dict[str, Handler] = {
    "import_workbook": import_workbook_job,
    "render_version": render_version_job,
    "render_draft": render_draft_job,
}
