"""What each kind of job does: a function (user, uploaded bytes, filename, progress) → Outcome.

A handler flushes, never commits: the runner commits its work together with the job's end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import User
from ..services.jobs import Outcome

Progress = Callable[[str, int, int], None]
Handler = Callable[[User, bytes, str, Progress], Outcome]


def import_workbook_job(actor: User, data: bytes, filename: str, progress: Progress) -> Outcome:
    """Import an uploaded workbook (all or nothing) and summarise what it created or updated."""
    from ..services.imports import import_workbook

    outcome = import_workbook(actor, data, filename, progress=progress)
    summary = {
        "created": [describe_filing(item) for item in getattr(outcome, "created", None) or []],
        "updated": [describe_filing(item) for item in getattr(outcome, "updated", None) or []],
        "message_zh": getattr(outcome, "message_zh", "") or "",
        "message_en": getattr(outcome, "message_en", "") or "",
        "duplicate_of": getattr(outcome, "duplicate_of", None),
    }
    return Outcome(ok=bool(outcome.ok), summary=summary, file=getattr(outcome, "error_workbook", None))


def describe_filing(item: Any) -> dict[str, Any]:
    """Return the facts a result page lists about a created or updated filing."""
    enterprise = getattr(item, "enterprise", None)
    return {
        "filing_id": getattr(item, "id", None),
        "kind": getattr(item, "kind", None),
        "year": getattr(item, "year", None),
        "uscc": getattr(enterprise, "uscc", None),
        "enterprise": getattr(enterprise, "name", None),
    }


HANDLERS: dict[str, Handler] = {"import_workbook": import_workbook_job}
