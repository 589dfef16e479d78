"""Downloads of the filings regulators keep (PDF copy of record, Excel filing, consolidated workbook) and
the verification of a copy of record."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.exports import ConsolidatedExportForm, VerifyCopyForm

from ..auth import permissions
from ..jobs import get_queue
from ..models import Filing, FilingVersion
from ..renderers import PdfPrerequisiteError
from ..renderers.signing_key import SigningKeyError
from ..services import audit, exports, files, renders
from ..services.errors import ServiceError
from .access import filing_or_404, version_or_404
from .templating import bilingual
from .transaction import after_commit, refused

bp = Blueprint("exports", __name__)


def _download(rendered: exports.Rendered, **headers: str) -> Response:
    return Response(rendered.content, mimetype=rendered.mimetype, headers={
        "Content-Disposition": f"attachment; filename={rendered.filename}", **headers})


def _refused(error: ServiceError | PdfPrerequisiteError | SigningKeyError | files.StorageError) -> Response:
    """Answer a rendering that must not happen with the bilingual reason (never a 500)."""
    text = bilingual(error.message_zh, error.message_en)
    return Response(render_template("exports/refused.html", message=text), status=409
                    if isinstance(error, ServiceError) else 503)


def _version_download(filing_id: int, number: int, fmt: str) -> Response:
    """Send a version's file from storage; until it is stored, the page of its render job (202).

    Never renders on the web thread (issue 15): the file is rendered once by the job queued at submission.
    """
    version = version_or_404(filing_id, number)
    try:
        stored = renders.stored_file(version, fmt)
    except (files.StorageError, ServiceError) as error:
        return _refused(error)
    if stored is not None:
        audit.record_download(current_user, f"version_{fmt}", "filing", version.filing_id, version=number)
        return Response(stored.content, mimetype=stored.mimetype, headers={
            "Content-Disposition": f"attachment; filename={stored.filename}",
            "X-Content-SHA256": version.sha256, "X-File-SHA256": stored.sha256,
            "Cache-Control": "private, max-age=3600"})
    state = _file_state(version, fmt)
    return Response(render_template("exports/waiting.html", version=version, filing=version.filing, fmt=fmt,
                                    state=state, json_state=_state_json(version, fmt, state)), status=202)


def _file_state(version: FilingVersion, fmt: str) -> renders.FileState:
    queue = get_queue()
    return renders.file_state(version, fmt, live_of=queue.live,
                              stale_after=float(current_app.config["JOB_STALE_SECONDS"]))


def _state_json(version: FilingVersion, fmt: str, state: renders.FileState) -> dict[str, Any]:
    """Return a version file's state in the shape job-progress.js polls (labels in the user's language)."""
    from .jobs import JOB_STATUS_LABELS, stage_label

    status = state.status if state.status in JOB_STATUS_LABELS else "queued"
    return {
        "status": "done" if state.stored else status,
        "status_label": str(JOB_STATUS_LABELS["done" if state.stored else status]) if state.status != "none"
        else _("尚未生成"),
        "final": state.final,
        "percent": state.percent,
        "stages": [{"stage": stage, "label": stage_label("render_version", stage), "done": done, "total": total,
                    "percent": min(100 * done // total, 100) if total else 0,
                    "text": f"{done} / {total}" if total else _("未开始")}
                   for stage, (done, total) in state.stages.items()],
        "message": bilingual(state.message_zh, state.message_en) if state.message_zh else "",
        "url": url_for("exports.version_pdf" if fmt == "pdf" else "exports.version_xlsx",
                       filing_id=version.filing_id, number=version.number),
        "can_queue": not state.stored and (state.status in ("none", "failed", "interrupted") or state.waiting_long),
    }


@bp.route("/filings/<int:filing_id>/versions/<int:number>.<any(pdf, xlsx):fmt>/state.json")
@login_required
def version_file_state(filing_id: int, number: int, fmt: str) -> ResponseReturnValue:
    """Return where a version file's render stands (polled by the waiting page)."""
    version = version_or_404(filing_id, number)
    return jsonify(_state_json(version, fmt, _file_state(version, fmt)))


@bp.route("/filings/<int:filing_id>/versions/<int:number>.<any(pdf, xlsx):fmt>/render", methods=["POST"])
@login_required
def queue_version_file(filing_id: int, number: int, fmt: str) -> ResponseReturnValue:
    """Queue the render of a version's file (never rendered, failed, or its job lost): anyone who may see it."""
    version = version_or_404(filing_id, number)
    try:
        job_id = renders.requeue_version_file(current_user, version, fmt)
    except ServiceError as error:
        refused(error)
    else:
        after_commit(lambda: get_queue().enqueue(job_id))
    return redirect(url_for("exports.version_pdf" if fmt == "pdf" else "exports.version_xlsx",
                            filing_id=filing_id, number=number))


