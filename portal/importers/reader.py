"""Read an upload safely: the guard first, then python-calamine in a child process with limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .guard import Limits, check_upload
from .isolation import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT_S, run_isolated


def read_upload(data: bytes, *, limits: Limits | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Mapping[str, list[list[Any]]]:
    """Return sheet title → rows of cell values; raise ``HostileFile`` for a refused or unreadable file."""
    check_upload(data, limits)
    sheets: Mapping[str, list[list[Any]]] = run_isolated("read", data, timeout=timeout, memory_bytes=memory_bytes)
    return sheets
