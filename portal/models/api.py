"""What the JSON API keeps between requests: the answers to POSTs sent with an ``Idempotency-Key``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import Model


class IdempotentRequest(Model):
    """Hold the answer to one POST made with an ``Idempotency-Key``: the same key and body get it again.

    Keyed by the user and the key (keys of different users never collide); the SHA-256 of the method, path
    and body tells a repeat (answered from here) from a different request reusing the key (refused). Only
    successful answers are kept: a refused request changed nothing and may be sent again with its key.
    """

    __tablename__ = "api_idempotency"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint("length(request_sha256) = 64", name="request_sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())
