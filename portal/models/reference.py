"""Administrators' corrections to the shipped reference data (factors, levels, rule parameters)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import User
from .checks import known_values
from .columns import inserted_at, user_ref

CORRECTION_TARGETS = ("fuel", "process", "product", "param")


class ReferenceCorrection(Model):
    """Hold one correction of a reference value; the newest for a (target, code, scope, field) wins.

    Rows are never changed: a later correction supersedes an earlier one, so the history stays readable.
    ``scope`` is the fuel edition for fuels, the first reporting year for parameters, empty otherwise.
    """

    __tablename__ = "reference_correction"
    __table_args__ = (
        known_values("target", CORRECTION_TARGETS),
        CheckConstraint("status IN ('C', 'U')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(80), index=True)
    scope: Mapped[str] = mapped_column(String(20), default="")
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(1))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = user_ref()
    created_at: Mapped[dt.datetime] = inserted_at()

    created_by: Mapped[User] = relationship(lazy="joined")
