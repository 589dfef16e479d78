"""Time the PDF copy of record: a typical report against bare WeasyPrint, and explanations of growing length.

Targets (issue 15, "A copy of record a regulator can rely on"):

* a typical report (the GHG worked example) renders in ≤ 1.2× the time bare WeasyPrint takes for the
  same HTML — the portal's own work (view, layout, templates, locked-down fetcher, checks) adds at most
  20 %. Two baselines are printed: bare WeasyPrint with the same archival options (PDF/A-3b, tags, the
  embedded JSON: the target's ratio) and with none (what archiving itself costs);
* 10,000 characters of explanations render in < 3 s. The v1 templates took 5 s with none, 23 s with
  2,500, 60 s with 5,000 and 220 s with 10,000 on the issue's machine: WeasyPrint's automatic table layout
  re-laid the rest of a CJK cell out once per character (quadratic); v2 lays tables out beforehand
  (portal/renderers/layout.py) with ``table-layout: fixed``. ``--compare-v1`` times v1 at 0 and 2,500
  characters for comparison (slow).

Signing and verifying the copy are timed too: a submitted version's download is rendered, then signed.

Run: .venv/bin/python benchmarks/bench_pdf.py [--runs 5] [--compare-v1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from portal.domain.codec import document_from_json
from portal.reference import default_reference
from portal.renderers import (
    RenderMeta,
    check_pdf_prerequisites,
    labels_from_reference,
    latest_template_version,
    render_filing_html,
    render_pdf,
    template_dir,
)
from portal.renderers.signing import sign_pdf, verify_pdf
from portal.renderers.signing_key import self_signed_identity
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
PHRASE = "本单位水泥熟料产量较上年下降主要由于二号窑停产检修，排放量相应减少。"
LENGTHS = (0, 2_500, 5_000, 10_000)


def timed(fns: dict[str, Callable[[], Any]], runs: int) -> dict[str, float]:
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


def with_explanation(length: int) -> tuple[Any, Any, Any]:
    """Return (document, outcome, labels) of the worked example with ``length`` characters of explanation."""
    ref = default_reference()
    document = document_from_json(EXAMPLE.read_bytes())
    outcome = check_document(document, ref, filing_date=FILED_ON, today=FILED_ON)
    if length:
        # All of it on one finding: one table cell taller than a page, the worst case for the layout.
        document.explanations = {outcome.findings[0].key: (PHRASE * (length // len(PHRASE) + 1))[:length]}
    return document, outcome, labels_from_reference(ref, document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed renderings of each kind (default 5)")
    parser.add_argument("--compare-v1", action="store_true", help="also time the v1 templates (slow)")
    args = parser.parse_args()
    runs = args.runs

    import weasyprint

    from portal.renderers.archival import archival_options
    from portal.renderers.fetcher import AssetURLFetcher
    from portal.renderers.pdf import ArchivalFacts

    check_pdf_prerequisites()
    document, outcome, labels = with_explanation(0)
    version = latest_template_version(document.kind)

    def portal() -> bytes:
        return render_pdf(document, outcome.computed, outcome.findings, META, labels=labels)

    start = time.perf_counter()
    unsigned = portal()
    cold = time.perf_counter() - start

    html = render_filing_html(document, outcome.computed, outcome.findings, META, labels=labels)
    base = template_dir(document.kind, version).as_uri() + "/"
    from portal.domain.codec import canonical_json, document_sha256

    facts = ArchivalFacts(
        title="t", kind=document.kind, kind_zh="k", year=2024, enterprise="e", uscc=None,
        sha256=document_sha256(document), status="submitted", version=1, template="t",
        document_json=canonical_json(document).encode(), created=META.submitted_at,
    )

    def bare_archival() -> bytes:
        rendered = weasyprint.HTML(string=html, base_url=base, url_fetcher=AssetURLFetcher()).render()
        return rendered.write_pdf(**archival_options(rendered, facts))  # type: ignore[no-any-return]

    def bare_plain() -> bytes:
        return weasyprint.HTML(string=html, base_url=base, url_fetcher=AssetURLFetcher()).write_pdf()  # type: ignore[no-any-return]

    identity = self_signed_identity("benchmark")
    signed = sign_pdf(unsigned, identity)
    for fn in (bare_archival, bare_plain):
        fn()  # warm
    medians = timed({
        "portal": portal, "archival": bare_archival, "plain": bare_plain,
        "sign": lambda: sign_pdf(unsigned, identity),
        "verify": lambda: verify_pdf(signed, [identity.certificate]),
    }, runs)
    pages = len(weasyprint.HTML(string=html, base_url=base, url_fetcher=AssetURLFetcher()).render().pages)

    portal_s, archival_s, plain_s = medians["portal"], medians["archival"], medians["plain"]
    ratio = portal_s / archival_s
    print(f"Typical report (GHG worked example, template {version}): {pages} pages, "
          f"{len(unsigned) // 1024} KB; median of {runs} warm rounds")
    print(f"  portal render_pdf (PDF/A-3b, tagged, JSON embedded)  {portal_s:.3f} s   (first, cold: {cold:.3f} s)")
    print(f"  bare WeasyPrint, same HTML, same archival options   {archival_s:.3f} s")
    print(f"  bare WeasyPrint, same HTML, no options              {plain_s:.3f} s")
    print(f"  ratio portal / bare (same options): {ratio:.2f}×   (target ≤ 1.2×: {'ok' if ratio <= 1.2 else 'MISSED'})")
    print(f"  ratio portal / bare (no options):   {portal_s / plain_s:.2f}×   (what PDF/A, tags and the attachment cost)")
    print(f"  sign (PAdES, pyHanko)  {medians['sign']:.3f} s;  verify  {medians['verify']:.3f} s;"
          f"  signed download = render + sign ≈ {portal_s + medians['sign']:.3f} s")

    print("Explanations (all on one finding), template " + version)
    for length in LENGTHS:
        doc, out, lab = with_explanation(length)
        median = timed({"r": lambda d=doc, o=out, la=lab: render_pdf(d, o.computed, o.findings, META, labels=la)},
                       max(1, runs // 2))["r"]
        target = f"   (target < 3 s: {'ok' if median < 3 else 'MISSED'})" if length == 10_000 else ""
        print(f"  {length:>6,} characters  {median:.3f} s{target}")
    if args.compare_v1:
        print("Explanations, template v1 (automatic table layout), one run each")
        for length in (0, 2_500):
            doc, out, lab = with_explanation(length)
            start = time.perf_counter()
            render_pdf(doc, out.computed, out.findings, META, labels=lab, template_version="v1")
            print(f"  {length:>6,} characters  {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
