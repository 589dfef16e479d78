"""Time the review queue with 10,000 filings: in process (p50/p95 via the test client) on SQLite and on
PostgreSQL, and over gunicorn with 2 workers at 8 connections (requests/s).

Targets (issue 8): queue page p95 under 30 ms in process; 300 requests/s or more over gunicorn.
The databases are throwaway: a SQLite file in a temporary folder, and a PostgreSQL database created and
dropped on the server of ``--pg`` (default: the local one, trust auth). The load generator is wrk when it
is installed (Debian package ``wrk``), else a small Python client (threads with keep-alive connections);
either runs on the same machine as gunicorn and takes CPU from it, so the figure is a floor.

Run: ``.venv/bin/python benchmarks/bench_review.py [--filings 10000] [--requests 200] [--seconds 10]
[--pg postgresql://postgres@127.0.0.1:5432/postgres | --no-pg]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark-password-1"
EMAIL = "bench-reviewer@bench.cn"  # a real-looking domain: the login form refuses .test
# The pages timed: the default queue, a rule filter, a sort by enterprise on a later page, overdue drafts.
QUERIES = ["/review/", "/review/?rule=GHG-014", "/review/?sort=enterprise&order=asc&page=20",
           "/review/?overdue=y&kind=ghg_annual_report"]


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def prepare(url: str, filings: int) -> None:
    """Migrate the database at ``url``, seed ``filings`` filings and a Jiangxi reviewer; commit."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from benchmarks.seed_scale import seed
    from portal import create_app
    from portal.extensions import db
    from portal.services import accounts, version_facts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        result = seed(filings)
        accounts.create_user(None, email=EMAIL, name="基准审核员", password=PASSWORD, reviewer_scope="36")
        db.session.commit()
        version_facts.refresh()  # what the first page view would do (the seed writes no dashboard figures)
        db.session.commit()
        # Planner statistics, as autovacuum would gather them (off on some servers; SQLite has none until asked).
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        print(f"  seeded {result.filings} filings, {result.versions} versions, {result.enterprises} enterprises "
              f"in {time.perf_counter() - started:.1f} s")
        db.engine.dispose()


def in_process(url: str, requests: int) -> None:
    """Print p50/p95 of each queue page through Flask's test client (rendering included)."""
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench",
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    for query in QUERIES:
        page = client.get(query)
        assert page.status_code == 200, page.status_code
        rows = page.get_data(as_text=True).count("<tr data-filing=")
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(query)
            samples.append(time.perf_counter() - started)
        print(f"  {query:50s} rows {rows:2d}  p50 {statistics.median(samples) * 1000:6.1f} ms  "
              f"p95 {_percentile(samples, 0.95) * 1000:6.1f} ms")
    with app.app_context():
        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login_cookie(port: int) -> str:
    """Log in through the real form (CSRF token and all) and return the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # argon2 on a loaded machine
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode("utf-8")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', body)
    assert token, "no CSRF token on the login page"
    from urllib.parse import urlencode

    form = urlencode({"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD})
    conn.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie", cookie).split(";")[0]


def over_gunicorn(url: str, seconds: float, connections: int = 8, workers: int = 2) -> None:
    """Serve the portal with gunicorn and load the queue page from ``connections`` keep-alive clients."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_SECRET_KEY": "bench-" + uuid.uuid4().hex}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = _login_cookie(port)
        if shutil.which("wrk"):
            _wrk(port, cookie, seconds, connections, workers)
            return
        counts = [0] * connections
        errors = [0] * connections
        stop = time.perf_counter() + seconds

        def load(i: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.perf_counter() < stop:
                conn.request("GET", "/review/", headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1

        threads = [threading.Thread(target=load, args=(i,)) for i in range(connections)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        print(f"  gunicorn -w {workers}, {connections} connections, {elapsed:.1f} s: {sum(counts)} pages, "
              f"{sum(counts) / elapsed:.0f} requests/s, {sum(errors)} errors")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def _wrk(port: int, cookie: str, seconds: float, connections: int, workers: int) -> None:
    """Load the queue with wrk (Debian package ``wrk``): a C client takes far less of the shared CPU."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "-H", f"Cookie: {cookie}",
                          f"http://127.0.0.1:{port}/review/"], capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = re.search(r"Latency\s+(\S+)", out)
    print(f"  gunicorn -w {workers}, {connections} connections, wrk {seconds:.0f} s: "
          f"{float(rate.group(1)) if rate else 0:.0f} requests/s, mean latency {latency.group(1) if latency else '?'}, "
          f"{bad.group(1) if bad else 0} non-2xx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        print(f"SQLite, {args.filings} filings")
        prepare(url, args.filings)
        in_process(url, args.requests)
        if not args.no_gunicorn:
            over_gunicorn(url, args.seconds)

    if args.no_pg:
        return
    import sqlalchemy as sa

    from portal.config import normalise_database_url

    server = sa.engine.make_url(normalise_database_url(args.pg))
    name = f"portal_bench_review_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        print(f"PostgreSQL, {args.filings} filings")
        prepare(url, args.filings)
        in_process(url, args.requests)
        if not args.no_gunicorn:
            over_gunicorn(url, args.seconds)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


if __name__ == "__main__":
    main()
