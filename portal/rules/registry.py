"""The rule registry, the evaluation context and what a rule's check function sees.

Each rule's description (severity, kinds, provinces, texts, basis, parameters) is data, in
``catalogue.toml``; a rule pack (``ent``, ``ghg``, ``xck``, ``pln``, ``cpa``, ``dsc``, ``disclosure``) registers
its check under the rule's id with the :func:`rule` decorator. A check function receives the document, its computed results and an
:class:`Evaluation` and yields :data:`Hit` tuples ``(path, message_zh, message_en)``; the engine turns
them into :class:`~portal.domain.findings.Finding` objects with the rule's id, severity and citation,
so a check builds its messages only when something fires.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from portal.calc.results import AdhocDisclosureComputed, AnnualDisclosureComputed, CpaComputed, GhgComputed
from portal.domain.documents import KINDS, GhgAnnualReport
from portal.domain.findings import SEVERITIES, Severity
from portal.reference.types import FuelFactor, ProductRef, ReferenceData

from .citations import resolve_basis
from .params import Params

JX = "JX"
JS = "JS"
PROVINCES = (JX, JS)
#: Scope by the enterprise's region code (rules-catalogue.md: JX = 36xxxx, JS = 32xxxx).
PROVINCE_PREFIXES = {"36": JX, "32": JS}

Hit = tuple[str, str, str]  # (path, message_zh, message_en)
Computed = GhgComputed | CpaComputed | AnnualDisclosureComputed | AdhocDisclosureComputed
_T = TypeVar("_T")
CheckFn = Callable[[Any, Any, "Evaluation"], Iterable[Hit]]


def province_of(region_code: str | None) -> str | None:
    """Return "JX" or "JS" for a region code by its prefix, or None when it is neither."""
    if not region_code:
        return None
    return PROVINCE_PREFIXES.get(region_code[:2])


# ----------------------------------------------------------------------------------------- context


@dataclass(frozen=True, slots=True)
class PreviousReport:
    """Hold the enterprise's previous accepted GHG report and its computed results (GHG-008/011, PLN-005)."""

    document: GhgAnnualReport
    computed: GhgComputed


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """Hold one accepted clean-production audit of the enterprise (CPA-001, CPA-011)."""

    year: int  # year the audit was completed (验收 or 评估 passed)
    audit_type: str | None = None  # "mandatory" / "voluntary"
    completed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Hold what the rules need besides the document: reference data, history and the dates.

    ``previous`` is the previous accepted GHG report (None: the year-over-year rules do not run).
    ``audit_history`` lists the enterprise's accepted audits (years or :class:`AuditRecord`); None means
    "use the document's ``last_audit_year``". ``filing_date`` is the submission date, or today for a
    draft (deadline rules GHG-014, CPA-002…004 compare against it); ``today`` is the day of the check;
    ``submitted`` says which of the two ``filing_date`` is.
    """

    ref: ReferenceData
    previous: PreviousReport | None = None
    audit_history: Sequence[int | AuditRecord] | None = None
    filing_date: dt.date = field(default_factory=dt.date.today)
    today: dt.date = field(default_factory=dt.date.today)
    #: the document is being (or was) submitted on ``filing_date``; False for a draft checked today —
    #: a deadline rule then says "due …, not yet submitted", never a submission that has not happened
    submitted: bool = False
    #: due dates extended for this enterprise, by obligation (``"ghg_annual_report"``): they replace the
    #: reference data's deadline in the deadline rules (GHG-014) for this document only (issue 18 item 3)
    due_dates: Mapping[str, dt.date] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class Rule:
    """Describe one catalogue rule: identity, severity, scope, texts, basis, parameters and check."""

    id: str
    severity: Severity
    kinds: frozenset[str]
    provinces: frozenset[str]  # the provinces it applies to (both = "all")
    title_zh: str
    title_en: str
    checks_zh: str
    checks_en: str
    #: citation text: one for every province ("all"), or one per province ("JX", "JS")
    basis: dict[str, str]
    params: tuple[str, ...] = ()
    industries_zh: str | None = None  # industry scope, when the rule is limited to some industries
    industries_en: str | None = None
    check: CheckFn | None = None
    note_zh: str | None = None
    note_en: str | None = None

    @property
    def implemented(self) -> bool:
        """Return whether the rule has a check in this rules version."""
        return self.check is not None

    @property
    def scope(self) -> str:
        """Return "all", "JX" or "JS" as written in the catalogue."""
        return "all" if self.provinces == frozenset(PROVINCES) else next(iter(self.provinces))

    def citation(self, province: str | None) -> str:
        """Return the citation for an enterprise of ``province`` (the full basis when unknown)."""
        if "all" in self.basis:
            return self.basis["all"]
        for key, text in self.basis.items():
            if key == province:
                return text
        return self.basis_text()

    def basis_text(self) -> str:
        """Return the whole basis, labelled by province where it differs."""
        if "all" in self.basis:
            return self.basis["all"]
        labels = {JX: "江西", JS: "江苏"}
        return "；".join(f"{labels[p]}：{text}" for p, text in self.basis.items())


REGISTRY: dict[str, Rule] = {}
_ENTRY_KEYS = frozenset({"pack", "severity", "kinds", "provinces", "title", "checks", "basis", "params",
                         "industries", "note"})


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Return the entries of ``catalogue.toml`` (each rule's severity, scope, texts and basis) by rule id."""
    with Path(__file__).with_name("catalogue.toml").open("rb") as handle:
        return tomllib.load(handle)


