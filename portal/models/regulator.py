"""The regulator's registers and tools (issue 18 items 3–5): deadline extensions, credit ratings, master-data requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.labels import VALUE_SETS
from ..extensions import Model
from .accounts import Enterprise, User
from .checks import known_values, year_range
from .columns import inserted_at, timestamp, user_ref
from .filings import FILING_KINDS

#: 环保信用评价 grades: the disclosure model's code list (labels.VALUE_SETS["credit_grade"]), declared once there.
CREDIT_GRADES = tuple(VALUE_SETS["credit_grade"].values)
CREDIT_SOURCES = ("entered", "imported")
MASTER_DATA_FIELDS = ("name", "uscc", "region_code", "industry_code")
MASTER_DATA_STATUSES = ("pending", "approved", "rejected")


class DeadlineExtension(Model):
    """Hold a deadline extended for one enterprise's (kind, year), with the reason (audited when granted).

    One row per (enterprise, kind, year): a later extension replaces the due date of the earlier one (the
    audit log keeps both). GHG-014 and the queue's deadline read it for that enterprise only.
    """

    __tablename__ = "deadline_extension"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "kind", "year"),
        known_values("kind", FILING_KINDS),
        CheckConstraint("length(reason) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = user_ref("SET NULL")
    granted_at: Mapped[dt.datetime] = inserted_at()

    enterprise: Mapped[Enterprise] = relationship()
    granted_by: Mapped[User | None] = relationship()


class CreditRating(Model):
    """Hold an enterprise's 环保信用评价 grade of a year, entered or imported by a regulator."""

    __tablename__ = "credit_rating"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year"),
        known_values("grade", CREDIT_GRADES),
        known_values("source", CREDIT_SOURCES),
        year_range(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(10))
    issuer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10), default="entered")
    entered_by_id: Mapped[int | None] = user_ref("SET NULL")
    entered_at: Mapped[dt.datetime] = inserted_at()

    enterprise: Mapped[Enterprise] = relationship()


class MasterDataRequest(Model):
    """Hold a filer's request to change the enterprise's registered name, USCC, region or industry.

    The registry changes only when a reviewer of the enterprise's region approves (audited); the filer's
    drafts keep the registry's values until then.
    """

    __tablename__ = "master_data_request"
    __table_args__ = (
        known_values("status", MASTER_DATA_STATUSES),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"),
        Index("ix_master_data_request_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    changes_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by_id: Mapped[int | None] = user_ref("SET NULL")
    requested_at: Mapped[dt.datetime] = inserted_at()
    decided_by_id: Mapped[int | None] = user_ref("SET NULL")
    decided_at: Mapped[dt.datetime | None] = timestamp()

    enterprise: Mapped[Enterprise] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
