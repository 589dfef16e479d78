"""Administrators correct reference values (audited); the web portal then computes with them."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry
from portal.services import checking
from portal.services.filings import draft_document
from portal.services.reference import current_reference
from tests.conftest import login


def test_reference_page_lists_values_and_marks_unconfirmed_ones(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    page = client.get("/admin/reference").get_data(as_text=True)
    assert "烟煤" in page and "mee-2024" in page and "ndrc-2015" in page
    assert "U 未确认" in page  # e.g. the 2024 grid factor and the power-generation high default
    assert "grid_factor" in page and "水泥熟料" in page


def test_a_correction_is_audited_and_used_by_the_portal(client, world) -> None:  # type: ignore[no-untyped-def]
    before = checking.run(draft_document(world.filing_a), filing=world.filing_a).computed
    assert before.combustion_tco2 == Decimal("347053.35")
    login(client, "admin@test.cn")
    response = client.post("/admin/reference", data={
        "target": "fuel", "code": "bituminous", "scope": "mee-2024", "field": "carbon_content",
        "value": "0.02700", "status": "C", "reason": "测试：核算指南勘误"})
    assert response.status_code == 302
    assert current_reference().fuel("bituminous", "mee-2024").carbon_content == Decimal("0.027")
    after = checking.run(draft_document(world.filing_a), filing=world.filing_a).computed
    # 160000 × 22.8 = 3,648,000 GJ; × 0.027 × 0.99 = 97,511.04 tC; × 44/12 = 357,540.48; + diesel 371.51 = 357,911.99
    assert after.fuels[0].emission_tco2 == Decimal("357540.48")
    assert after.combustion_tco2 == Decimal("357911.99")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reference.correct"))
    assert json.loads(entry.before_json)["value"] == 0.02618
    assert json.loads(entry.after_json)["value"] == "0.02700"


def test_a_parameter_can_be_set_from_a_reporting_year(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    response = client.post("/admin/reference", data={
        "target": "param", "code": "grid_factor", "scope": "2024", "field": "value",
        "value": "0.5366", "status": "C", "reason": "测试：2024 年度因子"})
    assert response.status_code == 302
    ref = current_reference()
    assert ref.value("grid_factor", 2024) == Decimal("0.5366")
    assert ref.value("grid_factor", 2023) == Decimal("0.5703")  # earlier years keep theirs
    computed = checking.run(draft_document(world.filing_a), filing=world.filing_a).computed
    assert computed.electricity_tco2 == Decimal("52586.80")  # 98000 × 0.5366


def test_bad_corrections_are_refused_with_a_message(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    page = client.post("/admin/reference", data={
        "target": "fuel", "code": "bituminous", "scope": "mee-2024", "field": "ncv",
        "value": "abc", "status": "C", "reason": "x"}).get_data(as_text=True)
    assert "不是有效数值" in page
    assert current_reference().fuel("bituminous", "mee-2024").ncv == Decimal("23.736")


def test_every_unconfirmed_value_shows_as_u_on_the_reference_page(client, world) -> None:  # type: ignore[no-untyped-def]
    """Each value marked U in the data files carries the U badge on its row (reference-data.md: "mark it")."""
    ref = current_reference()
    unconfirmed = (
        sum(f.status == "U" for f in ref.all_fuels())
        + sum(p.status == "U" for p in ref.all_processes())
        + sum(level.status == "U" for p in ref.all_products() for level in p.levels)
        + sum(p.status == "U" for p in ref.all_params())
        + sum(mapping[3] == "U" for mapping in ref.edition_mappings())
    )
    login(client, "admin@test.cn")
    page = client.get("/admin/reference").get_data(as_text=True)
    assert unconfirmed > 20  # grid factors 2024–2026, the power high default, biomass, most product levels …
    assert page.count("U 未确认") == unconfirmed
    # a band whose official level was not found says so instead of a number
    assert "无水平" in page and "兰炭（半焦）" in page


def test_a_product_band_is_corrected_on_its_own(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    response = client.post("/admin/reference", data={
        "target": "product", "code": "ammonia", "scope": "coal_powder", "field": "baseline",
        "value": "1500", "status": "C", "reason": "测试：核对官方表"})
    assert response.status_code == 302
    ammonia = current_reference().product("ammonia")
    assert ammonia.level("coal_powder").baseline == Decimal(1500) and ammonia.level("coal_powder").status == "C"
    assert ammonia.level("natural_gas").baseline == Decimal(1200)  # the other bands keep theirs
