"""Verification (核查) of greenhouse-gas annual reports by an engaged body (issue 18 item 1).

1. A system administrator registers verification bodies (:func:`create_body`); their staff get the verifier
   role through a grant a second security administrator approves (:mod:`portal.services.grants`).
2. A province or city reviewer engages a body for a set of a year's submitted GHG filings of their region
   (:func:`engage`): one :class:`Verification` per filing.
3. The body's verifiers see those filings' submitted versions and evidence and nothing else; they work through
   the checklist of the 核查技术指南 (:func:`save_checklist`), raise 不符合项 on fields, citing evidence
   (:func:`raise_finding`), and send the filing back to the enterprise for correction
   (:func:`request_correction`). The enterprise answers each finding (:func:`respond`) and resubmits.
4. The verifier closes the findings and concludes on the current version with the verified total (审定排放量,
   :func:`conclude`); the reviewer accepts the conclusion (:func:`accept`), which queues the PDF of the copy of
   record with the verification statement (reported and verified totals, the difference, the evidence hashes).

Every step is audited; services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..domain.codec import document_from_json
from ..domain.verification import CHECK_RESULTS, CHECKLIST, CHECKLIST_KEYS, field_targets, target_label
from ..extensions import db
from ..models import (
    Attachment,
    Engagement,
    Enterprise,
    Filing,
    FilingVersion,
    Job,
    User,
    Verification,
    VerificationBody,
    VerificationFinding,
)
from . import audit, notifications
from .access import (
    require_edit,
    require_review,
    require_reviewer,
    require_system_admin,
    require_verifier,
    require_verify,
)
from .errors import Conflict, IllegalTransition, NotFound, ServiceError, required_text
from .review import store_reply
from .rows import child_or_404, children
from .versions import version_document, version_of
from .workflow import UNDER_REVIEW, transition

VERIFIED_KIND = "ghg_annual_report"
MAX_TOTAL_TCO2 = 10**12


# ------------------------------------------------------------------------------------------- bodies


def create_body(actor: User | None, name: str, uscc: str | None = None) -> VerificationBody:
    """Register a verification body (system administrator)."""
    require_system_admin(actor)
    name = (name or "").strip()
    uscc = (uscc or "").strip().upper() or None
    if not name:
        raise ServiceError("请填写核查机构名称", "give the verification body's name", field="name")
    if len(name) > 200:
        raise ServiceError("名称不能超过 200 字", "the name is longer than 200 characters", field="name")
    if uscc is not None and len(uscc) != 18:
        raise ServiceError("统一社会信用代码应为 18 位", "a unified social credit code has 18 characters", field="uscc")
    if db.session.scalar(select(VerificationBody.id).where(VerificationBody.name == name)) is not None:
        raise ServiceError("已有同名的核查机构", "a verification body of that name exists", field="name")
    if uscc and db.session.scalar(select(VerificationBody.id).where(VerificationBody.uscc == uscc)) is not None:
        raise ServiceError("已有该代码的核查机构", "a verification body with that code exists", field="uscc")
    body = VerificationBody(name=name, uscc=uscc, active=True)
    db.session.add(body)
    db.session.flush()
    audit.record(actor, "verification_body.create", "verification_body", body.id, after={"name": name, "uscc": uscc})
    return body


def bodies(active_only: bool = False) -> Sequence[VerificationBody]:
    """Return the verification bodies by name."""
    stmt = select(VerificationBody).order_by(VerificationBody.name)
    if active_only:
        stmt = stmt.where(VerificationBody.active.is_(True))
    return db.session.scalars(stmt).all()


# -------------------------------------------------------------------------------------- engagements


def engageable_filings(actor: User, year: int) -> Sequence[Filing]:
    """Return the reviewer's submitted GHG filings of ``year`` that no body verifies yet."""
    require_reviewer(actor)
    assert actor.reviewer_scope is not None
    taken = select(Verification.filing_id)
    return db.session.scalars(
        select(Filing).join(Enterprise, Enterprise.id == Filing.enterprise_id)
        .where(Enterprise.in_region_scope(actor.reviewer_scope), Filing.kind == VERIFIED_KIND, Filing.year == year,
               Filing.status != "draft", Filing.id.not_in(taken))
        .order_by(Enterprise.name)).all()


