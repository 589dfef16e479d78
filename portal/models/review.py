"""The regulator's review: the queue's per-filing summary, comments with answers, verdicts on explanations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import User
from .checks import known_values, target_named
from .columns import filing_ref, inserted_at, timestamp, user_ref
from .filings import filing_index

COMMENT_TARGETS = ("filing", "finding", "field")
COMMENT_VISIBILITIES = ("internal", "filer")
VERDICTS = ("accepted", "rejected")


class QueueSummary(Model):
    """Hold what the review queue shows of a filing's latest version, written when it is submitted.

    The findings live as JSON in the frozen version; counting them for 10,000 filings on every queue page
    would parse 10,000 documents. One row per filing keeps the queue a single indexed join.
    """

    __tablename__ = "review_queue_summary"
    __table_args__ = (
        CheckConstraint("errors >= 0 AND warnings >= 0 AND notices >= 0", name="counts_non_negative"),
        CheckConstraint("unexplained >= 0 AND unexplained <= warnings", name="unexplained_within_warnings"),
        CheckConstraint("rejected >= 0 AND rejected <= warnings", name="rejected_within_warnings"),
    )

    filing_id: Mapped[int] = filing_ref("CASCADE", primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    notices: Mapped[int] = mapped_column(Integer, default=0)
    #: warnings of the version without the filer's explanation (0 once submitted, by the submit rule)
    unexplained: Mapped[int] = mapped_column(Integer, default=0)
    #: explanations of this version the reviewer rejected
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    #: the distinct rule ids of the findings, space-separated, for display
    rule_ids: Mapped[str] = mapped_column(Text, default="")


class RuleHit(Model):
    """Record that a rule reported a finding on a filing's latest version (the queue's rule filter)."""

    __tablename__ = "review_rule_hit"
    __table_args__ = (Index("ix_review_rule_hit_rule_filing", "rule_id", "filing_id"),)

    filing_id: Mapped[int] = filing_ref("CASCADE", primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(20), primary_key=True)


class ReviewComment(Model):
    """Hold a reviewer's comment on a version: on the filing, one finding (its key) or one field (its path).

    ``internal`` comments are for regulators only; ``filer`` comments are shown to the enterprise, which
    answers each one. The body is never changed after it is written (the audit log has it too).
    """

    __tablename__ = "review_comment"
    __table_args__ = (
        known_values("target_type", COMMENT_TARGETS),
        known_values("visibility", COMMENT_VISIBILITIES),
        target_named(),
        # Only comments the enterprise can see can be answered by it.
        CheckConstraint("answer IS NULL OR visibility = 'filer'", name="answer_only_if_visible"),
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answered_at_iff_answer"),
        CheckConstraint("version_number >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref(index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = user_ref()
    target_type: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(200), default="")
    visibility: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = inserted_at()
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = user_ref()
    answered_at: Mapped[dt.datetime | None] = timestamp()

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="joined")


class ExplanationVerdict(Model):
    """Hold the reviewer's acceptance or rejection of the filer's explanation of one warning of a version."""

    __tablename__ = "review_explanation_verdict"
    __table_args__ = (
        UniqueConstraint("filing_id", "version_number", "finding_key"),
        known_values("verdict", VERDICTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = filing_ref(index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    finding_key: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(10))
    reviewer_id: Mapped[int] = user_ref()
    decided_at: Mapped[dt.datetime] = inserted_at()

    reviewer: Mapped[User] = relationship(lazy="joined")


# The queue reads these columns of every filing in scope; without them in one index SQLite reads each
# filing's row, past its large draft JSON, for the sort key. Declared here, beside the queue's tables.
filing_index("ix_filing_review_queue", "last_submitted_at", "status", "kind", "year", "enterprise_id")
