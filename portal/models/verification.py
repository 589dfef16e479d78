"""Verification (核查) and evidence: bodies and their staff, engagements, checklists, 不符合项, attachments.

Issue 18 items 1 and 2. A province or city reviewer engages a verification body (核查机构) for a set of a
year's greenhouse-gas filings (:class:`Engagement`, one :class:`Verification` per filing); the body's staff
(:class:`VerifierStaff`, granted with a second security administrator's approval like every role) see those
filings' submitted versions and nothing else, work through the checklist of the 核查技术指南, raise findings per
field (:class:`VerificationFinding`, 不符合项) that the enterprise answers, and conclude with the verified
total (审定排放量), which the regulator accepts. The enterprise's evidence (:class:`Attachment`) lives in the
object store; an attachment is frozen with the first version submitted after it was attached.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import User
from .checks import known_values, sha256_hex, target_named, year_range
from .columns import filing_ref, inserted_at, timestamp, user_ref
from .filings import Filing
from .record import StoredObject

VERIFICATION_STATUSES = ("open", "concluded", "accepted")
FINDING_STATUSES = ("open", "closed")
ATTACHMENT_TARGETS = ("filing", "section", "line")
SCAN_RESULTS = ("clean", "not_scanned")


class VerificationBody(Model):
    """Hold a verification body (核查机构): its name and registration number, kept by system administrators."""

    __tablename__ = "verification_body"
    __table_args__ = (CheckConstraint("uscc IS NULL OR length(uscc) = 18", name="uscc_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = inserted_at()


class VerifierStaff(Model):
    """Tie a user to the verification body they work for (one body per person): the verifier role."""

    __tablename__ = "verifier_staff"

    user_id: Mapped[int] = user_ref("CASCADE", primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("verification_body.id", ondelete="RESTRICT"), index=True)
    added_at: Mapped[dt.datetime] = inserted_at()

    body: Mapped[VerificationBody] = relationship(lazy="joined")


class Engagement(Model):
    """Hold a reviewer's engagement of a body for filings of one year, within the reviewer's region scope."""

    __tablename__ = "verification_engagement"
    __table_args__ = (
        year_range(),
        CheckConstraint("length(region_scope) IN (2, 4, 6)", name="region_scope_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("verification_body.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    #: the assigning reviewer's scope: the engagement is theirs and their region's colleagues'
    region_scope: Mapped[str] = mapped_column(String(6))
    created_by_id: Mapped[int] = user_ref()
    created_at: Mapped[dt.datetime] = inserted_at()

    body: Mapped[VerificationBody] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(lazy="joined")


class Verification(Model):
    """Hold the verification of one filing: checklist, conclusion, verified total and the regulator's acceptance.

    One per filing. ``reported_tco2`` and ``version_number`` are those of the version concluded on;
    ``report_key`` is the stored PDF (the copy of record with the verification statement) rendered once the
    regulator accepted the conclusion.
    """

    __tablename__ = "verification"
    __table_args__ = (
        known_values("status", VERIFICATION_STATUSES),
        CheckConstraint("(status = 'open') = (concluded_at IS NULL)", name="concluded_at_iff_concluded"),
        CheckConstraint("status = 'open' OR (verified_tco2 IS NOT NULL AND version_number IS NOT NULL)",
                        name="concluded_with_total"),
        CheckConstraint("(status = 'accepted') = (accepted_at IS NOT NULL)", name="accepted_at_iff_accepted"),
        CheckConstraint("verified_tco2 IS NULL OR verified_tco2 >= 0", name="verified_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("verification_engagement.id", ondelete="RESTRICT"),
                                               index=True)
    filing_id: Mapped[int] = filing_ref(unique=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    checklist_json: Mapped[str] = mapped_column(Text, default="{}")
    conclusion: Mapped[str | None] = mapped_column(Text)
    version_number: Mapped[int | None] = mapped_column(Integer)
    reported_tco2: Mapped[int | None] = mapped_column(BigInteger)
    verified_tco2: Mapped[int | None] = mapped_column(BigInteger)
    concluded_by_id: Mapped[int | None] = user_ref()
    concluded_at: Mapped[dt.datetime | None] = timestamp()
    accepted_by_id: Mapped[int | None] = user_ref()
    accepted_at: Mapped[dt.datetime | None] = timestamp()
    report_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    report_key: Mapped[str | None] = mapped_column(ForeignKey("stored_object.key", ondelete="RESTRICT"))

    engagement: Mapped[Engagement] = relationship(lazy="joined")
    filing: Mapped[Filing] = relationship()
    concluded_by: Mapped[User | None] = relationship(foreign_keys=[concluded_by_id], lazy="joined")
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id], lazy="joined")


class Attachment(Model):
    """Hold one evidence file of a filing, on the filing, a section or a line; its bytes in the object store.

    ``version_number`` is set when the first version submitted after the upload freezes it: from then on
    the attachment is part of that version's record and is never changed or deleted (services/attachments).
    """

    __tablename__ = "attachment"
    __table_args__ = (
        known_values("target_type", ATTACHMENT_TARGETS),
        target_named(),
        sha256_hex(),
        CheckConstraint("size >= 0", name="size_non_negative"),
        known_values("scan_result", SCAN_RESULTS),
        Index("ix_attachment_filing_version", "filing_id", "version_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref()
    target_type: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(ForeignKey("stored_object.key", ondelete="RESTRICT"))
    scan_result: Mapped[str] = mapped_column(String(12))
    uploaded_by_id: Mapped[int] = user_ref()
    uploaded_at: Mapped[dt.datetime] = inserted_at()
    version_number: Mapped[int | None] = mapped_column(Integer)

    uploaded_by: Mapped[User] = relationship(lazy="joined")
    stored: Mapped[StoredObject] = relationship()

    @property
    def frozen(self) -> bool:
        """Return whether a submitted version holds the attachment (it can no longer change)."""
        return self.version_number is not None


class VerificationFinding(Model):
    """Hold a 不符合项: a verifier's finding on one field of a version, the evidence cited, the enterprise's answer."""

    __tablename__ = "verification_finding"
    __table_args__ = (
        known_values("status", FINDING_STATUSES),
        CheckConstraint("(response IS NULL) = (responded_at IS NULL)", name="responded_at_iff_response"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at_iff_closed"),
        CheckConstraint("version_number >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id", ondelete="RESTRICT"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    field_path: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    raised_by_id: Mapped[int] = user_ref()
    raised_at: Mapped[dt.datetime] = inserted_at()
    response: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = user_ref()
    responded_at: Mapped[dt.datetime | None] = timestamp()
    closed_at: Mapped[dt.datetime | None] = timestamp()

    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    attachment: Mapped[Attachment | None] = relationship(lazy="joined")
