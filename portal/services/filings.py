"""The life of a filing: open and save drafts, certify a revision, submit certified versions.

All status changes go through :func:`portal.services.workflow.transition`, the one place that knows the
state machine (draft → submitted → returned → resubmitted → … → accepted); the database CHECK constraints
back it up. Which statuses leave the draft editable is said there too, and applied here (:func:`draft_lock`): a submitted draft is
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
    to_data,
)
from ..domain.common import Enterprise as EnterpriseProfile
from ..domain.documents import (
    ADHOC_KIND,
    ANNUAL_KIND,
    CPA_KIND,
    DOCUMENT_TYPES,
    GHG_KIND,
    Document,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    GhgAnnualReport,
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
    SignatureRequest,
    User,
    VersionRead,
)
from ..rules import RULES_VERSION
from . import audit, checking, notifications, version_facts
from .access import require_edit, require_sign
from .accounts import check_signing_password
from .errors import Conflict, ServiceError, StaleDraft
from .workflow import EDITABLE_STATUSES, UNDER_REVIEW, WITHDRAWN_TO, transition

CERTIFICATION_STATEMENT_ZH = (
    "本单位郑重承诺：所报送的数据和材料真实、完整、准确，不存在虚报、瞒报、漏报、篡改或伪造的情形，"
    "并对其真实性、完整性和准确性承担法律责任。"
)
CERTIFICATION_STATEMENT_EN = (
    "We solemnly declare that the data and materials submitted are true, complete and accurate, with nothing "
    "falsified, concealed, omitted, altered or forged, and we take legal responsibility for their truthfulness, "
    "completeness and accuracy."
)

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
    document_type = DOCUMENT_TYPES.get(kind)
    if document_type is None:
        raise ServiceError(f"未知的文书类型 {kind}", f"unknown filing kind {kind}")
    # each kind's own first values, its kind field (a Literal of the type) among them
    first_values: dict[str, dict[str, Any]] = {
        GHG_KIND: {"kind": GHG_KIND, "reporting_year": year},
        CPA_KIND: {"kind": CPA_KIND, "audit_type": "voluntary", "baseline_year": year - 1,
                   "permit_number": enterprise.permit_number},
        ANNUAL_KIND: {"kind": ANNUAL_KIND, "reporting_year": year},
        # The trigger is the filer's to choose; a penalty is the commonest (办法第十七条).
        ADHOC_KIND: {"kind": ADHOC_KIND, "trigger": "penalty"},
    }
    return document_type(schema_version=1, enterprise=profile_of(enterprise), **first_values[kind])


def draft_document(filing: Filing) -> Document:
    """Return the filing's working draft as a document."""
    return document_from_json(filing.draft_json)


def find_filing(enterprise_id: int, kind: str, year: int, doc_key: str = "") -> Filing | None:
    """Return the filing of (enterprise, kind, year) — for an ad-hoc disclosure, of its document — if any."""
    return db.session.scalar(
        select(Filing).where(Filing.enterprise_id == enterprise_id, Filing.kind == kind, Filing.year == year,
                             Filing.doc_key == doc_key)
    )


def doc_key_of(document: Document) -> str:
    """Return the key that tells apart filings of one (enterprise, kind, year): an ad-hoc report's 文号, else ""."""
    if isinstance(document, EnvDisclosureAdhoc):
        return (document.document.number or "").strip()[:100]
    return ""


def open_adhoc(actor: User | None, enterprise: Enterprise, *, trigger: str, number: str, received_on: dt.date,
               doc_type: str | None = None, issuer: str | None = None, date: dt.date | None = None) -> Filing:
    """Return the ad-hoc disclosure of the legal document ``number`` received on ``received_on``, opening it.

    办法第十七条: due within 5 working days of receipt. The filing is keyed by the year of receipt and the
    document number, so an enterprise files one ad-hoc disclosure per legal document.
    """
    from typing import cast, get_args

    from ..domain.disclosure import AdhocTrigger, LegalDocument

    require_edit(actor, enterprise)
    if trigger not in get_args(AdhocTrigger):
        raise ServiceError("请选择披露事项", "choose the trigger", field="trigger")
    key = number.strip()[:100]
    if not key:
        raise ServiceError("请填写文号（许可事项填写许可证编号）", "enter the document number (the licence number for a "
                           "licence)", field="number")
    year = received_on.year
    filing = find_filing(enterprise.id, ADHOC_KIND, year, key)
    if filing is not None:
        return filing
    document = EnvDisclosureAdhoc(
        kind=ADHOC_KIND, schema_version=1, enterprise=profile_of(enterprise),
        trigger=cast(AdhocTrigger, trigger),
        document=LegalDocument(doc_type=doc_type, number=key, issuer=issuer, date=date or received_on,
                               received_on=received_on))
    filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind=ADHOC_KIND, year=year, doc_key=key,
                    status="draft", draft_json=canonical_json(document))
    db.session.add(filing)
    db.session.flush()
    audit.record(actor, "filing.create", "filing", filing.id,
                 after={"kind": ADHOC_KIND, "year": year, "number": key, "trigger": trigger})
    return filing


