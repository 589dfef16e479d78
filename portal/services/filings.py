"""The life of a filing: open and save drafts, certify a revision, submit certified versions.

All status changes go through :func:`transition`, the one place that knows the state machine
(draft → submitted → returned → resubmitted → … → accepted); the database CHECK constraints back it up.
Which statuses leave the draft editable is said here too (:func:`draft_lock`): a submitted draft is
read-only until the reviewer returns it (issue 15: the filing page used to show figures other than those
under review).

Certification is bound to a revision (issue 15 item 1): the signatory certifies the draft's canonical
text and its SHA-256 (:func:`certify`); any later change of the draft voids the certification
(:func:`_store_draft`, the one place a draft changes); a version is created from the certified text only,
and refused with 409 when the draft no longer hashes to what was certified (:func:`submit_certified`).
The one-step "certify and submit" of the submit page is :func:`submit`.
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
from ..models import (
    Certification,
    Enterprise,
    ExplanationVerdict,
    Filing,
    FilingVersion,
    ReviewComment,
    User,
    VersionRead,
)
from ..rules import RULES_VERSION
from . import audit, checking, notifications, version_facts
from .access import require_edit, require_sign
from .accounts import check_signing_password
from .errors import Conflict, IllegalTransition, ServiceError, StaleDraft

CERTIFICATION_STATEMENT_ZH = (
    "本单位郑重承诺：所报送的数据和材料真实、完整、准确，不存在虚报、瞒报、漏报、篡改或伪造的情形，"
    "并对其真实性、完整性和准确性承担法律责任。"
)
CERTIFICATION_STATEMENT_EN = (
    "We solemnly declare that the data and materials submitted are true, complete and accurate, with nothing "
    "falsified, concealed, omitted, altered or forged, and we take legal responsibility for their truthfulness, "
    "completeness and accuracy."
)

# (from, to) → the action that makes the change. A filing under review (submitted, resubmitted) is not
# submitted again: its draft is read-only until the reviewer returns it, so there is nothing new to submit.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "submit",
    ("returned", "resubmitted"): "submit",
    ("submitted", "returned"): "return",
    ("resubmitted", "returned"): "return",
    ("submitted", "accepted"): "accept",
    ("resubmitted", "accepted"): "accept",
}
#: issue 20 item 6: withdrawn before review starts, a filing goes back to the status it had before the submit
WITHDRAWN_TO = {"submitted": "draft", "resubmitted": "returned"}
#: statuses awaiting the reviewer's decision
UNDER_REVIEW = ("submitted", "resubmitted")
#: statuses whose draft the enterprise may change (and certify, and submit)
EDITABLE_STATUSES = ("draft", "returned")


def draft_lock(filing: Filing) -> Conflict | None:
    """Return why the filing's draft may not be changed now (bilingual, 409), or None when it may."""
    if filing.status == "accepted":
        return Conflict("已通过的申报不能再修改", "an accepted filing can no longer be changed")
    if filing.status in UNDER_REVIEW:
        n = filing.current_version
        return Conflict(
            f"版本 {n} 已提交，正在审核：审核人员退回之前，草稿为只读，不能修改",
            f"version {n} has been submitted and is under review: the draft is read-only until the reviewer "
            "returns it",
        )
    return None


def draft_editable(filing: Filing) -> bool:
    """Return whether the filing's draft may be changed now (draft, or returned for correction)."""
    return filing.status in EDITABLE_STATUSES


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
    lock = draft_lock(filing)
    if lock is not None:
        raise lock
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
    _void_certification(actor, filing, sha256_text(text))
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


def active_certification(filing: Filing) -> Certification | None:
    """Return the filing's certification still in force (at most one), or None."""
    return db.session.scalar(select(Certification).where(
        Certification.filing_id == filing.id, Certification.status == "active"))


def latest_certification(filing: Filing) -> Certification | None:
    """Return the filing's most recent certification, whatever its status (the filing page explains it)."""
    return db.session.scalar(select(Certification).where(Certification.filing_id == filing.id)
                             .order_by(Certification.id.desc()).limit(1))