def engage(actor: User, body: VerificationBody, year: int, filings: Sequence[Filing]) -> Engagement:
    """Engage ``body`` to verify ``filings`` (submitted GHG reports of ``year`` in the reviewer's scope)."""
    require_reviewer(actor)
    assert actor.reviewer_scope is not None
    if not body.active:
        raise ServiceError("该核查机构已停用", "the verification body is inactive", field="body")
    if not filings:
        raise ServiceError("请至少选择一份申报", "choose at least one filing", field="filings")
    for filing in filings:
        require_review(actor, filing)
        if filing.kind != VERIFIED_KIND or filing.year != year or filing.status == "draft":
            raise ServiceError(f"只能委托核查 {year} 年度已提交的温室气体排放报告（{filing.enterprise.name}）",
                               f"only submitted greenhouse-gas reports of {year} can be verified "
                               f"({filing.enterprise.name})", field="filings")
        if db.session.scalar(select(Verification.id).where(Verification.filing_id == filing.id)) is not None:
            raise ServiceError(f"{filing.enterprise.name} 的报告已委托核查", f"{filing.enterprise.name}'s report "
                               "is already being verified", field="filings")
    engagement = Engagement(body_id=body.id, year=year, region_scope=actor.reviewer_scope, created_by_id=actor.id)
    db.session.add(engagement)
    db.session.flush()
    for filing in filings:
        db.session.add(Verification(engagement_id=engagement.id, filing_id=filing.id, status="open",
                                    checklist_json="{}"))
    db.session.flush()
    audit.record(actor, "verification.engage", "verification_engagement", engagement.id,
                 after={"body_id": body.id, "year": year, "filings": [f.id for f in filings]})
    return engagement


def engagements(actor: User) -> Sequence[Engagement]:
    """Return the engagements made within the reviewer's scope, newest first."""
    require_reviewer(actor)
    assert actor.reviewer_scope is not None
    return db.session.scalars(select(Engagement).where(Engagement.region_scope.startswith(actor.reviewer_scope))
                              .order_by(Engagement.id.desc()).limit(200)).all()


def verifications_of_engagement(engagement: Engagement) -> Sequence[Verification]:
    """Return an engagement's verifications (with their filings)."""
    return children(Verification, Verification.engagement_id, engagement.id)


def assigned(actor: User) -> Sequence[Verification]:
    """Return the verifications of the verifier's body, open ones first."""
    require_verifier(actor)
    return db.session.scalars(
        select(Verification).join(Engagement, Engagement.id == Verification.engagement_id)
        .where(Engagement.body_id == actor.verifier_body_id)
        .order_by(Verification.status != "open", Verification.id.desc())).all()


def of_filing(filing: Filing) -> Verification | None:
    """Return the filing's verification, if a body was engaged for it."""
    return db.session.scalar(select(Verification).where(Verification.filing_id == filing.id))


# -------------------------------------------------------------------------------------- verifier work


def _verifiable(actor: User, verification: Verification) -> Filing:
    """Return the verification's filing if ``actor`` verifies it and the verification is still open."""
    require_verify(actor, verification.filing)
    if verification.status != "open":
        raise IllegalTransition("核查已出具结论，不能再修改", "the verification is concluded and can no longer change")
    return verification.filing


def checklist(verification: Verification) -> list[dict[str, Any]]:
    """Return the checklist with the verifier's results and notes, in the guideline's order."""
    saved = json.loads(verification.checklist_json or "{}")
    return [{"key": item.key, "title": item.title, "guidance": item.guidance,
             "result": saved.get(item.key, {}).get("result", ""), "note": saved.get(item.key, {}).get("note", "")}
            for item in CHECKLIST]


def save_checklist(actor: User, verification: Verification, entries: dict[str, tuple[str, str]]) -> None:
    """Store the verifier's result (conform, nonconform, na, or blank) and note per checklist item."""
    _verifiable(actor, verification)
    out: dict[str, dict[str, str]] = {}
    for key, (result, note) in entries.items():
        if key not in CHECKLIST_KEYS:
            raise ServiceError(f"核查清单中没有“{key}”", f"the checklist has no item {key!r}", field="checklist")
        if result not in CHECK_RESULTS:
            raise ServiceError("核查结果应为符合、不符合或不适用", "a result is conforms, does not conform or not "
                               "applicable", field=f"result_{key}")
        note = (note or "").strip()
        if len(note) > 2000:
            raise ServiceError("说明不能超过 2000 字", "a note is longer than 2000 characters", field=f"note_{key}")
        out[key] = {"result": result, "note": note}
    before = verification.checklist_json
    verification.checklist_json = json.dumps(out, ensure_ascii=False, sort_keys=True)
    db.session.flush()
    audit.record(actor, "verification.checklist", "verification", verification.id, before=json.loads(before or "{}"),
                 after=out)


