"""Filings, their immutable submitted versions, and the append-only audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import TimestampMixin
from ..extensions import Model
from .accounts import Enterprise, User
from .checks import known_values, sha256_hex, year_range
from .columns import filing_ref, inserted_at, timestamp, user_ref

FILING_KINDS = ("ghg_annual_report", "clean_production_audit", "env_disclosure_annual_report", "env_disclosure_adhoc")
FILING_STATUSES = ("draft", "submitted", "returned", "resubmitted", "accepted")


class ImmutableRecordError(RuntimeError):
    """Raise when code tries to change a record that must never change (a version, an audit entry)."""


class Filing(TimestampMixin, Model):
    """Hold one filing (enterprise, kind, year): its working draft and its status.

    ``revision`` is SQLAlchemy's version counter: an UPDATE carries ``WHERE revision = <read value>``,
    so two people saving the same draft cannot silently overwrite each other (optimistic locking).
    """

    __tablename__ = "filing"
    __table_args__ = (
        # doc_key tells apart the ad-hoc disclosures of one year (the legal document's number); "" for the others
        UniqueConstraint("enterprise_id", "kind", "year", "doc_key"),
        known_values("kind", FILING_KINDS),
        known_values("status", FILING_STATUSES),
        # Every status but draft means at least one version was frozen.
        CheckConstraint("status = 'draft' OR current_version >= 1", name="submitted_has_version"),
        CheckConstraint(
            "(status = 'accepted' AND accepted_at IS NOT NULL) OR (status <> 'accepted' AND accepted_at IS NULL)",
            name="accepted_at_iff_accepted",
        ),
        year_range(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    #: an ad-hoc disclosure's legal document number (文号), "" for every other kind (one filing per year)
    doc_key: Mapped[str] = mapped_column(String(100), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    draft_json: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    last_submitted_at: Mapped[dt.datetime | None] = timestamp()
    accepted_at: Mapped[dt.datetime | None] = timestamp()
    # The reviewer the filing is assigned to (issue 18 item 3: the queue's "mine"); within their scope.
    assigned_to_id: Mapped[int | None] = user_ref("SET NULL", index=True)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    versions: Mapped[list[FilingVersion]] = relationship(
        back_populates="filing", order_by="FilingVersion.number", cascade="save-update, merge"
    )

    __mapper_args__ = {"version_id_col": revision}


class FilingVersion(Model):
    """Hold a submitted version: the frozen canonical JSON, its SHA-256 and the certification.

    Never updated: an ORM guard below and a database trigger (migration) refuse any UPDATE or DELETE.
    """

    __tablename__ = "filing_version"
    __table_args__ = (
        UniqueConstraint("filing_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        sha256_hex(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref(index=True)
    number: Mapped[int] = mapped_column(Integer)
    canonical_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    computed_json: Mapped[str] = mapped_column(Text)
    findings_json: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[str] = mapped_column(String(20))
    certified_by_id: Mapped[int] = user_ref()
    certification_statement: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = inserted_at()

    filing: Mapped[Filing] = relationship(back_populates="versions")
    certified_by: Mapped[User] = relationship(lazy="joined")


AUDIT_RESULTS = ("success", "failure")


class AuditEntry(Model):
    """Hold one append-only audit-log entry: who did what to which record, from where, with what result.

    Each row carries the hash of the row before it (``prev_hash``) and its own (``row_hash``, over every
    column and ``prev_hash``): editing, deleting or inserting a row anywhere but at the end breaks the chain,
    which ``portal audit verify`` checks. Rows are written by :mod:`portal.services.audit` only.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        known_values("result", AUDIT_RESULTS),
        CheckConstraint("length(prev_hash) = 64 AND length(row_hash) = 64", name="hash_length"),
        # Lockout reads a user's recent sign-in events (entity "user", newest first): services/accounts.py.
        Index("ix_audit_log_entity", "entity_type", "entity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = inserted_at(index=True)
    actor_id: Mapped[int | None] = user_ref(index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))  # IPv6 in its longest text form is 45 characters
    user_agent: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(String(10), server_default="success")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship(lazy="joined")


def filing_index(name: str, *columns: str) -> Index:
    """Declare an index over columns of the filing table, beside the tables whose queries need it."""
    table = Filing.__table__
    return Index(name, *(table.c[column] for column in columns))


def _refuse_update(mapper: object, connection: object, target: object) -> None:
    raise ImmutableRecordError(f"{type(target).__name__} records are immutable")


def _refuse_delete(mapper: object, connection: object, target: object) -> None:
    raise ImmutableRecordError(f"{type(target).__name__} records cannot be deleted")


def append_only(*models: type[Model]) -> None:
    """Refuse every ORM update and delete of these models' rows: they are records, written once."""
    for model in models:
        event.listen(model, "before_update", _refuse_update)
        event.listen(model, "before_delete", _refuse_delete)


append_only(FilingVersion, AuditEntry)