@bp.route("/filings/<int:filing_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(filing_id: int, number: int) -> ResponseReturnValue:
    """Download a submitted version's PDF copy of record, rendered once from its frozen record and stored."""
    return _version_download(filing_id, number, "pdf")


@bp.route("/filings/<int:filing_id>/versions/<int:number>.xlsx")
@login_required
def version_xlsx(filing_id: int, number: int) -> ResponseReturnValue:
    """Download a submitted version's Excel filing, rendered once from its frozen record and stored."""
    return _version_download(filing_id, number, "xlsx")


@bp.route("/filings/<int:filing_id>/draft.xlsx")
@login_required
def draft_file(filing_id: int) -> ResponseReturnValue:
    """Download the working draft as an Excel file (filers of the enterprise); quick, so rendered at once."""
    filing = filing_or_404(filing_id, "edit")
    try:
        rendered = exports.draft_file(filing, "xlsx")
    except (ServiceError, PdfPrerequisiteError) as error:
        return _refused(error)
    audit.record_download(current_user, "draft_xlsx", "filing", filing.id, revision=filing.revision)
    return _download(rendered)


@bp.route("/filings/<int:filing_id>/draft.pdf", methods=["POST"])
@login_required
def draft_pdf(filing_id: int) -> ResponseReturnValue:
    """Queue the draft's PDF (草稿 watermark) as a job of this user; its page shows the progress (issue 15)."""
    filing = filing_or_404(filing_id, "edit")
    job = renders.queue_draft_pdf(current_user, filing)
    job_id = job.id
    after_commit(lambda: get_queue().enqueue(job_id))  # a worker in another process must find it queued
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.route("/review/export.xlsx")
@login_required
def consolidated() -> ResponseReturnValue:
    """Download the consolidated workbook of the reviewer's scope for a year (streamed write-only)."""
    if not (current_user.is_reviewer or current_user.is_system_admin):
        abort(404)
    form = ConsolidatedExportForm(request.args)
    if not form.validate():
        abort(400)
    year = form.year.data or exports.today_year()
    rendered = exports.consolidated_workbook(current_user, year=year, kind=form.kind.data or None)
    audit.record_download(current_user, "consolidated", "filing", None, year=year, kind=form.kind.data or None,
                          scope=current_user.reviewer_scope or "all")
    return _download(rendered)


def _can_view(filing: Filing) -> bool:
    enterprise = filing.enterprise
    return permissions.can_view_enterprise(current_user, enterprise.id, enterprise.region_code)


def _certificate() -> tuple[str | None, str | None]:
    """Return (subject, SHA-256 fingerprint) of the signing certificate, or (None, None) if unavailable."""
    from cryptography.hazmat.primitives import hashes

    from ..services import signing

    try:
        cert = signing.signing_identity().certificate
    except signing.SigningKeyError:
        return None, None
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return cert.subject.rfc4514_string(), fingerprint


@bp.route("/verify", methods=["GET", "POST"])
@login_required
def verify() -> ResponseReturnValue:
    """Tell whether an uploaded PDF (or a pasted hash) is a copy of a submitted version the user may see.

    An uploaded PDF must carry the portal's signature over the whole file and embed the document whose
    hash it states; the reason is shown when it does not.
    """
    form = VerifyCopyForm()
    result = error = None
    if form.validate_on_submit():
        try:
            if form.pdf.data:
                result = exports.verify_pdf(form.pdf.data.read(), _can_view)
            elif form.sha256.data:
                result = exports.verify_hash(form.sha256.data, _can_view)
            else:
                error = bilingual("请上传 PDF 文件或粘贴哈希值", "upload a PDF or paste a hash")
        except (ServiceError, PdfPrerequisiteError, SigningKeyError) as exc:
            error = bilingual(exc.message_zh, exc.message_en)
    status = 422 if (error or form.errors) else 200
    subject, fingerprint = _certificate()
    return render_template("exports/verify.html", form=form, result=result, error=error,
                           cert_subject=subject, cert_fingerprint=fingerprint), status


@bp.route("/verify/certificate.pem")
def certificate() -> ResponseReturnValue:
    """Download the certificate the portal signs copies of record with (public: anyone may verify a copy)."""
    from ..services import signing

    try:
        pem = signing.certificate_pem()
    except signing.SigningKeyError as exc:
        return Response(bilingual(exc.message_zh, exc.message_en), status=503, mimetype="text/plain")
    return Response(pem, mimetype="application/x-pem-file",
                    headers={"Content-Disposition": "attachment; filename=portal-signing-certificate.pem"})