def _void_certification(actor: User | None, filing: Filing, new_sha256: str, *, reason: str = "draft_changed",
                        now: dt.datetime | None = None) -> None:
    """Void the filing's active certification: the draft it certified has changed (or is certified anew)."""
    cert = active_certification(filing)
    if cert is None:
        return
    cert.status = "void"
    cert.void_reason = reason
    cert.voided_at = now or dt.datetime.now(dt.UTC)
    cert.voided_by_id = actor.id if actor is not None else None
    cert.voided_revision = filing.revision
    cert.voided_sha256 = new_sha256
    db.session.flush()
    audit.record(actor, "certification.void", "certification", cert.id,
                 before={"status": "active", "revision": cert.revision, "sha256": cert.sha256},
                 after={"status": "void", "reason": reason, "revision": filing.revision, "sha256": new_sha256})


def _check_submittable(filing: Filing, document: Document, now: dt.datetime) -> Any:
    outcome = checking.run(document, filing=filing, filing_date=now.astimezone(checking.CHINA_TZ).date(),
                           submitted=True)
    if blocking_findings(outcome.findings):
        raise SubmissionBlocked(outcome.findings)
    return outcome


def certify(actor: User, filing: Filing, *, password: str, certified: bool,
            now: dt.datetime | None = None) -> Certification:
    """Record the signatory's certification of the draft as it stands: its revision, text and SHA-256.

    The signatory re-enters the password (counted towards the account's lockout and audited, even when this
    raises) and accepts the certification statement (真实性、完整性、准确性); both are checked here, not only
    in the form, so no channel can skip them. A draft that could not be submitted (errors, warnings without
    an explanation) is not certified. A certification of an earlier revision still active is replaced.
    """
    require_sign(actor, filing)
    lock = draft_lock(filing)
    if lock is not None:
        raise lock
    if not certified:
        raise ServiceError("请阅读并接受真实性、完整性、准确性承诺", "accept the certification statement",
                           field="certified")
    password_error = check_signing_password(actor, password)
    if password_error is not None:
        raise password_error
    now = now or dt.datetime.now(dt.UTC)
    text = filing.draft_json
    _check_submittable(filing, document_from_json(text), now)
    digest = sha256_text(text)
    _void_certification(actor, filing, digest, reason="recertified", now=now)
    cert = Certification(filing_id=filing.id, revision=filing.revision, sha256=digest, canonical_json=text,
                         statement=CERTIFICATION_STATEMENT_ZH + "\n" + CERTIFICATION_STATEMENT_EN,
                         certified_by_id=actor.id, certified_at=now, status="active")
    db.session.add(cert)
    db.session.flush()
    audit.record(actor, "filing.certify", "certification", cert.id,
                 after={"filing_id": filing.id, "revision": filing.revision, "sha256": digest})
    return cert


def certification_void_message(cert: Certification) -> tuple[str, str]:
    """Return (Chinese, English) saying why a certification no longer holds: when and by whom the draft changed."""
    when = cert.voided_at.astimezone(checking.CHINA_TZ).strftime("%Y-%m-%d %H:%M") if cert.voided_at else "?"
    who = cert.voided_by.name if cert.voided_by is not None else "系统"
    who_en = cert.voided_by.name if cert.voided_by is not None else "the system"
    if cert.void_reason == "recertified":
        return (f"修订 {cert.revision} 的签署已由 {who} 于 {when}（北京时间）重新签署取代",
                f"the certification of revision {cert.revision} was replaced by a new one by {who_en} on {when} "
                "(Beijing time)")
    return (f"签署已失效：草稿在签署（修订 {cert.revision}，SHA-256 {cert.sha256[:12]}…）之后于 {when}（北京时间）"
            f"由 {who} 修改（修订 {cert.voided_revision}），请重新审阅并签署",
            f"certification void: the draft was changed on {when} (Beijing time) by {who_en} (revision "
            f"{cert.voided_revision}) after it was certified (revision {cert.revision}, SHA-256 {cert.sha256[:12]}…); "
            "review and certify it again")


