"""Run one parser job in a child process under a memory limit (started by ``isolation.run_isolated``).

Run as a script, not as ``-m portal…``: importing the portal package would import Flask and cost the
child a few hundred milliseconds for nothing. The limit is set before any parser is imported, so an
allocation beyond it fails here (MemoryError, or an abort in native code) and never in a web worker.
Protocol: argv = [op, memory limit in bytes]; stdin = the workbook bytes (``annotate``: a pickled
(bytes, errors) pair); stdout = a pickle of the result; exit 3 = out of memory, 4 = unreadable.
"""

from __future__ import annotations

import pickle
import resource
import sys
from collections.abc import Mapping, Sequence


def _read(data: bytes) -> Mapping[str, Sequence[Sequence[object]]]:
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def main() -> int:
    op, limit = sys.argv[1], int(sys.argv[2])
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    payload = sys.stdin.buffer.read()
    try:
        if op == "read":
            result: object = _read(payload)
        elif op == "annotate":
            from annotate import annotate_workbook  # the script's own folder is first on sys.path

            data, errors = pickle.loads(payload)
            result = annotate_workbook(data, errors)
        else:
            raise SystemExit(f"unknown operation {op!r}")
    except MemoryError:
        return 3
    except Exception as exc:  # noqa: BLE001 - any parser failure is "unreadable", reported to the parent
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:500])
        return 4
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
