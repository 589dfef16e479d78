"""Time the regulator's consolidated workbook: 10,000 submitted filings exported in streaming mode.

Target (issue "Filings for regulators"): under 5 s and under 300 MB peak for 10,000 filings. The filings
are bulk-inserted into a fresh SQLite file (or the PostgreSQL database named by --database) first; the
export is then timed end to end as the web portal runs it (query, JSON decoding, write-only workbook).
Peak memory is the process's maximum resident set size, measured in a child process that does only the
export (so the seeding does not count), plus tracemalloc's peak of Python allocations.

Run: .venv/bin/python benchmarks/bench_export.py [--filings 10000] [--database URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"
REGIONS = ["360102", "360402", "360502", "360702", "360703", "360802", "361002", "320115", "320205", "320412"]


def _app(url: str):  # type: ignore[no-untyped-def]
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def seed(url: str, count: int) -> None:
    """Insert ``count`` enterprises, each with one submitted GHG filing of 2024 (the worked example's figures)."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from portal.domain.codec import canonical_json, document_from_json, dumps, sha256_text
    from portal.extensions import db
    from portal.models import Enterprise, Filing, FilingVersion, User
    from portal.reference import default_reference
    from portal.rules import check_document

    document = document_from_json(EXAMPLE.read_bytes())
    outcome = check_document(document, default_reference(), filing_date=dt.date(2025, 3, 20))
    text = canonical_json(document)
    computed, findings = dumps(outcome.computed.check_block()), dumps([f.as_dict() for f in outcome.findings])
    app = _app(url)
    with app.app_context():
        upgrade()
        signer = User(email="bench-signer@bench.cn", name="签字人", password_hash="x", session_token="s" * 32)
        db.session.add(signer)
        db.session.flush()
        now = dt.datetime(2025, 3, 20, 6, 30, tzinfo=dt.UTC)
        db.session.execute(insert(Enterprise), [
            {"id": i + 1, "uscc": f"91{i:016d}", "name": f"基准测试企业{i:05d}", "region_code": REGIONS[i % len(REGIONS)],
             "industry_code": "3011", "is_key_emitter": True, "is_key_pollutant_discharger": False}
            for i in range(count)])
        db.session.execute(insert(Filing), [
            {"id": i + 1, "enterprise_id": i + 1, "kind": "ghg_annual_report", "year": 2024, "status": "submitted",
             "draft_json": text, "revision": 1, "current_version": 1, "last_submitted_at": now}
            for i in range(count)])
        db.session.execute(insert(FilingVersion), [
            {"filing_id": i + 1, "number": 1, "canonical_json": text, "sha256": sha256_text(text),
             "computed_json": computed, "findings_json": findings, "rules_version": "v1",
             "certified_by_id": signer.id, "certification_statement": "承诺", "submitted_at": now}
            for i in range(count)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Statistics, as autovacuum would gather them (it is off on this machine's server): without them the
            # planner takes the fresh tables for one-row tables and joins them with nested sequential scans.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")


def _export(url: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User
    from portal.services.exports import consolidated_workbook

    app = _app(url)
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == "bench-admin@bench.cn"))
        tracemalloc.start()
        started = time.perf_counter()
        rendered = consolidated_workbook(actor, year=2024)
        seconds = time.perf_counter() - started
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # Linux reports ru_maxrss in KiB.
        queue.put((seconds, len(rendered.content), traced_peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _export_untraced(url: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Export once without tracemalloc (which slows allocation-heavy code) for the time figure."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User
    from portal.services.exports import consolidated_workbook

    app = _app(url)
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == "bench-admin@bench.cn"))
        started = time.perf_counter()
        rendered = consolidated_workbook(actor, year=2024)
        seconds = time.perf_counter() - started
        queue.put((seconds, len(rendered.content), 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _in_child(target, url: str) -> tuple[float, int, int, int]:  # type: ignore[no-untyped-def]
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
    process = multiprocessing.get_context("spawn").Process(target=target, args=(url, queue))
    process.start()
    result = queue.get()
    process.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    """Seed, export in a fresh child process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--database", help="a throwaway PostgreSQL URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    url = args.database or f"sqlite:///{folder.name}/bench.sqlite3"
    started = time.perf_counter()
    seed(url, args.filings)
    app = _app(url)
    with app.app_context():
        from portal.extensions import db
        from portal.models import User

        db.session.add(User(email="bench-admin@bench.cn", name="admin", password_hash="x", admin_role="system",
                            session_token="a" * 32))
        db.session.commit()
    print(f"seeded {args.filings:,} submitted filings in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    runs = [_in_child(_export_untraced, url) for _ in range(3)]
    best = min(runs)
    traced = _in_child(_export, url)
    print(f"consolidated workbook of {args.filings:,} filings: {best[0]:.2f} s best of 3 "
          f"(runs: {', '.join(f'{r[0]:.2f}' for r in runs)}), {best[1] / 1e6:.1f} MB xlsx (target < 5 s)")
    print(f"peak memory of the exporting process: {max(r[3] for r in runs) / 1024:.0f} MB resident "
          f"(whole process, interpreter and app included; target < 300 MB); "
          f"Python allocations peak during the export {traced[2] / 1e6:.1f} MB")
    from portal.renderers.consolidated import COLUMNS

    print(f"rows per second: {args.filings / best[0]:,.0f} ({len(COLUMNS)} columns each)")
    folder.cleanup()


if __name__ == "__main__":
    main()
