"""Write the Excel filing: one workbook per filing, one sheet per section (openpyxl).

Numbers are number cells (from the exact Decimal, shown with the decimals they were filed with), units
are in the header rows, header rows are frozen, and coded values get a name column beside the code.

Text from a filing is never a formula. openpyxl makes any string starting with "=" a formula, and Excel
evaluates cells starting with "+", "-" or "@" as formulas when they are edited (CSV/formula injection):
every such string — and one starting with a tab or carriage return, or their full-width forms — is
written as a text cell with Excel's quote prefix (:func:`put`). (Unless the XML serialiser escapes it, a
stored carriage return reads back as a line feed — also a text cell.)
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Unpack

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.domain.documents import Document
from portal.domain.findings import Finding
from portal.domain.formatting import china_time, places_of, value_of_bool

from .formatting import name_of
from .html import template_versions
from .labels import CodeLabels
from .meta import RenderMeta
from .printing import set_up_printing
from .view import Column, FilingView, Table, ViewOptions, findings_table, view_with

if TYPE_CHECKING:
    from .view import Computed

#: first characters that make Excel treat a cell as a formula (OWASP CSV injection), plus full-width forms
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell

HEADER_ROWS = 3  # title, Chinese label (unit), English label (unit)
_TITLE_FONT = Font(bold=True, size=12)
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")
_THIN = Side(style="thin", color="8A97A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def sanitize_text(value: str) -> str:
    """Return ``value`` without the control characters an xlsx file cannot hold, cut to Excel's limit."""
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value if len(value) <= MAX_CELL_TEXT else value[: MAX_CELL_TEXT - 1] + "…"


def put(cell: Cell, value: Any, *, year: bool = False, places: int | None = None) -> None:
    """Write ``value`` into ``cell``: numbers as numbers, dates as dates, text as text — never a formula.

    ``places`` is the column's number format (one per column); without it a number keeps its own decimals.
    """
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value_of_bool(value)
    elif isinstance(value, Decimal):
        cell.value = value
        shown = min(places if places is not None else places_of(value), 10) if value.is_finite() else 0
        cell.number_format = "#,##0" + ("." + "0" * shown if shown else "")
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = "0" if year else "#,##0"
    elif isinstance(value, float):
        cell.value = value
    elif isinstance(value, dt.datetime):
        cell.value = china_time(value).replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        text = sanitize_text(value if isinstance(value, str) else str(value))
        cell.value = text  # openpyxl marks a string starting with "=" as a formula ('f') ...
        if text.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"  # ... so force it back to a string,
            cell.quotePrefix = True  # and have Excel keep it text when the cell is edited


def _width(value: Any) -> int:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    longest = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _expanded(columns: Sequence[Column]) -> list[tuple[Column, bool]]:
    """Return (column, is_name_column) pairs: a coded column is followed by the name of its code."""
    out: list[tuple[Column, bool]] = []
    for c in columns:
        out.append((c, False))
        if c.named:
            out.append((c, True))
    return out


def _labels(column: Column, is_name: bool) -> tuple[str, str]:
    if is_name:
        return f"{column.zh}名称", f"{column.en} (name)"
    return column.label("zh"), column.label("en")


def _cell_value(column: Column, is_name: bool, value: Any, labels: CodeLabels | None) -> Any:
    if is_name:
        return name_of(column, value, labels)
    if column.kind == "choices" and isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None
    return value


def _write_block(
    ws: Worksheet,
    groups: Sequence[tuple[str | None, Sequence[Column]]],
    rows: Sequence[Sequence[Any]],
    labels: CodeLabels | None,
    footer: Sequence[Any] | None = None,
) -> None:
    """Write title/label header rows and data rows; ``groups`` are (title, columns) side by side."""
    expanded: list[tuple[Column, bool]] = []
    col = 1
    widths: list[int] = []
    for title, columns in groups:
        exp = _expanded(columns)
        if not exp:
            continue
        first, last = col, col + len(exp) - 1
        head = ws.cell(1, first)
        put(head, title)
        head.font = _TITLE_FONT
        head.alignment = Alignment(vertical="center")
        if last > first:
            ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
        for c, is_name in exp:
            zh, en = _labels(c, is_name)
            for r, text in ((2, zh), (3, en)):
                cell = ws.cell(r, col)
                put(cell, text)
                cell.font = _HEAD_FONT
                cell.fill = _HEAD_FILL
                cell.border = _BORDER
                cell.alignment = _CENTER
            widths.append(max(_width(zh), _width(en)))
            col += 1
        expanded += exp
    # Flatten the values of the groups into one row per data row.
    lines = [*rows, *([footer] if footer is not None else [])]
    for r_index, row in enumerate(lines, start=HEADER_ROWS + 1):
        for c_index, ((column, is_name), value) in enumerate(
            zip(expanded, _expand_row(groups, row), strict=True), 1
        ):
            cell = ws.cell(r_index, c_index)
            put(cell, _cell_value(column, is_name, value, labels), year=column.kind == "year",
                places=None if is_name else column.places)
            cell.border = _BORDER
            if isinstance(cell.value, str):
                cell.alignment = _WRAP
            if footer is not None and r_index == HEADER_ROWS + len(lines):
                cell.font = _HEAD_FONT
            widths[c_index - 1] = max(
                widths[c_index - 1], _width(cell.value if cell.value is not None else "")
            )
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, 1)
    if expanded and lines:
        ws.auto_filter.ref = f"A{HEADER_ROWS}:{get_column_letter(len(expanded))}{HEADER_ROWS + len(lines)}"
    ws.row_dimensions[2].height = 30


