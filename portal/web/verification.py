"""Verification (核查) and evidence attachments (issue 18 items 1 and 2): thin views over the services.

* the verifier: their engaged filings, and per filing the checklist, the 不符合项, the conclusion;
* the reviewer: engagements (a body for a year's filings), accepting a conclusion, the verified PDF;
* the enterprise: its evidence attachments, and its responses to the 不符合项;
* anyone who may see a submitted version (its reviewer, its verifier): the evidence it holds, previewed inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.base import BadInput, PortalForm
from forms.verification import AttachmentForm, ConclusionForm, EngagementForm, FindingForm, ResponseForm

from ..auth import permissions
from ..extensions import db
from ..jobs import get_queue
from ..models import Attachment, Filing, Verification, VerificationBody
from ..services import access, audit, files, renders
from ..services import attachments as attachment_service
from ..services import verification as service
from ..services.access import require_reviewer, require_verifier
from ..services.errors import NotFound, ServiceError
from ..services.versions import version_document, version_of
from .access import filing_or_404, require
from .templating import bilingual
from .transaction import after_commit, attempt, posted, refused

bp = Blueprint("verification", __name__)


def _me() -> Any:
    return current_user._get_current_object()


def _verification_or_404(filing: Filing) -> Verification:
    verification = service.of_filing(filing)
    if verification is None:
        abort(404)
    return verification


def _engaged(filing_id: int, need: str = "verify") -> tuple[Filing, Verification]:
    """Return the filing and its verification if the current user may ``need`` it (else 404)."""
    filing = filing_or_404(filing_id, need)
    return filing, _verification_or_404(filing)


def _posted_verification(filing_id: int, need: str = "verify") -> tuple[Filing, Verification]:
    """Return the filing an action button posts about and its verification (404 beyond ``need``, 400 without CSRF)."""
    engaged = _engaged(filing_id, need)
    posted(PortalForm())
    return engaged


def _flash_errors(form: PortalForm) -> None:
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        for error in errors:
            flash(f"{label.text if label else name}: {error}", "danger")


# ------------------------------------------------------------------------------------------ verifier


@bp.route("/verification/")
@login_required
def index() -> ResponseReturnValue:
    """List the filings the verifier's body was engaged for."""
    require(require_verifier)
    return render_template("verification/index.html", verifications=service.assigned(_me()),
                           totals=service.totals)


def _workspace(filing: Filing, **forms: Any) -> str:
    verification = _verification_or_404(filing)
    version = version_of(filing, filing.current_version)
    finding_form = forms.get("finding_form") or FindingForm(prefix="f", formdata=None)
    finding_form.field_path.choices = [("", _("请选择"))] + [(p, zh if _is_zh() else en)
                                                             for p, zh, en in service.field_choices(version)]
    held = attachment_service.of_version(filing, version.number)
    finding_form.attachment.choices = [("", "—")] + [(str(a.id), f"{a.filename} · {a.sha256[:12]}…") for a in held]
    labels = {f.id: service.finding_label(filing, f) for f in service.findings(verification)}
    document = version_document(version)
    return render_template(
        "verification/workspace.html", filing=filing, verification=verification, version=version,
        reported=service.reported_total(version), checklist=service.checklist(verification),
        findings=service.findings(verification), finding_labels=labels, attachments=held,
        attachment_labels={a.id: _target_text(document, a) for a in held},
        finding_form=finding_form, conclusion_form=forms.get("conclusion_form") or ConclusionForm(prefix="c"),
        action_form=PortalForm(), totals=service.totals(verification),
    )


WorkspaceForm = TypeVar("WorkspaceForm", bound=PortalForm)


def _workspace_form(filing: Filing, name: str, form: WorkspaceForm, action: Callable[[WorkspaceForm], object],
                    done: str, anchor: str = "") -> ResponseReturnValue:
    """Run the action of a valid workspace form (``name``: finding_form, conclusion_form) on the form.

    Done, the workspace is shown again from a redirect (at ``anchor``); an invalid form or a refused action
    draws it again with the form as posted and its errors (422).
    """
    if form.validate_on_submit():
        if attempt(lambda: action(form), done):
            return redirect(url_for(".workspace", filing_id=filing.id) + anchor)
    else:
        _flash_errors(form)
    return _workspace(filing, **{name: form}), 422


def _is_zh() -> bool:
    return bilingual("zh", "en") == "zh"


def _target_text(document: Any, attachment: Attachment) -> str:
    from ..domain.verification import target_label

    text = target_label(document, attachment.target_type, attachment.target)
    return text.zh if _is_zh() else text.en


@bp.route("/verification/filings/<int:filing_id>")
@login_required
def workspace(filing_id: int) -> ResponseReturnValue:
    """Show the verifier's workspace of one engaged filing: version, evidence, checklist, findings, conclusion."""
    filing = filing_or_404(filing_id, "verify")
    return _workspace(filing)


