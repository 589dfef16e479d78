"""Render a canonical document as its PDF copy of record (WeasyPrint) and its Excel filing (openpyxl).

Pure: no Flask, no database. The caller passes the document, what ``portal.rules.check_document``
returned for it (``computed`` and ``findings``) and a :class:`RenderMeta` describing the version.

* ``render_filing_html(document, computed, findings, meta) -> str`` — the HTML the PDF is printed from
* ``render_pdf(document, computed, findings, meta) -> bytes`` — the PDF copy of record
* ``render_xlsx(document, computed, findings, meta) -> bytes`` — the Excel filing
* ``check_pdf_prerequisites()`` — raise :class:`PdfPrerequisiteError` unless HarfBuzz's subsetter and the
  CJK font are installed (call it at start-up to fail early)

WeasyPrint is imported only when a PDF is rendered; the locked-down URL fetcher lives in
``portal.renderers.fetcher`` for the same reason.
"""

from .html import (
    TemplateNotFound,
    latest_template_version,
    render_filing_html,
    template_dir,
    template_versions,
)
from .labels import CodeLabels, labels_from_reference
from .meta import RenderMeta
from .pdf import PdfPrerequisiteError, check_pdf_prerequisites, html_to_pdf, render_pdf
from .view import FilingView, build_view
from .xlsx import render_xlsx

__all__ = [
    "CodeLabels",
    "FilingView",
    "PdfPrerequisiteError",
    "RenderMeta",
    "TemplateNotFound",
    "build_view",
    "check_pdf_prerequisites",
    "html_to_pdf",
    "labels_from_reference",
    "latest_template_version",
    "render_filing_html",
    "render_pdf",
    "render_xlsx",
    "template_dir",
    "template_versions",
]
