"""Compute the figures of the disclosure documents, count working days, and derive the pre-fill — pure.

disclosure-format.md "Computed" for ``env_disclosure_annual_report`` and ``env_disclosure_adhoc``:
ratios are fractions with 4 decimals and sums of tonnes have 2, rounded half up, once, at the end.

Working days (reference-data.md §5): Monday to Friday, less the days off of the State Council's notice
of the year, plus its adjusted working days (调休上班). An ad-hoc disclosure is due on the 5th working
day after the legal document was received — the day of receipt is not counted (《民法典》第二百零一条:
按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算). A year without a calendar counts Monday to
Friday and is reported in ``calendar_missing`` (DSC-011 says so).

The pre-fill (办法第二十二条: spare the enterprise filing twice) is :func:`derive_prefill`: given the
accepted GHG report with its computed results (and the previous year's results) and the accepted
mandatory audit with its results, it returns the ``prefill`` record and the section values it fills;
:func:`apply_prefill` writes them into a draft. ``portal check --ghg --audit`` and the web portal's
pre-fill use the same two functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from ..domain.codec import document_sha256
from ..domain.common import OptionSavings
from ..domain.disclosure import (
    NONE_ALLOWED,
    POLLUTANTS,
    AdhocRecord,
    AuditOptionCounts,
    AuditProgress,
    AuditSection,
    BasicInfo,
    CarbonSection,
    DisclosedProduct,
    DisclosedReview,
    EmissionFacility,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    EnvManagement,
    Ets,
    PermitRecord,
    PollutantAmounts,
    PollutantsSection,
    PollutantTotal,
    Prefill,
    PrefillAudit,
    PrefillGhg,
)
from ..domain.documents import CleanProductionAudit, GhgAnnualReport
from ..reference.types import ReferenceData
from .results import AdhocDisclosureComputed, AdhocTiming, AnnualDisclosureComputed, CpaComputed, GhgComputed

ZERO = Decimal(0)
RATE_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
ONE_DAY = dt.timedelta(days=1)

#: the parameters read here (reference data, year-versioned)
DEADLINE_KEY = "deadline.disclosure_annual_report"
WORKING_DAYS_KEY = "disclosure.adhoc_working_days"
UNTIMED_KEY = "disclosure.adhoc_untimed_triggers"

#: the sums of the hazardous-waste lines, by the key of the computed block and the line's field
HAZARDOUS_SUMS = (("generated", "generated_t"), ("self_used", "self_used_t"), ("self_disposed", "self_disposed_t"),
                  ("transferred", "transferred_t"), ("stored", "stored_t"))


#: room for the digits of any ratio of bounded figures (a permitted total of 1E-100 t is typed, not refused)
_WIDE = Context(prec=400)


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP, context=_WIDE)


def _ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    """Return numerator / denominator with 4 decimals, or None without both or with a denominator ≤ 0."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return _round(Decimal(numerator) / Decimal(denominator), RATE_PLACES)


def _division(numerator: Decimal | int | None, denominator: Decimal | int | None) -> tuple[Decimal, str] | None:
    """Return :func:`_ratio` with its arithmetic ("a ÷ b = r"), or None where it is None."""
    ratio = _ratio(numerator, denominator)
    if ratio is None or numerator is None or denominator is None:
        return None
    return ratio, f"{_n(numerator)} ÷ {_n(denominator)} = {_n(ratio)}"


def _n(value: Decimal | int) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------------------------ working days


