"""Enterprise pages and the life of a filing: open, edit as JSON, check, explain, submit, versions."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from forms.auth import SubmitForm
from forms.filings import AdhocForm, ExplanationsForm, JsonDraftForm, NewFilingForm
from forms.review import AnswerForm

from ..auth import permissions
from ..domain.codec import dumps, sha256_text, to_data
from ..domain.common import EXPLANATION_MAX_LENGTH
from ..domain.findings import Finding
from ..domain.labels import kind_name
from ..extensions import db
from ..models import Enterprise, Filing
from ..services import audit, checking, versions, workflow
from ..services import exports as export_service
from ..services import filings as filing_service
from ..services import review as review_service
from ..services.deadlines import due_for, ghg_due_date, is_overdue
from ..services.errors import Conflict, ServiceError, StaleDraft
from . import audit_panel
from .access import enterprise_or_404, filing_or_404, version_or_404
from .templating import bilingual
from .transaction import attempt, enqueue_after_commit, posted, refused

bp = Blueprint("filings", __name__)


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id: int) -> ResponseReturnValue:
    """Show an enterprise with all its filings (both kinds)."""
    ent = enterprise_or_404(enterprise_id)
    filings = db.session.scalars(
        select(Filing).where(Filing.enterprise_id == ent.id).order_by(Filing.year.desc(), Filing.kind)
    ).all()
    editable = permissions.can_edit_filing(current_user, ent.id)
    form = NewFilingForm() if editable else None
    # ad-hoc disclosures are listed apart, each against its legal document, with its due date (办法第十七条)
    adhoc = [f for f in filings if f.kind == "env_disclosure_adhoc" and (editable or f.current_version >= 1)]
    return render_template("filings/enterprise.html", enterprise=ent, filings=filings, form=form,
                           due=ghg_due_date, is_overdue=is_overdue, adhoc=adhoc, due_for=due_for,
                           adhoc_form=AdhocForm() if editable else None, today=dt.date.today())


def _editable_enterprise_or_404(enterprise_id: int) -> Enterprise:
    """Return the enterprise if the current user may open its filings, else abort with 404."""
    ent = enterprise_or_404(enterprise_id)
    if not permissions.can_edit_filing(current_user, ent.id):
        abort(404)
    return ent


@bp.route("/enterprises/<int:enterprise_id>/adhoc", methods=["POST"])
@login_required
def open_adhoc(enterprise_id: int) -> ResponseReturnValue:
    """Open an ad-hoc disclosure against a legal document: its trigger, number and the day it was received."""
    ent = _editable_enterprise_or_404(enterprise_id)
    back = url_for(".enterprise", enterprise_id=ent.id) + "#adhoc"
    form = posted(AdhocForm(), back, colon="：")
    try:
        filing = filing_service.open_adhoc(
            current_user, ent, trigger=form.trigger.data, number=form.number.data, received_on=form.received_on.data,
            doc_type=form.doc_type.data or None, issuer=form.issuer.data or None, date=form.date.data)
    except ServiceError as error:
        refused(error)
        return redirect(back)
    return redirect(url_for(".show", filing_id=filing.id))


@bp.route("/enterprises/<int:enterprise_id>/filings", methods=["POST"])
@login_required
def open_filing(enterprise_id: int) -> ResponseReturnValue:
    """Open (or create) the filing of a kind and year."""
    ent = _editable_enterprise_or_404(enterprise_id)
    form = posted(NewFilingForm(), url_for(".enterprise", enterprise_id=ent.id), colon="：", joiner="；")
    filing = filing_service.open_draft(current_user, ent, form.kind.data, form.year.data)
    return redirect(url_for(".show", filing_id=filing.id))


@bp.route("/filings/<int:filing_id>/prefill", methods=["POST"])
@login_required
def refresh_prefill(filing_id: int) -> ResponseReturnValue:
    """Copy again into an annual disclosure draft from the year's GHG report and audit (disclosure-format.md)."""
    filing = filing_or_404(filing_id, "edit")
    try:
        filing_service.refresh_prefill(current_user, filing, None)
    except ServiceError as error:
        refused(error)
    else:
        flash(_("已按本年度温室气体排放报告和清洁生产审核重新预填。"), "success")
    return redirect(url_for(".show", filing_id=filing.id))


