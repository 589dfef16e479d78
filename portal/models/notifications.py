"""In-app notices and the e-mail outbox that carries them when SMTP is configured."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import Model
from .accounts import Enterprise, User
from .columns import filing_ref, inserted_at, timestamp, user_ref
from .filings import Filing

NOTIFICATION_KINDS = ("submitted", "returned", "accepted", "overdue", "due_soon", "reminder", "ready_for_signature")


class Notification(Model):
    """Hold one notice to one user, written in both languages when the event happens.

    ``dedupe_key`` makes deadline notices idempotent: the command that sends them may run every day,
    and the UNIQUE (user, key) constraint keeps it to one notice per filing and kind of notice.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        CheckConstraint(
            "kind IN ('submitted', 'returned', 'accepted', 'overdue', 'due_soon', 'reminder', 'ready_for_signature')",
            name="kind_known"
        ),
        # The unread count in the navbar is asked on every page: (user, read_at) answers it from the index.
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = user_ref("CASCADE")
    kind: Mapped[str] = mapped_column(String(20))
    filing_id: Mapped[int | None] = filing_ref("CASCADE", index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = inserted_at()
    read_at: Mapped[dt.datetime | None] = timestamp()

    user: Mapped[User] = relationship()
    filing: Mapped[Filing | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()


class OutboxMail(Model):
    """Hold one e-mail to send: written in the notice's transaction, sent after commit, kept until sent.

    A notice is never lost when SMTP is down: the row stays with its error and is retried.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = inserted_at()
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