def _pair(entry: Mapping[str, Any], key: str, rule_id: str) -> tuple[str, str] | None:
    """Return a [Chinese, English] pair of the entry, or None when it has none."""
    value = entry.get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(text, str) for text in value)):
        raise ValueError(f"catalogue.toml: {rule_id}.{key} is not [Chinese, English]")
    return value[0], value[1]


def _rule_from_entry(rule_id: str, entry: Mapping[str, Any], check: CheckFn) -> Rule:
    """Build the rule ``rule_id`` from its catalogue entry; raise ValueError naming what is wrong."""
    unknown = set(entry) - _ENTRY_KEYS
    kinds, provinces = frozenset(entry.get("kinds", ())), frozenset(entry.get("provinces", PROVINCES))
    title, checks = _pair(entry, "title", rule_id), _pair(entry, "checks", rule_id)
    problems = [
        f"unknown keys {sorted(unknown)}" if unknown else "",
        "" if entry.get("severity") in SEVERITIES else f"severity {entry.get('severity')!r}",
        "" if kinds and kinds <= frozenset(KINDS) else f"kinds {sorted(kinds)}",
        "" if provinces and provinces <= frozenset(PROVINCES) else f"provinces {sorted(provinces)}",
        "" if title and checks else "title and checks are required",
        "" if check.__module__.rpartition(".")[2] == entry.get("pack") else f"its check is in {check.__module__}",
    ]
    if any(problems):
        raise ValueError(f"catalogue.toml: {rule_id}: " + "; ".join(p for p in problems if p))
    assert title is not None and checks is not None  # checked above
    industries, note = _pair(entry, "industries", rule_id), _pair(entry, "note", rule_id)
    return Rule(
        id=rule_id,
        severity=entry["severity"],
        kinds=kinds,
        provinces=provinces,
        title_zh=title[0],
        title_en=title[1],
        checks_zh=checks[0],
        checks_en=checks[1],
        basis=resolve_basis(entry["basis"]),
        params=tuple(entry.get("params", ())),
        industries_zh=industries[0] if industries else None,
        industries_en=industries[1] if industries else None,
        check=check,
        note_zh=note[0] if note else None,
        note_en=note[1] if note else None,
    )


def rule(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check of rule ``rule_id``, described in ``catalogue.toml``."""

    def register(check: CheckFn) -> CheckFn:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        entry = catalogue().get(rule_id)
        if entry is None:
            raise ValueError(f"rule {rule_id} has no entry in catalogue.toml")
        REGISTRY[rule_id] = _rule_from_entry(rule_id, entry, check)
        return check

    return register


# -------------------------------------------------------------------------------------- evaluation


class Evaluation:
    """Hold what the checks of one document share: context, parameters, province and lookups.

    Reference lookups (fuel factors, product levels) and derived facts (the mandatory-audit indicators)
    are computed at most once per document, however many rules or lines use them.
    """

    __slots__ = ("ctx", "ref", "p", "province", "year", "_fuels", "_products", "_memo")

    def __init__(self, ctx: RuleContext, province: str | None, year: int) -> None:
        self.ctx = ctx
        self.ref = ctx.ref
        self.p = Params(ctx.ref, year)
        self.province = province
        self.year = year
        self._fuels: dict[tuple[str, str], FuelFactor | None] = {}
        self._products: dict[str, ProductRef | None] = {}
        self._memo: dict[str, Any] = {}

    @property
    def filing_date(self) -> dt.date:
        """Return the filing date (the submission date, or today for a draft)."""
        return self.ctx.filing_date

    def fuel(self, code: str, edition: str) -> FuelFactor | None:
        """Return a fuel's reference factors in an edition (cached)."""
        key = (code, edition)
        try:
            return self._fuels[key]
        except KeyError:
            found = self._fuels[key] = self.ref.fuel(code, edition)
            return found

    def product(self, code: str) -> ProductRef | None:
        """Return a product's reference levels and bands (cached)."""
        try:
            return self._products[code]
        except KeyError:
            found = self._products[code] = self.ref.product(code)
            return found

    def memo(self, name: str, compute: Callable[[], _T]) -> _T:
        """Return a derived fact computed once per document."""
        try:
            known: _T = self._memo[name]  # stored by this method under ``name``: the same computation
            return known
        except KeyError:
            value = self._memo[name] = compute()
            return value

    def last_audit_year(self, document: GhgAnnualReport) -> int | None:
        """Return the year of the last accepted audit: from the history, else the document's own field."""
        history = self.ctx.audit_history
        if history is None:
            return document.last_audit_year
        years = [entry if isinstance(entry, int) else entry.year for entry in history]
        return max(years) if years else None