def open_draft(actor: User | None, enterprise: Enterprise, kind: str, year: int) -> Filing:
    """Return the filing of (enterprise, kind, year), creating it with an empty draft if needed."""
    require_edit(actor, enterprise)
    filing = find_filing(enterprise.id, kind, year)
    if filing is not None:
        return filing
    document = new_document(enterprise, kind, year)
    after: dict[str, Any] = {"kind": kind, "year": year}
    if isinstance(document, EnvDisclosureAnnualReport):
        # 办法第二十二条 (避免重复填报): copy from the year's GHG report and audit, list the published ad-hoc reports
        from . import disclosure

        document, paths, sources = disclosure.prefill_from_filings(document, enterprise.id)
        document = disclosure.with_published_adhoc(document, enterprise.id)
        after["prefilled_from"] = [s.sha256 for s in sources]
    filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind=kind, year=year, status="draft",
                    draft_json=canonical_json(document))
    db.session.add(filing)
    db.session.flush()
    audit.record(actor, "filing.create", "filing", filing.id, after=after)
    return filing


def refresh_prefill(actor: User | None, filing: Filing, expected_revision: int | None) -> Filing:
    """Copy again from the year's GHG report and audit, and list the published ad-hoc reports (an annual draft).

    The filer's corrections of pre-filled values are replaced by the sources' values (the "refresh" of
    disclosure-format.md); what the sources do not give is kept.
    """
    from . import disclosure

    document = draft_document(filing)
    if not isinstance(document, EnvDisclosureAnnualReport):
        raise ServiceError("只有年度披露报告可以预填", "only an annual disclosure report is pre-filled")
    require_edit(actor, filing)
    document, _paths, _sources = disclosure.prefill_from_filings(document, filing.enterprise_id)
    document = disclosure.with_published_adhoc(document, filing.enterprise_id)
    return _store_draft(actor, filing, document, expected_revision, canonical_json(document))


def _check_identity(filing: Filing, document: Document) -> None:
    """Refuse a document that belongs to another filing (kind, year or enterprise)."""
    if document.kind != filing.kind:
        raise ServiceError(f"文书类型应为 {filing.kind}", f"the kind must be {filing.kind}", field="kind")
    if isinstance(document, (GhgAnnualReport, EnvDisclosureAnnualReport)) and document.reporting_year != filing.year:
        raise ServiceError(f"报告年度应为 {filing.year}", f"the reporting year must be {filing.year}",
                           field="reporting_year")
    if isinstance(document, EnvDisclosureAdhoc) and filing.doc_key and doc_key_of(document) != filing.doc_key:
        # an ad-hoc report answers one legal document: another number is another report
        raise ServiceError(f"文号应为 {filing.doc_key}（另一份法律文书请另建临时披露报告）",
                           f"the document number must be {filing.doc_key} (open another ad-hoc report for another "
                           "legal document)", field="document.number")
    if document.enterprise.uscc != filing.enterprise.uscc:
        raise ServiceError(
            f"统一社会信用代码应为本企业的 {filing.enterprise.uscc}",
            f"the unified social credit code must be this enterprise's {filing.enterprise.uscc}",
            field="enterprise.uscc",
        )


#: the enterprise block's fields kept by the registry, never by the filing (issue 18 item 5)
REGISTRY_FIELDS = ("name", "uscc", "region_code", "industry_code")


def with_registry_identity(enterprise: Enterprise, document: Document, text: str) -> tuple[Document, str]:
    """Return the document with its name, USCC, region and industry taken from the registry, and its JSON.

    The registry wins over what a form, workbook or API document carries (the USCC was checked to match
    already): a differing value is overwritten, never refused, so a workbook of last year still imports
    after a renaming. A change goes through a master-data request a reviewer approves (services/masterdata.py).
    """
    profile = document.enterprise
    registry = {name: getattr(enterprise, name) for name in REGISTRY_FIELDS}
    if all(getattr(profile, name) == value for name, value in registry.items()):
        return document, text
    document = replace(document, enterprise=replace(profile, **registry))
    return document, canonical_json(document)