def submit_certified(actor: User, filing: Filing, *, now: dt.datetime | None = None) -> FilingVersion:
    """Freeze the certified text as an immutable version and move the filing to submitted/resubmitted.

    Refused (:class:`Conflict`, 409) when nothing is certified, when the certification was voided by a
    change of the draft, or when the draft no longer hashes to the certified SHA-256. The version is made
    from the certification's own text, never from the draft as it stands. Sent twice, the second answers with
    the version the first made.
    """
    require_sign(actor, filing)
    already = already_submitted(filing)
    if already is not None:
        return already
    lock = draft_lock(filing)
    if lock is not None:
        raise lock
    cert = active_certification(filing)
    if cert is None:
        latest = latest_certification(filing)
        if latest is not None and latest.status == "void":
            raise Conflict(*certification_void_message(latest))
        raise Conflict("草稿尚未签署：请签字人审阅、承诺并输入密码后再提交",
                       "the draft has not been certified: the signatory must review, certify and enter the "
                       "password before it is submitted")
    draft_hash = sha256_text(filing.draft_json)
    if draft_hash != cert.sha256 or sha256_text(cert.canonical_json) != cert.sha256:
        raise Conflict(
            f"草稿的 SHA-256（{draft_hash}）与签署时的（{cert.sha256}）不一致，拒绝提交；请重新审阅并签署",
            f"the draft's SHA-256 ({draft_hash}) differs from the certified one ({cert.sha256}); refusing to "
            "submit — review and certify it again",
        )
    now = now or dt.datetime.now(dt.UTC)
    document = document_from_json(cert.canonical_json)
    outcome = _check_submittable(filing, document, now)
    to = "submitted" if filing.status == "draft" else "resubmitted"
    transition(actor, filing, to, "submit")
    text = cert.canonical_json
    number = filing.current_version + 1
    version = FilingVersion(
        filing=filing, filing_id=filing.id, number=number, canonical_json=text, sha256=cert.sha256,
        computed_json=dumps(outcome.computed.check_block()),
        findings_json=dumps([f.as_dict() for f in outcome.findings]),
        rules_version=RULES_VERSION,
        certified_by_id=cert.certified_by_id,
        certification_statement=cert.statement,
        submitted_at=now,
    )
    db.session.add(version)
    filing.current_version = number
    filing.last_submitted_at = now
    db.session.flush()
    cert.status = "submitted"
    cert.version_number = number
    audit.record(actor, "version.create", "filing_version", version.id,
                 after={"filing_id": filing.id, "number": number, "sha256": version.sha256,
                        "certification": cert.id, "certified_revision": cert.revision})
    from . import records, renders

    records.freeze(version, document, outcome, filing_date=now.astimezone(checking.CHINA_TZ).date())
    # Rendered once, in the background, and kept: the caller hands these jobs to the queue after its commit.
    renders.queue_version_files(actor, version)
    version_facts.record(version, filing.kind)  # the queue's summary and the dashboard's figures
    notifications.filing_event(filing, "submitted")
    return version


def already_submitted(filing: Filing) -> FilingVersion | None:
    """Return the latest version if the draft is exactly it and the filing still awaits review; else None."""
    if filing.status not in ("submitted", "resubmitted") or not filing.versions:
        return None
    latest = filing.versions[-1]
    return latest if latest.canonical_json == filing.draft_json else None
def submit(
    actor: User, filing: Filing, *, password: str, certified: bool, now: dt.datetime | None = None
) -> FilingVersion:
    """Certify the draft and submit it in one step (the submit page's 签署并提交; see :func:`certify`).

    A double submit — the same document again while the filing still awaits its review — answers with the
    version already submitted and makes no new one (issue 16 item 8), before the read-only draft would refuse it.
    """
    require_sign(actor, filing)
    if not certified:
        raise ServiceError("请阅读并接受真实性、完整性、准确性承诺", "accept the certification statement",
                           field="certified")
    already = already_submitted(filing)
    if already is not None:
        return already
    certify(actor, filing, password=password, certified=certified, now=now)
    return submit_certified(actor, filing, now=now)


def review_started(filing: Filing) -> bool:
    """Return whether a reviewer has begun on the latest version: opened it, commented or judged an explanation."""
    if filing.current_version < 1:
        return False
    number = filing.current_version
    version_id = select(FilingVersion.id).where(FilingVersion.filing_id == filing.id, FilingVersion.number == number)
    checks = (
        select(VersionRead.id).where(VersionRead.version_id.in_(version_id)).limit(1),
        select(ReviewComment.id).where(ReviewComment.filing_id == filing.id,
                                       ReviewComment.version_number == number).limit(1),
        select(ExplanationVerdict.id).where(ExplanationVerdict.filing_id == filing.id,
                                            ExplanationVerdict.version_number == number).limit(1),
    )
    return any(db.session.scalar(q) is not None for q in checks)