class WorkingDays:
    """Count working days with the reference calendars, noting each year counted without one."""

    __slots__ = ("ref", "_years", "missing")

    def __init__(self, ref: ReferenceData) -> None:
        self.ref = ref
        self._years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]] | None] = {}
        #: years counted Monday–Friday because their calendar is missing
        self.missing: set[int] = set()

    def _calendar(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]] | None:
        if year not in self._years:
            found = self.ref.calendar(year)
            self._years[year] = None if found is None else (found.days_off, found.working_weekend_days)
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day (Monday–Friday without a calendar for its year)."""
        # A notice may list days of late December of the year before (元旦 放假调休): look in the next one too.
        for year in (day.year, day.year + 1):
            calendar = self._calendar(year)
            if calendar is not None:
                days_off, worked = calendar
                if day in days_off:
                    return False
                if day in worked:
                    return True
        if self._calendar(day.year) is None:
            self.missing.add(day.year)
        return day.weekday() < 5

    def nth_after(self, start: dt.date, n: int) -> dt.date:
        """Return the ``n``-th working day after ``start`` (``start`` itself not counted; n ≥ 1)."""
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Return the working days after ``start`` up to and including ``end`` (0 when end ≤ start).

        Counted without walking the days (a mistyped year must not make a check slow): the weekdays of the
        span, less the calendars' weekday days off, plus their adjusted working days within it.
        """
        if end <= start:
            return 0
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        counted = 5 * weeks + sum(1 for i in range(1, rest + 1) if (start + dt.timedelta(days=i)).weekday() < 5)
        off: set[dt.date] = set()
        worked: set[dt.date] = set()
        first = start + ONE_DAY
        for year in range(first.year, end.year + 2):  # a notice may list late December of the year before
            calendar = self._calendar(year) if year <= dt.MAXYEAR else None
            if calendar is not None:
                off |= calendar[0]
                worked |= calendar[1]
            elif year <= end.year:
                self.missing.add(year)
        counted -= sum(1 for day in off if start < day <= end and day.weekday() < 5)
        counted += sum(1 for day in worked - off if start < day <= end and day.weekday() >= 5)
        return counted


#: the last receipt date a due date can be counted from (within the calendar's range)
_LAST_COUNTABLE = dt.date.max - dt.timedelta(days=366)


def _param(ref: ReferenceData, key: str, year: int) -> Any:
    """Return a parameter in force for ``year``; for a year before its first version, that first version's."""
    try:
        return ref.value(key, year)
    except LookupError:
        return ref.value(key, ref.param(key, dt.MAXYEAR).from_year)


def adhoc_timing(index: int, trigger: str, received_on: dt.date | None, disclosed_on: dt.date | None,
                 days: WorkingDays) -> AdhocTiming:
    """Return when one ad-hoc disclosure was due and the working days it took (办法第十七条).

    ``received_on`` is the date the legal document was received (else its date). Triggers listed in
    ``disclosure.adhoc_untimed_triggers`` (an emergency, a change of disclosed information) have no clock.
    """
    if received_on is None:
        return AdhocTiming(index, None, None, None, "无收到日期或文书日期，不计算期限")
    if received_on > _LAST_COUNTABLE:  # a mistyped year near 9999: no date after it to count to
        return AdhocTiming(index, received_on, None, None, "收到日期超出可计算的范围")
    if trigger in set(_param(days.ref, UNTIMED_KEY, received_on.year)):
        return AdhocTiming(index, received_on, None, None, "该事项不适用“5个工作日”期限")
    n = int(_param(days.ref, WORKING_DAYS_KEY, received_on.year))
    due = days.nth_after(received_on, n)
    elapsed = None if disclosed_on is None else days.between(received_on, disclosed_on)
    arithmetic = f"{received_on.isoformat()} 收到，次日起第 {n} 个工作日 = {due.isoformat()}"
    if disclosed_on is not None and elapsed is not None:
        arithmetic += f"；至 {disclosed_on.isoformat()} 披露共 {elapsed} 个工作日"
    return AdhocTiming(index, received_on, due, elapsed, arithmetic)


# ------------------------------------------------------------------------------------ the annual report


