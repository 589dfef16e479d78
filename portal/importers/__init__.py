"""Upload workbooks → canonical documents with cell-level errors, and the error workbook. No DB, no Flask.

* ``read_upload(data)`` — refuse hostile files (``guard``), then read the sheets with python-calamine in a
  child process under a memory limit and a timeout (``isolation``);
* ``parse_workbook(sheets, code_lists)`` — documents, or every bad cell (``workbook``; types in ``normalise``);
* ``annotate_errors(data, errors)`` — the same workbook with the errors marked (``annotate``, in a child).
"""

from .annotate import annotate_errors
from .guard import FormulaCells, HostileFile, Limits, check_upload
from .reader import UploadSheets, read_upload
from .workbook import CellError, ParsedDocument, ParsedWorkbook, parse_workbook

__all__ = [
    "CellError",
    "FormulaCells",
    "HostileFile",
    "Limits",
    "ParsedDocument",
    "ParsedWorkbook",
    "UploadSheets",
    "annotate_errors",
    "check_upload",
    "parse_workbook",
    "read_upload",
]
