"""Background jobs: who asked for what, the uploaded bytes a worker reads, and how it ended.

The row is the durable state of a job (queued → running → done / failed / interrupted). While a job runs,
its live progress and heartbeat live in the queue's own store (see ``portal.jobs.queue``): on SQLite the
import holds the database's one write lock for its whole transaction, so progress written to this table
by another connection would wait for the very import it reports on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import Model
from .accounts import User
from .checks import known_values
from .columns import inserted_at, timestamp, user_ref

#: render_version: a submitted version's PDF or Excel filing (stored); render_draft: a draft's PDF (issue 15)
JOB_KINDS = ("import_workbook", "render_version", "render_draft")
JOB_STATUSES = ("queued", "running", "done", "failed", "interrupted")
FINAL_STATUSES = ("done", "failed", "interrupted")


class Job(Model):
    """Hold one background job of one user.

    ``payload`` (the uploaded file) is kept in the database, not in the instance folder, because a
    ``portal worker`` may run on another machine than the web process that received the upload; it is
    cleared when the job is done. ``attempt`` grows on every run: the runner finishes a job only
    ``WHERE attempt = <its own>``, so a run declared interrupted can never report done afterwards.
    """

    __tablename__ = "job"
    __table_args__ = (
        known_values("kind", JOB_KINDS),
        known_values("status", JOB_STATUSES),
        CheckConstraint(
            "(status IN ('done', 'failed', 'interrupted')) = (finished_at IS NOT NULL)", name="finished_iff_final"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = user_ref(index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(120))
    # Each stage's last (done, total) when the job ended, as JSON (the live counts are in the queue store).
    progress_json: Mapped[str | None] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)  # what was created/updated, the outcome message
    result_file: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # the annotated error workbook
    error_zh: Mapped[str | None] = mapped_column(Text)
    error_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = inserted_at()
    started_at: Mapped[dt.datetime | None] = timestamp()
    finished_at: Mapped[dt.datetime | None] = timestamp()

    user: Mapped[User] = relationship()

    @property
    def is_final(self) -> bool:
        """Return whether the job has ended (done, failed or interrupted)."""
        return self.status in FINAL_STATUSES
