"""Run a parser in a child process with a memory limit (RLIMIT_AS) and a timeout.

A hostile file that slips past the guard can at worst exhaust the child: it is killed at the timeout,
or its allocation fails under the limit — the web worker that started it only sees a refusal.
A subprocess rather than ``multiprocessing``: no fork of a threaded server (waitress), no re-import of
``__main__``, and ``resource.setrlimit`` runs inside the child itself, not in a ``preexec_fn``.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from .guard import HostileFile

CHILD = Path(__file__).with_name("_child.py")
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024


def run_isolated(op: str, payload: bytes, *, timeout: float = DEFAULT_TIMEOUT_S,
                 memory_bytes: int = DEFAULT_MEMORY_BYTES) -> Any:
    """Return what the child computed for ``op`` on ``payload``; raise :class:`HostileFile` when it failed."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")}
    try:
        done = subprocess.run(  # noqa: S603 - our own script, with our own interpreter
            [sys.executable, "-s", str(CHILD), op, str(memory_bytes)],
            input=payload, capture_output=True, timeout=timeout, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        raise HostileFile(f"读取工作簿超时（{timeout:.0f} 秒），已中止",
                          f"reading the workbook took longer than {timeout:.0f} s and was stopped") from None
    if done.returncode == 0:
        return pickle.loads(done.stdout)  # noqa: S301 - written by our own child process
    if done.returncode == 3 or done.returncode < 0:
        raise HostileFile("读取工作簿所需内存超出限制，已中止", "reading the workbook needed too much memory and was stopped")
    detail = done.stderr.decode("utf-8", "replace").strip()[:200]
    raise HostileFile(f"无法读取工作簿：{detail}", f"the workbook cannot be read: {detail}")
