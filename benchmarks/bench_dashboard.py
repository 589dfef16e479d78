"""Time the dashboard with 10,000 filings in the database, in-process (target: under 200 ms).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portal_bench .venv/bin/python benchmarks/bench_dashboard.py
    .venv/bin/python benchmarks/bench_dashboard.py            # SQLite file under /tmp

Seeds with ``benchmarks/seed_scale.py`` (the review queue's seeder) when the database has fewer filings than
asked, then reports for an administrator (everything) and a provincial reviewer (scope 36), each logged in
with a client of its own, each request in its own app context (as in production; the scope drawn is checked):

- first: derives the facts of every version (once per database, kept in ``version_metric``), then ANALYZE;
- uncached: every chart's GROUP BY queries and the page render, with the result cache emptied each time;
- cached: what a repeated view costs while no data changed (one data-version query and the render).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench-dashboard-2024"


def _users() -> None:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User
    from portal.services import accounts

    for email, fields in (("bench-admin@bench.cn", {"admin_role": "system"}),
                          ("bench-reviewer@bench.cn", {"reviewer_scope": "36"})):
        if db.session.scalar(select(User).where(User.email == email)) is None:
            accounts.create_user(None, email=email, name=email, password=PASSWORD, **fields)
    db.session.commit()


def _timed(client, url: str, runs: int, before=None) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def _report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"  {label:<34} n={len(times):>3}  median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    """Seed if needed, then time the dashboard page."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/portal-bench-dashboard.sqlite3"
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from portal import create_app
    from portal.extensions import db
    from portal.models import Filing
    from portal.services import dashboard, version_facts

    app = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000/minute", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        have = db.session.scalar(select(func.count(Filing.id))) or 0
        if have < n:
            from benchmarks.seed_scale import seed

            started = time.perf_counter()
            seed(n - have, commit=True)
            print(f"seeded {n - have} filings in {time.perf_counter() - started:.1f} s")
        _users()
        started = time.perf_counter()
        derived = version_facts.refresh()
        db.session.commit()
        print(f"derived the facts of {derived} versions in {time.perf_counter() - started:.1f} s "
              "(once per database: what `portal derive-facts`, or `portal serve`/`worker` at start-up, does after "
              "seeding or migration 0007)")
        # Planner statistics of the filled tables, as autovacuum would gather them (it is off on some servers,
        # and SQLite has none until ANALYZE): without them PostgreSQL nests loops over "empty" tables.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        total = db.session.scalar(select(func.count(Filing.id)))
        print(f"dashboard on {db.engine.dialect.name} with {total} filings (in-process, Flask test client)")
    # Outside the app context above: each request pushes its own, as in production. Inside it, every request
    # reused that one context and Flask-Login's user cached in its ``g``, so the "reviewer" figures were the
    # administrator's (whose first request cached it). Each user has a client of its own.
    for email, scope in (("bench-admin@bench.cn", "all"), ("bench-reviewer@bench.cn", "region:36")):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{email} could not log in"
        print(f" {email} (dashboard scope {scope}):")
        dashboard._cache.clear()
        _report("first view", _timed(client, "/dashboard/", 1))
        _report("uncached (all GROUP BY queries)", _timed(client, "/dashboard/", 20, dashboard._cache.clear))
        _report("uncached, one year", _timed(client, "/dashboard/?year=2024", 20, dashboard._cache.clear))
        _report("cached (no data changed)", _timed(client, "/dashboard/", 50))
        measured = {key[0] for key in dashboard._cache}
        assert measured == {scope}, f"the pages of {email} drew the dashboard of {measured}, not of {scope}"


if __name__ == "__main__":
    main()
