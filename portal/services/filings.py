"""The life of a filing: open and save drafts, submit certified versions.

All status changes go through :func:`transition`, the one place that knows the state machine
(draft → submitted → returned → resubmitted → … → accepted); the database CHECK constraints back it up.
The regulator's two decisions, return and accept, are :func:`portal.services.review.return_filing` and
:func:`portal.services.review.accept_filing`: what a decision needs around the transition (comments, the
verdicts on explanations) is the review's.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..domain.codec import (
    DocumentError,
    canonical_json,
    document_from_input,
    document_from_json,
    dumps,
    sha256_text,
)
from ..domain.documents import (
    CPA_KIND,
    GHG_KIND,
    CleanProductionAudit,
    Document,
    GhgAnnualReport,
)
from ..domain.documents import (
    Enterprise as EnterpriseProfile,
)
from ..domain.findings import Finding
from ..extensions import db
from ..models import Enterprise, Filing, FilingVersion, User
from ..rules import RULES_VERSION
from . import audit, checking, notifications, version_facts
from .access import require_edit, require_sign
from .accounts import check_signing_password
from .errors import IllegalTransition, ServiceError, StaleDraft

CERTIFICATION_STATEMENT_ZH = (
    "本单位郑重承诺：所报送的数据和材料真实、完整、准确，不存在虚报、瞒报、漏报、篡改或伪造的情形，"
    "并对其真实性、完整性和准确性承担法律责任。"
)
CERTIFICATION_STATEMENT_EN = (
    "We solemnly declare that the data and materials submitted are true, complete and accurate, with nothing "
    "falsified, concealed, omitted, altered or forged, and we take legal responsibility for their truthfulness, "
    "completeness and accuracy."
)

# (from, to) → the action that makes the change.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "submit",
    ("submitted", "resubmitted"): "submit",  # a correction before the reviewer decided
    ("returned", "resubmitted"): "submit",
    ("resubmitted", "resubmitted"): "submit",
    ("submitted", "returned"): "return",
    ("resubmitted", "returned"): "return",
    ("submitted", "accepted"): "accept",
    ("resubmitted", "accepted"): "accept",
}
EDITABLE_STATUSES = ("draft", "submitted", "returned", "resubmitted")


def profile_of(enterprise: Enterprise) -> EnterpriseProfile:
    """Return the document's enterprise section from the master record (the fields share their names)."""
    return EnterpriseProfile(**{f.name: getattr(enterprise, f.name) for f in fields(EnterpriseProfile)})


def new_document(enterprise: Enterprise, kind: str, year: int) -> Document:
    """Return an empty document of ``kind`` for the enterprise, with its profile filled in."""
    profile = profile_of(enterprise)
    if kind == GHG_KIND:
        return GhgAnnualReport(kind=GHG_KIND, schema_version=1, reporting_year=year, enterprise=profile)
    if kind == CPA_KIND:
        return CleanProductionAudit(kind=CPA_KIND, schema_version=1, enterprise=profile, audit_type="voluntary",
                                    baseline_year=year - 1, permit_number=enterprise.permit_number)
    raise ServiceError(f"未知的文书类型 {kind}", f"unknown filing kind {kind}")


def draft_document(filing: Filing) -> Document:
    """Return the filing's working draft as a document."""
    return document_from_json(filing.draft_json)


def find_filing(enterprise_id: int, kind: str, year: int) -> Filing | None:
    """Return the filing of (enterprise, kind, year), if any."""
    return db.session.scalar(
        select(Filing).where(Filing.enterprise_id == enterprise_id, Filing.kind == kind, Filing.year == year)
    )


def open_draft(actor: User | None, enterprise: Enterprise, kind: str, year: int) -> Filing:
    """Return the filing of (enterprise, kind, year), creating it with an empty draft if needed."""
    require_edit(actor, enterprise)
    filing = find_filing(enterprise.id, kind, year)
    if filing is not None:
        return filing
    document = new_document(enterprise, kind, year)
    filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind=kind, year=year, status="draft",
                    draft_json=canonical_json(document))
    db.session.add(filing)
    db.session.flush()
    audit.record(actor, "filing.create", "filing", filing.id, after={"kind": kind, "year": year})
    return filing


def _check_identity(filing: Filing, document: Document) -> None:
    """Refuse a document that belongs to another filing (kind, year or enterprise)."""
    if document.kind != filing.kind:
        raise ServiceError(f"文书类型应为 {filing.kind}", f"the kind must be {filing.kind}", field="kind")
    if isinstance(document, GhgAnnualReport) and document.reporting_year != filing.year:
        raise ServiceError(f"报告年度应为 {filing.year}", f"the reporting year must be {filing.year}",
                           field="reporting_year")
    if document.enterprise.uscc != filing.enterprise.uscc:
        raise ServiceError(
            f"统一社会信用代码应为本企业的 {filing.enterprise.uscc}",
            f"the unified social credit code must be this enterprise's {filing.enterprise.uscc}",
            field="enterprise.uscc",
        )


def save_draft(actor: User | None, filing: Filing, document: Document, expected_revision: int | None) -> Filing:
    """Store a new draft, refusing if someone else saved since ``expected_revision`` was read.

    ``actor``: a filer or signatory of the enterprise (anyone else gets NotFound), or None for the system.
    """
    require_edit(actor, filing)
    return _store_draft(actor, filing, document, expected_revision, canonical_json(document))


def save_imported_draft(actor: User | None, filing: Filing, document: Document, canonical: str) -> Filing:
    """Store a document of an upload workbook as the filing's draft (identity checks, locking, audit).

    The import checked the actor for every row of the workbook first (``auth.permissions.can_import_for``:
    filers and signatories for their enterprises, administrators for any — a refused row is a cell error,
    not a 404). ``canonical`` is the document's canonical JSON, already computed to compare with the draft.
    """
    return _store_draft(actor, filing, document, None, canonical)


