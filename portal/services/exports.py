"""Produce the filings regulators keep: a version's PDF copy of record and Excel filing, a draft's preview,
and the consolidated workbook of a reviewer's scope; verify that a PDF is a true copy of a version.

A submitted version is always rendered from its frozen canonical JSON after its SHA-256 is verified
(``version_document``), with the results, findings and names of its frozen record (``services.records``)
— so the copy printed today says what the signatory certified, whatever the calc code says since. It is
rendered once, by a background job, and served from storage afterwards (``services.renders``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select

from ..domain.codec import document_from_json
from ..domain.documents import Document
from ..extensions import db
from ..models import Enterprise, Filing, FilingVersion, User
from ..models import Verification as VerificationRow
from .errors import ServiceError

#: PDFs larger than this are not a copy of record of ours (a typical one is 100–600 KB)
MAX_VERIFY_PDF_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    """Hold a rendered file and the name it is downloaded under."""

    content: bytes
    filename: str
    mimetype: str


PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _base_name(filing: Filing, suffix: str) -> str:
    return f"{filing.enterprise.uscc}-{filing.kind}-{filing.year}-{suffix}"


def render_version_file(version: FilingVersion, fmt: str, *,
                        progress: Callable[[str, int, int], None] | None = None) -> Rendered:
    """Render a submitted version's signed PDF copy of record (``fmt="pdf"``) or Excel filing (``"xlsx"``).

    Printed from the version's frozen record (``services.records``): its hash is verified first, and
    today's calc code and reference data play no part. Called by the render job (``services.renders``)
    and ``portal render --filing``, never by a page: downloads are served from storage.
    """
    from ..renderers import render_pdf, render_xlsx
    from . import signing
    from .records import render_inputs

    report = progress or (lambda stage, done, total: None)
    inputs = render_inputs(version)
    args = (inputs.document, inputs.computed, inputs.findings, inputs.meta)
    if fmt == "pdf":
        content = render_pdf(*args, labels=inputs.labels, template_version=inputs.template_version,
                             rule_titles=inputs.rule_titles)
        report("rendered", 1, 1)
        content = signing.sign(content)
        report("signed", 1, 1)
        return Rendered(content, _base_name(version.filing, f"v{version.number}.pdf"), PDF_MIME)
    content = render_xlsx(*args, labels=inputs.labels, template_version=inputs.template_version,
                          rule_titles=inputs.rule_titles)
    report("rendered", 1, 1)
    report("signed", 1, 1)  # an Excel filing is not signed: its stage is passed at once
    return Rendered(content, _base_name(version.filing, f"v{version.number}.xlsx"), XLSX_MIME)


def verification_pdf(verification: Any, *, progress: Callable[[str, int, int], None] | None = None) -> Rendered:
    """Render the signed copy of record of the verified version with the verification statement (issue 18).

    The version's own copy of record (its frozen record, evidence list) followed by the accepted
    conclusion: reported and verified totals and their difference, the checklist, the 不符合项 and answers.
    """
    import dataclasses

    from ..domain.verification import CHECK_RESULTS
    from ..renderers import render_pdf
    from ..renderers.meta import VerificationFindingLine, VerificationStatement
    from . import signing
    from . import verification as verification_service
    from .records import render_inputs
    from .versions import version_of

    report = progress or (lambda stage, done, total: None)
    filing = verification.filing
    version = version_of(filing, verification.version_number)
    inputs = render_inputs(version)
    lines = []
    for f in verification_service.findings(verification):
        zh, _en = verification_service.finding_label(filing, f)
        evidence = f"{f.attachment.filename}（SHA-256 {f.attachment.sha256}）" if f.attachment else None
        lines.append(VerificationFindingLine(zh, f.body, f.response, f.status == "closed", f.version_number, evidence))
    statement = VerificationStatement(
        body=verification.engagement.body.name,
        verifier=verification.concluded_by.name if verification.concluded_by else "—",
        concluded_at=verification.concluded_at, accepted_by=verification.accepted_by.name if verification.accepted_by
        else None, accepted_at=verification.accepted_at, version=version.number,
        reported_tco2=verification.reported_tco2, verified_tco2=verification.verified_tco2,
        conclusion=verification.conclusion or "",
        checklist=tuple((item["title"].zh, CHECK_RESULTS[item["result"]].zh, item["note"])
                        for item in verification_service.checklist(verification)),
        findings=tuple(lines),
    )
    meta = dataclasses.replace(inputs.meta, verification=statement)
    content = render_pdf(inputs.document, inputs.computed, inputs.findings, meta, labels=inputs.labels,
                         template_version=inputs.template_version, rule_titles=inputs.rule_titles)
    report("rendered", 1, 1)
    content = signing.sign(content)
    report("signed", 1, 1)
    return Rendered(content, _base_name(filing, f"v{version.number}-verified.pdf"), PDF_MIME)


def version_pdf(version: FilingVersion) -> Rendered:
    """Return the signed PDF copy of record of a submitted version, rendered now (see render_version_file)."""
    return render_version_file(version, "pdf")


def version_xlsx(version: FilingVersion) -> Rendered:
    """Return the Excel filing of a submitted version, rendered now (see render_version_file)."""
    return render_version_file(version, "xlsx")


def draft_file(filing: Filing, fmt: str) -> Rendered:
    """Return the working draft as a PDF (with the 草稿 watermark) or an Excel file, for checking before submitting."""
    from ..renderers import RenderMeta, labels_from_reference, render_pdf, render_xlsx
    from . import checking
    from .records import titles_for
    from .reference import current_reference

    # The draft's document read here, not through services.filings (which queues renders: no circle).
    document = document_from_json(filing.draft_json)
    outcome = checking.run(document, filing=filing)
    ref = current_reference()
    meta = RenderMeta(status="draft")
    labels = labels_from_reference(ref, document)
    titles = titles_for(document, outcome.findings)
    if fmt == "pdf":
        content = render_pdf(document, outcome.computed, outcome.findings, meta, labels=labels, rule_titles=titles)
        return Rendered(content, _base_name(filing, "draft.pdf"), PDF_MIME)
    content = render_xlsx(document, outcome.computed, outcome.findings, meta, labels=labels, rule_titles=titles)
    return Rendered(content, _base_name(filing, "draft.xlsx"), XLSX_MIME)


# -- the consolidated workbook ------------------------------------------------------------------------


def consolidated_rows(scope: str | None, *, year: int, kind: str | None = None,
                      everywhere: bool = False) -> Iterator[dict[str, Any]]:
    """Yield one row per submitted filing of ``year`` in the region scope (latest version), streamed.

    Drafts have no certified figures and are left out. Rows are read in batches so that 10,000 filings
    never sit in memory at once.
    """
    from ..renderers.consolidated import row_from_version

    query = (
        select(Filing.id, Filing.kind, Filing.year, Filing.status, Filing.current_version,
               Enterprise.uscc, Enterprise.name, Enterprise.region_code, Enterprise.industry_code,
               FilingVersion.submitted_at, FilingVersion.sha256, FilingVersion.computed_json,
               FilingVersion.findings_json, VerificationRow.status.label("v_status"),
               VerificationRow.reported_tco2, VerificationRow.verified_tco2)
        .join(Enterprise, Enterprise.id == Filing.enterprise_id)
        .outerjoin(VerificationRow, VerificationRow.filing_id == Filing.id)
        .join(FilingVersion, and_(FilingVersion.filing_id == Filing.id,
                                  FilingVersion.number == Filing.current_version))
        .where(Filing.year == year, Filing.status != "draft")
        .order_by(Enterprise.region_code, Enterprise.uscc, Filing.kind)
    )
    if not everywhere:
        if scope is None:
            raise ValueError("consolidated_rows: a region scope, or everywhere=True")
        query = query.where(Enterprise.in_region_scope(scope))
    if kind:
        query = query.where(Filing.kind == kind)
    for row in db.session.execute(query.execution_options(yield_per=1000)):
        yield row_from_version(
            filing_id=row.id, kind=row.kind, year=row.year, status=row.status, version=row.current_version,
            uscc=row.uscc, name=row.name, region_code=row.region_code, industry_code=row.industry_code,
            submitted_at=row.submitted_at, sha256=row.sha256,
            computed=json.loads(row.computed_json), findings=json.loads(row.findings_json),
            verification=(row.v_status, row.reported_tco2, row.verified_tco2) if row.v_status else None,
        )


def consolidated_workbook(actor: User, *, year: int, kind: str | None = None) -> Rendered:
    """Return the consolidated workbook of every submitted filing of ``year`` the reviewer may review."""
    from ..renderers.consolidated import write_consolidated
    from .reference import current_reference

    if not (actor.is_system_admin or actor.reviewer_scope):
        raise ServiceError("只有审核人员可以导出汇总表", "only reviewers can export the consolidated workbook")
    rows = consolidated_rows(actor.reviewer_scope, year=year, kind=kind, everywhere=actor.is_system_admin)
    ref = current_reference()

    def levels(code: str) -> tuple[Any, Any]:
        product = ref.product(code)
        return (None, None) if product is None else (product.benchmark, product.baseline)

    content = write_consolidated(rows, year=year, levels=levels, scope=actor.reviewer_scope or "")
    scope = actor.reviewer_scope or "all"
    return Rendered(content, f"consolidated-{scope}-{year}{'-' + kind if kind else ''}.xlsx", XLSX_MIME)


# -- verification of a copy of record -----------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """Hold what verifying a PDF or a hash found out."""

    sha256: str | None  # the document hash the PDF carries (or the pasted one)
    version: FilingVersion | None  # the submitted version with that hash, among those the user may see
    #: for an uploaded PDF: the signature and embedded-document check (None for a pasted hash)
    check: Any = None

    @property
    def rejected(self) -> bool:
        """Return whether an uploaded PDF failed the signature or hash check."""
        return self.check is not None and not self.check.ok


def find_versions_by_hash(sha256: str, visible: Any) -> FilingVersion | None:
    """Return the submitted version with this hash that ``visible(filing)`` allows, or None."""
    for version in db.session.scalars(select(FilingVersion).where(FilingVersion.sha256 == sha256)):
        if visible(version.filing):
            return version
    return None


def verify_hash(text: str, visible: Any) -> Verification:
    """Look a pasted SHA-256 up among the submitted versions the user may see."""
    digest = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ServiceError("哈希值应为 64 位十六进制字符", "a SHA-256 is 64 hexadecimal characters", field="sha256")
    return Verification(digest, find_versions_by_hash(digest, visible))


def verify_pdf(content: bytes, visible: Any) -> Verification:
    """Check an uploaded PDF: the portal's signature over the whole file, the embedded document's hash.

    Only then is the hash looked up among the submitted versions the user may see (one the user may not
    see is "not found", as for a pasted hash). Text is never compared: an image pasted over a figure
    leaves the text as it was, but not the signature.
    """
    from . import signing

    if not content.startswith(b"%PDF-"):
        raise ServiceError("上传的文件不是 PDF", "the uploaded file is not a PDF", field="pdf")
    if len(content) > MAX_VERIFY_PDF_BYTES:
        raise ServiceError("PDF 文件过大（上限 10 MB）", "the PDF is too large (limit 10 MB)", field="pdf")
    check = signing.verify(content)
    if not check.ok or check.sha256 is None:
        return Verification(check.sha256, None, check)
    return Verification(check.sha256, find_versions_by_hash(check.sha256, visible), check)


def today_year() -> int:
    """Return the default year of the consolidated export: the last completed reporting year."""
    return dt.date.today().year - 1


@dataclass(frozen=True)
class DocumentView:
    """Hold a document's data sections as the PDF prints them, and the names of the codes it uses."""

    sections: tuple[Any, ...]  # renderers.view.Section
    names: dict[str, dict[str, Any]]  # code list → code → Text


def document_view(document: Document) -> DocumentView:
    """Return the data sections of ``document`` for a page: the same tables, labels and units as its PDF."""
    from ..renderers import labels_from_reference
    from ..renderers.view import data_sections
    from .reference import current_reference

    return DocumentView(data_sections(document), labels_from_reference(current_reference(), document))