@bp.route("/filings/<int:filing_id>")
@login_required
def show(filing_id: int) -> ResponseReturnValue:
    """Show a filing: status, the draft's results and findings, the versions.

    The draft is the enterprise's until it is submitted (issue 16 item 6): anyone else who may see the filing
    (a reviewer in scope, a system administrator) is sent to its current submitted version — or told it does
    not exist, while nothing has been submitted.
    """
    filing = filing_or_404(filing_id)
    if not permissions.can_view_draft(current_user, filing.enterprise_id):
        if filing.current_version < 1:
            abort(404)
        return redirect(url_for(".version", filing_id=filing.id, number=filing.current_version))
    document = filing_service.draft_document(filing)
    outcome = checking.run(document, filing=filing)
    may_edit = permissions.can_edit_filing(current_user, filing.enterprise_id)
    # A submitted draft is read-only until the reviewer returns it (issue 15): the page says why.
    can_edit = may_edit and filing_service.draft_editable(filing)
    # While the draft is still the latest submitted version, show what was certified: recomputing today would
    # judge the date-dependent rules (GHG-014's deadline) as if the filing were submitted now.
    latest = filing.versions[-1] if filing.versions else None
    shown_version = latest if latest is not None and latest.canonical_json == filing.draft_json else None
    if shown_version is not None:
        shown_computed = json.loads(shown_version.computed_json, parse_float=Decimal)
        shown_findings = [Finding(**item) for item in json.loads(shown_version.findings_json)]
    else:
        shown_computed, shown_findings = outcome.computed.check_block(), outcome.findings
    return render_template(
        "filings/show.html", filing=filing, document=document, outcome=outcome, can_edit=can_edit,
        shown_version=shown_version, shown_computed=shown_computed, shown_findings=shown_findings,
        can_sign=permissions.can_sign_filing(current_user, filing.enterprise_id),
        # issue 20 item 6: a never-submitted draft may be deleted, a submission withdrawn before review starts
        can_delete=may_edit and filing.status == "draft" and filing.current_version == 0,
        can_withdraw=(filing.status in workflow.UNDER_REVIEW
                      and permissions.can_sign_filing(current_user, filing.enterprise_id)
                      and not filing_service.review_started(filing)),
        can_review=permissions.can_review(current_user, filing.enterprise.region_code),
        explanations_form=ExplanationsForm(revision=filing.revision), due=due_for,
        blocking=filing_service.blocking_findings(outcome.findings),
        # Regulators in scope see every comment; everyone else never sees the internal ones.
        review_comments=review_service.comments(
            filing, for_filer=not permissions.can_review(current_user, filing.enterprise.region_code)),
        answer_form=AnswerForm(),
        # issue 20 item 7: the reviewer's verdict on each explanation of the latest version, and the visible
        # comments on that finding, beside the explanation
        verdicts=review_service.verdicts(filing, filing.current_version) if filing.current_version else {},
        finding_comments=review_service.finding_comments(filing),
        timeline=audit_panel.timeline_context(document, outcome.computed),
        docview=export_service.document_view(document),
        # -- issue 15: certification bound to a revision, the read-only draft, stale explanations
        draft_lock=_lock_text(filing) if may_edit else None,
        certification=_certification_context(filing),
        signature_request=filing_service.open_signature_request(filing),
        stale=_stale_explanations(document, outcome.findings) if may_edit else [],
        explanation_max=EXPLANATION_MAX_LENGTH,
        disclosure_link=({"action": url_for(".open_filing", enterprise_id=filing.enterprise_id), "year": filing.year}
                         if filing.kind == "ghg_annual_report" and may_edit else None),
    )


def _lock_text(filing: Filing) -> str | None:
    lock = filing_service.draft_lock(filing)
    return bilingual(lock.message_zh, lock.message_en) if lock is not None else None


def _certification_context(filing: Filing) -> dict[str, Any] | None:
    """Return what the filing page says of the latest certification: in force (revision, hash) or void (why)."""
    cert = filing_service.latest_certification(filing)
    if cert is None or cert.status == "submitted":
        return None
    void = bilingual(*filing_service.certification_void_message(cert)) if cert.status == "void" else None
    return {"cert": cert, "void": void}


def _stale_explanations(document: Any, findings: list[Finding]) -> list[Any]:
    """Return the draft's explanations that answer no current finding, named by rule title and path in words."""
    from ..domain.schema import schema_of
    from ..renderers.view import stale_explanation
    from ..services.records import titles_for

    keys = {f.key for f in findings}
    titles = titles_for(document, findings)
    schema = schema_of(document.kind)
    return [stale_explanation(schema, key, text, titles) for key, text in sorted(document.explanations.items())
            if key not in keys]


