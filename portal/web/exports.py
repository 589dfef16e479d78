"""Downloads of the filings regulators keep (PDF copy of record, Excel filing, consolidated workbook) and
the verification of a copy of record."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from forms.exports import ConsolidatedExportForm, VerifyCopyForm

from ..auth import permissions
from ..models import Filing
from ..renderers import PdfPrerequisiteError
from ..renderers.signing_key import SigningKeyError
from ..services import audit, exports
from ..services.errors import ServiceError
from .access import filing_or_404, version_or_404
from .templating import bilingual

bp = Blueprint("exports", __name__)


def _download(rendered: exports.Rendered, **headers: str) -> Response:
    return Response(rendered.content, mimetype=rendered.mimetype, headers={
        "Content-Disposition": f"attachment; filename={rendered.filename}", **headers})


def _refused(error: ServiceError | PdfPrerequisiteError | SigningKeyError) -> Response:
    """Answer a rendering that must not happen with the bilingual reason (never a 500)."""
    text = bilingual(error.message_zh, error.message_en)
    return Response(render_template("exports/refused.html", message=text), status=409
                    if isinstance(error, ServiceError) else 503)


def _version_download(filing_id: int, number: int, fmt: str) -> Response:
    version = version_or_404(filing_id, number)
    try:
        rendered = exports.version_pdf(version) if fmt == "pdf" else exports.version_xlsx(version)
    except (ServiceError, PdfPrerequisiteError, SigningKeyError) as error:
        return _refused(error)
    audit.record_download(current_user, f"version_{fmt}", "filing", version.filing_id, version=number)
    return _download(rendered, **{"X-Content-SHA256": version.sha256})


@bp.route("/filings/<int:filing_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(filing_id: int, number: int):  # type: ignore[no-untyped-def]
    """Download a submitted version's PDF copy of record, rendered from the frozen, hash-checked document."""
    return _version_download(filing_id, number, "pdf")


@bp.route("/filings/<int:filing_id>/versions/<int:number>.xlsx")
@login_required
def version_xlsx(filing_id: int, number: int):  # type: ignore[no-untyped-def]
    """Download a submitted version's Excel filing, rendered from the frozen, hash-checked document."""
    return _version_download(filing_id, number, "xlsx")


@bp.route("/filings/<int:filing_id>/draft.<any(pdf, xlsx):fmt>")
@login_required
def draft_file(filing_id: int, fmt: str):  # type: ignore[no-untyped-def]
    """Download the working draft as a PDF marked 草稿 or as an Excel file (filers of the enterprise)."""
    filing = filing_or_404(filing_id, "edit")
    try:
        rendered = exports.draft_file(filing, fmt)
    except (ServiceError, PdfPrerequisiteError) as error:
        return _refused(error)
    audit.record_download(current_user, f"draft_{fmt}", "filing", filing.id, revision=filing.revision)
    return _download(rendered)


@bp.route("/review/export.xlsx")
@login_required
def consolidated():  # type: ignore[no-untyped-def]
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
def verify():  # type: ignore[no-untyped-def]
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
def certificate():  # type: ignore[no-untyped-def]
    """Download the certificate the portal signs copies of record with (public: anyone may verify a copy)."""
    from ..services import signing

    try:
        pem = signing.certificate_pem()
    except signing.SigningKeyError as exc:
        return Response(bilingual(exc.message_zh, exc.message_en), status=503, mimetype="text/plain")
    return Response(pem, mimetype="application/x-pem-file",
                    headers={"Content-Disposition": "attachment; filename=portal-signing-certificate.pem"})