def required_sections(document: EnvDisclosureAnnualReport) -> tuple[str, ...]:
    """Return the keys of the sections the enterprise must disclose, in the 准则's order.

    Every subject discloses the sections of 办法第十二条 (key_info … other); a subject under a mandatory
    audit adds the audit section (第十四条), a listed company or bond issuer the financing (第十五条).
    """
    subjects = set(document.subjects)
    keys = ["key_info", "basic_info", "env_management", "pollutants", "carbon", "emergency", "violations",
            "adhoc", "other"]
    if "mandatory_audit" in subjects:
        keys.append("audit")
    if subjects & {"listed_company", "bond_issuer"}:
        keys.append("financing")
    return tuple(keys)


def disclosed(section: Any) -> bool:
    """Return whether a section is present and not ``{"none": true}`` (本年度无)."""
    return section is not None and not getattr(section, "none", False)


def carbon_total(carbon: CarbonSection | None) -> int | None:
    """Return direct + indirect emissions as disclosed (a missing part counts 0; None when both are missing)."""
    if not disclosed(carbon):
        return None
    assert carbon is not None
    parts = [p for p in (carbon.direct_tco2, carbon.indirect_tco2) if p is not None]
    return sum(parts) if parts else None


def compute_annual(document: EnvDisclosureAnnualReport, ref: ReferenceData) -> AnnualDisclosureComputed:
    """Return everything computed for an annual disclosure report (disclosure-format.md "Computed")."""
    arithmetic: dict[str, str] = {}
    year = document.reporting_year
    try:
        due_on: dt.date | None = ref.deadline(DEADLINE_KEY, year)
    except (LookupError, ValueError):  # a year no parameter or no date holds (refused on input anyway)
        due_on = None
    days_late = None
    if due_on is not None and document.disclosed_on is not None:
        days_late = max((document.disclosed_on - due_on).days, 0)
        arithmetic["days_late"] = f"{document.disclosed_on.isoformat()} − {due_on.isoformat()} = {days_late} 天"

    carbon = document.carbon
    total = carbon_total(carbon)
    if total is not None and carbon is not None:
        arithmetic["carbon_total_tco2"] = f"{carbon.direct_tco2 or 0} + {carbon.indirect_tco2 or 0} = {total}"
    ets = carbon.ets if disclosed(carbon) and carbon is not None else None
    change = ccer = None
    if ets is not None:
        if ets.actual_tco2 is not None and ets.previous_actual_tco2 is not None:
            change = _ratio(ets.actual_tco2 - ets.previous_actual_tco2, ets.previous_actual_tco2)
            if change is not None:
                arithmetic["carbon_change_pct"] = (
                    f"({ets.actual_tco2} − {ets.previous_actual_tco2}) ÷ {ets.previous_actual_tco2} = {_n(change)}")
        ccer = _ratio(ets.surrender.ccer_t, ets.surrender.due_t)
        if ccer is not None:
            arithmetic["ccer_share"] = f"{ets.surrender.ccer_t} ÷ {ets.surrender.due_t} = {_n(ccer)}"

    pollutants = document.pollutants if disclosed(document.pollutants) else None
    ratios: dict[str, Decimal] = {}
    sums = dict.fromkeys((k for k, _ in HAZARDOUS_SUMS), ZERO)
    use_rate = completion = None
    if pollutants is not None:
        for line in pollutants.totals:
            division = _division(line.total_t, line.permitted_t)
            if division is not None and line.pollutant not in ratios:
                ratios[line.pollutant], arithmetic[f"permitted_ratio.{line.pollutant}"] = division
        for key, attr in HAZARDOUS_SUMS:
            parts = [getattr(w, attr) for w in pollutants.hazardous_waste if getattr(w, attr) is not None]
            sums[key] = sum(parts, ZERO)
            if parts:
                arithmetic[f"hazardous_waste_t.{key}"] = " + ".join(_n(p) for p in parts) + f" = {_n(sums[key])}"
        waste = pollutants.general_solid_waste
        division = _division(waste.used_t, waste.generated_t)
        if division is not None:
            use_rate, arithmetic["general_waste_use_rate"] = division
        monitoring = pollutants.monitoring
        completion = _ratio(monitoring.manual_done, monitoring.manual_planned)
        if completion is not None:
            arithmetic["monitoring_completion_rate"] = (
                f"{monitoring.manual_done} ÷ {monitoring.manual_planned} = {_n(completion)}")

    rate_no_low = rate_medium_high = None
    if document.audit is not None:
        options = document.audit.options
        rate_no_low = _ratio(options.no_low_implemented, options.no_low_total)
        rate_medium_high = _ratio(options.medium_high_implemented, options.medium_high_total)

    days = WorkingDays(ref)
    timings = [adhoc_timing(i, a.trigger, a.received_on or a.document_date, a.disclosed_on, days)
               for i, a in enumerate(document.adhoc)]
    return AnnualDisclosureComputed(
        required_sections=required_sections(document),
        due_on=due_on,
        days_late=days_late,
        carbon_total_tco2=total,
        carbon_change_pct=change,
        ccer_share=ccer,
        permitted_ratio=ratios,
        hazardous_waste_t={k: _round(v, CENT) for k, v in sums.items()},
        general_waste_use_rate=use_rate,
        monitoring_completion_rate=completion,
        implementation_rate_no_low=rate_no_low,
        implementation_rate_medium_high=rate_medium_high,
        adhoc=timings,
        calendar_missing=tuple(sorted(days.missing)),
        arithmetic=arithmetic,
    )


