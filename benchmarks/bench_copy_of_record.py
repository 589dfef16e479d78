"""Time the copy of record as issue 15 asks: the render job of a submitted version (render, sign, store)
and the cached download of its PDF (the whole request in process, served from storage).

Target (issue 15): a cached download < 50 ms (median). The render job's time is printed for reference
(the PDF timings themselves, explanation lengths included, are benchmarks/bench_pdf.py's).

A throwaway SQLite database and storage folder in a temporary directory; the worked example is submitted
through the web (certify and submit), which queues the two render jobs; they run in this process
(``JOB_QUEUE=immediate``), as a worker would run them.

Run: ``.venv/bin/python benchmarks/bench_copy_of_record.py [--downloads 200]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark-password-1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=int, default=200)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portal import create_app
    from portal.domain.codec import canonical_json, document_from_json
    from portal.extensions import db
    from portal.models import Filing, VersionFile
    from portal.services import accounts
    from tests.helpers import EXAMPLES

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / 'bench.sqlite3'}", "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000 per minute", "JOB_QUEUE": "immediate",
            "STORAGE_URL": f"file://{base / 'storage'}",
        })
        app.instance_path = str(base / "instance")
        with app.app_context():
            upgrade()
            enterprise = accounts.create_enterprise(None, uscc="91360700MA38P2K51K", name="江西赣峰水泥有限公司",
                                                    region_code="360700", industry_code="3011",
                                                    permit_number="91360700MA38P2K51K001P", is_key_emitter=True)
            signatory = accounts.create_user(None, email="sign@bench.cn", name="签字人", password=PASSWORD)
            accounts.add_membership(None, signatory, enterprise, "signatory")
            document = document_from_json((EXAMPLES / "ghg-jx-cement-2024.json").read_text("utf-8"))
            filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind="ghg_annual_report", year=2024,
                            status="draft", draft_json=canonical_json(document))
            db.session.add(filing)
            db.session.commit()
            filing_id = filing.id

        client = app.test_client()
        client.post("/login", data={"email": "sign@bench.cn", "password": PASSWORD})
        started = time.perf_counter()
        response = client.post(f"/filings/{filing_id}/submit",
                               data={"certified": "y", "password": PASSWORD, "action": "certify_submit"})
        submit_seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        with app.app_context():
            rows = db.session.query(VersionFile).order_by(VersionFile.format).all()
            jobs = {row.format: row.render_seconds for row in rows}
            sizes = {row.format: row.stored.size for row in rows}
        url = f"/filings/{filing_id}/versions/1.pdf"
        first = client.get(url)
        assert first.status_code == 200 and first.mimetype == "application/pdf", first.status_code
        samples = []
        for _ in range(args.downloads):
            t0 = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and response.data == first.data
        median = statistics.median(samples)
        p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
        print(f"render job, PDF copy of record (render + sign + store): {jobs['pdf']:.2f} s, {sizes['pdf']:,} bytes")
        print(f"render job, Excel filing: {jobs['xlsx']:.2f} s, {sizes['xlsx']:,} bytes")
        print(f"certify-and-submit request, both render jobs run inline (immediate queue): {submit_seconds:.2f} s")
        print(f"cached PDF download ({args.downloads} requests, in process): median {median:.1f} ms, "
              f"p95 {p95:.1f} ms — target < 50 ms: {'met' if median < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