def save_draft(actor: User | None, filing: Filing, document: Document, expected_revision: int | None) -> Filing:
    """Store a new draft, refusing if someone else saved since ``expected_revision`` was read.

    ``actor``: a filer or signatory of the enterprise (anyone else gets NotFound), or None for the system.
    """
    require_edit(actor, filing)
    document = _keep_portal_fields(filing, document)
    return _store_draft(actor, filing, document, expected_revision, canonical_json(document))


def without_portal_fields(document: Document) -> Document:
    """Return a document for a new filing with the fields the portal sets emptied (a disclosure's
    ``disclosed_on`` and ``prefill``): an upload creates a draft, never a publication or a pre-fill."""
    if isinstance(document, EnvDisclosureAnnualReport):
        from ..domain.disclosure import Prefill

        return replace(document, disclosed_on=None, prefill=Prefill())
    if isinstance(document, EnvDisclosureAdhoc):
        return replace(document, disclosed_on=None)
    return document


def _keep_portal_fields(filing: Filing, document: Document) -> Document:
    """Return the document with the fields the portal sets kept as stored: a disclosure's ``disclosed_on`` and
    ``prefill`` (disclosure-format.md: read-only for the filer), whatever the form, JSON or workbook says."""
    if not isinstance(document, (EnvDisclosureAnnualReport, EnvDisclosureAdhoc)) or document.kind != filing.kind:
        return document
    stored = draft_document(filing)
    if isinstance(document, EnvDisclosureAnnualReport) and isinstance(stored, EnvDisclosureAnnualReport):
        return replace(document, disclosed_on=stored.disclosed_on, prefill=stored.prefill)
    if isinstance(document, EnvDisclosureAdhoc) and isinstance(stored, EnvDisclosureAdhoc):
        return replace(document, disclosed_on=stored.disclosed_on)
    return document


def save_imported_draft(actor: User | None, filing: Filing, document: Document, canonical: str) -> Filing:
    """Store a document of an upload workbook as the filing's draft (identity checks, locking, audit).

    The import checked the actor for every row of the workbook first (``auth.permissions.can_import_for``:
    filers and signatories for their enterprises, administrators for any — a refused row is a cell error,
    not a 404). ``canonical`` is the document's canonical JSON, already computed to compare with the draft.
    """
    kept = _keep_portal_fields(filing, document)
    if kept is not document:
        document, canonical = kept, canonical_json(kept)
    return _store_draft(actor, filing, document, None, canonical)


def _store_draft(actor: User | None, filing: Filing, document: Document, expected_revision: int | None,
                 text: str) -> Filing:
    lock = draft_lock(filing)
    if lock is not None:
        raise lock
    if expected_revision is not None and expected_revision != filing.revision:
        raise StaleDraft()
    _check_identity(filing, document)
    document, text = with_registry_identity(filing.enterprise, document, text)
    if text == filing.draft_json:
        return filing
    before = document_from_json(filing.draft_json)
    filing.draft_json = text
    try:
        db.session.flush()
    except StaleDataError:  # a concurrent UPDATE won the race between our read and our write
        raise StaleDraft() from None
    audit.record(actor, "filing.save_draft", "filing", filing.id, before=_diff_summary(before, document))
    _void_certification(actor, filing, sha256_text(text))
    _close_signature_requests(filing, "draft_changed")
    return filing


#: the changed leaves an audit entry of a save lists; past this it counts the rest (issue 19 item 4)
AUDIT_DIFF_MAX = 500


def _diff_summary(before: Document, after: Document) -> dict[str, Any]:
    """Return the leaves that changed, old and new (``domain/diff.py``), not the previous sections whole.

    A save that changes one line of 5,000 logs that line's changed values (a few hundred bytes), where the
    whole previous section used to be copied (17 MB per save at 130,000 lines, issue 19 item 4).
    """
    from ..domain.diff import diff_documents

    changes = diff_documents(before, after)
    listed = [{"path": c.path, "old": to_data(c.old), "new": to_data(c.new)} for c in changes[:AUDIT_DIFF_MAX]]
    summary: dict[str, Any] = {"changes": listed}
    if len(changes) > AUDIT_DIFF_MAX:
        summary["more"] = len(changes) - AUDIT_DIFF_MAX
    return summary


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
    _stamp_publication(actor, filing, now)
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


