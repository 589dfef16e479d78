"""Dashboard aggregates on the demo data, by scope: every number worked by hand from portal/demo.py."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.demo import seed_demo
from portal.extensions import db
from portal.models import User, VersionMetric
from portal.services import dashboard, version_facts
from portal.services import filings as filing_service
from portal.services import review as decisions

TODAY = dt.date(2025, 6, 1)


@pytest.fixture()
def demo(db_session):  # type: ignore[no-untyped-def]
    seed_demo()
    version_facts.refresh()
    return {u.email: u for u in db.session.query(User).all()}


def _data(user: User, **kw):  # type: ignore[no-untyped-def]
    scope = dashboard.scope_for(user)
    assert scope is not None
    return dashboard.dashboard_data(scope, year=kw.get("year"), include_pending=kw.get("pending", True), today=TODAY)


def _by(rows: list[list], *keys: int) -> dict:  # type: ignore[type-arg]
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


def test_metrics_are_extracted_once(demo) -> None:  # type: ignore[no-untyped-def]
    assert db.session.query(VersionMetric).count() == 9  # the nine demo versions
    assert version_facts.refresh() == 0


def test_jiangxi_targets_as_shares_among_filers(demo) -> None:  # type: ignore[no-untyped-def]
    rows = _by(_data(demo["admin@demo.cn"])["targets"]["rows"], 0, 1)
    # cement: 萍乡 96 kgce/t at benchmark (capacity 800,000) + 赣峰 104.8 between (1,500,000) → 800/2300 = 34.8 %
    assert rows[("jx_benchmark_capacity", "cement_clinker")][2:] == [34.8, 30.0, 800000, 2300000]
    assert rows[("jx_benchmark_capacity", "flat_glass")][2:] == [100.0, 30.0, 4500000, 4500000]
    # pig iron 680,000 tce × 1000 / 1,900,000 t = 357.9 ≤ 361 → at benchmark; BOF 5 kgce/t is worse than −10
    assert rows[("jx_benchmark_capacity", "pig_iron")][2] == 100.0
    assert rows[("jx_benchmark_capacity", "bof_steel")][2:] == [0.0, 30.0, 0, 2000000]
    # (800,000 + 4,500,000 + 2,000,000) / (2,300,000 + 4,500,000 + 2,000,000 + 2,000,000) = 67.6 %
    assert rows[("jx_benchmark_capacity", "all")][2:] == [67.6, 30.0, 7300000, 10800000]
    # EAF share of crude steel output: JX 400,000 / 2,200,000 = 18.2 %; JS 800,000 / 3,800,000 = 21.1 %
    assert rows[("jx_eaf_share", "eaf_steel")][2:] == [18.2, 15.0, 400000, 2200000]
    assert rows[("js_eaf_share", "eaf_steel")][2:] == [21.1, 15.0, 800000, 3800000]


def test_accepted_only_leaves_out_submitted_versions(demo) -> None:  # type: ignore[no-untyped-def]
    rows = _by(_data(demo["admin@demo.cn"], pending=False)["targets"]["rows"], 0, 1)
    # 洪都特钢 (pig iron, BOF, EAF) is only submitted: (800,000 + 4,500,000) / (2,300,000 + 4,500,000) = 77.9 %
    assert rows[("jx_benchmark_capacity", "all")][2:] == [77.9, 30.0, 5300000, 6800000]
    assert ("jx_eaf_share", "eaf_steel") not in rows


def test_products_against_levels(demo) -> None:  # type: ignore[no-untyped-def]
    rows = _by(_data(demo["admin@demo.cn"])["products"]["rows"], 0)
    # product, unit, lines, benchmark, baseline, avg, min, max, at benchmark, between, worse
    assert rows["cement_clinker"][2:] == [2, 100.0, 117.0, 100.4, 96.0, 104.8, 1, 1, 0]  # (96 + 104.8) / 2
    assert rows["flat_glass"][2:] == [2, 8.0, 12.0, 9.0, 7.5, 10.5, 1, 1, 0]  # 30,000/4,000,000; 21,000/2,000,000
    assert rows["pig_iron"][5:] == [357.89, 357.89, 357.89, 1, 0, 0]


def test_scopes(demo) -> None:  # type: ignore[no-untyped-def]
    js = _data(demo["reviewer-js@demo.cn"])
    assert {r[0] for r in js["targets"]["rows"]} == {"js_eaf_share"}
    assert all("江苏" in r[0] or "南京" in r[0] or "苏州" in r[0] or "常州" in r[0] for r in js["status"]["rows"])
    ganzhou = _data(demo["reviewer-ganzhou@demo.cn"])
    # Ganzhou has one version: 赣峰水泥 2023 (1,067,866 t, cement clinker between the levels)
    assert [r[2:] for r in ganzhou["emissions"]["rows"]] == [[1, 1067866, 0, 1067866]]
    assert ganzhou["audit_options"]["rows"] == []
    filer_js = _data(demo["filer-js@demo.cn"])  # 南京江宁热电 (accepted) and 苏州吴中光电玻璃 (submitted)
    assert sum(r[2] for r in filer_js["emissions"]["rows"]) == 2


def test_audit_progress(demo) -> None:  # type: ignore[no-untyped-def]
    data = _data(demo["admin@demo.cn"])
    # 浔阳: listed 2023-01-15, published 02-10 (due 02-15) on time; 洪都: listed 01-10, published 03-01 (due 02-10) late
    assert _by(data["audit_deadlines"]["rows"], 0) == {
        "publish": ["publish", 1, 1, 0, 0], "start": ["start", 2, 0, 0, 0], "finish": ["finish", 2, 0, 0, 0]}
    assert data["audit_options"]["rows"] == [["no_low", 4, 4, 100.0], ["medium_high", 4, 2, 50.0]]
    assert data["audit_options"]["investment_10k_cny"] == 2 * 1840
    assert data["audit_savings"]["rows"] == [["energy_tce", 1700.0], ["co2_t", 4400.0], ["nox_t", 220.0]]


def test_a_decision_changes_the_figures(world) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import PASSWORD

    reviewer = world.users["reviewer_jx"]
    scope = dashboard.scope_for(reviewer)
    before = dashboard.dashboard_data(scope, year=2024, include_pending=False, today=TODAY)
    assert before["emissions"]["rows"] == []
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(reviewer, world.filing_a)
    version_facts.refresh()
    after = dashboard.dashboard_data(scope, year=2024, include_pending=False, today=TODAY)
    assert [r[2:] for r in after["emissions"]["rows"]] == [[1, 1067866, 0, 1067866]]
    status = _by(after["status"]["rows"], 1)["ghg_annual_report"]
    assert status[2:] == [0, 0, 0, 0, 1, 1]  # draft, submitted, resubmitted, returned, accepted, total
