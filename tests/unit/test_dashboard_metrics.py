"""The figures the dashboard extracts from a version: hand-worked from the worked examples."""

from __future__ import annotations

import datetime as dt
import json

from portal.calc import compute_ghg
from portal.calc.cpa import compute_cpa
from portal.domain.codec import document_from_json, dumps
from portal.reference import default_reference
from portal.services.dashboard import extract_metrics
from tests.helpers import example_text


def _pair(name: str, compute):  # type: ignore[no-untyped-def]
    text = example_text(name)
    return json.loads(text), json.loads(dumps(compute(document_from_json(text)).check_block()))


def test_ghg_example_figures() -> None:
    document, computed = _pair("ghg-jx-cement-2024.json", lambda d: compute_ghg(d, default_reference()))
    metric, products = extract_metrics("ghg_annual_report", document, computed)
    # 347053.35 + 664922.90 + 55889.40 = 1067865.65 → 1067866; 1067866 / 1,250,000 t clinker = 0.8543
    assert metric == {"total_tco2": 1067866.0, "carbon_intensity": 0.8543, "primary_product": "cement_clinker"}
    # 131,000 tce × 1000 / 1,250,000 t = 104.8 kgce/t
    assert products == [{"product": "cement_clinker", "output": 1250000.0, "capacity": 1500000.0,
                         "unit_energy": 104.8}]


def test_audit_example_figures() -> None:
    document, computed = _pair("cpa-jx-cement-2023.json", lambda d: compute_cpa(d, default_reference()))
    metric, products = extract_metrics("clean_production_audit", document, computed)
    assert products == []
    # F1, F2 no/low-cost, both implemented; Z1 (implemented) and Z2 (feasible) medium/high-cost
    assert (metric["options_no_low"], metric["implemented_no_low"]) == (2, 2)
    assert (metric["options_medium_high"], metric["implemented_medium_high"]) == (2, 1)
    assert metric["investment_10k_cny"] == 8 + 2 + 480 + 1350
    # implemented savings: energy 600 + 250; CO2 1550 + 650 + 0; NOx 110 (Z2 is not implemented)
    assert (metric["saving_energy_tce"], metric["saving_co2_t"], metric["saving_nox_t"]) == (850, 2200, 110)
    assert metric["saving_so2_t"] is None
    # voluntary audit: no list date, so no deadlines; finished = assessment passed 2023-11-20
    assert metric["publish_due"] is None and metric["finish_done"] == dt.date(2023, 11, 20)
    assert metric["start_done"] == dt.date(2023, 3, 1)
