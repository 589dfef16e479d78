"""Time the command line's start-up, whole-process: from the command's start to its exit, imports included.

Prints, each as the median of N runs (default 5) with min and max, wall seconds and the peak resident memory
of the process (its children's too: ``portal check`` of a workbook reads it in a child process):

* ``python -c pass`` — the interpreter alone, the floor of every command;
* ``portal check`` of one small document (the worked example) — target (issue 13): under 0.3 s;
* a bare python-calamine read of a 300-document upload workbook (every sheet to Python values), against
  ``portal check`` of the same workbook (guard, isolated read, parse, compute, every rule, the JSON
  printed) and their ratio, taken pair by pair (the two run in turn) — target: within 3×.

The workbook is written by ``portal xlsx`` from 300 generated reports (the worked example's plant under 300
credit codes, 20 fuel and process lines each, as ``bench_import.py`` makes them).

Run: ``.venv/bin/python benchmarks/bench_startup.py [--runs 5] [--documents 300]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
EXAMPLE = ROOT.parent / "shared" / "examples" / "ghg-jx-cement-2024.json"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"

#: What a bare read of the workbook does: every sheet to Python values, as the importer's child reads it.
CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)
print(rows)
"""


def run_once(command: list[str]) -> tuple[float, float]:
    """Run ``command`` to its end; return (wall seconds, peak RSS in MiB of it or any child it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: the rules found an error, still a complete check
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux: KiB


def spread(values: list[float], unit: str, digits: int) -> str:
    """Return 'median (min–max) unit'."""
    return (f"{statistics.median(values):.{digits}f} {unit} "
            f"(min {min(values):.{digits}f}, max {max(values):.{digits}f})")


def report(label: str, runs: list[tuple[float, float]]) -> None:
    """Print a command's wall time and peak memory, median of the runs."""
    walls = [w for w, _ in runs]
    peaks = [p for _, p in runs]
    print(f"  {label:<44} wall {spread(walls, 's', 3)}   peak RSS {spread(peaks, 'MiB', 0)}")


def timed(command: list[str], runs: int) -> list[tuple[float, float]]:
    """Run ``command`` once to warm the file cache, then ``runs`` times."""
    run_once(command)
    return [run_once(command) for _ in range(runs)]


def workbook(folder: Path, count: int) -> Path:
    """Write ``count`` generated reports as JSON and the upload workbook holding them (with ``portal xlsx``)."""
    from benchmarks.bench_import import documents
    from portal.domain.codec import canonical_json

    paths = []
    for number, document in enumerate(documents(count, 20)):
        path = folder / f"report-{number:04d}.json"
        path.write_text(canonical_json(document), "utf-8")
        paths.append(str(path))
    book = folder / f"upload-{count}.xlsx"
    subprocess.run([str(BIN / "portal"), "xlsx", *paths, "-o", str(book)], check=True, cwd=ROOT)
    return book


def main() -> None:
    """Time the interpreter, one check, and the workbook check against a bare read."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    python, portal = str(BIN / "python"), str(BIN / "portal")
    print(f"whole-process figures, median of {args.runs} runs ({os.cpu_count()} cores)")
    report("python -c pass", timed([python, "-c", "pass"], args.runs))
    report("portal check (one document)", timed([portal, "check", str(EXAMPLE)], args.runs))
    with tempfile.TemporaryDirectory() as folder:
        book = workbook(Path(folder), args.documents)
        read = [python, "-c", CALAMINE_READ, str(book)]
        check = [portal, "check", str(book), "--json"]
        run_once(read)
        run_once(check)
        reads, checks = [], []
        for _ in range(args.runs):  # in turn, so that a drift of the machine's speed hits both alike
            reads.append(run_once(read))
            checks.append(run_once(check))
        size = book.stat().st_size // 1024
        report(f"python-calamine read ({args.documents} documents, {size} KB)", reads)
        report(f"portal check ({args.documents}-document workbook)", checks)
        ratios = [c[0] / r[0] for r, c in zip(reads, checks, strict=True)]
        print(f"  {'ratio check / read (paired)':<44} {spread(ratios, '×', 2)}   target: at most 3×")


if __name__ == "__main__":
    main()
