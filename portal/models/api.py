"""What the JSON API keeps between requests: the answers to POSTs sent with an ``Idempotency-Key``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .checks import sha256_hex
from .columns import inserted_at, user_ref


class IdempotentRequest(Model):
    """Hold the answer to one POST made with an ``Idempotency-Key``: the same key and body get it again.

    Keyed by the user and the key (keys of different users never collide); the SHA-256 of the method, path
    and body tells a repeat (answered from here) from a different request reusing the key (refused). Only
    successful answers are kept: a refused request changed nothing and may be sent again with its key.
    """

    __tablename__ = "api_idempotency"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        sha256_hex("request_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = user_ref("CASCADE")
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = inserted_at()