def _expand_row(groups: Sequence[tuple[str | None, Sequence[Column]]], row: Sequence[Any]) -> list[Any]:
    values: list[Any] = []
    position = 0
    for _, columns in groups:
        for c in columns:
            value = row[position]
            values.append(value)
            if c.named:
                values.append(value)
            position += 1
    return values


def _sheets(view: FilingView) -> dict[str, list[Table]]:
    out: dict[str, list[Table]] = {}
    for section in (*view.sections, *view.computed):
        for table in section.tables:
            out.setdefault(table.sheet, []).append(table)
    return out


def _write_tables(ws: Worksheet, tables: Sequence[Table], labels: CodeLabels | None) -> None:
    if all(t.record for t in tables):
        # Several objects of one section (electricity, heat, …): one row, a titled group of columns each.
        groups = [(t.title_zh, t.columns) for t in tables]
        row = [v for t in tables for v in (t.rows[0] if t.rows else (None,) * len(t.columns))]
        _write_block(ws, groups, [row], labels)
        return
    if len(tables) != 1:
        raise ValueError(
            f"sheet {ws.title} would mix a list table with other tables: give each its own sheet"
        )
    t = tables[0]
    title = " ".join(x for x in (t.title_zh, t.title_en) if x)
    _write_block(ws, [(title, t.columns)], t.rows, labels, t.footer)


def _write_version(ws: Worksheet, view: FilingView) -> None:
    put(ws.cell(1, 1), "版本信息 Version information")
    ws.cell(1, 1).font = _TITLE_FONT
    for col, text in enumerate(("项目", "Item", "内容 Value"), 1):
        cell = ws.cell(2, col)
        put(cell, text)
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
    for r, (zh, en, value) in enumerate(view.version_rows(), 3):
        put(ws.cell(r, 1), zh)
        put(ws.cell(r, 2), en)
        put(ws.cell(r, 3), value, year=isinstance(value, int))
        ws.cell(r, 3).alignment = _WRAP
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 80
    ws.freeze_panes = "A3"


def write_workbook(view: FilingView) -> Workbook:
    """Return the Excel filing of a built view as an openpyxl workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, tables in _sheets(view).items():
        _write_tables(wb.create_sheet(name), tables, view.labels)
    findings = findings_table(view)
    _write_tables(wb.create_sheet(findings.sheet), [findings], view.labels)
    for ws in wb.worksheets:  # A4, fit to width, the title and two header rows on every page (issue 15)
        set_up_printing(ws, header_rows=HEADER_ROWS)
    _write_version(version_ws := wb.create_sheet("版本信息"), view)
    set_up_printing(version_ws, header_rows=2, landscape=False)
    wb.properties.title = sanitize_text(view.title)
    wb.properties.subject = f"{view.kind_zh} SHA-256 {view.sha256}"
    wb.properties.creator = "portal"
    wb.properties.keywords = view.sha256
    return wb


def render_xlsx(document: Document, computed: Computed, findings: Sequence[Finding], meta: RenderMeta,
                **options: Unpack[ViewOptions]) -> bytes:
    """Return the Excel filing (.xlsx bytes) of one filing: its data, computed results, findings, version."""
    # The Excel filing needs no template; it names the PDF template version the filing is printed with
    # ("—" for a kind whose PDF template is still to come).
    versions = template_versions(document.kind)
    version = options.get("template_version") or (versions[-1] if versions else "—")
    buffer = io.BytesIO()
    write_workbook(view_with(document, computed, findings, meta, version, options)).save(buffer)
    return buffer.getvalue()