@bp.route("/verification/filings/<int:filing_id>/checklist", methods=["POST"])
@login_required
def checklist(filing_id: int) -> ResponseReturnValue:
    """Store the checklist's results and notes."""
    filing, verification = _posted_verification(filing_id)
    from ..domain.verification import CHECKLIST_KEYS

    entries = {key: (request.form.get(f"result_{key}", ""), request.form.get(f"note_{key}", ""))
               for key in CHECKLIST_KEYS}
    attempt(lambda: service.save_checklist(_me(), verification, entries), _("核查清单已保存。"))
    return redirect(url_for(".workspace", filing_id=filing.id) + "#checklist")


@bp.route("/verification/filings/<int:filing_id>/findings", methods=["POST"])
@login_required
def raise_finding(filing_id: int) -> ResponseReturnValue:
    """Raise a 不符合项 on a field of the current version."""
    filing, verification = _engaged(filing_id)
    form = FindingForm(prefix="f")
    form.field_path.choices = [(p, zh) for p, zh, _en in
                               service.field_choices(version_of(filing, filing.current_version))]

    def raise_it(form: FindingForm) -> None:
        cited = form.attachment.data or ""
        held = {str(a.id): a.id for a in attachment_service.of_version(filing, filing.current_version)}
        if cited and cited not in held:
            raise ServiceError("引用的附件不属于此版本", "the cited attachment is not part of this version",
                               field="f-attachment")
        service.raise_finding(_me(), verification, field_path=form.field_path.data or "", body=form.body.data or "",
                              attachment_id=held.get(cited))

    return _workspace_form(filing, "finding_form", form, raise_it, _("不符合项已提出。"), "#findings")


@bp.route("/verification/filings/<int:filing_id>/findings/<int:finding_id>/close", methods=["POST"])
@login_required
def close_finding(filing_id: int, finding_id: int) -> ResponseReturnValue:
    """Close a 不符合项."""
    filing, verification = _posted_verification(filing_id)
    attempt(lambda: service.close_finding(_me(), verification, service.finding_of(verification, finding_id)),
            _("不符合项已关闭。"))
    return redirect(url_for(".workspace", filing_id=filing.id) + "#findings")


@bp.route("/verification/filings/<int:filing_id>/return", methods=["POST"])
@login_required
def request_correction(filing_id: int) -> ResponseReturnValue:
    """Send the filing back to the enterprise to answer and correct the open 不符合项."""
    filing, verification = _posted_verification(filing_id)
    attempt(lambda: service.request_correction(_me(), verification), _("已将不符合项发送企业，申报已退回企业修改。"))
    return redirect(url_for(".workspace", filing_id=filing.id))


@bp.route("/verification/filings/<int:filing_id>/conclude", methods=["POST"])
@login_required
def conclude(filing_id: int) -> ResponseReturnValue:
    """Conclude the verification with the verified total."""
    filing, verification = _engaged(filing_id)
    return _workspace_form(filing, "conclusion_form", ConclusionForm(prefix="c"),
                           lambda form: service.conclude(_me(), verification, verified_tco2=int(form.verified_tco2.data or 0),
                                                         conclusion=form.conclusion.data or ""),
                           _("核查结论已出具，等待主管部门确认。"))


