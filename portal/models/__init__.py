"""Persistence models and their database-level invariants. Models never commit."""

from .accounts import MEMBERSHIP_ROLES, Enterprise, Membership, User
from .filings import FILING_KINDS, FILING_STATUSES, AuditEntry, Filing, FilingVersion, ImmutableRecordError

__all__ = [
    "FILING_KINDS",
    "FILING_STATUSES",
    "MEMBERSHIP_ROLES",
    "AuditEntry",
    "Enterprise",
    "Filing",
    "FilingVersion",
    "ImmutableRecordError",
    "Membership",
    "User",
]