@bp.route("/filings/<int:filing_id>/draft.json")
@login_required
def draft_json(filing_id: int) -> ResponseReturnValue:
    """Download the draft as canonical JSON (the enterprise's filers and signatories only)."""
    filing = filing_or_404(filing_id, "draft")
    text = dumps(to_data(filing_service.draft_document(filing)), indent=1)
    audit.record_download(current_user, "draft_json", "filing", filing.id, revision=filing.revision)
    return Response(text, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=filing-{filing.id}-draft.json"})


@bp.route("/filings/<int:filing_id>/json", methods=["GET", "POST"])
@login_required
def edit_json(filing_id: int) -> ResponseReturnValue:
    """Replace the draft with a JSON document typed or uploaded (the same checks as the API)."""
    filing = filing_or_404(filing_id, "edit")
    form = JsonDraftForm()
    if request.method == "GET":
        form.document.data = dumps(to_data(filing_service.draft_document(filing)), indent=1)
        form.revision.data = str(filing.revision)
    elif form.validate_on_submit():
        raw = form.upload.data.read() if form.upload.data else (form.document.data or "").encode("utf-8")
        try:
            document = filing_service.parse_json_draft(raw, filing.kind)
            filing_service.save_draft(current_user, filing, document, form.revision.number)
            flash(_("草稿已保存。"), "success")
            return redirect(url_for(".show", filing_id=filing.id))
        except ServiceError as error:
            refused(error)
            if form.upload.data:
                form.document.data = raw.decode("utf-8", errors="replace")
            if isinstance(error, Conflict):  # the draft is read-only now (submitted, accepted)
                return render_template("filings/edit_json.html", filing=filing, form=form,
                                       draft_lock=_lock_text(filing)), 409
    return render_template("filings/edit_json.html", filing=filing, form=form, draft_lock=_lock_text(filing)), \
        200 if request.method == "GET" else 422


@bp.route("/filings/<int:filing_id>/explanations", methods=["POST"])
@login_required
def explanations(filing_id: int) -> ResponseReturnValue:
    """Store the filer's explanations of warnings (one text per finding key)."""
    filing = filing_or_404(filing_id, "edit")
    form = posted(ExplanationsForm())
    texts = {key.removeprefix("explain:"): value for key, value in request.form.items() if key.startswith("explain:")}
    # Stale explanations (their finding stopped firing) are removed by the filer (issue 15).
    remove = request.form.getlist("remove")
    attempt(lambda: filing_service.save_explanations(current_user, filing, texts, form.revision.number,
                                                     remove=remove),
            _("已删除过时的情况说明。") if remove and not texts else _("情况说明已保存。"))
    return redirect(url_for(".show", filing_id=filing.id) + "#findings")


@bp.route("/filings/<int:filing_id>/ready-for-signature", methods=["POST"])
@login_required
def ready_for_signature(filing_id: int) -> ResponseReturnValue:
    """Hand the draft to the enterprise's signatories (issue 20 item 13): they are notified and find it listed."""
    filing = filing_or_404(filing_id, "edit")
    try:
        filing_service.request_signature(current_user, filing, request.form.get("note", ""))
        flash(_("已提交签字人签署，签字人会收到通知。"), "success")
    except ServiceError as error:
        refused(error)
    return redirect(url_for(".show", filing_id=filing.id))


@bp.route("/filings/<int:filing_id>/submit", methods=["GET", "POST"])
@login_required
def submit(filing_id: int) -> ResponseReturnValue:
    """Let the signatory review the whole document, certify it, and submit it — at once or later.

    Three actions (issue 15): 签署并提交 certifies this revision and submits it in one step; 仅签署 certifies
    it now for submitting later; 提交已签署的版本 submits a revision certified earlier (no password: the
    certification was the re-authenticated act). A change of the draft in between voids the certification,
    and submitting then answers 409 with the reason.
    """
    filing = filing_or_404(filing_id, "sign")
    document = filing_service.draft_document(filing)
    # The draft as it stands, not yet submitted: a deadline rule says "due …, not yet submitted", never
    # "submitted on <today>" before anyone has submitted (issue 20 item 8). The version records its own
    # findings, computed on the day it is submitted.
    outcome = checking.run(document, filing=filing)
    form = SubmitForm()
    action = request.form.get("action", "certify_submit")
    status = 200
    # Submitting a revision certified earlier asks for no password: the form is validated for the other two.
    if request.method == "POST" and (action == "submit_certified" or form.validate_on_submit()):
        try:
            if action == "submit_certified":
                return _submitted(filing, filing_service.submit_certified(current_user, filing))
            if action == "certify":
                cert = filing_service.certify(current_user, filing, password=form.password.data or "",
                                              certified=bool(form.certified.data))
                flash(_("已签署修订 %(r)s（SHA-256：%(h)s），可稍后提交。", r=cert.revision, h=cert.sha256), "success")
                return redirect(url_for(".submit", filing_id=filing.id))
            version = filing_service.submit(current_user, filing, password=form.password.data or "",
                                            certified=bool(form.certified.data))
            return _submitted(filing, version)
        except ServiceError as error:
            refused(error)
            status = 409 if isinstance(error, Conflict) else 200
        except StaleDataError:
            return _raced(filing)
    active = filing_service.active_certification(filing)
    return render_template("filings/submit.html", filing=filing, document=document, outcome=outcome, form=form,
                           statement_zh=filing_service.CERTIFICATION_STATEMENT_ZH,
                           statement_en=filing_service.CERTIFICATION_STATEMENT_EN,
                           document_json=dumps(to_data(document), indent=1),
                           blocking=filing_service.blocking_findings(outcome.findings),
                           active=active, certification=_certification_context(filing),
                           draft_lock=_lock_text(filing), draft_sha256=sha256_text(filing.draft_json)), status


def _raced(filing: Filing) -> ResponseReturnValue:
    """Answer a second POST of the submit form racing the first (a double click) with what the first submitted.

    The first one won; the second must not be a 500 (issue 16 item 8).
    """
    refused(StaleDraft(), category=None)
    db.session.refresh(filing)
    version = filing_service.already_submitted(filing)
    if version is None:
        abort(409)
    flash(_("已提交，版本 %(n)s，SHA-256：%(h)s", n=version.number, h=version.sha256), "success")
    return redirect(url_for(".version", filing_id=filing.id, number=version.number))


def _submitted(filing: Filing, version: Any) -> ResponseReturnValue:
    """Hand the new version's render jobs to the queue once committed, and show the version."""
    from ..services import renders

    enqueue_after_commit(renders.queued_jobs(version))
    flash(_("已提交，版本 %(n)s，SHA-256：%(h)s", n=version.number, h=version.sha256), "success")
    return redirect(url_for(".version", filing_id=filing.id, number=version.number))


@bp.route("/filings/<int:filing_id>/delete", methods=["POST"])
@login_required
def delete(filing_id: int) -> ResponseReturnValue:
    """Delete a draft that was never submitted (issue 20 item 6); audited by the service."""
    filing = filing_or_404(filing_id, "edit")
    enterprise_id = filing.enterprise_id
    if not attempt(lambda: filing_service.delete_draft(current_user, filing),
                   _("已删除 %(year)s 年度的%(kind)s草稿。", year=filing.year, kind=kind_name(filing.kind))):
        return redirect(url_for(".show", filing_id=filing_id))
    return redirect(url_for(".enterprise", enterprise_id=enterprise_id))


@bp.route("/filings/<int:filing_id>/withdraw", methods=["POST"])
@login_required
def withdraw(filing_id: int) -> ResponseReturnValue:
    """Withdraw a submission before the reviewer begins on it (issue 20 item 6); audited by the service."""
    filing = filing_or_404(filing_id, "sign")
    try:
        filing_service.withdraw(current_user, filing)
    except ServiceError as error:
        refused(error)
        return redirect(url_for(".show", filing_id=filing_id))
    flash(_("已撤回第 %(number)s 版的提交；草稿可以修改后重新签署提交。", number=filing.current_version), "success")
    return redirect(url_for(".show", filing_id=filing_id))


@bp.route("/filings/<int:filing_id>/versions/<int:number>")
@login_required
def version(filing_id: int, number: int) -> ResponseReturnValue:
    """Show a frozen version: its document, results and findings as submitted, and its hash."""
    version = version_or_404(filing_id, number)
    filing = version.filing
    document = versions.version_document(version)
    from ..models import VersionRecord

    return render_template("filings/version.html", filing=filing, version=version, document=document,
                           computed=json.loads(version.computed_json, parse_float=Decimal),
                           findings=json.loads(version.findings_json), docview=export_service.document_view(document),
                           frozen=db.session.get(VersionRecord, version.id) is not None,
                           can_review=permissions.can_review(current_user, filing.enterprise.region_code))


@bp.route("/filings/<int:filing_id>/versions/<int:number>.json")
@login_required
def version_json(filing_id: int, number: int) -> ResponseReturnValue:
    """Download a version's canonical JSON exactly as hashed."""
    version = version_or_404(filing_id, number)
    filing = version.filing
    audit.record_download(current_user, "version_json", "filing", filing.id, version=number)
    return Response(version.canonical_json, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=filing-{filing.id}-v{number}.json",
        "X-Content-SHA256": version.sha256})