def _store_draft(actor: User | None, filing: Filing, document: Document, expected_revision: int | None,
                 text: str) -> Filing:
    if filing.status not in EDITABLE_STATUSES:
        raise ServiceError("已通过的申报不能再修改", "an accepted filing can no longer be changed")
    if expected_revision is not None and expected_revision != filing.revision:
        raise StaleDraft()
    _check_identity(filing, document)
    if text == filing.draft_json:
        return filing
    before = json.loads(filing.draft_json)
    filing.draft_json = text
    try:
        db.session.flush()
    except StaleDataError:  # a concurrent UPDATE won the race between our read and our write
        raise StaleDraft() from None
    audit.record(actor, "filing.save_draft", "filing", filing.id, before=_diff_summary(before, json.loads(text)))
    return filing


def _diff_summary(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return the top-level sections that changed, with their old values (keeps the log small)."""
    return {key: before.get(key) for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def transition(actor: User, filing: Filing, to: str, action: str) -> None:
    """Move the filing to status ``to`` by ``action`` (submit, return, accept), audited; refuse any other move."""
    if TRANSITIONS.get((filing.status, to)) != action:
        raise IllegalTransition(
            f"状态为“{filing.status}”的申报不能执行此操作", f"a filing in status {filing.status!r} cannot be {action}ed"
        )
    before = filing.status
    filing.status = to
    audit.record(actor, f"filing.{action}", "filing", filing.id, before={"status": before}, after={"status": to})


class SubmissionBlocked(ServiceError):
    """Report why a draft cannot be submitted: error findings, or warnings without explanation."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = [f for f in findings if f.severity == "error"]
        unexplained = [f for f in findings if f.severity == "warning" and not f.explained]
        parts_zh, parts_en = [], []
        if errors:
            parts_zh.append(f"{len(errors)} 个错误必须先改正")
            parts_en.append(f"{len(errors)} error(s) must be corrected")
        if unexplained:
            parts_zh.append(f"{len(unexplained)} 个警告需要填写情况说明")
            parts_en.append(f"{len(unexplained)} warning(s) need an explanation")
        super().__init__("不能提交：" + "；".join(parts_zh), "Cannot submit: " + "; ".join(parts_en))


def blocking_findings(findings: list[Finding]) -> list[Finding]:
    """Return the findings that block submission: errors, and warnings without an explanation."""
    return [f for f in findings if f.severity == "error" or (f.severity == "warning" and not f.explained)]


def submit(
    actor: User, filing: Filing, *, password: str, certified: bool, now: dt.datetime | None = None
) -> FilingVersion:
    """Freeze the draft as a certified, immutable version and move the filing to submitted/resubmitted.

    The signatory re-enters the password and accepts the certification statement (真实性、完整性、准确性);
    both are checked here, not only in the form, so no channel can skip them.

    A double submit — the same document again while the filing still awaits its review — answers with the
    version already submitted and makes no new one (issue 16 item 8).
    """
    require_sign(actor, filing)
    if not certified:
        raise ServiceError("请阅读并接受真实性、完整性、准确性承诺", "accept the certification statement",
                           field="certified")
    already = already_submitted(filing)
    if already is not None:
        return already
    # Counted towards the account's lockout and audited, even though this raises (issue 16 item 2).
    password_error = check_signing_password(actor, password)
    if password_error is not None:
        raise password_error
    now = now or dt.datetime.now(dt.UTC)
    document = draft_document(filing)
    outcome = checking.run(document, filing=filing, filing_date=now.astimezone(checking.CHINA_TZ).date(),
                           submitted=True)
    blocking = blocking_findings(outcome.findings)
    if blocking:
        raise SubmissionBlocked(outcome.findings)
    to = "submitted" if filing.status == "draft" else "resubmitted"
    transition(actor, filing, to, "submit")
    text = canonical_json(document)
    number = filing.current_version + 1
    version = FilingVersion(
        filing=filing, filing_id=filing.id, number=number, canonical_json=text, sha256=sha256_text(text),
        computed_json=dumps(outcome.computed.check_block()),
        findings_json=dumps([f.as_dict() for f in outcome.findings]),
        rules_version=RULES_VERSION,
        certified_by_id=actor.id,
        certification_statement=CERTIFICATION_STATEMENT_ZH + "\n" + CERTIFICATION_STATEMENT_EN,
        submitted_at=now,
    )
    db.session.add(version)
    filing.current_version = number
    filing.last_submitted_at = now
    db.session.flush()
    audit.record(actor, "version.create", "filing_version", version.id,
                 after={"filing_id": filing.id, "number": number, "sha256": version.sha256})
    version_facts.record(version, filing.kind)  # the queue's summary and the dashboard's figures
    notifications.filing_event(filing, "submitted")
    return version


def already_submitted(filing: Filing) -> FilingVersion | None:
    """Return the latest version if the draft is exactly it and the filing still awaits review; else None."""
    if filing.status not in ("submitted", "resubmitted") or not filing.versions:
        return None
    latest = filing.versions[-1]
    return latest if latest.canonical_json == filing.draft_json else None


def with_explanations(document: Document, explanations: dict[str, str]) -> Document:
    """Return the document with the filer's explanations replaced (blank ones dropped)."""
    kept = {key: text.strip() for key, text in explanations.items() if text and text.strip()}
    return replace(document, explanations=kept)


def parse_json_draft(text: str | bytes) -> Document:
    """Parse a JSON draft typed or uploaded by a filer; raise ServiceError naming the field."""
    try:
        return document_from_input(text)
    except DocumentError as exc:
        raise ServiceError(exc.message_zh, exc.message_en, field=exc.path) from None