def compute_adhoc(document: EnvDisclosureAdhoc, ref: ReferenceData) -> AdhocDisclosureComputed:
    """Return the ad-hoc report's due date and the working days from receipt to disclosure."""
    days = WorkingDays(ref)
    received = document.document.received_on or document.document.date
    timing = adhoc_timing(0, document.trigger, received, document.disclosed_on, days)
    return AdhocDisclosureComputed(timing, tuple(sorted(days.missing)))


def adhoc_record(document: EnvDisclosureAdhoc) -> AdhocRecord:
    """Return the line an ad-hoc report gives the annual report's 本年度临时环境信息依法披露情况."""
    return AdhocRecord(trigger=document.trigger, document_number=document.document.number,
                       document_date=document.document.date, received_on=document.document.received_on,
                       disclosed_on=document.disclosed_on)


# ------------------------------------------------------------------------------------------- pre-fill


@dataclass(frozen=True)
class PrefillValues:
    """Hold the ``prefill`` record and the section values it fills (办法第二十二条; 第四条: permit data first).

    Each value is None where its source gives nothing: :func:`apply_prefill` leaves those sections alone.
    """

    prefill: Prefill
    carbon: CarbonSection | None = None
    pollutant_totals: list[PollutantTotal] | None = None
    exceeded_standards: bool | None = None
    products: list[DisclosedProduct] | None = None
    permits: list[PermitRecord] | None = None
    audit: AuditSection | None = None
    #: the paths of the section values filled (for the "pre-filled from …" marks of the web forms)
    paths: tuple[str, ...] = field(default=())


def _int(value: Decimal | None) -> int | None:
    return None if value is None else int(_round(value, Decimal(1)))


def _amounts(source: Any, suffix: str) -> PollutantAmounts:
    # getattr with a default: the GHG report's pollutant fields grow by amendment (tp_t, tn_t, vocs_limit_t)
    return PollutantAmounts(**{p: getattr(source, f"{p}{suffix}", None) for p in POLLUTANTS})


def _facilities(ghg: GhgAnnualReport) -> list[EmissionFacility]:
    """Return the GHG report's emission facilities: units, boilers, kilns, then other named sources."""
    out: list[EmissionFacility] = []
    seen: set[str] = set()

    def add(identifier: str | None, facility_type: Any) -> None:
        if identifier and identifier not in seen:
            seen.add(identifier)
            out.append(EmissionFacility(id=identifier, facility_type=facility_type))

    for unit in ghg.generating_units:
        add(unit.id, "generating_unit")
    for boiler in ghg.boilers:
        add(boiler.id, "boiler")
    for kiln in getattr(ghg, "kilns", ()) or ():  # the amended report's industrial kilns, where present
        add(getattr(kiln, "id", None), "kiln")
    for process in ghg.processes:
        add(process.source, "process")
    for fuel in ghg.fuels:
        add(fuel.source, "other")
    return out


