"""XCK-001…XCK-005: cross-checks between the carbon report and the pollutant permit (统一采集、相互补充、交叉校核)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from portal.calc.results import GhgComputed
from portal.domain.documents import GhgAnnualReport

from .registry import Evaluation, Hit, rule
from .text import amount, excess, fixed, pct, plain, pollutant_names, relative_difference

Doc = GhgAnnualReport
Comp = GhgComputed

_REPORTED_IN_PERMIT = ("so2_t", "nox_t", "pm_t")  # figures of the execution report (XCK-002)
_LIMITED = ("so2_t", "nox_t", "pm_t", "cod_t", "nh3n_t")  # pollutants with a permitted total (XCK-003)


def permit_exceedances(document: GhgAnnualReport) -> list[tuple[str, Decimal, Decimal]]:
    """Return ``(pollutant field, emitted, permitted)`` for each pollutant above its permitted total (XCK-003).

    Exceeding a permitted total (超总量) is one half of 双超; the audit form and CPA-001 use it too.
    """
    out = []
    emitted, permit = document.pollutants, document.permit
    for name in _LIMITED:
        value = getattr(emitted, name)
        limit = getattr(permit, name[:-2] + "_limit_t")
        if value is not None and limit is not None and value > limit:
            out.append((name, value, limit))
    return out


def _beyond_tolerance(ev: Evaluation, tolerance_key: str, value: Decimal, reference: Decimal) -> tuple[str, str] | None:
    """Return how far ``value`` differs from ``reference`` beyond the tolerance ``tolerance_key``, in both languages.

    ("相差 x%，超过 y%", "by x%, more than y%"); None within the tolerance, or when both are 0.
    """
    diff = relative_difference(value, reference)
    if diff is None:
        return None
    tolerance = ev.p.dec(tolerance_key)
    if diff <= tolerance:
        return None
    return f"相差 {pct(diff)}，超过 {pct(tolerance)}", f"by {pct(diff)}, more than {pct(tolerance)}"


@rule("XCK-001")
def xck_001(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag coal consumption differing from the permit's execution report beyond the tolerance."""
    permit_coal = doc.permit.coal_t
    if permit_coal is None:
        return
    gap = _beyond_tolerance(ev, "XCK-001.tolerance", comp.coal_t, permit_coal)
    if gap is not None:
        yield (
            "permit.coal_t",
            f"报告燃煤量 {amount(comp.coal_t)} t 与排污许可执行报告 {amount(permit_coal)} t {gap[0]}",
            f"coal consumed in this report, {amount(comp.coal_t)} t, differs from the permit execution report's "
            f"{amount(permit_coal)} t {gap[1]}",
        )


@rule("XCK-002")
def xck_002(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each pollutant total differing from the execution report beyond the tolerance."""
    for name in _REPORTED_IN_PERMIT:
        value = getattr(doc.pollutants, name)
        reported = getattr(doc.permit, name)
        if value is None or reported is None:
            continue
        gap = _beyond_tolerance(ev, "XCK-002.tolerance", value, reported)
        if gap is not None:
            zh, en = pollutant_names(name)
            yield (
                f"pollutants.{name}",
                f"{zh}排放量 {amount(value)} t 与排污许可执行报告 {amount(reported)} t {gap[0]}",
                f"{en} emissions of {amount(value)} t differ from the permit execution report's {amount(reported)} t "
                f"{gap[1]}",
            )


@rule("XCK-003")
def xck_003(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each pollutant above its permitted total (超总量, one half of 双超)."""
    for name, value, limit in permit_exceedances(doc):
        zh, en = pollutant_names(name)
        by_zh, by_en = excess(value, limit)
        yield (
            f"pollutants.{name}",
            f"{zh}排放量 {amount(value)} t 超过许可排放量 {amount(limit)} t{by_zh}，属“双超”情形，应实施强制性清洁生产审核",
            f"{en} emissions of {amount(value)} t exceed the permitted {amount(limit)} t{by_en}: a 双超 case, "
            "subject to a mandatory clean-production audit",
        )


@rule("XCK-004")
def xck_004(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a declared energy consumption that differs from the computed energy inputs beyond the tolerance."""
    declared = doc.energy_total_tce
    if declared is None:
        return
    gap = _beyond_tolerance(ev, "XCK-004.tolerance", declared, comp.energy_from_inputs_tce)
    if gap is not None:
        yield (
            "energy_total_tce",
            f"填报的综合能源消费量 {amount(declared)} tce 与按能源投入计算的 {fixed(comp.energy_from_inputs_tce, 2)} tce "
            f"{gap[0]}",
            f"declared energy consumption of {amount(declared)} tce differs from the "
            f"{fixed(comp.energy_from_inputs_tce, 2)} tce computed from the energy inputs {gap[1]}",
        )


def _coal_sulfur_t(doc: Doc, comp: Comp, ev: Evaluation) -> Decimal | None:
    """Return the tonnes of sulfur in the coal burned; None without coal, or when a coal line lacks its S%."""
    sulfur_t = Decimal(0)
    coal_lines = 0
    for line in doc.fuels:
        fuel = ev.fuel(line.fuel, comp.edition)
        if fuel is None or not fuel.is_coal:
            continue
        if line.sulfur_pct is None:
            return None  # generation cannot be bounded without every coal line's sulfur content
        coal_lines += 1
        sulfur_t += line.sulfur_pct / 100 * line.consumption
    return sulfur_t if coal_lines else None


@rule("XCK-005")
def xck_005(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag reported SO2 above the SO2 the coal's sulfur can generate (only when every coal line has S%)."""
    so2 = doc.pollutants.so2_t
    if so2 is None:
        return
    sulfur_t = _coal_sulfur_t(doc, comp, ev)
    if sulfur_t is None:
        return
    generated = ev.p.dec("XCK-005.so2_per_sulfur") * sulfur_t
    if so2 > generated:
        yield (
            "pollutants.so2_t",
            f"报告二氧化硫排放量 {amount(so2)} t 超过按燃煤硫分计算的最大产生量 {fixed(generated, 2)} t"
            f"（含硫 {plain(sulfur_t, 3)} t × {plain(ev.p.dec('XCK-005.so2_per_sulfur'))}），排放量不可能大于产生量",
            f"reported SO2 emissions of {amount(so2)} t exceed the {fixed(generated, 2)} t the coal's sulfur can "
            f"generate ({plain(sulfur_t, 3)} t S × {plain(ev.p.dec('XCK-005.so2_per_sulfur'))}); emissions cannot "
            "exceed generation",
        )
