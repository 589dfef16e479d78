"""Time the hash-chained audit log: a commit of one entry, a bulk import's 1,000 entries, and verification.

    .venv/bin/python -m benchmarks.bench_audit            # SQLite file in a temporary folder
    DATABASE_URL=postgresql://…/throwaway .venv/bin/python -m benchmarks.bench_audit   # an EMPTY database

Prints the median and 95th percentile of 200 single-entry commits (the chain lock, the head read and the
hash included), the time of one commit of 1,000 entries (``audit.record_many``, as an import writes them),
and how many rows a second ``verify_chain`` walks.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import normalise_database_url
    from portal.extensions import db
    from portal.services import audit

    url = normalise_database_url(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
                      "TESTING": True})
    with app.app_context():
        upgrade()
        single = []
        for i in range(200):
            started = time.perf_counter()
            audit.record(None, "bench.single", "bench", i, after={"i": i})
            db.session.commit()
            single.append(time.perf_counter() - started)
        started = time.perf_counter()
        audit.record_many(None, "bench.bulk", "bench", [(i, None, {"i": i}) for i in range(1000)])
        db.session.commit()
        bulk = time.perf_counter() - started
        for _ in range(20):  # more rows for the verification figure
            audit.record_many(None, "bench.more", "bench", [(i, None, {"i": i}) for i in range(1000)])
            db.session.commit()
        started = time.perf_counter()
        report = audit.verify_chain()
        verify = time.perf_counter() - started
        assert report.ok
        single.sort()
        print(f"database: {db.engine.dialect.name}")
        print(f"one entry per commit: median {statistics.median(single) * 1000:.2f} ms, "
              f"p95 {single[int(len(single) * 0.95)] * 1000:.2f} ms (200 commits)")
        print(f"1,000 entries in one commit: {bulk * 1000:.1f} ms")
        print(f"verify_chain: {report.rows} rows in {verify:.2f} s ({report.rows / verify:,.0f} rows/s)")
    return None


if __name__ == "__main__":
    sys.exit(main())
