"""Time the rules engine (``evaluate`` only; computing the documents is excluded).

Targets (brief): every rule over one 500-line report < 5 ms; 1,000 typical reports < 2 s.
Run: ``.venv/bin/python benchmarks/bench_rules.py [--runs 7]``. Prints the median of several runs.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import statistics
import time
from decimal import Decimal
from pathlib import Path

from portal.calc.ghg import compute_ghg
from portal.domain.codec import document_from_json
from portal.domain.documents import Boiler, FuelLine, GhgAnnualReport, ProcessLine, ProductLine
from portal.reference.files import default_reference
from portal.rules import RuleContext, evaluate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "ghg-jx-cement-2024.json"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"

FUELS = ("bituminous", "anthracite", "diesel", "natural_gas", "fuel_oil", "coke", "lpg", "gasoline")


def base_report() -> GhgAnnualReport:
    """Return the worked Jiangxi cement report."""
    doc = document_from_json(EXAMPLE.read_bytes())
    assert isinstance(doc, GhgAnnualReport)
    return doc


def large_report(lines: int = 500) -> GhgAnnualReport:
    """Return a report with ``lines`` lines: mostly fuel lines, some process lines, products and boilers.

    Every tenth fuel line carries an implausible measured NCV, so GHG-004 fires and messages are built.
    """
    doc = base_report()
    fuel_lines = lines * 8 // 10
    doc.fuels = []
    for i in range(fuel_lines):
        code = FUELS[i % len(FUELS)]
        ncv = Decimal("23.1") if code == "bituminous" else None
        if i % 10 == 0 and code == "bituminous":
            ncv = Decimal(35)
        doc.fuels.append(FuelLine(source=f"{i}#源", fuel=code, consumption=Decimal(100 + i), ncv=ncv,
                                  sulfur_pct=Decimal("0.8") if code in ("bituminous", "anthracite") else None))
    rest = lines - fuel_lines
    doc.processes = [ProcessLine(source=f"{i}#窑", process="clinker", activity=Decimal(10000 + i),
                                 cao_fraction=Decimal("0.652"), mgo_fraction=Decimal("0.018"))
                     for i in range(rest // 2)]
    doc.products = [ProductLine(product="cement_clinker", output=Decimal(1250000), capacity=Decimal(1500000),
                                energy_tce=Decimal(131000), primary=True)]
    doc.products += [ProductLine(product="other", output=Decimal(100 + i)) for i in range(rest // 4)]
    doc.boilers = [Boiler(id=f"{i}#炉", fuel="gas", capacity_tph=Decimal(10), low_nox=True)
                   for i in range(rest - rest // 2 - rest // 4 - 1)]
    return doc


def typical_reports(count: int) -> list[GhgAnnualReport]:
    """Return ``count`` variations of the worked report (different consumption, output, declared total)."""
    base = base_report()
    out = []
    for i in range(count):
        doc = copy.deepcopy(base)
        doc.fuels[0].consumption = Decimal(150000 + 37 * i)
        doc.products[0].output = Decimal(1200000 + 101 * i)
        if i % 5 == 0:
            doc.declared.total_tco2 = Decimal(1000000)  # GHG-007 fires for one in five
        if i % 7 == 0:
            doc.fuels[0].ncv = Decimal(31)  # GHG-004 (and XCK-004) fire for one in seven
        out.append(doc)
    return out


def median_seconds(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Return the median wall time of ``fn()`` over ``runs`` runs (after one warm-up run)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ref = default_reference()
    context = RuleContext(ref=ref, filing_date=dt.date(2025, 3, 10), today=dt.date(2025, 3, 10))

    large = large_report(500)
    large_computed = compute_ghg(large, ref)
    findings = evaluate(large, large_computed, context)
    single = median_seconds(lambda: evaluate(large, large_computed, context), args.runs * 5)
    print(f"one 500-line report: {single * 1000:.2f} ms per evaluate "
          f"({len(findings)} findings; target < 5 ms)")

    docs = typical_reports(1000)
    computed = [compute_ghg(doc, ref) for doc in docs]
    pairs = list(zip(docs, computed, strict=True))
    total_findings = sum(len(evaluate(d, c, context)) for d, c in pairs)
    batch = median_seconds(lambda: [evaluate(d, c, context) for d, c in pairs], args.runs)
    print(f"1,000 typical reports: {batch:.3f} s ({batch * 1000 / len(docs):.3f} ms each, "
          f"{total_findings} findings; target < 2 s)")


if __name__ == "__main__":
    main()