def findings(verification: Verification) -> Sequence[VerificationFinding]:
    """Return the verification's 不符合项, oldest first."""
    return children(VerificationFinding, VerificationFinding.verification_id, verification.id)


def finding_of(verification: Verification, finding_id: int) -> VerificationFinding:
    """Return a finding of the verification, else raise NotFound."""
    return child_or_404(VerificationFinding, finding_id, VerificationFinding.verification_id, verification.id)


def field_choices(version: FilingVersion) -> list[tuple[str, str, str]]:
    """Return the fields of a version a finding can be about: (path, label zh, label en)."""
    return [(t.path, t.label.zh, t.label.en) for t in field_targets(version_document(version))]


def raise_finding(actor: User, verification: Verification, *, field_path: str, body: str,
                  attachment_id: int | None = None) -> VerificationFinding:
    """Raise a 不符合项 on a field of the filing's current version, optionally citing an attachment."""
    filing = _verifiable(actor, verification)
    if filing.status not in UNDER_REVIEW:
        raise IllegalTransition("申报已退回企业修改，请待其重新提交后再提出不符合项",
                                "the filing is with the enterprise for correction: raise findings once it is resubmitted")
    version = version_of(filing, filing.current_version)
    body = required_text(body, field="body", limit=4000, empty=("请写明不符合的内容", "describe the nonconformity"),
                         name=("不符合项", "finding"))
    if field_path not in {p for p, _z, _e in field_choices(version)}:
        raise ServiceError("请选择不符合项所针对的字段", "choose the field the finding is about", field="field_path")
    if attachment_id is not None:
        cited = db.session.get(Attachment, attachment_id)
        if cited is None or cited.filing_id != filing.id or cited.version_number is None \
                or cited.version_number > version.number:
            raise ServiceError("引用的附件不属于此版本", "the cited attachment is not part of this version",
                               field="attachment")
    finding = VerificationFinding(verification_id=verification.id, version_number=version.number,
                                  field_path=field_path, body=body, attachment_id=attachment_id, status="open",
                                  raised_by_id=actor.id)
    db.session.add(finding)
    db.session.flush()
    audit.record(actor, "verification.finding", "verification_finding", finding.id,
                 after={"filing_id": filing.id, "version": version.number, "field": field_path, "body": body,
                        "attachment_id": attachment_id})
    return finding


def request_correction(actor: User, verification: Verification) -> None:
    """Send the filing back to the enterprise to answer and correct the open 不符合项 (returned)."""
    filing = _verifiable(actor, verification)
    open_now = [f for f in findings(verification) if f.status == "open" and f.version_number == filing.current_version]
    if not open_now:
        raise ServiceError("当前版本没有未关闭的不符合项，无需退回企业", "the current version has no open finding to "
                           "send back to the enterprise")
    transition(actor, filing, "returned", "return")
    db.session.flush()
    notifications.filing_event(filing, "returned")


def respond(actor: User, verification: Verification, finding: VerificationFinding, text: str) -> None:
    """Store the enterprise's response to a 不符合项 (while the finding is open)."""
    require_edit(actor, verification.filing)
    if finding.verification_id != verification.id:
        raise NotFound()
    if finding.status != "open":
        raise IllegalTransition("该不符合项已关闭", "the finding is closed")
    store_reply(actor, finding, text, ("response", "responded_by_id", "responded_at"), action="verification.response")


def close_finding(actor: User, verification: Verification, finding: VerificationFinding) -> None:
    """Close a 不符合项 the enterprise answered or corrected (the verifier)."""
    _verifiable(actor, verification)
    if finding.verification_id != verification.id:
        raise NotFound()
    if finding.status != "open":
        raise IllegalTransition("该不符合项已关闭", "the finding is closed")
    finding.status = "closed"
    finding.closed_at = dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "verification.close_finding", "verification_finding", finding.id,
                 after={"status": "closed"})


def reported_total(version: FilingVersion) -> int | None:
    """Return the version's reported total emissions in tCO₂ (its computed ``total_tco2``), or None."""
    value = json.loads(version.computed_json).get("total_tco2")
    if value is None:
        return None
    return int(str(value).split(".")[0])