def delete_draft(actor: User, filing: Filing) -> None:
    """Delete a draft that was never submitted (a report opened for the wrong year), audited (issue 20 item 6).

    A filing with a version is part of the record and is never deleted; its draft is edited instead. The
    draft's certifications (never submitted) go with it; the audit entry keeps what was deleted.
    """
    require_edit(actor, filing)
    if filing.status != "draft" or filing.current_version > 0:
        raise Conflict("只能删除从未提交过的草稿；已提交的申报是存档记录，不能删除",
                       "only a draft that was never submitted can be deleted; a submitted filing is on record")
    before = {"kind": filing.kind, "year": filing.year, "enterprise_id": filing.enterprise_id,
              "revision": filing.revision, "sha256": sha256_text(filing.draft_json)}
    filing_id = filing.id
    for cert in db.session.scalars(select(Certification).where(Certification.filing_id == filing_id)):
        db.session.delete(cert)
    db.session.delete(filing)
    db.session.flush()
    audit.record(actor, "filing.delete", "filing", filing_id, before=before)


def withdraw(actor: User, filing: Filing) -> None:
    """Withdraw a submission the reviewer has not begun on, audited (issue 20 item 6).

    The version stays on record (versions are never changed); the filing goes back to the status it had
    before the submit — a draft, or returned — so the enterprise may correct it and submit again. Once a
    reviewer has opened, commented on or judged the version, it can no longer be withdrawn.
    """
    require_sign(actor, filing)
    if filing.status not in UNDER_REVIEW:
        raise Conflict("只有已提交、待审核的申报可以撤回", "only a submitted filing awaiting review can be withdrawn")
    if review_started(filing):
        raise Conflict("审核人已开始审核此版本，不能撤回；如需修改，请联系审核人退回",
                       "the reviewer has begun on this version and it can no longer be withdrawn; ask the "
                       "reviewer to return it")
    before, to = filing.status, WITHDRAWN_TO[filing.status]
    filing.status = to
    db.session.flush()
    audit.record(actor, "filing.withdraw", "filing", filing.id, before={"status": before},
                 after={"status": to, "version": filing.current_version})


def with_explanations(document: Document, explanations: dict[str, str]) -> Document:
    """Return the document with the filer's explanations replaced (blank ones dropped)."""
    kept = {key: text.strip() for key, text in explanations.items() if text and text.strip()}
    return replace(document, explanations=kept)


def save_explanations(actor: User | None, filing: Filing, texts: dict[str, str], expected_revision: int | None,
                      *, remove: tuple[str, ...] | list[str] = ()) -> Filing:
    """Store the filer's explanations (one text per finding key), dropping those in ``remove``.

    ``remove`` takes away explanations that answer no finding any more (stale: the finding stopped firing).
    Each text is held to the schema's limit (``EXPLANATION_MAX_LENGTH``, 2,000 characters), refused with
    the schema's own message naming the explanation, as every other channel refuses it.
    """
    from ..domain.schema import validate

    document = draft_document(filing)
    merged = {**document.explanations, **texts}
    for key in remove:
        merged.pop(key, None)
    updated = with_explanations(document, merged)
    for violation in validate(updated):
        if violation.path.startswith("explanations."):
            rule = violation.path.removeprefix("explanations.").split("@", 1)[0]  # named by its rule (GHG-004)
            raise ServiceError(f"{rule}：{violation.message.zh}", f"{rule}: {violation.message.en}",
                               field=violation.path)
    return save_draft(actor, filing, updated, expected_revision)


def parse_json_draft(text: str | bytes, kind: str | None = None) -> Document:
    """Parse a JSON draft typed or uploaded by a filer; raise ServiceError naming the field in words.

    The place is said as the filing page says it ("化石燃料燃烧 第2行 消耗量"), not as a JSON path
    (issue 20 item 5); the path stays in ``field`` for whoever needs it.
    """
    from ..domain.schema import schema_of

    try:
        return document_from_input(text)
    except DocumentError as exc:
        if kind is None or not exc.path:
            raise ServiceError(exc.message_zh, exc.message_en, field=exc.path) from None
        where = schema_of(kind).describe(exc.path)
        raise ServiceError(f"{where.zh}：{exc.message_zh}", f"{where.en}: {exc.message_en}", field=exc.path) from None
