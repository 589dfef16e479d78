"""The copy of record around a version: its certification, reviewers' reads, its frozen results, its files.

Issue 15: a signatory certifies one revision of the draft (its canonical SHA-256); a version is created
from that certified text only; a reviewer's reading of a version is recorded with the hash read; each
version keeps what it printed (results, findings, code names, rules and reference editions) so that it
renders the same forever; its PDF and Excel filing are rendered once, in the background, and kept in the
object store (:mod:`portal.storage`), whose objects are recorded here with their size and hash.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import one_of
from ..extensions import Model
from .accounts import User
from .checks import known_values, sha256_hex
from .columns import filing_ref, inserted_at, timestamp, user_ref
from .filings import Filing, FilingVersion, append_only
from .jobs import Job

CERTIFICATION_STATUSES = ("active", "void", "submitted")
#: why a certification stopped counting: the draft changed, or the signatory certified a later revision
VOID_REASONS = ("draft_changed", "recertified")
VERSION_FILE_FORMATS = ("pdf", "xlsx")
#: why a hand-over to the signatory closed: the draft was submitted, changed since, or handed over again
SIGNATURE_REQUEST_CLOSINGS = ("submitted", "draft_changed", "replaced")
RECORD_ORIGINS = ("submission", "backfill")


class SignatureRequest(Model):
    """Hold a preparer's hand-over of a draft to the enterprise's signatories: "ready for signature" (issue 20).

    Open (``closed_at`` NULL) until the draft is submitted, changes, or is handed over again; it records the
    revision and SHA-256 handed over, so the signatory signs what the preparer meant. At most one open per
    filing (a partial unique index).
    """

    __tablename__ = "signature_request"
    __table_args__ = (
        sha256_hex(),
        CheckConstraint("(closed_at IS NULL) = (closed_reason IS NULL)", name="closed_iff_reason"),
        CheckConstraint("closed_reason IS NULL OR " + one_of("closed_reason", SIGNATURE_REQUEST_CLOSINGS),
                        name="closed_reason_known"),
        CheckConstraint("length(note) <= 500", name="note_length"),
        Index("ix_signature_request_one_open", "filing_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref("CASCADE", index=True)
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = user_ref()
    requested_at: Mapped[dt.datetime] = inserted_at()
    closed_at: Mapped[dt.datetime | None] = timestamp()
    closed_reason: Mapped[str | None] = mapped_column(String(20))

    filing: Mapped[Filing] = relationship(lazy="joined")
    requested_by: Mapped[User] = relationship(lazy="joined")


class Certification(Model):
    """Hold a signatory's certification of one revision of a draft: its canonical text and SHA-256.

    ``active`` until the draft changes (``void``, with when, by whom and the revision that voided it) or a
    version is created from it (``submitted``, with the version's number). A filing has at most one active
    certification (a partial unique index, migration 0010).
    """

    __tablename__ = "certification"
    __table_args__ = (
        known_values("status", CERTIFICATION_STATUSES),
        sha256_hex(),
        CheckConstraint(
            "(status = 'void') = (voided_at IS NOT NULL AND void_reason IS NOT NULL)", name="voided_iff_void"
        ),
        CheckConstraint("void_reason IS NULL OR " + one_of("void_reason", VOID_REASONS), name="void_reason_known"),
        CheckConstraint("(status = 'submitted') = (version_number IS NOT NULL)", name="version_iff_submitted"),
        Index("ix_certification_one_active", "filing_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref(index=True)
    #: the filing's revision (its optimistic-locking counter) when the draft was certified
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    canonical_json: Mapped[str] = mapped_column(Text)  # the certified text: the version is made from it
    statement: Mapped[str] = mapped_column(Text)
    certified_by_id: Mapped[int] = user_ref()
    certified_at: Mapped[dt.datetime] = inserted_at()
    status: Mapped[str] = mapped_column(String(10), default="active")
    voided_at: Mapped[dt.datetime | None] = timestamp()
    voided_by_id: Mapped[int | None] = user_ref()
    void_reason: Mapped[str | None] = mapped_column(String(20))
    #: the draft's revision and SHA-256 after the change that voided the certification
    voided_revision: Mapped[int | None] = mapped_column(Integer)
    voided_sha256: Mapped[str | None] = mapped_column(String(64))
    version_number: Mapped[int | None] = mapped_column(Integer)

    filing: Mapped[Filing] = relationship()
    certified_by: Mapped[User] = relationship(foreign_keys=[certified_by_id], lazy="joined")
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id], lazy="joined")


class VersionRead(Model):
    """Record that a reviewer opened a version: who, when, and the SHA-256 of the text shown. Append-only."""

    __tablename__ = "version_read"
    __table_args__ = (
        sha256_hex(),
        Index("ix_version_read_version_reader", "version_id", "reader_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("filing_version.id", ondelete="RESTRICT"))
    reader_id: Mapped[int] = user_ref()
    sha256: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[dt.datetime] = inserted_at()

    version: Mapped[FilingVersion] = relationship()
    reader: Mapped[User] = relationship(lazy="joined")


class VersionRecord(Model):
    """Hold what a submitted version prints, frozen: results with every line, findings, names, editions.

    ``record_json`` is :func:`portal.calc.record.dump_record`'s versioned JSON; ``sha256`` is its hash.
    Written at submission (``origin = 'submission'``) or, for versions submitted before records existed,
    by ``portal records backfill`` when recomputing reproduces the stored results (``'backfill'``).
    Never updated or deleted (ORM guard below, trigger in migration 0010).
    """

    __tablename__ = "version_record"
    __table_args__ = (
        sha256_hex(),
        known_values("origin", RECORD_ORIGINS),
    )

    version_id: Mapped[int] = mapped_column(ForeignKey("filing_version.id", ondelete="RESTRICT"), primary_key=True)
    format: Mapped[int] = mapped_column(Integer)
    record_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(12), default="submission")
    created_at: Mapped[dt.datetime] = inserted_at()


class StoredObject(Model):
    """Record one object of the object store: its key (the SHA-256 of its bytes), size and media type.

    ``frozen`` objects (a version's copy of record, evidence attached to a submission) can never be deleted:
    :func:`portal.services.files.delete` refuses, and the local store makes the file read-only.
    """

    __tablename__ = "stored_object"
    __table_args__ = (
        sha256_hex(),
        CheckConstraint("size >= 0", name="size_non_negative"),
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = inserted_at()


class VersionFile(Model):
    """Hold a version's rendered file (PDF copy of record or Excel filing): its job, then its stored object."""

    __tablename__ = "version_file"
    __table_args__ = (
        UniqueConstraint("version_id", "format"),
        known_values("format", VERSION_FILE_FORMATS),
        CheckConstraint("(storage_key IS NULL) = (stored_at IS NULL)", name="stored_at_iff_stored"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("filing_version.id", ondelete="RESTRICT"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    storage_key: Mapped[str | None] = mapped_column(ForeignKey("stored_object.key", ondelete="RESTRICT"))
    stored_at: Mapped[dt.datetime | None] = timestamp()
    #: seconds the render took on the worker (the benchmark and the README quote it)
    render_seconds: Mapped[float | None] = mapped_column(Float)

    version: Mapped[FilingVersion] = relationship()
    job: Mapped[Job | None] = relationship()
    stored: Mapped[StoredObject | None] = relationship(lazy="joined")


append_only(VersionRecord, VersionRead)
