"""Persistence models and their database-level invariants. Models never commit."""

from .accounts import API_TOKEN_SCOPES, MEMBERSHIP_ROLES, ApiToken, Enterprise, Membership, RecoveryCode, User
from .dashboard import VersionMetric, VersionProductMetric
from .filings import (
    AUDIT_RESULTS,
    FILING_KINDS,
    FILING_STATUSES,
    AuditEntry,
    Filing,
    FilingVersion,
    ImmutableRecordError,
)
from .imports import IMPORT_OUTCOMES, ImportRecord
from .jobs import JOB_KINDS, JOB_STATUSES, Job
from .notifications import NOTIFICATION_KINDS, Notification, OutboxMail
from .record import (
    CERTIFICATION_STATUSES,
    VERSION_FILE_FORMATS,
    Certification,
    StoredObject,
    VersionFile,
    VersionRead,
    VersionRecord,
)
from .reference import CORRECTION_TARGETS, ReferenceCorrection
from .review import (
    COMMENT_TARGETS,
    COMMENT_VISIBILITIES,
    VERDICTS,
    ExplanationVerdict,
    QueueSummary,
    ReviewComment,
    RuleHit,
)

__all__ = [
    "API_TOKEN_SCOPES",
    "AUDIT_RESULTS",
    "ApiToken",
    "RecoveryCode",
    "CORRECTION_TARGETS",
    "ReferenceCorrection",
    "FILING_KINDS",
    "IMPORT_OUTCOMES",
    "ImportRecord",
    "FILING_STATUSES",
    "MEMBERSHIP_ROLES",
    "AuditEntry",
    "Enterprise",
    "Filing",
    "FilingVersion",
    "ImmutableRecordError",
    "JOB_KINDS",
    "JOB_STATUSES",
    "Job",
    "Membership",
    "User",
    "COMMENT_TARGETS",
    "COMMENT_VISIBILITIES",
    "VERDICTS",
    "ExplanationVerdict",
    "QueueSummary",
    "ReviewComment",
    "RuleHit",
    "NOTIFICATION_KINDS",
    "Notification",
    "OutboxMail",
    "VersionMetric",
    "VersionProductMetric",
    "CERTIFICATION_STATUSES",
    "VERSION_FILE_FORMATS",
    "Certification",
    "StoredObject",
    "VersionFile",
    "VersionRead",
    "VersionRecord",
]
