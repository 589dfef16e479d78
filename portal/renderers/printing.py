"""Print setup for the workbooks the portal writes: A4, fit to the page's width, header rows on every page.

Issue 15 item 6: a filled upload template printed on 58 pages, its columns spread over page after page.
Every sheet people print gets the same setup: A4, landscape when its columns are wide, every column on
one page's width (as many pages down as the rows need), its header rows repeated at the top of each
page, page numbers in the footer. Pure openpyxl; no Flask, no database.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.page import PageMargins

#: total column width (in Excel's character units) above which a sheet prints landscape
LANDSCAPE_ABOVE = 100
DEFAULT_WIDTH = 13  # openpyxl's column width when none is set (≈ Excel's 8.43 plus padding)
PAPER_A4 = 9  # ECMA-376 paper size code of A4 (Worksheet.PAPERSIZE_A4; write-only sheets lack the constant)


def sheet_width(ws: Any, columns: int) -> float:
    """Return the sum of the widths of the first ``columns`` columns."""
    from openpyxl.utils import get_column_letter

    total = 0.0
    for index in range(1, columns + 1):
        dimension = ws.column_dimensions.get(get_column_letter(index))
        total += float(dimension.width) if dimension is not None and dimension.width else DEFAULT_WIDTH
    return total


def set_up_printing(ws: Any, *, header_rows: int = 0, columns: int | None = None,
                    landscape: bool | None = None) -> None:
    """Print ``ws`` on A4, fit to one page wide, with rows ``1..header_rows`` repeated on every page.

    ``columns``: how many columns the sheet prints (default: as many as it has); ``landscape``: the
    orientation (default: landscape when those columns are wider than :data:`LANDSCAPE_ABOVE`).
    Works on write-only worksheets too (set before the first row is written).
    """
    count = columns if columns is not None else max(getattr(ws, "max_column", 1) or 1, 1)
    wide = sheet_width(ws, count) > LANDSCAPE_ABOVE if landscape is None else landscape
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页  Page &P of &N"
    ws.oddFooter.center.size = 8
