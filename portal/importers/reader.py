"""Read an upload safely: the guard first, then python-calamine in a child process with limits."""

from __future__ import annotations

from typing import Any

from .guard import FormulaCells, Limits, check_upload
from .isolation import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT_S, run_isolated


class UploadSheets(dict[str, list[list[Any]]]):
    """Hold sheet title → rows of cell values, and the cells that hold a formula (sheet title, "C2").

    The formula cells are reported by ``parse_workbook`` beside every other error, so that a filer sees all
    that is wrong with a workbook in one pass (issue 20 item 1).
    """

    formulas: list[tuple[str, str]]

    def __init__(self, sheets: dict[str, list[list[Any]]], formulas: list[tuple[str, str]] | None = None) -> None:
        super().__init__(sheets)
        self.formulas = formulas or []


def read_upload(data: bytes, *, limits: Limits | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                memory_bytes: int = DEFAULT_MEMORY_BYTES) -> UploadSheets:
    """Return the sheets of an upload; raise ``HostileFile`` for a refused or unreadable file."""
    formulas: list[tuple[str, str]] = []
    try:
        check_upload(data, limits)
    except FormulaCells as exc:  # safe to read (every other check passed): reported with the other errors
        formulas = exc.cells
    sheets: dict[str, list[list[Any]]] = run_isolated("read", data, timeout=timeout, memory_bytes=memory_bytes)
    return UploadSheets(sheets, formulas)