def _stamp_publication(actor: User, filing: Filing, now: dt.datetime) -> None:
    """Date a disclosure's draft with the day it is published, before it is certified (disclosure-format.md).

    The signatory's submission publishes a disclosure (办法: no prior approval), so the text certified is the
    text published: ``disclosed_on`` is today in China (Asia/Shanghai). A correction of a published annual
    report says what changed and why (``change_note``, 准则: 变更内容及主要依据).
    """
    document = draft_document(filing)
    if not isinstance(document, (EnvDisclosureAnnualReport, EnvDisclosureAdhoc)):
        return
    if (isinstance(document, EnvDisclosureAnnualReport) and filing.current_version >= 1
            and not (document.change_note or "").strip()):
        raise ServiceError("更正已披露的年度报告须填写“变更内容及主要依据”（概况一节）",
                           "a correction of a published annual report needs “what changed and why” (the profile "
                           "section)", field="change_note")
    today = now.astimezone(checking.CHINA_TZ).date()
    if document.disclosed_on != today:
        updated = replace(document, disclosed_on=today)
        _store_draft(actor, filing, updated, None, canonical_json(updated))


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
    _close_signature_requests(filing, "submitted", now)
    audit.record(actor, "version.create", "filing_version", version.id,
                 after={"filing_id": filing.id, "number": number, "sha256": version.sha256,
                        "certification": cert.id, "certified_revision": cert.revision})
    from . import attachments, records, renders

    # The evidence attached so far becomes part of this version: frozen, listed in its copy of record (issue 18).
    attachments.freeze_for_version(filing, number)
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


# ------------------------------------------------------------------ ready for signature (issue 20 item 13)

SIGNATURE_NOTE_MAX_LENGTH = 500


def open_signature_request(filing: Filing) -> SignatureRequest | None:
    """Return the filing's open hand-over to its signatories (at most one), or None."""
    return db.session.scalar(select(SignatureRequest).where(
        SignatureRequest.filing_id == filing.id, SignatureRequest.closed_at.is_(None)))


def _close_signature_requests(filing: Filing, reason: str, now: dt.datetime | None = None) -> None:
    request = open_signature_request(filing)
    if request is None:
        return
    request.closed_at = now or dt.datetime.now(dt.UTC)
    request.closed_reason = reason
    db.session.flush()


def request_signature(actor: User, filing: Filing, note: str = "", *,
                      now: dt.datetime | None = None) -> SignatureRequest:
    """Hand the draft as it stands to the enterprise's signatories: "ready for signature" (issue 20 item 13).

    A filer (or signatory) of the enterprise marks an editable draft that could be submitted (no error, every
    warning explained — the signatory would be refused otherwise); the signatories are notified and find it
    in their list. An earlier hand-over still open is replaced; the hand-over closes when the draft changes
    or is submitted. Audited.
    """
    require_edit(actor, filing)
    lock = draft_lock(filing)
    if lock is not None:
        raise lock
    note = (note or "").strip()
    if len(note) > SIGNATURE_NOTE_MAX_LENGTH:
        raise ServiceError(f"给签字人的说明最多 {SIGNATURE_NOTE_MAX_LENGTH} 个字符",
                           f"the note to the signatory has at most {SIGNATURE_NOTE_MAX_LENGTH} characters")
    now = now or dt.datetime.now(dt.UTC)
    _check_submittable(filing, document_from_json(filing.draft_json), now)
    _close_signature_requests(filing, "replaced", now)
    request = SignatureRequest(filing_id=filing.id, revision=filing.revision, sha256=sha256_text(filing.draft_json),
                               note=note, requested_by_id=actor.id, requested_at=now)
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "filing.request_signature", "filing", filing.id,
                 after={"revision": filing.revision, "sha256": request.sha256, "note": note})
    notifications.ready_for_signature(filing, actor, note)
    return request


def signature_requests_for(user: User) -> list[SignatureRequest]:
    """Return the open hand-overs awaiting ``user``'s signature (the enterprises where they are a signatory)."""
    from ..models import Membership

    signed_for = select(Membership.enterprise_id).where(Membership.user_id == user.id,
                                                        Membership.role == "signatory")
    return list(db.session.scalars(
        select(SignatureRequest).join(Filing, Filing.id == SignatureRequest.filing_id)
        .where(SignatureRequest.closed_at.is_(None), Filing.enterprise_id.in_(signed_for))
        .order_by(SignatureRequest.requested_at.desc(), SignatureRequest.id.desc())))
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
