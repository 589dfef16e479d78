"""Time the PDF copy of record of a typical GHG report against bare WeasyPrint.

Targets (issue "PDF copy of record"): under 1.5 s per PDF warm, and within 1.2× of bare WeasyPrint
printing the same tables — i.e. the portal's own work (view, templates, locked-down fetcher, checks)
adds at most 20 % to what WeasyPrint needs for the same HTML. Also printed, for scale: bare WeasyPrint
on a plain one-page HTML with a 30-row CJK table, and the per-page ratio against it.

Run: .venv/bin/python benchmarks/bench_pdf.py [--runs 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from portal.domain.codec import document_from_json
from portal.reference import default_reference
from portal.renderers import (
    RenderMeta,
    check_pdf_prerequisites,
    labels_from_reference,
    render_filing_html,
    render_pdf,
    template_dir,
)
from portal.rules import check_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"
FILED_ON = dt.date(2025, 3, 20)
META = RenderMeta(
    status="submitted",
    version=1,
    submitted_at=dt.datetime(2025, 3, 20, 6, 30, tzinfo=dt.UTC),
    signatory="刘建国",
    certification_statement="本单位郑重承诺：所报送的数据和材料真实、完整、准确。",
    draft=False,
    rules_version="v1",
)


def plain_table_html(rows: int = 30) -> str:
    """Return a plain HTML page with a ``rows``-row CJK table, styled like the report tables."""
    body = "".join(
        f"<tr><td>{i}</td><td>{i}#窑</td><td>烟煤（bituminous）</td><td>{160000 + i:,}</td>"
        f"<td>22.8</td><td>缺省值</td><td>{346681.84 + i:,.2f}</td></tr>"
        for i in range(1, rows + 1)
    )
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm 15mm; } html { font-family: 'Noto Sans CJK SC'; font-size: 9pt; }"
        "table { width: 100%; border-collapse: collapse; } th, td { border: 0.5pt solid #8a97a6; padding: 1.2mm; }"
        "</style></head><body><h2>化石燃料燃烧</h2><table><thead><tr><th>序号</th><th>排放源</th><th>燃料品种</th>"
        "<th>消耗量（t）</th><th>低位发热量（GJ/t）</th><th>来源</th><th>排放量（tCO2）</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def timed(fns: dict[str, Callable[[], bytes]], runs: int) -> dict[str, float]:
    """Return the median seconds of each function over ``runs`` rounds.

    The functions take turns within each round, so that load from other processes on the machine
    weighs on all of them alike and the ratios stay meaningful.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed renderings of each kind (default 10)")
    runs = parser.parse_args().runs

    import weasyprint

    check_pdf_prerequisites()
    ref = default_reference()
    document = document_from_json(EXAMPLE.read_bytes())
    outcome = check_document(document, ref, filing_date=FILED_ON, today=FILED_ON)
    labels = labels_from_reference(ref, document)

    def portal() -> bytes:
        return render_pdf(document, outcome.computed, outcome.findings, META, labels=labels)

    start = time.perf_counter()
    portal()
    cold = time.perf_counter() - start
    portal()  # warm: fonts, templates, reference data loaded

    html = render_filing_html(document, outcome.computed, outcome.findings, META, labels=labels)
    base = template_dir(document.kind, "v1").as_uri() + "/"

    def bare_same() -> bytes:
        return weasyprint.HTML(string=html, base_url=base).write_pdf()

    table = plain_table_html(30)

    def bare_table() -> bytes:
        return weasyprint.HTML(string=table).write_pdf()

    for fn in (bare_same, bare_table):
        fn()  # warm
    medians = timed({"portal": portal, "same": bare_same, "table": bare_table}, runs)
    portal_s, same_s, table_s = medians["portal"], medians["same"], medians["table"]
    pages = len(weasyprint.HTML(string=html, base_url=base).render().pages)
    table_pages = len(weasyprint.HTML(string=table).render().pages)

    print(f"GHG report (worked example): {pages} pages; median of {runs} warm rounds")
    print(
        f"  portal render_pdf            {portal_s:.3f} s per PDF  {pages / portal_s:5.1f} pages/s"
        f"   (first, cold: {cold:.3f} s; target < 1.5 s warm: {'ok' if portal_s < 1.5 else 'MISSED'})"
    )
    print(f"  bare WeasyPrint, same HTML   {same_s:.3f} s per PDF  {pages / same_s:5.1f} pages/s")
    ratio = portal_s / same_s
    print(
        f"  ratio portal / bare (same tables): {ratio:.2f}×   (target ≤ 1.2×: {'ok' if ratio <= 1.2 else 'MISSED'})"
    )
    print(f"bare WeasyPrint, plain page with a 30-row CJK table: {table_pages} page")
    print(
        f"  {table_s:.3f} s per PDF  {table_pages / table_s:5.1f} pages/s;"
        f" per page, the report takes {(portal_s / pages) / (table_s / table_pages):.2f}× as long"
    )


if __name__ == "__main__":
    main()
