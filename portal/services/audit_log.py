"""Read the audit log for the audit administrator: filters, pages, and the CSV export (issue 16 item 5).

Only the audit administrator reads it (三权分立: the system and security administrators, whose actions it
records, do not). The CSV export is itself audited (``download.audit_csv``), durably: the page is a GET, which
commits nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from ..extensions import db
from ..models import (
    Attachment,
    AuditEntry,
    Enterprise,
    Filing,
    FilingVersion,
    Membership,
    ReviewComment,
    User,
    Verification,
    VerificationFinding,
)
from .access import require_audit_admin

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
CSV_MAX_ROWS = 200_000  # one export; narrow the filters for more


@dataclass(frozen=True)
class AuditFilter:
    """Hold the audit log's filters: actor e-mail, enterprise (USCC or name), action prefix, result, dates.

    Dates are calendar days in China time (UTC+8), both ends included.
    """

    actor: str | None = None
    enterprise: str | None = None
    action: str | None = None
    result: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _enterprise_condition(text: str) -> ColumnElement[bool]:
    """Return the condition "the entry concerns an enterprise matching ``text``": it, its filings, versions,
    comments and memberships."""
    matching = select(Enterprise.id).where(or_(Enterprise.uscc == text.upper(), Enterprise.name.contains(text)))
    filings = select(Filing.id).where(Filing.enterprise_id.in_(matching))
    return or_(
        and_(AuditEntry.entity_type == "enterprise", AuditEntry.entity_id.in_(matching)),
        and_(AuditEntry.entity_type == "filing", AuditEntry.entity_id.in_(filings)),
        and_(AuditEntry.entity_type == "filing_version",
             AuditEntry.entity_id.in_(select(FilingVersion.id).where(FilingVersion.filing_id.in_(filings)))),
        and_(AuditEntry.entity_type == "review_comment",
             AuditEntry.entity_id.in_(select(ReviewComment.id).where(ReviewComment.filing_id.in_(filings)))),
        and_(AuditEntry.entity_type == "membership",
             AuditEntry.entity_id.in_(select(Membership.id).where(Membership.enterprise_id.in_(matching)))),
        # issue 18: its evidence, its verification and the 不符合项 raised on it
        and_(AuditEntry.entity_type == "attachment",
             AuditEntry.entity_id.in_(select(Attachment.id).where(Attachment.filing_id.in_(filings)))),
        and_(AuditEntry.entity_type == "verification",
             AuditEntry.entity_id.in_(select(Verification.id).where(Verification.filing_id.in_(filings)))),
        and_(AuditEntry.entity_type == "verification_finding",
             AuditEntry.entity_id.in_(select(VerificationFinding.id).join(
                 Verification, Verification.id == VerificationFinding.verification_id)
                 .where(Verification.filing_id.in_(filings)))),
    )


def _query(filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(AuditEntry.actor_id.in_(
            select(User.id).where(func.lower(User.email).contains(filters.actor.strip().lower()))))
    if filters.enterprise:
        query = query.where(_enterprise_condition(filters.enterprise.strip()))
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action.strip(), autoescape=True))
    if filters.result:
        query = query.where(AuditEntry.result == filters.result)
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time(), CHINA_TZ)
        query = query.where(AuditEntry.at >= start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), CHINA_TZ)
        query = query.where(AuditEntry.at < end)
    return query


def page(actor: User | None, filters: AuditFilter, number: int = 1, size: int = 50) -> Sequence[AuditEntry]:
    """Return one page of matching entries, newest first (``size + 1`` read to tell whether more follow)."""
    require_audit_admin(actor)
    return db.session.scalars(_query(filters).order_by(AuditEntry.id.desc())
                              .offset((max(number, 1) - 1) * size).limit(size + 1)).all()


CSV_COLUMNS = ("id", "at_utc", "actor_id", "actor_email", "action", "entity_type", "entity_id", "result", "ip",
               "user_agent", "before", "after", "prev_hash", "row_hash")


def _csv_value(value: object) -> object:
    # A spreadsheet program runs a cell starting with = + - @ as a formula (CSV injection): user agents and
    # e-mails are the client's text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(actor: User | None, filters: AuditFilter) -> Iterator[str]:
    """Yield the matching entries as CSV (UTF-8 with BOM for spreadsheet programs), oldest first, with hashes."""
    require_audit_admin(actor)
    emails = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    query = _query(filters).order_by(AuditEntry.id).limit(CSV_MAX_ROWS)
    for entry in db.session.scalars(query.execution_options(yield_per=1000)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_value(v) for v in (
            entry.id, entry.at.astimezone(dt.UTC).isoformat(), entry.actor_id,
            emails.get(entry.actor_id) if entry.actor_id is not None else None,
            entry.action, entry.entity_type, entry.entity_id, entry.result, entry.ip, entry.user_agent,
            entry.before_json, entry.after_json, entry.prev_hash, entry.row_hash)])
        yield buffer.getvalue()
