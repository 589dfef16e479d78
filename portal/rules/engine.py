"""Run the rules over a document: ``evaluate``, ``check_document``, the catalogue and its parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from portal.calc.cpa import compute_cpa
from portal.calc.disclosure import compute_adhoc, compute_annual
from portal.calc.ghg import compute_ghg
from portal.domain.disclosure import EnvDisclosureAdhoc, EnvDisclosureAnnualReport
from portal.domain.documents import CleanProductionAudit, Document, GhgAnnualReport, filing_year
from portal.domain.findings import SEVERITIES, Finding
from portal.reference.types import Parameter, ReferenceData

# Importing the packs registers their rules, in catalogue order.
from . import cpa, disclosure, dsc, ent, ghg, pln, xck  # noqa: F401
from .params import Params
from .registry import (
    PROVINCES,
    REGISTRY,
    AuditRecord,
    CheckFn,
    Computed,
    Evaluation,
    PreviousReport,
    Rule,
    RuleContext,
    province_of,
)

#: The version of the rules catalogue implemented here; stored with every submitted version.
RULES_VERSION = "v1"

_FAMILIES = ("ENT", "GHG", "XCK", "PLN", "CPA", "DSC")


def _order(rule_id: str) -> tuple[int, int]:
    family, _, number = rule_id.partition("-")
    return _FAMILIES.index(family), int(number)


def rules() -> list[Rule]:
    """Return every registered rule in catalogue order."""
    return sorted(REGISTRY.values(), key=lambda r: _order(r.id))


def get_rule(rule_id: str) -> Rule:
    """Return one rule by id; raise KeyError for an unknown id."""
    return REGISTRY[rule_id]


@cache
def _rules_for(kind: str, province: str | None) -> tuple[tuple[Rule, CheckFn, str], ...]:
    """Return the implemented rules for a kind and province, each with its check and its citation there."""
    selected: list[tuple[Rule, CheckFn, str]] = []
    for entry in rules():
        check = entry.check
        if check is None or kind not in entry.kinds:
            continue
        # An enterprise outside JX/JS (an invalid region, ENT-002) gets only the rules for both provinces.
        if province is None and entry.provinces != frozenset(PROVINCES):
            continue
        if province is not None and province not in entry.provinces:
            continue
        selected.append((entry, check, entry.citation(province)))
    return tuple(selected)


def _document_year(document: Document, context: RuleContext) -> int:
    year = filing_year(document)
    return year if year is not None else context.filing_date.year


# ------------------------------------------------------------------------------------- evaluation


def evaluate(document: Document, computed: Computed, context: RuleContext) -> list[Finding]:
    """Return the findings of every applicable rule, in catalogue order.

    Rules apply by the document's kind and the enterprise's province (region-code prefix). A finding is
    ``explained`` when ``document.explanations`` holds a non-blank text under its key ("RULE-ID@path", or
    "RULE-ID" for a finding about the whole document).
    """
    province = province_of(document.enterprise.region_code)
    ev = Evaluation(context, province, _document_year(document, context))
    explanations = document.explanations
    findings: list[Finding] = []
    append = findings.append
    for entry, check, citation in _rules_for(document.kind, province):
        for path, message_zh, message_en in check(document, computed, ev):
            explained = False
            if explanations:
                text = explanations.get(f"{entry.id}@{path}" if path else entry.id)
                explained = bool(text and text.strip())
            append(Finding(entry.id, entry.severity, path, message_zh, message_en, citation, explained))
    return findings


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """Hold what ``portal check``, the web services and the importer get: computed results and findings."""

    computed: Computed
    findings: list[Finding]

    def by_severity(self, severity: str) -> list[Finding]:
        """Return the findings of one severity."""
        return [f for f in self.findings if f.severity == severity]

    @property
    def has_errors(self) -> bool:
        """Return whether some finding is an error (blocks submission; ``portal check`` exits 1)."""
        return any(f.severity == "error" for f in self.findings)

    @property
    def unexplained_warnings(self) -> list[Finding]:
        """Return the warnings that still need the filer's written explanation before submission."""
        return [f for f in self.findings if f.severity == "warning" and not f.explained]

    @property
    def can_submit(self) -> bool:
        """Return whether nothing blocks submission: no error and every warning explained."""
        return not self.has_errors and not self.unexplained_warnings

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity."""
        out: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out


def _previous_report(previous: Any, ref: ReferenceData) -> PreviousReport | None:
    if previous is None or isinstance(previous, PreviousReport):
        return previous
    if isinstance(previous, GhgAnnualReport):
        return PreviousReport(previous, compute_ghg(previous, ref))
    if isinstance(previous, tuple) and len(previous) == 2:
        return PreviousReport(*previous)
    raise TypeError(f"previous must be a GHG report, a PreviousReport or None, not {type(previous).__name__}")


def compute(document: Document, ref: ReferenceData) -> Computed:
    """Return the computed results of a document of any kind."""
    if isinstance(document, GhgAnnualReport):
        return compute_ghg(document, ref)
    if isinstance(document, CleanProductionAudit):
        return compute_cpa(document, ref)
    if isinstance(document, EnvDisclosureAnnualReport):
        return compute_annual(document, ref)
    if isinstance(document, EnvDisclosureAdhoc):
        return compute_adhoc(document, ref)
    raise TypeError(f"not a document: {type(document).__name__}")  # a programming error


def check_document(
    document: Document,
    ref: ReferenceData,
    *,
    previous: GhgAnnualReport | PreviousReport | None = None,
    audit_history: Sequence[int | AuditRecord] | None = None,
    filing_date: dt.date | None = None,
    today: dt.date | None = None,
    submitted: bool = False,
    due_dates: Mapping[str, dt.date] | None = None,
) -> CheckOutcome:
    """Compute a document and run the rules over it.

    ``previous`` is the enterprise's previous accepted GHG report (a document is computed here; pass a
    :class:`PreviousReport` to reuse its stored results). ``filing_date`` is the submission date
    (``submitted=True``), or today for a draft. ``due_dates`` are deadlines extended for the enterprise.
    """
    today = today or dt.date.today()
    computed = compute(document, ref)
    context = RuleContext(
        ref=ref,
        previous=_previous_report(previous, ref),
        audit_history=audit_history,
        filing_date=filing_date or today,
        today=today,
        submitted=submitted,
        due_dates=dict(due_dates or {}),
    )
    return CheckOutcome(computed, evaluate(document, computed, context))


# -------------------------------------------------------------------------------------- catalogue


def rule_catalogue() -> list[dict[str, Any]]:
    """Return the metadata of every rule, in catalogue order, for the public catalogue page."""
    return [
        {
            "id": r.id,
            "severity": r.severity,
            "kinds": sorted(r.kinds),
            "scope": r.scope,
            "title_zh": r.title_zh,
            "title_en": r.title_en,
            "checks_zh": r.checks_zh,
            "checks_en": r.checks_en,
            "basis": r.basis_text(),
            "basis_by_province": dict(r.basis),
            "parameters": list(r.params),
            "industries_zh": r.industries_zh,
            "industries_en": r.industries_en,
            "implemented": r.implemented,
            "note_zh": r.note_zh,
            "note_en": r.note_en,
            "rules_version": RULES_VERSION,
        }
        for r in rules()
    ]


def parameters_for(rule_id: str, ref: ReferenceData, year: int) -> list[Parameter]:
    """Return the parameters rule ``rule_id`` reads, as in force for reporting ``year``."""
    entry = get_rule(rule_id)
    view = Params(ref, year)
    return [ref.param(key, view.year) for key in entry.params]