def _audit_progress(audit: CleanProductionAudit) -> AuditProgress:
    if audit.acceptance.status == "passed":
        return "accepted"
    if audit.assessment.status == "passed":
        return "assessed"
    if audit.phases.implementation.end is not None:
        return "implemented"
    if audit.phases.preparation.start is not None:
        return "in_progress"
    return "not_started"


def derive_prefill(
    *,
    ghg: GhgAnnualReport | None = None,
    ghg_computed: GhgComputed | None = None,
    ghg_sha256: str | None = None,
    previous_computed: GhgComputed | None = None,
    audit: CleanProductionAudit | None = None,
    audit_computed: CpaComputed | None = None,
    audit_sha256: str | None = None,
) -> PrefillValues:
    """Return the ``prefill`` record and the section values copied from accepted filings of the year.

    ``ghg`` is the accepted GHG report of the reporting year with its ``ghg_computed`` results;
    ``previous_computed`` the results of the previous year's report (the ETS's previous actual emissions).
    ``audit`` is the accepted *mandatory* audit (a voluntary one is ignored: 办法第十四条 names the
    mandatory audit). The hashes default to the documents' own canonical SHA-256 — the version's hash.
    """
    prefill_ghg = prefill_audit = None
    values: dict[str, Any] = {}
    paths: list[str] = []
    if ghg is not None and ghg_computed is not None:
        direct = _int(ghg_computed.direct_tco2)
        indirect = _int(ghg_computed.total_tco2 - ghg_computed.direct_tco2)
        ets_covered = _int(ghg_computed.ets_covered_tco2)
        previous = _int(previous_computed.ets_covered_tco2) if previous_computed is not None else None
        emitted, permitted = _amounts(ghg.pollutants, "_t"), _amounts(ghg.permit, "_limit_t")
        prefill_ghg = PrefillGhg(
            sha256=ghg_sha256 or document_sha256(ghg), direct_tco2=direct, indirect_tco2=indirect,
            ets_covered_tco2=ets_covered, previous_ets_covered_tco2=previous, pollutants_t=emitted,
            permitted_t=permitted, exceeded_standards=ghg.exceeded_standards,
        )
        ets = None
        if ets_covered is not None or ghg.enterprise.is_key_emitter:
            ets = Ets(actual_tco2=ets_covered, previous_actual_tco2=previous)
        values["carbon"] = CarbonSection(
            direct_tco2=direct, indirect_tco2=indirect,
            biogenic_tco2=ghg_computed.biogenic_tco2 if ghg_computed.biogenic_tco2 else None,
            facilities=_facilities(ghg), ets=ets)
        paths += ["carbon.direct_tco2", "carbon.indirect_tco2", "carbon.biogenic_tco2", "carbon.facilities"]
        if ets is not None:
            paths += ["carbon.ets.actual_tco2", "carbon.ets.previous_actual_tco2"]
        values["pollutant_totals"] = [
            PollutantTotal(pollutant=p, total_t=getattr(emitted, p), permitted_t=getattr(permitted, p))
            for p in POLLUTANTS if getattr(emitted, p) is not None
        ]
        values["exceeded_standards"] = ghg.exceeded_standards
        values["products"] = [DisclosedProduct(product=p.product, output=p.output) for p in ghg.products]
        values["permits"] = ([PermitRecord(type="pollutant_discharge", number=ghg.enterprise.permit_number)]
                             if ghg.enterprise.permit_number else [])
        paths += ["pollutants.totals", "pollutants.exceeded_standards", "basic_info.products",
                  "env_management.permits"]
    if audit is not None and audit.audit_type == "mandatory":
        prefill_audit = PrefillAudit(
            sha256=audit_sha256 or document_sha256(audit), triggers=list(audit.triggers), listed_on=audit.listed_on,
            assessment_status=audit.assessment.status, acceptance_status=audit.acceptance.status,
        )
        counts = AuditOptionCounts()
        investment = None
        savings = OptionSavings()
        if audit_computed is not None:
            counts = AuditOptionCounts(
                no_low_total=audit_computed.count_no_low, no_low_implemented=audit_computed.implemented_no_low,
                medium_high_total=audit_computed.count_medium_high,
                medium_high_implemented=audit_computed.implemented_medium_high)
            investment = audit_computed.total_investment_10k_cny
            savings = OptionSavings(**audit_computed.savings_total)
        values["audit"] = AuditSection(
            reasons=list(audit.triggers), listed_on=audit.listed_on, status=_audit_progress(audit),
            assessment=DisclosedReview(status=audit.assessment.status, date=audit.assessment.date),
            acceptance=DisclosedReview(status=audit.acceptance.status, date=audit.acceptance.date),
            options=counts, investment_10k_cny=investment, savings=savings)
        paths += ["audit.reasons", "audit.listed_on", "audit.status", "audit.assessment", "audit.acceptance",
                  "audit.options", "audit.investment_10k_cny", "audit.savings"]
    return PrefillValues(Prefill(ghg=prefill_ghg, audit=prefill_audit), paths=tuple(paths), **values)


