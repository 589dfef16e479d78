"""Time the bulk import of 1,000 enterprises (about 20,000 fuel and process lines) against merely reading it.

Builds the workbook with the template writer (what ``portal xlsx`` writes), then prints:

* parse-only: python-calamine reading every sheet of the file, in this process (the fastest reader);
* full import: ``import_workbook`` — guard, isolated read, type normalisation, validation, computation,
  every rule, storing the drafts — on a fresh migrated SQLite database, committed;
* their ratio, and the peak memory of this process and of the reader's child process.

Targets (issue 7): full import < 3 × parse-only, < 10 s, < 500 MB.
Run: ``.venv/bin/python benchmarks/bench_import.py [--enterprises 1000] [--lines 20]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from portal.domain.codec import document_from_json
from portal.domain.codes import USCC_ALPHABET, uscc_check_character
from portal.domain.documents import FuelLine, GhgAnnualReport, ProcessLine
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "ghg-jx-cement-2024.json"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"
FUELS = ("bituminous", "anthracite", "diesel", "natural_gas", "fuel_oil", "coke", "lpg", "gasoline")


def _cpu() -> float:
    """Return the CPU seconds used so far by this process and its finished children (the reader)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def uscc(number: int) -> str:
    """Return a valid USCC (check character included) for enterprise ``number``."""
    body = f"9136070{number:010d}"
    body = "".join(USCC_ALPHABET[int(c)] for c in body)
    return body + (uscc_check_character(body) or "0")


def documents(count: int, lines: int) -> list[GhgAnnualReport]:
    """Return ``count`` reports of the worked example, each with ``lines`` fuel and process lines."""
    base = document_from_json(EXAMPLE.read_bytes())
    assert isinstance(base, GhgAnnualReport)
    fuels = [FuelLine(source=f"{i % 4 + 1}#窑", fuel=FUELS[i % len(FUELS)], consumption=Decimal(1000 + i) / 10)
             for i in range(lines // 2)]
    processes = [ProcessLine(source=f"{i + 1}#窑", process="clinker", activity=Decimal(100000 + i),
                             cao_fraction=Decimal("0.652"), mgo_fraction=Decimal("0.018")) for i in range(lines - lines // 2)]
    return [dataclasses.replace(base, enterprise=dataclasses.replace(base.enterprise, uscc=uscc(n), permit_number=None),
                                fuels=fuels, processes=processes) for n in range(count)]


def child_peak_mb(data: bytes) -> float:
    """Return the peak memory of the reader child on ``data``: VmHWM, read inside it (ru_maxrss of a forked
    child carries the parent's high-water mark over exec; VmHWM belongs to the new address space)."""
    import subprocess
    import sys

    from portal.importers.isolation import CHILD

    code = ("import runpy, sys\n"
            f"sys.argv = [{str(CHILD)!r}, 'read', '0']; sys.path.insert(0, {str(CHILD.parent)!r})\n"
            "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
            "finally:\n    sys.stderr.write([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n")
    done = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=False)
    return int(done.stderr.decode().strip().splitlines()[-1]) / 1024


def _stages(data: bytes, marks: dict[str, float], start: float, end: float) -> list[tuple[str, float]]:
    """Return where the import's CPU time went: the progress reports (rows parsed, documents validated,
    stored) split it; the guard and the reader, timed again on their own, split its beginning."""
    import gc

    from portal.importers.guard import check_upload
    from portal.importers.isolation import run_isolated

    gc.disable()  # as during the import (services.imports pauses the cyclic collector)
    try:
        guard = _cpu()
        check_upload(data)
        guard = _cpu() - guard
        reader = _cpu()
        run_isolated("read", data)
        reader = _cpu() - reader
    finally:
        gc.enable()
    return [("guard", guard), ("reader child", reader), ("cells → rows", marks["parsed"] - start - guard - reader),
            ("rows → documents (codec), enterprises", marks["documents"] - marks["parsed"]),
            ("compute + rules", marks["validated"] - marks["documents"]), ("store + commit", end - marks["validated"])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the second, measuring process
    args = parser.parse_args()
    if args.measure is None:
        docs = documents(args.enterprises, args.lines)
        started = time.perf_counter()
        data = render_upload_workbook("ghg_annual_report", docs, code_lists=code_lists_from_reference(default_reference()))
        print(f"workbook: {args.enterprises} enterprises, {args.enterprises * args.lines} lines, {len(data) / 1e6:.1f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)", flush=True)
        # Measure in a fresh process, so its peak memory is the import's, not the template writer's.
        import subprocess
        import sys

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.xlsx"
            path.write_bytes(data)
            subprocess.run([sys.executable, __file__, "--enterprises", str(args.enterprises), "--lines",
                            str(args.lines), "--measure", str(path)], check=True)
        return
    data = args.measure.read_bytes()
    docs = documents(args.enterprises, args.lines)

    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = sum(len(r) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python())
    parse_only, parse_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"parse-only (python-calamine, every sheet, {cells} cells): {parse_only:.2f} s wall, {parse_cpu:.2f} s CPU")

    from portal import create_app
    from portal.extensions import db
    from portal.models import Enterprise

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "TESTING": True})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            db.session.add_all([Enterprise(uscc=d.enterprise.uscc, name=f"企业{n}", region_code="360700",
                                           industry_code="3011") for n, d in enumerate(docs)])
            db.session.commit()
            from portal.services.imports import import_workbook

            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            marks: dict[str, float] = {}  # stage → CPU seconds (this process and its children) when it ended

            def progress(stage: str, done: int, total: int) -> None:
                marks[stage] = _cpu()
                if stage == "validated" and done == 1:
                    marks["documents"] = _cpu()  # cells → documents done, first document checked

            started, cpu = time.perf_counter(), _cpu()
            outcome = import_workbook(None, data, "bench.xlsx", progress=progress)
            db.session.commit()
            full, full_cpu = time.perf_counter() - started, _cpu() - cpu
    assert outcome.ok, outcome.errors[:5]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = child_peak_mb(data)
    print(f"full import (guard, isolated read, validate, compute, all rules, store, commit): {full:.2f} s wall, "
          f"{full_cpu:.2f} s CPU with the reader child — {len(outcome.filings)} drafts created")
    # CPU time is the steadier figure on a shared machine: wall time counts other processes' turns too.
    print(f"ratio full / parse-only: {full / parse_only:.2f} wall, {full_cpu / parse_cpu:.2f} CPU  (target < 3)")
    print(f"peak memory: this process {peak:.0f} MB (before the import {before / 1024:.0f} MB), "
          f"reader child {child:.0f} MB  (target < 500 MB)")
    print("CPU by stage (approximate): " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in
                                                      _stages(data, marks, cpu, cpu + full_cpu)))


if __name__ == "__main__":
    main()
