"""Time the fuels section form with 200 fuel rows: GET the page, POST a save, POST a live preview.

In process, through Flask's test client, on a migrated SQLite database in a temporary folder (rules,
computation and rendering included; no network). Prints the median of several runs.
A long table is drawn a page at a time (``drafts.PAGE_ROWS`` rows, issue 19 item 5): the form posted is
the page's rows with its ``page_start``/``page_rows``, as the browser posts it; ``--page`` picks the page.
Run: ``.venv/bin/python benchmarks/bench_fuels_form.py [--rows 200] [--runs 9] [--page 1]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's portal, not the one the virtualenv installed
EXAMPLE = ROOT.parent / "shared" / "examples" / "ghg-jx-cement-2024.json"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"
FUELS = ("bituminous", "anthracite", "diesel", "natural_gas", "fuel_oil", "coke", "lpg", "gasoline")
PASSWORD = "benchmark-password-1"


def _document_text(rows: int) -> str:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data = copy.deepcopy(data)
    data["fuels"] = [{"source": f"{i}#炉", "fuel": FUELS[i % len(FUELS)], "consumption": 1000 + i,
                      "ncv": None if i % 3 else 22.5, "carbon_content": None, "oxidation_rate": None,
                      "sulfur_pct": 0.8 if FUELS[i % len(FUELS)] in ("bituminous", "anthracite") else None}
                     for i in range(rows)]
    return json.dumps(data, ensure_ascii=False)


def _form(rows: range, revision: str, run: int, page: tuple[str, str] | None) -> MultiDict:
    data: MultiDict = MultiDict({"revision": revision, "action": "save"})
    if page is not None:
        data["page_start"], data["page_rows"] = page
    for i in rows:
        fuel = FUELS[i % len(FUELS)]
        data.add(f"fuels-{i}-source", f"{i}#炉")
        data.add(f"fuels-{i}-fuel", fuel)
        data.add(f"fuels-{i}-consumption", str(1000 + i + (run if i == rows.start else 0)))  # a real change each run
        data.add(f"fuels-{i}-ncv", "" if i % 3 else "22.5")
        data.add(f"fuels-{i}-carbon_content", "")
        data.add(f"fuels-{i}-oxidation_rate", "")
        data.add(f"fuels-{i}-sulfur_pct", "0.8" if fuel in ("bituminous", "anthracite") else "")
    return data


def _median_ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--page", type=int, default=1, help="the page of the table to open, preview and save")
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from flask_migrate import upgrade

    from portal import create_app
    from portal.auth import passwords
    from portal.domain.codec import canonical_json, document_from_json
    from portal.extensions import db
    from portal.models import Filing
    from portal.services import accounts

    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # setup only
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "10000 per minute", "SECRET_KEY": "bench",
        })
        with app.app_context():
            upgrade()
            enterprise = accounts.create_enterprise(
                None, uscc="91360700MA38P2K51K", name="江西赣峰水泥有限公司", region_code="360700",
                industry_code="3011", permit_number="91360700MA38P2K51K001P", is_key_emitter=True)
            user = accounts.create_user(None, email="filer@bench.cn", name="filer", password=PASSWORD)
            user.must_change_password = False  # an account made by an administrator: set up already here
            accounts.add_membership(None, user, enterprise, "filer")
            document = document_from_json(_document_text(args.rows))
            filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind="ghg_annual_report",
                            year=2024, status="draft", draft_json=canonical_json(document))
            db.session.add(filing)
            db.session.commit()
            filing_id = filing.id

        client = app.test_client()
        response = client.post("/login", data={"email": "filer@bench.cn", "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        url = f"/filings/{filing_id}/edit/fuels"
        page_url = url + (f"?page={args.page}" if args.page > 1 else "")

        page = client.get(page_url)  # warm-up: templates compiled, reference data loaded
        gets, saves, previews = [], [], []
        size = len(page.get_data())
        drawn = rows_posted = 0
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            page = client.get(page_url)
            gets.append(time.perf_counter() - start)
            assert page.status_code == 200, (page.status_code, page.get_data(as_text=True)[:300])
            html = page.get_data(as_text=True)
            revision = re.search(r'name="revision" type="hidden" value="(\d+)"', html)
            assert revision is not None
            paged = re.search(r'name="page_start" value="(\d+)"><input type="hidden" name="page_rows" value="(\d+)"', html)
            if paged is None:  # a form drawn whole
                rows, posted = range(args.rows), None
            else:
                first, count = int(paged.group(1)), int(paged.group(2))
                rows, posted = range(first, first + count), (paged.group(1), paged.group(2))
            drawn, rows_posted = html.count("<tr data-row id=\"fuels-") - 1, len(rows)  # less the <template> row
            data = _form(rows, revision.group(1), run, posted)

            start = time.perf_counter()
            preview = client.post(url + "/preview", data=data)
            previews.append(time.perf_counter() - start)
            assert preview.status_code == 200, preview.get_data(as_text=True)[:500]

            start = time.perf_counter()
            saved = client.post(url, data=data)
            saves.append(time.perf_counter() - start)
            assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]

    print(f"fuels section, {args.rows} rows, page {args.page}: {drawn} rows drawn, {rows_posted} posted; "
          f"{args.runs} runs (page {size:,} bytes = {size / 1024:.0f} KiB):")
    print(f"  GET  page           {_median_ms(gets)}")
    print(f"  POST save (→ 302)   {_median_ms(saves)}")
    print(f"  POST preview (JSON) {_median_ms(previews)}")


if __name__ == "__main__":
    main()
