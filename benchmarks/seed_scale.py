"""Insert N realistic filings with their versions, for benchmarks of the review queue and the dashboard.

Enterprises are spread over the real region codes of Jiangxi and Jiangsu and the benchmark industries;
each has GHG reports and clean-production audits of several years in every status (drafts have no
version; returned, resubmitted and accepted ones have one to three). Documents are the worked examples
with the enterprise, the year and the quantities changed, and their computed results are really computed;
findings are the examples' own plus a few drawn from the catalogue, so the queue has counts and rule ids
to filter on. Rows go in with bulk INSERTs (seconds for 10,000 filings), bypassing the services on
purpose: the services' one-at-a-time audit entries are not what is being measured.

Use from a benchmark or a test, inside an app context on a migrated database::

    from benchmarks.seed_scale import seed
    result = seed(10_000)

Or: ``DATABASE_URL=... .venv/bin/python benchmarks/seed_scale.py 10000`` (commits).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal.calc import compute_ghg  # noqa: E402
from portal.calc.cpa import compute_cpa  # noqa: E402
from portal.domain.codec import canonical_json, document_from_json, dumps, sha256_text  # noqa: E402
from portal.domain.codes import regions, uscc_check_character  # noqa: E402
from portal.domain.documents import CleanProductionAudit, GhgAnnualReport  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Enterprise, Filing, FilingVersion, QueueSummary, RuleHit, User  # noqa: E402
from portal.rules import RULES_VERSION, check_document  # noqa: E402
from portal.rules.registry import REGISTRY  # noqa: E402
from portal.services import accounts  # noqa: E402
from portal.services.filings import CERTIFICATION_STATEMENT_EN, CERTIFICATION_STATEMENT_ZH  # noqa: E402
from portal.services.reference import current_reference  # noqa: E402
from portal.services.versions import summary_values  # noqa: E402

DEMO = ROOT / "portal" / "demo_data"
YEARS = (2021, 2022, 2023, 2024)
KINDS = ("ghg_annual_report", "clean_production_audit")
# (status, weight): roughly a late March — most reports in, some under review, some drafts overdue.
STATUSES = (("draft", 20), ("submitted", 25), ("returned", 10), ("resubmitted", 10), ("accepted", 35))
# Benchmark industries (reference-data.md §4) with the share of enterprises in each.
INDUSTRIES = (("3011", 20), ("3041", 6), ("3110", 6), ("3120", 8), ("2521", 4), ("3216", 4), ("2511", 5),
              ("2614", 3), ("2621", 4), ("2619", 2), ("2612", 3), ("3071", 8), ("3072", 3), ("4411", 16),
              ("4412", 8))
NAME_PARTS = ("赣江", "鄱阳", "庐山", "井冈", "洪都", "金陵", "太湖", "姑苏", "淮海", "运河", "长江", "紫金")
SUFFIX = {"3011": "水泥", "3041": "玻璃", "3110": "炼铁", "3120": "钢铁", "2521": "焦化", "3216": "铝业",
          "2511": "石化", "2614": "化工", "2621": "化肥", "2619": "电石", "2612": "氯碱", "3071": "陶瓷",
          "3072": "卫浴", "4411": "发电", "4412": "热电"}
SEED_EMAIL = "seed-signatory@scale.test"


@dataclass(frozen=True)
class SeedResult:
    """Report what :func:`seed` inserted."""

    enterprises: int
    filings: int
    versions: int
    by_status: dict[str, int]


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _uscc(number: int, region_code: str) -> str:
    """Return a valid unified social credit code (GB 32100-2015 check character) for enterprise ``number``."""
    first17 = f"91{region_code}{number:09d}"
    check = uscc_check_character(first17)
    if check is None:
        raise ValueError(first17)
    return first17 + check


def _scaled(value: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if value is None else (value * factor).quantize(Decimal("1"))


def _ghg(template: GhgAnnualReport, profile: Any, year: int, factor: Decimal) -> GhgAnnualReport:
    return dataclasses.replace(
        template, reporting_year=year, enterprise=profile,
        fuels=[dataclasses.replace(f, consumption=_scaled(f.consumption, factor)) for f in template.fuels],
        processes=[dataclasses.replace(p, activity=_scaled(p.activity, factor)) for p in template.processes],
        products=[dataclasses.replace(p, output=_scaled(p.output, factor), capacity=_scaled(p.capacity, factor),
                                      energy_tce=_scaled(p.energy_tce, factor)) for p in template.products],
        electricity=dataclasses.replace(template.electricity,
                                        purchased_mwh=_scaled(template.electricity.purchased_mwh, factor)),
        energy_total_tce=_scaled(template.energy_total_tce, factor),
    )


def seed(n: int, *, rng_seed: int = 8, commit: bool = False) -> SeedResult:
    """Insert ``n`` filings (with enterprises, versions and queue summaries) and return what was inserted."""
    rng = random.Random(rng_seed)
    ref = current_reference()
    ghg = document_from_json((DEMO / "ghg-jx-cement-2024.json").read_text("utf-8"))
    cpa = document_from_json((DEMO / "cpa-jx-cement-2023.json").read_text("utf-8"))
    assert isinstance(ghg, GhgAnnualReport) and isinstance(cpa, CleanProductionAudit)
    base_findings = {
        kind: [f.as_dict() for f in check_document(doc, ref, filing_date=dt.date(2025, 3, 1)).findings
               if f.severity != "error"]
        for kind, doc in (("ghg_annual_report", ghg), ("clean_production_audit", cpa))
    }
    extra_rules = {kind: [r for r in REGISTRY.values() if kind in r.kinds and r.severity != "error"]
                   for kind in KINDS}
    signatory = db.session.scalar(select(User).where(User.email == SEED_EMAIL)) or accounts.create_user(
        None, email=SEED_EMAIL, name="规模测试签字人", password="seed-scale-not-for-login")
    counties = [r.code for r in regions() if r.level == "county" and r.current]
    first = (db.session.scalar(select(func.max(Enterprise.id))) or 0) + 1

    per_enterprise = len(KINDS) * len(YEARS)
    n_enterprises = (n + per_enterprise - 1) // per_enterprise
    enterprise_rows, filing_rows = [], []
    for i in range(n_enterprises):
        number = first + i
        region = rng.choice(counties)
        industry = _weighted(rng, INDUSTRIES)
        uscc = _uscc(number, region)
        name = f"{rng.choice(NAME_PARTS)}{SUFFIX[industry]}{number}号有限公司"
        enterprise_rows.append({"uscc": uscc, "name": name, "region_code": region, "industry_code": industry,
                                "permit_number": uscc + "001P", "is_key_emitter": True,
                                "is_key_pollutant_discharger": rng.random() < 0.6, "is_listed": rng.random() < 0.1})
    db.session.execute(insert(Enterprise), enterprise_rows)
    ids = dict(db.session.execute(select(Enterprise.uscc, Enterprise.id).where(
        Enterprise.uscc.in_([e["uscc"] for e in enterprise_rows]))).all())

    now = dt.datetime(2025, 3, 20, 9, 0, tzinfo=dt.UTC)
    planned = []
    for e in enterprise_rows:
        for kind in KINDS:
            for year in YEARS:
                if len(planned) < n:
                    planned.append((e, kind, year))
    by_status: dict[str, int] = {}
    version_plan = []
    for e, kind, year in planned:
        status = _weighted(rng, STATUSES)
        by_status[status] = by_status.get(status, 0) + 1
        versions = {"draft": 0, "submitted": 1, "returned": rng.choice((1, 2)), "resubmitted": rng.choice((2, 3)),
                    "accepted": rng.choice((1, 1, 2))}[status]
        profile = dataclasses.replace(ghg.enterprise, name=e["name"], uscc=e["uscc"], region_code=e["region_code"],
                                      industry_code=e["industry_code"], permit_number=e["permit_number"])
        factor = Decimal(rng.randint(50, 200)) / 100
        if kind == "ghg_annual_report":
            document: Any = _ghg(ghg, profile, year, factor)
            computed = compute_ghg(document, ref).check_block()
        else:
            document = dataclasses.replace(cpa, enterprise=profile, baseline_year=year - 1,
                                           permit_number=e["permit_number"])
            computed = compute_cpa(document, ref).check_block()
        text = canonical_json(document)
        submitted = now - dt.timedelta(days=(2024 - year) * 365 + rng.randint(0, 80), minutes=rng.randint(0, 600))
        filing_rows.append({
            "enterprise_id": ids[e["uscc"]], "kind": kind, "year": year, "status": status, "draft_json": text,
            "revision": 1, "current_version": versions, "last_submitted_at": submitted if versions else None,
            "accepted_at": submitted + dt.timedelta(days=10) if status == "accepted" else None,
        })
        findings = list(base_findings[kind])
        for r in rng.sample(extra_rules[kind], k=rng.choice((0, 0, 1, 2, 3))):
            findings.append({"rule": r.id, "severity": r.severity, "path": "", "message_zh": r.title_zh,
                             "message_en": r.title_en, "citation": r.citation(None), "explained": True})
        version_plan.append((versions, text, dumps(computed), findings, submitted))
    db.session.execute(insert(Filing), filing_rows)
    filing_ids = {(r.enterprise_id, r.kind, r.year): r.id for r in db.session.execute(
        select(Filing.enterprise_id, Filing.kind, Filing.year, Filing.id).where(
            Filing.enterprise_id.in_(list(ids.values())))).all()}

    version_rows, summary_rows, hit_rows = [], [], []
    statement = CERTIFICATION_STATEMENT_ZH + "\n" + CERTIFICATION_STATEMENT_EN
    for row, (versions, text, computed_json, findings, submitted) in zip(filing_rows, version_plan, strict=True):
        filing_id = filing_ids[(row["enterprise_id"], row["kind"], row["year"])]
        digest = sha256_text(text)
        for number in range(1, versions + 1):
            version_rows.append({
                "filing_id": filing_id, "number": number, "canonical_json": text, "sha256": digest,
                "computed_json": computed_json, "findings_json": dumps(findings), "rules_version": RULES_VERSION,
                "certified_by_id": signatory.id, "certification_statement": statement,
                "submitted_at": submitted - dt.timedelta(days=7 * (versions - number)),
            })
        if versions:
            values = summary_values(findings)
            summary_rows.append({"filing_id": filing_id, "version_number": versions, "rejected": 0, **values})
            hit_rows.extend({"filing_id": filing_id, "rule_id": r} for r in values["rule_ids"].split())
    for table, rows in ((FilingVersion, version_rows), (QueueSummary, summary_rows), (RuleHit, hit_rows)):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[start:start + 2000])
    db.session.flush()
    if commit:
        db.session.commit()
    return SeedResult(enterprises=len(enterprise_rows), filings=len(filing_rows), versions=len(version_rows),
                      by_status=by_status)


def main() -> None:
    """Seed the database of $DATABASE_URL with N filings (default 10,000) and commit."""
    import time

    from portal import create_app

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        result = seed(n, commit=True)
        print(f"{result} in {time.perf_counter() - started:.1f} s")
        print(json.dumps(result.by_status))


if __name__ == "__main__":
    main()