def apply_prefill(document: EnvDisclosureAnnualReport, values: PrefillValues) -> EnvDisclosureAnnualReport:
    """Return ``document`` with the pre-filled values written into its sections and ``prefill`` recorded.

    A section the filer marked ``{"none": true}`` is left as it is (the filer decided; the rules compare).
    Values the sources do not give are left as they are, so a refresh replaces only what it copies.
    """
    replace = dataclasses.replace
    changes: dict[str, Any] = {"prefill": values.prefill}

    def section(key: str, factory: Any) -> Any:
        current = getattr(document, key)
        if current is None:
            return factory()
        return None if key in NONE_ALLOWED and current.none else current

    if values.carbon is not None and (carbon := section("carbon", CarbonSection)) is not None:
        filled = values.carbon
        ets = filled.ets
        if ets is not None and carbon.ets is not None:  # keep the filer's verification and surrender
            ets = replace(carbon.ets, actual_tco2=ets.actual_tco2, previous_actual_tco2=ets.previous_actual_tco2)
        changes["carbon"] = replace(carbon, direct_tco2=filled.direct_tco2, indirect_tco2=filled.indirect_tco2,
                                    biogenic_tco2=filled.biogenic_tco2, facilities=list(filled.facilities),
                                    ets=ets if ets is not None else carbon.ets)
    if values.pollutant_totals is not None and (pollutants := section("pollutants", PollutantsSection)) is not None:
        changes["pollutants"] = replace(pollutants, totals=list(values.pollutant_totals),
                                        exceeded_standards=bool(values.exceeded_standards))
    if values.products is not None and (basic := section("basic_info", BasicInfo)) is not None:
        names = {p.product: p.name for p in basic.products if p.name}  # the filer's names of the same products
        changes["basic_info"] = replace(basic, products=[replace(p, name=names.get(p.product, p.name))
                                                         for p in values.products])
    if values.permits and (management := section("env_management", EnvManagement)) is not None:
        known = {p.number for p in management.permits}
        changes["env_management"] = replace(management, permits=[
            *management.permits, *(p for p in values.permits if p.number not in known)])
    if values.audit is not None:
        current = document.audit
        filled_audit = values.audit
        if current is not None:  # keep what the filer wrote that the audit does not say
            filled_audit = replace(filled_audit, reason_text=current.reason_text)
        changes["audit"] = filled_audit
    return replace(document, **changes)


def prefill_fields(values: PrefillValues) -> Sequence[str]:
    """Return the section paths a pre-fill fills (the web forms mark each as 预填)."""
    return values.paths
