"""Build rule-test documents from the worked examples and run the rules over them.

Each test takes a fresh copy of a worked example, changes a field or two (the dataclasses are mutable)
and asserts that a rule fires — id, severity, path — or stays silent.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from portal.domain.codec import document_from_json
from portal.domain.documents import (
    Boiler,
    CleanProductionAudit,
    GeneratingUnit,
    GhgAnnualReport,
    Kiln,
    ProductLine,
)
from portal.domain.findings import Finding
from portal.reference.files import default_reference
from portal.reference.types import Parameter, ReferenceData
from portal.rules import AuditRecord, CheckOutcome, PreviousReport, check_document

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "examples"
if not EXAMPLES.exists():  # a checkout without shared/ beside it: the copies shipped as demo data
    EXAMPLES = ROOT / "portal" / "demo_data"

GHG_EXAMPLE = "ghg-jx-cement-2024.json"
CPA_EXAMPLE = "cpa-jx-cement-2023.json"
#: Filing dates at which the worked examples are on time (GHG 2024 due 2025-03-31).
GHG_FILED = dt.date(2025, 3, 10)
CPA_FILED = dt.date(2024, 9, 1)
#: A Jiangsu region code (无锡市) for the scope tests; the USCC's region digits are not checked.
JS_REGION = "320200"
JX_REGION = "360700"


@cache
def _example(name: str) -> GhgAnnualReport | CleanProductionAudit:
    return document_from_json((EXAMPLES / name).read_bytes())


def ghg_doc(**changes: Any) -> GhgAnnualReport:
    """Return a fresh copy of the Jiangxi cement GHG report (2024), with top-level fields changed."""
    doc = copy.deepcopy(_example(GHG_EXAMPLE))
    assert isinstance(doc, GhgAnnualReport)
    for name, value in changes.items():
        setattr(doc, name, value)
    return doc


def cpa_doc(**changes: Any) -> CleanProductionAudit:
    """Return a fresh copy of the voluntary audit of the same plant, with top-level fields changed."""
    doc = copy.deepcopy(_example(CPA_EXAMPLE))
    assert isinstance(doc, CleanProductionAudit)
    for name, value in changes.items():
        setattr(doc, name, value)
    return doc


def in_jiangsu(doc: Any) -> Any:
    """Move the enterprise to Jiangsu (region 32xxxx) and return the document."""
    doc.enterprise.region_code = JS_REGION
    return doc


def small_emitter(year: int = 2024) -> GhgAnnualReport:
    """Return the cement report scaled down below the national-ETS threshold (direct ≈ 16,000 tCO2)."""
    doc = ghg_doc(reporting_year=year)
    doc.fuels[0].consumption = D(5000)
    doc.processes[0].activity = D(10000)
    doc.products[0].output = D(10000)
    doc.products[0].capacity = D(12000)
    doc.products[0].energy_tce = D(1048)
    doc.electricity.purchased_mwh = D(800)
    doc.energy_total_tce = None
    doc.permit.coal_t = D(5000)
    return doc


def power_plant() -> GhgAnnualReport:
    """Return the report turned into a coal power plant (4411) with unmeasured carbon content."""
    doc = ghg_doc()
    doc.enterprise.industry_code = "4411"
    doc.processes = []
    doc.products = [ProductLine(product="electricity", output=D(400000), primary=True)]
    doc.energy_total_tce = None
    return doc


def boiler(**fields: Any) -> Boiler:
    """Return a coal boiler of 20 t/h in a built-up area commissioned in 2022, with fields changed."""
    values: dict[str, Any] = {
        "id": "1#炉", "fuel": "coal", "capacity_tph": D(20), "commissioned": dt.date(2022, 1, 10),
        "in_built_up_area": True, "ultra_low_emission": False, "low_nox": False,
    }
    values.update(fields)
    return Boiler(**values)


def captive_unit(**fields: Any) -> GeneratingUnit:
    """Return a self-owned coal unit of 50 MW commissioned 2022-06-01, with fields changed."""
    values: dict[str, Any] = {
        "id": "1#机", "fuel": "coal", "capacity_mw": D(50), "self_owned": True,
        "commissioned": dt.date(2022, 6, 1), "generation_mwh": D(200000),
    }
    values.update(fields)
    return GeneratingUnit(**values)


def coal_unit(**fields: Any) -> GeneratingUnit:
    """Return a public coal unit of 350 MW commissioned in 2010 that supplies no heat, with fields changed."""
    values: dict[str, Any] = {
        "id": "3#机", "fuel": "coal", "capacity_mw": D(350), "self_owned": False,
        "commissioned": dt.date(2010, 6, 1), "generation_mwh": D(1800000),
    }
    values.update(fields)
    return GeneratingUnit(**values)


def kiln(**fields: Any) -> Kiln:
    """Return a coal-fired ceramic kiln commissioned 2022-09-29 without deep treatment, with fields changed."""
    values: dict[str, Any] = {
        "id": "1#窑", "kind": "ceramic", "fuel": "coal", "commissioned": dt.date(2022, 9, 29),
        "deep_treatment": False,
    }
    values.update(fields)
    return Kiln(**values)


# ------------------------------------------------------------------------------------------ running


def run(
    doc: Any,
    *,
    previous: GhgAnnualReport | PreviousReport | None = None,
    audit_history: Sequence[int | AuditRecord] | None = None,
    filing_date: dt.date | None = None,
    ref: ReferenceData | None = None,
    submitted: bool = True,
) -> CheckOutcome:
    """Compute and check a document submitted at a filing date on which the worked example is on time.

    ``submitted=False`` checks it as a draft on that day (GHG-014 then speaks of a draft).
    """
    if filing_date is None:
        filing_date = GHG_FILED if isinstance(doc, GhgAnnualReport) else CPA_FILED
    return check_document(
        doc, ref or default_reference(), previous=previous, audit_history=audit_history,
        filing_date=filing_date, today=filing_date, submitted=submitted,
    )


def of_rule(findings: Iterable[Finding], rule: str) -> list[Finding]:
    """Return the findings of one rule."""
    return [f for f in findings if f.rule == rule]


def fires(doc: Any, rule: str, severity: str, path: str, **context: Any) -> Finding:
    """Assert that ``rule`` fires with ``severity`` at ``path``; return that finding."""
    findings = run(doc, **context).findings
    found = [f for f in of_rule(findings, rule) if f.path == path]
    assert found, f"{rule} did not fire at {path!r}; got {[(f.rule, f.path) for f in findings]}"
    assert found[0].severity == severity
    assert found[0].message_zh and found[0].message_en and found[0].citation
    return found[0]


def silent(doc: Any, rule: str, **context: Any) -> None:
    """Assert that ``rule`` does not fire."""
    found = of_rule(run(doc, **context).findings, rule)
    assert not found, f"{rule} fired: {[(f.path, f.message_en) for f in found]}"


# --------------------------------------------------------------------------- versioned parameters


class OverriddenReference:
    """Wrap a reference and add parameter versions on top of it (for year-versioning tests)."""

    def __init__(self, base: ReferenceData, extra: Iterable[Parameter]) -> None:
        self._base = base
        self._extra: dict[str, list[Parameter]] = {}
        for param in extra:
            self._extra.setdefault(param.key, []).append(param)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def param(self, key: str, year: int) -> Parameter:
        candidates = [p for p in self._extra.get(key, []) if p.from_year <= year]
        try:
            base = self._base.param(key, year)
        except LookupError:
            base = None
        if base is not None:
            candidates.append(base)
        if not candidates:
            raise KeyError(key)
        return max(candidates, key=lambda p: p.from_year)

    def value(self, key: str, year: int) -> Any:
        return self.param(key, year).value


def with_params(*params: Parameter) -> OverriddenReference:
    """Return the default reference with extra parameter versions."""
    return OverriddenReference(default_reference(), params)
