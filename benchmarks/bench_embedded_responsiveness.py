"""Time a web page save while a 1,000-enterprise import runs, in the embedded mode (SQLite file, WAL).

Issue 20 item 14: web writes must not wait behind an import's store phase. A system administrator's upload of
1,000 GHG reports (the workbook of ``bench_import.py``) runs on the real job runner (``portal.jobs.runner``) in
a worker thread, as the embedded worker runs it; meanwhile a filer saves the explanations of a draft through
the web app (``POST /filings/<id>/explanations``, one request, one commit) over and over. Printed: the
import's phases, and the page saves' latencies before, during the store phase and during the rest of the
import, with any refused save.

Run: ``.venv/bin/python benchmarks/bench_embedded_responsiveness.py [--enterprises 1000] [--lines 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]  # this checkout's portal

from bench_import import documents  # noqa: E402

from portal.reference import default_reference  # noqa: E402
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook  # noqa: E402

PASSWORD = "bench-password-2024"


def _figures(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name}: no save"
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return (f"{name}: {len(ms)} saves, median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
            f"max {ms[-1]:.0f} ms")


def main() -> None:  # noqa: PLR0915 - one scenario, told in order
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    args = parser.parse_args()
    docs = documents(args.enterprises, args.lines)
    data = render_upload_workbook("ghg_annual_report", docs, code_lists=code_lists_from_reference(default_reference()))
    print(f"workbook: {args.enterprises} enterprises, {args.enterprises * args.lines} lines, {len(data) / 1e6:.1f} MB")

    from flask_migrate import upgrade
    from sqlalchemy import select

    from portal import create_app
    from portal.demo import DEMO_PASSWORD, seed_demo
    from portal.extensions import db
    from portal.jobs.runner import run_job
    from portal.models import Enterprise, Filing, Job, User
    from portal.services import accounts
    from portal.services import jobs as job_service

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/embedded.sqlite3", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000/minute",
                          "JOB_QUEUE_FILE": f"{tmp}/jobs.sqlite3"})
        with app.app_context():
            upgrade()
            seed_demo()
            db.session.add_all([Enterprise(uscc=d.enterprise.uscc, name=f"企业{n}", region_code="360700",
                                           industry_code="3011") for n, d in enumerate(docs)])
            admin = accounts.create_user(None, email="bench-admin@demo.cn", name="bench", password=PASSWORD,
                                         must_change_password=False, admin_role="system")
            job = job_service.submit_upload(admin, "import_workbook", "bench.xlsx", data)
            filer = db.session.scalar(select(User).where(User.email == "filer@demo.cn"))
            assert filer is not None
            filing_id = db.session.scalar(select(Filing.id).where(Filing.kind == "ghg_annual_report",
                                                                   Filing.status == "draft").order_by(Filing.id))
            job_id = job.id
            db.session.commit()

        client = app.test_client()
        response = client.post("/login", data={"email": "filer@demo.cn", "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.status_code

        phase = {"name": "before"}
        marks: dict[str, float] = {}
        saves: dict[str, list[float]] = {"before": [], "import (read, validate)": [], "store phase": [],
                                         "after": []}
        refused: list[str] = []

        # Watch the job's live progress: its stages tell the store phase from the rest.
        from portal.jobs import get_queue

        queue = get_queue(app)

        def save(n: int) -> None:
            with app.app_context():
                revision = db.session.get(Filing, filing_id).revision  # type: ignore[union-attr]
                db.session.remove()
            started = time.perf_counter()
            r = client.post(f"/filings/{filing_id}/explanations",
                            data={"revision": str(revision), "explain:XCK-004@energy_total_tce": f"说明 {n}"})
            took = time.perf_counter() - started
            saves[phase["name"]].append(took)
            if r.status_code != 302:
                refused.append(f"{phase['name']}: HTTP {r.status_code}")

        for n in range(5):
            save(n)
        done = threading.Event()

        def worker() -> None:
            marks["start"] = time.perf_counter()
            run_job(app, job_id)
            marks["end"] = time.perf_counter()
            done.set()

        thread = threading.Thread(target=worker, name="embedded-worker")
        phase["name"] = "import (read, validate)"
        thread.start()
        n = 5
        while not done.is_set():
            live = queue.live(job_id) or {}
            stages = live.get("stages", {})
            validated = stages.get("validated")
            if validated and validated[0] >= validated[1] and "store" not in marks:
                marks["store"] = time.perf_counter()
                phase["name"] = "store phase"
            save(n)
            n += 1
        thread.join()
        phase["name"] = "after"
        for _ in range(5):
            save(n)
            n += 1
        with app.app_context():
            status = db.session.get(Job, job_id).status  # type: ignore[union-attr]
            created = db.session.scalar(select(db.func.count(Filing.id)))
        print(f"import job: {status}, {created} filings in the database; {marks['end'] - marks['start']:.2f} s in all, "
              f"store phase (validation done → commit) "
              f"{(marks['end'] - marks['store']) if 'store' in marks else float('nan'):.2f} s")
        for name, samples in saves.items():
            print(_figures(f"page save {name}", samples))
        print(f"refused saves: {len(refused)}" + (f" ({'; '.join(refused[:5])})" if refused else ""))


if __name__ == "__main__":
    main()
