"""Issue 15: the Excel filing, the upload template (filled) and the consolidated workbook print on A4, fit to
one page's width, with their header rows repeated on every page — read back from the saved files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook

from portal.domain.codec import document_from_json
from portal.reference import default_reference
from portal.renderers import RenderMeta, labels_from_reference, render_xlsx
from portal.renderers.consolidated import write_consolidated
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.rules import check_document
from tests.conftest import example_path


def _check(ws, header_rows: int) -> None:  # type: ignore[no-untyped-def]
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation in ("portrait", "landscape"), ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title  # one page wide, as many down as needed
    if header_rows:
        assert ws.print_title_rows == f"$1:${header_rows}", ws.title
    assert "&P" in ws.oddFooter.center.text


def _document():  # type: ignore[no-untyped-def]
    return document_from_json(example_path("ghg-jx-cement-2024.json").read_text("utf-8"))


def test_the_excel_filing_prints_a4_fit_to_width_with_repeated_headers() -> None:
    document = _document()
    ref = default_reference()
    outcome = check_document(document, ref, filing_date=dt.date(2025, 3, 1))
    data = render_xlsx(document, outcome.computed, outcome.findings, RenderMeta(status="draft"),
                       labels=labels_from_reference(ref, document))
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        _check(ws, 2 if ws.title == "版本信息" else 3)
    wide = [ws.title for ws in book.worksheets if ws.page_setup.orientation == "landscape"]
    assert "计算参数" in wide and "版本信息" not in wide  # the 14-column fuel parameters print landscape


def test_a_filled_upload_template_prints_one_page_wide_per_sheet() -> None:
    ref = default_reference()
    data = render_upload_workbook("ghg_annual_report", [_document()] * 20, code_lists=code_lists_from_reference(ref))
    book = load_workbook(io.BytesIO(data))
    printed = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(printed) > 5
    for ws in printed:
        _check(ws, 0 if ws.title == book.worksheets[0].title else 1)
    # The print titles are Excel's defined names, as Excel and LibreOffice read them.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert workbook_xml.count("_xlnm.Print_Titles") == len(printed) - 1


def test_the_consolidated_workbook_prints_landscape_with_its_three_header_rows() -> None:
    data = write_consolidated([], year=2024, levels=lambda code: (None, None))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    _check(ws, 3)
    assert ws.page_setup.orientation == "landscape"
