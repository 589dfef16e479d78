"""Write the error workbook: the filer's own workbook, with every problem marked where it is.

Each sheet with a problem gets an error column (code ``_errors``) saying what is wrong on each row; each
bad cell is filled red and carries a comment with the message in Chinese and English; a summary sheet in
front lists them all. The reader ignores the error column and the summary sheet, so the filer corrects
this very file and uploads it again.

The module imports only openpyxl and the standard library: ``_child.py`` imports it as a top-level
module, so the annotation runs in the child process under the same limits as the reader.
"""

from __future__ import annotations

from collections import defaultdict
from io import BytesIO
from typing import Any

SUMMARY_SHEET = "错误汇总"  # = portal.domain.sheets.SUMMARY_SHEET (not imported: see the docstring)
ERROR_COLUMN_CODE = "_errors"
ERROR_HEADER = "错误 Errors\n" + ERROR_COLUMN_CODE
AUTHOR = "portal"
MAX_SUMMARY_ROWS = 10_000

Problem = tuple[str, Any, Any, str, str]  # (sheet, row or None, column or None, message_zh, message_en)


def annotate_workbook(data: bytes, problems: list[Problem]) -> bytes:
    """Return ``data`` (an xlsx) with the problems marked: error column, red cells, comments, summary."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bad = PatternFill("solid", fgColor="FFC7CE")
    book = load_workbook(BytesIO(data))
    by_sheet: dict[str, dict[int, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        if problem[0] in book.sheetnames and problem[1]:
            by_sheet[problem[0]][problem[1]].append(problem)
    for title, rows in by_sheet.items():
        ws = book[title]
        error_col = next((c.column for c in ws[1] if isinstance(c.value, str) and c.value.endswith(ERROR_COLUMN_CODE)),
                         None)
        if error_col is None:
            error_col = ws.max_column + 1
        else:  # a corrected copy of an earlier error workbook: old messages go
            for (cell,) in ws.iter_rows(min_row=2, min_col=error_col, max_col=error_col):
                cell.value = None
        head = ws.cell(row=1, column=error_col, value=ERROR_HEADER)
        head.font = Font(bold=True, color="9C0006")
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(error_col)].width = 60
        for row, found in rows.items():
            lines = []
            for _, _, column, zh, en in found:
                where = f"{get_column_letter(column)}{row}: " if column else ""
                lines.append(f"{where}{zh} / {en}")
                if column:
                    cell = ws.cell(row=row, column=column)
                    cell.fill = bad
                    cell.comment = Comment(f"{zh}\n{en}", AUTHOR, width=300, height=120)
            note = ws.cell(row=row, column=error_col, value="\n".join(lines))
            note.alignment = Alignment(wrap_text=True, vertical="top")
            note.font = Font(color="9C0006")
    if SUMMARY_SHEET in book.sheetnames:
        del book[SUMMARY_SHEET]
    summary = book.create_sheet(SUMMARY_SHEET, 0)
    summary.append([f"共 {len(problems)} 个问题，未导入任何数据；请在各表中改正标红的单元格后重新上传。",
                    f"{len(problems)} problem(s); nothing was imported. Correct the cells marked in red and upload "
                    "this workbook again."])
    summary.append(["工作表 Sheet", "位置 Cell", "问题", "Problem"])
    for cell in summary[2]:
        cell.font = Font(bold=True)
    for title, row, column, zh, en in problems[:MAX_SUMMARY_ROWS]:
        where = f"{get_column_letter(column)}{row}" if row and column else (f"第{row}行 row {row}" if row else "")
        summary.append([title, where, zh, en])
    for letter, width in zip("ABCD", (16, 14, 60, 60), strict=True):
        summary.column_dimensions[letter].width = width
    book.active = 0
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def annotate_errors(data: bytes, errors: list[Any], **limits: Any) -> bytes:
    """Return the error workbook for ``errors`` (``CellError`` objects), built in a child process."""
    import pickle

    from .isolation import run_isolated

    problems = [(e.sheet, e.row, e.column, e.message_zh, e.message_en) for e in errors]
    result: bytes = run_isolated("annotate", pickle.dumps((data, problems)), **limits)
    return result
