"""The public rules catalogue lists every rule with its basis and parameters."""

from __future__ import annotations

import re

from tests.catalogue_expectations import CATALOGUE, expected_rules


def test_catalogue_is_public_and_lists_every_rule(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/rules")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ids = re.findall(r'<article class="card" id="([A-Z]{3}-\d{3})"', page)
    assert len(ids) == len(set(ids)) >= 50
    if CATALOGUE.exists():
        # the amended catalogue's rows (GHG-015/016 once the integrator registers them) and the new PLN rules
        assert set(expected_rules(set(ids))) == set(ids)
    assert "《江西省减污降碳协同增效实施方案》" in page and "《江苏省减污降碳协同增效实施方案》" in page
    assert "GHG-007.tolerance" in page


def test_catalogue_shows_a_quoted_plan_clause(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/rules").get_data(as_text=True)
    section = page[page.index('id="PLN-001"'):]
    assert "县级及以上城市建成区不再审批35蒸吨/小时及以下燃煤锅炉" in section[:3000]