def conclude(actor: User, verification: Verification, *, verified_tco2: int, conclusion: str,
             now: dt.datetime | None = None) -> None:
    """Conclude the verification of the current version with the verified total (审定排放量)."""
    filing = _verifiable(actor, verification)
    if filing.status not in UNDER_REVIEW:
        raise IllegalTransition("申报在企业修改中，请待其重新提交后再出具结论",
                                "the filing is with the enterprise for correction: conclude once it is resubmitted")
    still_open = [f for f in findings(verification) if f.status == "open"]
    if still_open:
        raise ServiceError(f"还有 {len(still_open)} 项不符合项未关闭，请先关闭后再出具结论",
                           f"{len(still_open)} finding(s) are still open: close them before concluding",
                           field="verified_tco2")
    unchecked = [item["title"].zh for item in checklist(verification) if not item["result"]]
    if unchecked:
        raise ServiceError(f"核查清单尚未完成：{'、'.join(unchecked)}",
                           f"the checklist is not complete: {len(unchecked)} item(s) without a result",
                           field="verified_tco2")
    if not 0 <= verified_tco2 <= MAX_TOTAL_TCO2:
        raise ServiceError("审定排放量应为不小于 0 的整数（tCO₂）", "the verified total is a whole number of tCO₂, "
                           "0 or more", field="verified_tco2")
    conclusion = required_text(conclusion, field="conclusion", limit=4000,
                               empty=("请填写核查结论", "write the verification conclusion"),
                               name=("核查结论", "conclusion"))
    version = version_of(filing, filing.current_version)
    verification.status = "concluded"
    verification.version_number = version.number
    verification.reported_tco2 = reported_total(version)
    verification.verified_tco2 = verified_tco2
    verification.conclusion = conclusion
    verification.concluded_by_id = actor.id
    verification.concluded_at = now or dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "verification.conclude", "verification", verification.id,
                 after={"filing_id": filing.id, "version": version.number, "reported_tco2": verification.reported_tco2,
                        "verified_tco2": verified_tco2, "conclusion": conclusion})


def accept(actor: User, verification: Verification, now: dt.datetime | None = None) -> Job:
    """Accept the verifier's conclusion (the reviewer); queue the PDF with the verification statement.

    The caller commits, then hands the returned job to the queue.
    """
    from . import renders

    filing = verification.filing
    require_review(actor, filing)
    if verification.status != "concluded":
        raise IllegalTransition("核查尚未出具结论，或结论已被接受", "the verification has no conclusion yet, or it was "
                                "already accepted")
    if verification.version_number != filing.current_version:
        raise Conflict("核查结论针对的不是当前版本，请核查机构重新出具结论",
                       "the conclusion is not about the current version: the body must conclude again")
    verification.status = "accepted"
    verification.accepted_by_id = actor.id
    verification.accepted_at = now or dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "verification.accept", "verification", verification.id,
                 after={"filing_id": filing.id, "version": verification.version_number,
                        "verified_tco2": verification.verified_tco2})
    job = renders.queue_verification_pdf(actor, verification)
    verification.report_job_id = job.id
    db.session.flush()
    return job


# ----------------------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Totals:
    """Hold the reported and the verified total of a verification and their difference (verified − reported)."""

    reported: int | None
    verified: int | None

    @property
    def difference(self) -> int | None:
        """Return verified − reported (None unless both are known)."""
        if self.reported is None or self.verified is None:
            return None
        return self.verified - self.reported

    @property
    def percent(self) -> str | None:
        """Return the difference as a percentage of the reported total, one decimal ("−2.0%")."""
        diff = self.difference
        if diff is None or not self.reported:
            return None
        from decimal import ROUND_HALF_UP, Decimal

        value = (Decimal(diff) * 100 / Decimal(self.reported)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{'+' if value > 0 else ''}{value}%".replace("-", "−")


def totals(verification: Verification | None) -> Totals | None:
    """Return the totals of a concluded verification, or None."""
    if verification is None or verification.status == "open":
        return None
    return Totals(verification.reported_tco2, verification.verified_tco2)


def finding_label(filing: Filing, finding: VerificationFinding) -> tuple[str, str]:
    """Return the label (zh, en) of the field a finding is about, from the version it was raised on."""
    version = version_of(filing, finding.version_number)
    text = target_label(document_from_json(version.canonical_json), "field", finding.field_path)
    return text.zh, text.en
