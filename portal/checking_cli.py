"""Implement ``portal check``: read documents, compute, run the rules, print, choose the exit status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .domain.codec import DocumentError, InvalidDocument, document_from_json, dumps
from .domain.documents import CleanProductionAudit, GhgAnnualReport
from .domain.schema import validate

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError("", f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from None


def _document(data: bytes) -> Any:
    """Return the document of JSON text: parsed, and every value within its field's bounds.

    Values out of bounds that a rule reports (GHG-002/003: the method's ranges) are left to the rules;
    any other (a year of 1,000,000, a 10,000-character name) makes the document invalid (exit 2).
    """
    document = document_from_json(data)
    refused = [v for v in validate(document) if v.rule is None]
    if refused:
        raise InvalidDocument(refused)
    return document


def _read(path: Path) -> Any:
    return _document(_read_bytes(path))


class WorkbookErrors(Exception):
    """Carry the cell errors of an upload workbook (each printed on its own stderr line)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def _code_sets() -> dict[str, frozenset[str]]:
    """Return the fuel, process and product codes a workbook's cells may hold (the reference data's).

    The codes alone, from the reference: ``renderers.upload_workbook.code_lists_from_reference`` gives the
    same codes with their names, but importing the renderers (openpyxl) cost a workbook check 80 ms.
    """
    from .reference import default_reference

    ref = default_reference()
    return {"fuel": frozenset(f.code for f in ref.all_fuels()),
            "process": frozenset(p.code for p in ref.all_processes()),
            "product": frozenset(p.code for p in ref.all_products())}


def _read_many(path: Path) -> list[tuple[dict[str, Any], Any]]:
    """Return (extra output keys, document) for a JSON document or every document of an upload workbook."""
    data = _read_bytes(path)
    if not _is_workbook(data):
        return [({}, _document(data))]
    from .importers import HostileFile, parse_workbook, read_upload

    try:
        sheets = read_upload(data)
    except HostileFile as exc:
        raise DocumentError("", exc.message_zh, exc.message_en) from None
    parsed = parse_workbook(sheets, _code_sets(), checking=True)
    if parsed.errors:
        raise WorkbookErrors([e.describe() for e in parsed.errors])
    return [({"uscc": p.uscc, "year": p.year}, p.document) for p in parsed.documents]


def _is_workbook(data: bytes) -> bool:
    """Return whether ``data`` starts like a workbook (xlsx, or the legacy xls the guard refuses by name)."""
    if data.startswith(b"PK\x03\x04"):
        return True
    if not data.startswith(b"\xd0"):  # a JSON document: the importers (and their readers) are not imported
        return False
    from .importers.guard import OLE2_MAGIC

    return data.startswith(OLE2_MAGIC)


def run_check(files: list[Path], previous_path: Path | None, as_array: bool, *, ghg_path: Path | None = None,
              audit_path: Path | None = None) -> int:
    """Check every file and return the exit status (filing-format.md "portal check output").

    With ``ghg_path`` / ``audit_path`` an annual disclosure report is checked against a ``prefill`` derived
    from those documents (disclosure-format.md "Pre-fill") instead of its own; ``previous_path`` then also
    gives the previous year's ETS emissions.
    """
    from .reference import default_reference
    from .rules import check_document

    previous = None
    if previous_path is not None:
        try:
            candidate = _read(previous_path)
        except DocumentError as exc:
            print(f"portal check: {previous_path}: {exc.describe()}", file=sys.stderr)
            return EXIT_UNREADABLE
        if not isinstance(candidate, GhgAnnualReport):
            print(f"portal check: {previous_path}: --previous 须为温室气体排放年度报告 / --previous must be a "
                  "ghg_annual_report", file=sys.stderr)
            return EXIT_UNREADABLE
        previous = candidate
    ref = default_reference()
    try:
        prefill = _derived_prefill(ghg_path, audit_path, previous, ref)
    except SourceError as exc:
        print(f"portal check: {exc.path}: {exc.text}", file=sys.stderr)
        return EXIT_UNREADABLE
    results: list[dict[str, Any]] = []
    status = EXIT_OK
    for path in files:
        try:
            documents = _read_many(path)
        except DocumentError as exc:
            print(f"portal check: {path}: {exc.describe()}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        except WorkbookErrors as exc:
            for line in exc.lines:
                print(f"portal check: {path}: {line}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        for extra, document in documents:
            derived: dict[str, Any] = {}
            if prefill is not None and _is_annual_disclosure(document):
                try:
                    document = _with_prefill(document, prefill)
                except DocumentError as exc:
                    print(f"portal check: {path}: {exc.describe()}", file=sys.stderr)
                    status = EXIT_UNREADABLE
                    continue
                derived = {"prefill": document.prefill}
            outcome = check_document(document, ref, previous=previous)
            result = {
                "file": str(path),
                **extra,  # a workbook holds many documents: its (uscc, year) says which one
                "kind": document.kind,
                **derived,
                "computed": outcome.computed.check_block(),
                "findings": [f.as_dict() for f in outcome.findings],
            }
            results.append(result)
            if status == EXIT_OK and any(f.severity == "error" for f in outcome.findings):
                status = EXIT_ERRORS
            if not as_array:
                print(dumps(result, indent=2))
    if as_array:
        print(dumps(results, indent=2))
    return status


def _is_annual_disclosure(document: Any) -> bool:
    from .domain.disclosure import EnvDisclosureAnnualReport

    return isinstance(document, EnvDisclosureAnnualReport)


def _derived_prefill(ghg_path: Path | None, audit_path: Path | None, previous: GhgAnnualReport | None,
                     ref: Any) -> tuple[Any, GhgAnnualReport | None, CleanProductionAudit | None] | None:
    """Return the pre-fill derived from ``--ghg`` / ``--audit`` (with the documents), or None without them."""
    if ghg_path is None and audit_path is None:
        return None
    from .calc.cpa import compute_cpa
    from .calc.disclosure import derive_prefill
    from .calc.ghg import compute_ghg

    ghg = audit = None
    if ghg_path is not None:
        ghg = _read_as(ghg_path, GhgAnnualReport, "--ghg 须为温室气体排放年度报告", "--ghg must be a ghg_annual_report")
    if audit_path is not None:
        audit = _read_as(audit_path, CleanProductionAudit, "--audit 须为清洁生产审核", "--audit must be a "
                         "clean_production_audit")
        if audit.audit_type != "mandatory":
            print(f"portal check: {audit_path}: 不是强制性清洁生产审核，未用于预填 / not a mandatory audit: not used "
                  "for the pre-fill", file=sys.stderr)
    values = derive_prefill(
        ghg=ghg, ghg_computed=compute_ghg(ghg, ref) if ghg is not None else None,
        previous_computed=compute_ghg(previous, ref) if previous is not None and ghg is not None else None,
        audit=audit, audit_computed=compute_cpa(audit, ref) if audit is not None else None,
    )
    return values.prefill, ghg, audit


class SourceError(Exception):
    """Report a ``--ghg`` / ``--audit`` file that cannot serve as a pre-fill source (one stderr line)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        super().__init__(f"{path}: {text}")


def _read_as(path: Path, kind: type, zh: str, en: str) -> Any:
    try:
        document = _read(path)
    except DocumentError as exc:
        raise SourceError(path, exc.describe()) from None
    if not isinstance(document, kind):
        raise SourceError(path, f"{zh} / {en}")
    return document


def _with_prefill(document: Any, derived: tuple[Any, GhgAnnualReport | None, CleanProductionAudit | None]) -> Any:
    """Return the annual disclosure with the derived ``prefill``; refuse sources of another enterprise or year."""
    import dataclasses

    prefill, ghg, audit = derived
    uscc = document.enterprise.uscc
    if ghg is not None and (ghg.reporting_year != document.reporting_year or ghg.enterprise.uscc != uscc):
        raise DocumentError("prefill.ghg", f"--ghg 为 {ghg.enterprise.uscc} 的 {ghg.reporting_year} 年度报告，与披露报告"
                            f"（{uscc}，{document.reporting_year} 年度）不符",
                            f"--ghg is the {ghg.reporting_year} report of {ghg.enterprise.uscc}, not of the disclosure's "
                            f"enterprise and year ({uscc}, {document.reporting_year})")
    if audit is not None and audit.enterprise.uscc != uscc:
        raise DocumentError("prefill.audit", f"--audit 为 {audit.enterprise.uscc} 的清洁生产审核，不是 {uscc} 的",
                            f"--audit is the audit of {audit.enterprise.uscc}, not of {uscc}")
    return dataclasses.replace(document, prefill=prefill)


def run_render(path: Path, pdf_out: Path | None, xlsx_out: Path | None) -> int:
    """Render a document file to PDF and/or xlsx; return the exit status (2 when unreadable)."""
    from .reference import default_reference
    from .renderers import (
        PdfPrerequisiteError,
        RenderMeta,
        check_pdf_prerequisites,
        labels_from_reference,
        render_pdf,
        render_xlsx,
    )
    from .rules import check_document

    try:
        document = _read(path)
    except DocumentError as exc:
        print(f"portal render: {path}: {exc.describe()}", file=sys.stderr)
        return EXIT_UNREADABLE
    if pdf_out is not None:
        from .renderers.html import template_versions

        if not template_versions(document.kind):  # the disclosure kinds' PDF template is still to come
            print(f"portal render: {path}: 该类文书尚无 PDF 模板，只能导出 Excel（--xlsx） / no PDF template for "
                  f"{document.kind} yet: only the Excel filing (--xlsx) can be rendered", file=sys.stderr)
            return EXIT_UNREADABLE
    ref = default_reference()
    outcome = check_document(document, ref)
    labels = labels_from_reference(ref, document)
    meta = RenderMeta(status="draft")
    if pdf_out is not None:
        try:
            check_pdf_prerequisites()
        except PdfPrerequisiteError as exc:
            print(f"portal render: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
            return EXIT_UNREADABLE
        pdf_out.write_bytes(render_pdf(document, outcome.computed, outcome.findings, meta, labels=labels))
    if xlsx_out is not None:
        xlsx_out.write_bytes(render_xlsx(document, outcome.computed, outcome.findings, meta, labels=labels))
    return EXIT_OK


def run_render_version(filing_id: int, number: int | None, pdf_out: Path | None, xlsx_out: Path | None) -> int:
    """Render a submitted version from the database exactly as the web portal does (hash verified first)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import FilingVersion
    from .renderers import PdfPrerequisiteError
    from .renderers.signing_key import SigningKeyError
    from .services import exports
    from .services.errors import ServiceError

    query = select(FilingVersion).where(FilingVersion.filing_id == filing_id)
    query = query.where(FilingVersion.number == number) if number else query.order_by(FilingVersion.number.desc())
    version = db.session.scalars(query.limit(1)).first()
    if version is None:
        print(f"portal render: 申报 {filing_id} 没有{'版本 ' + str(number) if number else '已提交的版本'} / "
              f"filing {filing_id} has no {'version ' + str(number) if number else 'submitted version'}", file=sys.stderr)
        return EXIT_UNREADABLE
    from .services import files, renders

    def copy_of(fmt: str) -> bytes:
        # The stored copy when the render job has run (the very file every download serves), else rendered now.
        stored = renders.stored_file(version, fmt)
        if stored is not None:
            return stored.content
        return (exports.version_pdf(version) if fmt == "pdf" else exports.version_xlsx(version)).content

    try:
        if pdf_out is not None:
            pdf_out.write_bytes(copy_of("pdf"))
        if xlsx_out is not None:
            xlsx_out.write_bytes(copy_of("xlsx"))
    except (ServiceError, PdfPrerequisiteError, SigningKeyError, files.StorageError) as exc:
        print(f"portal render: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"filing {filing_id} version {version.number} sha256 {version.sha256}")
    return EXIT_OK


def run_xlsx(files: list[Path], out: Path) -> int:
    """Write one upload workbook holding the documents of ``files`` (all of one kind); return the exit status."""
    from .reference import default_reference
    from .renderers.upload_workbook import code_lists_from_reference, render_upload_workbook

    documents = []
    for path in files:
        try:
            documents.append(_read(path))
        except DocumentError as exc:
            print(f"portal xlsx: {path}: {exc.describe()}", file=sys.stderr)
            return EXIT_UNREADABLE
    kinds = sorted({d.kind for d in documents})
    if len(kinds) != 1:
        print(f"portal xlsx: 一个工作簿只能包含一种文书（实为 {', '.join(kinds)}） / one workbook holds one kind of "
              f"document (got {', '.join(kinds)})", file=sys.stderr)
        return EXIT_UNREADABLE
    out.write_bytes(render_upload_workbook(kinds[0], documents, code_lists=code_lists_from_reference(default_reference())))
    return EXIT_OK
