"""The record of every workbook upload: which file (SHA-256), who, when, and what came of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import User
from .checks import known_values, sha256_hex
from .columns import inserted_at, user_ref

#: imported: drafts stored · rejected: cell errors, nothing stored · refused: hostile or unreadable file ·
#: duplicate: the same file was imported before, nothing done again
IMPORT_OUTCOMES = ("imported", "rejected", "refused", "duplicate")


class ImportRecord(Model):
    """Hold one upload of a workbook and its outcome; the file hash makes a re-upload idempotent."""

    __tablename__ = "import_record"
    __table_args__ = (
        known_values("outcome", IMPORT_OUTCOMES),
        sha256_hex(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = user_ref(index=True)
    created_at: Mapped[dt.datetime] = inserted_at()
    outcome: Mapped[str] = mapped_column(String(12))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    #: JSON list of [filing_id, uscc, year, kind, "created" | "updated" | "unchanged"] for the result page
    result_json: Mapped[str | None] = mapped_column(Text)
    #: the annotated workbook of a rejected upload, offered for download
    error_workbook: Mapped[bytes | None] = mapped_column(LargeBinary)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("import_record.id", ondelete="RESTRICT"))

    actor: Mapped[User | None] = relationship(lazy="joined")