@bp.route("/verification/filings/<int:filing_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(filing_id: int, number: int) -> ResponseReturnValue:
    """Send the engaged filing's version PDF (copy of record) from storage to its verifier."""
    filing = filing_or_404(filing_id, "verify")
    try:
        version = version_of(filing, number)
    except NotFound:
        abort(404)
    stored = renders.stored_file(version, "pdf")
    if stored is None:
        return Response(render_template("exports/refused.html", message=_("此版本的 PDF 正在生成，请稍后再试。")),
                        status=202)
    audit.record_download(_me(), "version_pdf", "filing", filing.id, version=number)
    return Response(stored.content, mimetype=stored.mimetype,
                    headers={"Content-Disposition": f"attachment; filename={stored.filename}"})


# ------------------------------------------------------------------------------------------ reviewer


@bp.route("/review/engagements", methods=["GET", "POST"])
@login_required
def engagements() -> ResponseReturnValue:
    """List the region's engagements; engage a body for filings of a year."""
    require(require_reviewer)
    me = _me()
    raw = (request.values.get("year") or "").strip()
    if raw and not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise BadInput("year", "年度应为 2000 至 2100 之间的整数", "the year is a whole number from 2000 to 2100")
    form = EngagementForm(year=int(raw) if raw else None)
    form.body.choices = [(b.id, b.name) for b in service.bodies(active_only=True)]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            body = db.session.get(VerificationBody, form.body.data)
            # Only the filings the page listed: an id typed into the request names nothing else (and never
            # reaches the database as an out-of-range integer).
            listed = {f.id: f for f in service.engageable_filings(me, int(form.year.data or 0))}
            chosen = [listed[i] for i in form.filings.data or [] if i in listed]

            def engage() -> None:
                if body is None:
                    raise ServiceError("请选择核查机构", "choose a verification body", field="body")
                if len(chosen) != len(form.filings.data or []):
                    raise ServiceError("只能选择列出的申报", "choose among the filings listed", field="filings")
                service.engage(me, body, int(form.year.data or 0), chosen)

            if attempt(engage, _("已委托核查机构。")):
                return redirect(url_for(".engagements"))
            status = 422
        else:
            _flash_errors(form)
            status = 422
    candidates = service.engageable_filings(me, form.year.data) if form.year.data else []
    rows = [(e, service.verifications_of_engagement(e)) for e in service.engagements(me)]
    return render_template("verification/engagements.html", form=form, candidates=candidates, rows=rows,
                           totals=service.totals), status


@bp.route("/review/filings/<int:filing_id>/verification/accept", methods=["POST"])
@login_required
def accept(filing_id: int) -> ResponseReturnValue:
    """Accept the verifier's conclusion; the PDF with the verification statement is rendered in the background."""
    filing, verification = _posted_verification(filing_id, "review")
    try:
        job = service.accept(_me(), verification)
    except ServiceError as error:
        refused(error)
    else:
        job_id = job.id
        after_commit(lambda: get_queue().enqueue(job_id))
        flash(_("已确认核查结论。带核查结论的存档副本正在生成。"), "success")
    return redirect(url_for("review.show", filing_id=filing.id) + "#verification")


@bp.route("/filings/<int:filing_id>/verified.pdf")
@login_required
def verified_pdf(filing_id: int) -> ResponseReturnValue:
    """Send the copy of record with the accepted verification statement (reviewers, the enterprise, the verifier)."""
    filing = _filing_seen(filing_id)
    verification = _verification_or_404(filing)
    stored = renders.verification_file(verification)
    if stored is None:
        return Response(render_template("exports/refused.html", message=_("带核查结论的存档副本尚未生成，请稍后再试。")),
                        status=202)
    audit.record_download(_me(), "verified_pdf", "filing", filing.id, version=verification.version_number)
    return Response(stored.content, mimetype=stored.mimetype,
                    headers={"Content-Disposition": f"attachment; filename={stored.filename}",
                             "X-File-SHA256": stored.sha256})


# ---------------------------------------------------------------------------------------- enterprise


def _filing_seen(filing_id: int) -> Filing:
    """Return a filing the user may see submitted versions of: its members, reviewers in scope, its verifier."""
    filing = db.session.get(Filing, filing_id)
    if filing is None:
        abort(404)
    try:
        access.require_view(_me(), filing.enterprise)
    except NotFound:
        try:
            access.require_verify(_me(), filing)
        except NotFound:
            abort(404)
    return filing


@bp.route("/filings/<int:filing_id>/attachments")
@login_required
def attachments(filing_id: int) -> ResponseReturnValue:
    """List the filing's evidence and (while the draft is editable) the upload form; the 不符合项 to answer."""
    filing = filing_or_404(filing_id, "draft")
    return _attachments_page(filing)


def _attachments_page(filing: Filing, form: AttachmentForm | None = None) -> str:
    from ..services.filings import draft_editable

    form = form or AttachmentForm()
    choices = attachment_service.targets(filing)
    form.target.choices = [(f"{t}:{p}", zh if _is_zh() else en) for t, p, zh, en in choices]
    rows = attachment_service.of_filing(filing)
    verification = service.of_filing(filing)
    found = service.findings(verification) if verification is not None else []
    return render_template(
        "verification/attachments.html", filing=filing, form=form, rows=rows,
        labels={a.id: attachment_service.label_of(filing, a) for a in rows},
        can_edit=permissions.can_edit_filing(current_user, filing.enterprise_id) and draft_editable(filing),
        may_respond=permissions.can_edit_filing(current_user, filing.enterprise_id),
        limit_mb=current_app.config["ATTACHMENT_MAX_BYTES"] / (1024 * 1024),
        verification=verification, findings=found,
        finding_labels={f.id: service.finding_label(filing, f) for f in found},
        response_form=ResponseForm(prefix="r"), action_form=PortalForm(), totals=service.totals(verification),
    )


@bp.route("/filings/<int:filing_id>/attachments", methods=["POST"])
@login_required
def upload(filing_id: int) -> ResponseReturnValue:
    """Attach an evidence file to the filing, a section or a line."""
    filing = filing_or_404(filing_id, "edit")
    form = AttachmentForm()
    form.target.choices = [(f"{t}:{p}", zh) for t, p, zh, _en in attachment_service.targets(filing)]
    if not form.validate_on_submit():
        _flash_errors(form)
        return _attachments_page(filing, form), 422
    target_type, _sep, target = (form.target.data or "filing:").partition(":")
    upload_file = form.file.data
    data, filename = upload_file.read(), upload_file.filename or ""
    upload_file.close()  # a large upload is spooled to a temporary file: release it now
    try:
        row = attachment_service.attach(_me(), filing, filename=filename, data=data,
                                        target_type=target_type, target=target)
    except ServiceError as error:
        refused(error)
        return _attachments_page(filing, form), 422
    flash(_("附件“%(name)s”已上传（SHA-256 %(sha)s）。", name=row.filename, sha=row.sha256), "success")
    return redirect(url_for(".attachments", filing_id=filing.id))


@bp.route("/filings/<int:filing_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(filing_id: int, attachment_id: int) -> ResponseReturnValue:
    """Delete an attachment not yet submitted (one a version holds is refused)."""
    filing = filing_or_404(filing_id, "edit")
    posted(PortalForm())
    try:
        attachment_service.delete(_me(), filing, attachment_service.attachment_of(filing, attachment_id))
    except ServiceError as error:
        refused(error)
        return _attachments_page(filing), 409
    flash(_("附件已删除。"), "success")
    return redirect(url_for(".attachments", filing_id=filing.id))


@bp.route("/filings/<int:filing_id>/attachments/<int:attachment_id>", methods=["GET", "POST"])
@login_required
def attachment(filing_id: int, attachment_id: int) -> ResponseReturnValue:
    """Send an attachment, inline for PDFs and images (previews) — or refuse a change to it (POST).

    The enterprise's members see every attachment; a reviewer or the engaged verifier only those a submitted
    version holds. A POST (an attempt to replace the file) is answered 409 for a submitted one.
    """
    filing = _filing_seen(filing_id)
    try:
        row = attachment_service.attachment_of(filing, attachment_id)
    except NotFound:
        abort(404)
    if not row.frozen and not permissions.can_view_draft(current_user, filing.enterprise_id):
        abort(404)
    if request.method == "POST":
        if row.frozen:
            return Response(bilingual(
                f"附件“{row.filename}”已随第 {row.version_number} 版提交，不能修改或删除",
                f"the attachment “{row.filename}” was submitted with version {row.version_number} and cannot be "
                "changed or deleted"), status=409, mimetype="text/plain")
        abort(405)
    try:
        data = attachment_service.content(row)
    except files.StorageError as error:
        return Response(bilingual(error.message_zh, error.message_en), status=503, mimetype="text/plain")
    audit.record_download(_me(), "attachment", "attachment", row.id, filing_id=filing.id, sha256=row.sha256)
    kind = attachment_service.BY_MIMETYPE.get(row.content_type)
    inline = kind is not None and kind.previewable and request.args.get("download") != "1"
    from urllib.parse import quote

    disposition = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(row.filename)}"
    headers = {"Content-Disposition": disposition, "X-File-SHA256": row.sha256, "Cache-Control": "private, no-store"}
    if inline:
        # Previews are framed by the portal's own pages: allow that (only), and let the file run nothing.
        headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " \
                                             "object-src 'self'; frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return Response(data, mimetype=row.content_type, headers=headers)


@bp.route("/filings/<int:filing_id>/verification/findings/<int:finding_id>/respond", methods=["POST"])
@login_required
def respond(filing_id: int, finding_id: int) -> ResponseReturnValue:
    """Store the enterprise's response to a 不符合项."""
    filing, verification = _engaged(filing_id, "edit")
    form = ResponseForm(prefix="r")
    if form.validate_on_submit():
        attempt(lambda: service.respond(_me(), verification, service.finding_of(verification, finding_id),
                                        form.response.data or ""),
                _("答复已保存。"))
    else:
        _flash_errors(form)
    return redirect(url_for(".attachments", filing_id=filing.id) + "#findings")


# --------------------------------------------------------------------------------------- admin: bodies


@bp.route("/admin/verification-bodies", methods=["GET", "POST"])
@login_required
def bodies() -> ResponseReturnValue:
    """List and register verification bodies (system administrator)."""
    from forms.verification import BodyForm

    from .access import system_admin_required

    if not (current_user.is_system_admin or current_user.is_security_admin):
        abort(404)
    if request.method == "POST":
        system_admin_required()  # registering: the system administrator's (master data)
    form = BodyForm()
    status = 200
    if form.validate_on_submit():
        if attempt(lambda: service.create_body(_me(), form.name.data or "", form.uscc.data), _("核查机构已登记。")):
            return redirect(url_for(".bodies"))
        status = 422
    elif request.method == "POST":
        _flash_errors(form)
        status = 422
    return render_template("admin/verification_bodies.html", form=form, bodies=service.bodies()), status
