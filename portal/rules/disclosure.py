"""DSC-002…DSC-011: the environmental disclosure documents (disclosure-format.md "Rules DSC-002 … DSC-011").

The annual report is checked for completeness (DSC-002), against the accepted filings it was pre-filled
from (DSC-003, DSC-004, DSC-010 — 办法第二十二条: the same figures must not be filed twice differently),
against itself (DSC-005, DSC-008), and for its timeliness and that of its ad-hoc disclosures (DSC-006,
DSC-007, DSC-009). DSC-001, on the GHG report, stays in ``dsc.py``.

An absent section is only DSC-002: every other rule skips a section that is absent or ``{"none": true}``,
so one omission is reported once. DSC-010 runs only when both the audit section and ``prefill.audit``
exist. DSC-011 also carries the notice that a working-day calendar is missing (reference-data.md §5): a
count that crossed such a year used Monday to Friday, so no exact check of an ad-hoc deadline was possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from portal.calc.disclosure import WorkingDays, adhoc_timing, carbon_total, disclosed
from portal.calc.results import AdhocDisclosureComputed, AnnualDisclosureComputed
from portal.domain.disclosure import (
    NONE_ALLOWED,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
)
from portal.domain.labels import VALUE_SETS

from .registry import Evaluation, Hit, rule
from .text import amount, iso, label, pct, relative_difference

Annual = EnvDisclosureAnnualReport
AnnualComp = AnnualDisclosureComputed

_SUBJECT = VALUE_SETS["disclosure_subject"]
_POLLUTANT = VALUE_SETS["pollutant"]
_TRIGGER = VALUE_SETS["adhoc_trigger"]
_REVIEW = VALUE_SETS["review_status"]
_AUDIT_TRIGGER = VALUE_SETS["audit_trigger"]


def _heading(doc: Annual, key: str) -> tuple[str, str]:
    return label(doc, key)


def _key_discharger(doc: Annual) -> bool:
    return "key_pollutant_discharger" in doc.subjects or doc.enterprise.is_key_pollutant_discharger


# ----------------------------------------------------------------------------------------- DSC-002


@rule("DSC-002")
def dsc_002(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each required section that is absent, ``none`` where not allowed, or a key emitter without ``ets``."""
    if not doc.subjects:
        yield ("subjects", "未填写披露主体类别（列入披露企业名单的原因，办法第七条）",
               "no disclosure subject is given (why the enterprise is on the disclosure list, 办法第七条)")
    for key in comp.required_sections:
        if key == "adhoc":  # a list: absent reads as empty, which is 本年度无
            continue
        value = getattr(doc, key)
        zh, en = _heading(doc, key)
        if value is None:
            why_zh, why_en = _why_required(doc, key)
            yield (key, f"缺少“{zh}”章节{why_zh}", f"the section {en} ({zh}) is missing{why_en}")
        elif key in NONE_ALLOWED and value.none:
            if key == "pollutants" and _key_discharger(doc):
                yield (key, f"重点排污单位的“{zh}”不能填报为“本年度无”",
                       f"a key pollutant discharger cannot disclose {en} ({zh}) as none")
            elif key == "carbon" and doc.enterprise.is_key_emitter:
                yield (key, f"重点排放单位的“{zh}”不能填报为“本年度无”",
                       f"a key emitter cannot disclose {en} ({zh}) as none")
    carbon = doc.carbon
    if doc.enterprise.is_key_emitter and disclosed(carbon) and carbon is not None and carbon.ets is None:
        zh, en = label(carbon, "ets")
        yield ("carbon.ets", f"重点排放单位的碳排放信息缺少“{zh}”（年度碳实际排放量、上一年度实际排放量、配额清缴情况）",
               f"a key emitter's carbon section lacks {en} ({zh}: actual emissions, the previous year's, surrender)")


def _why_required(doc: Annual, key: str) -> tuple[str, str]:
    if key == "audit":
        name = _SUBJECT.get("mandatory_audit")
    elif key == "financing":
        name = _SUBJECT.get("listed_company" if "listed_company" in doc.subjects else "bond_issuer")
    else:
        return "", ""
    assert name is not None
    return f"（{name.zh}，必须披露）", f" (required of a {name.en.lower()})"


# ------------------------------------------------------------------------------------ DSC-003, DSC-004


#: a figure to compare: (path, the object that holds it, its field, its pre-filled value)
_Figure = tuple[str, Any, str, int | Decimal | None]


class _Gap(NamedTuple):
    """Hold a figure that differs from its pre-filled value beyond the tolerance, with its field's labels."""

    path: str
    holder: Any
    value: int | Decimal
    reference: int | Decimal
    difference: Decimal
    tolerance: Decimal
    zh: str
    en: str


def _prefill_gaps(ev: Evaluation, tolerance_key: str, figures: Iterable[_Figure]) -> Iterator[_Gap]:
    """Yield each figure that differs from its pre-filled value by more than the tolerance ``tolerance_key``.

    A figure or a pre-filled value left empty is not compared.
    """
    tolerance = ev.p.dec(tolerance_key)
    for path, holder, name, reference in figures:
        value = getattr(holder, name)
        if value is None or reference is None:
            continue
        difference = relative_difference(Decimal(value), Decimal(reference))
        if difference is not None and difference > tolerance:
            zh, en = label(holder, name)
            yield _Gap(path, holder, value, reference, difference, tolerance, zh, en)


@rule("DSC-003")
def dsc_003(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each carbon figure that differs from the pre-filled GHG report beyond the tolerance."""
    source, carbon = doc.prefill.ghg, doc.carbon
    if source is None or not disclosed(carbon) or carbon is None:
        return
    figures: list[_Figure] = [
        ("carbon.direct_tco2", carbon, "direct_tco2", source.direct_tco2),
        ("carbon.indirect_tco2", carbon, "indirect_tco2", source.indirect_tco2),
    ]
    if carbon.ets is not None:
        figures += [("carbon.ets.actual_tco2", carbon.ets, "actual_tco2", source.ets_covered_tco2),
                    ("carbon.ets.previous_actual_tco2", carbon.ets, "previous_actual_tco2",
                     source.previous_ets_covered_tco2)]
    for gap in _prefill_gaps(ev, "DSC-003.tolerance", figures):
        yield (gap.path,
               f"{gap.zh} {amount(gap.value)} tCO2e 与已通过的温室气体排放报告 {amount(gap.reference)} tCO2e（预填）相差 "
               f"{pct(gap.difference, 2)}，超过 {pct(gap.tolerance, 1)}",
               f"{gap.en} {amount(gap.value)} tCO2e differs by {pct(gap.difference, 2)} from the accepted GHG report's "
               f"{amount(gap.reference)} tCO2e (pre-filled), more than {pct(gap.tolerance, 1)}")


@rule("DSC-004")
def dsc_004(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each pollutant total or permitted total differing from the pre-filled figures beyond the tolerance."""
    source, pollutants = doc.prefill.ghg, doc.pollutants
    if source is None or not disclosed(pollutants) or pollutants is None:
        return
    figures = [
        (f"pollutants.totals[{i}].{name}", line, name, getattr(getattr(source, prefilled), line.pollutant))
        for i, line in enumerate(pollutants.totals)
        for name, prefilled in (("total_t", "pollutants_t"), ("permitted_t", "permitted_t"))
    ]
    for gap in _prefill_gaps(ev, "DSC-004.tolerance", figures):
        pollutant = _POLLUTANT.get(gap.holder.pollutant)
        assert pollutant is not None
        yield (gap.path,
               f"{pollutant.zh}{gap.zh} {amount(gap.value)} t 与已通过的温室气体排放报告 {amount(gap.reference)} t（预填）相差 "
               f"{pct(gap.difference, 2)}，超过 {pct(gap.tolerance, 1)}",
               f"{pollutant.en} {gap.en.lower()} {amount(gap.value)} t differs by {pct(gap.difference, 2)} from the "
               f"accepted GHG report's {amount(gap.reference)} t (pre-filled), more than {pct(gap.tolerance, 1)}")


# ----------------------------------------------------------------------------------------- DSC-005


@rule("DSC-005")
def dsc_005(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each pollutant whose disclosed total exceeds its permitted total."""
    pollutants = doc.pollutants
    if not disclosed(pollutants) or pollutants is None:
        return
    for i, line in enumerate(pollutants.totals):
        if line.permitted_t is None or line.total_t <= line.permitted_t:
            continue
        name = _POLLUTANT.get(line.pollutant)
        assert name is not None
        yield (f"pollutants.totals[{i}].total_t",
               f"{name.zh}排放总量 {amount(line.total_t)} t 超过许可排放量 {amount(line.permitted_t)} t",
               f"the {name.en} total {amount(line.total_t)} t exceeds its permitted total {amount(line.permitted_t)} t")


# ----------------------------------------------------------------------------------------- DSC-006


@rule("DSC-006")
def dsc_006(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a report disclosed after its due date, or a draft still unpublished once the due date has passed."""
    due = comp.due_on
    if due is None:
        return
    if doc.disclosed_on is not None:
        if doc.disclosed_on > due:
            yield ("disclosed_on",
                   f"{doc.reporting_year} 年度报告应于 {iso(due)} 前披露，实际 {iso(doc.disclosed_on)} 披露，逾期 "
                   f"{comp.days_late} 天",
                   f"the {doc.reporting_year} report was due by {iso(due)} and was disclosed on "
                   f"{iso(doc.disclosed_on)}, {comp.days_late} days late")
    elif ev.ctx.today > due:
        yield ("disclosed_on", f"{doc.reporting_year} 年度报告应于 {iso(due)} 前披露，至今尚未发布",
               f"the {doc.reporting_year} report was due by {iso(due)} and is not yet published")


# ----------------------------------------------------------------------------------------- DSC-007


@rule("DSC-007")
def dsc_007(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Flag each ad-hoc disclosure published after its due date."""
    if isinstance(comp, AdhocDisclosureComputed):
        timings = [("disclosed_on", comp.timing)]
    else:
        timings = [(f"adhoc[{t.index}].disclosed_on", t) for t in comp.adhoc]
    for path, timing in timings:
        if timing.due_on is None or timing.working_days_elapsed is None or \
                timing.working_days_elapsed <= _allowed(ev, timing.received_on):
            continue
        trigger = doc.trigger if isinstance(doc, EnvDisclosureAdhoc) else doc.adhoc[timing.index].trigger
        name = _TRIGGER.get(trigger)
        assert name is not None
        disclosed_on = doc.disclosed_on if isinstance(doc, EnvDisclosureAdhoc) else doc.adhoc[timing.index].disclosed_on
        yield (path,
               f"{name.zh}的临时报告应于 {iso(timing.due_on)} 前披露（{iso(timing.received_on)} 收到文书后第 "
               f"{_allowed(ev, timing.received_on)} 个工作日），实际 {iso(disclosed_on)} 披露，用时 "
               f"{timing.working_days_elapsed} 个工作日",
               f"the ad-hoc report on {name.en.lower()} was due by {iso(timing.due_on)} (the "
               f"{_allowed(ev, timing.received_on)}th working day after receipt on {iso(timing.received_on)}) and was "
               f"disclosed on {iso(disclosed_on)}, after {timing.working_days_elapsed} working days")


def _allowed(ev: Evaluation, received_on: dt.date) -> int:
    return int(ev.p.at("disclosure.adhoc_working_days", received_on.year))


# ----------------------------------------------------------------------------------------- DSC-008


@rule("DSC-008")
def dsc_008(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each headline figure of the 提要 that the sections contradict (absent sections are DSC-002's)."""
    key = doc.key_info
    if key is None:
        return

    def said(name: str, value: Any, shown: Any) -> tuple[str, str, str, str]:
        zh, en = label(key, name)
        return zh, en, _shown(value), _shown(shown)

    if doc.carbon is not None:
        total = carbon_total(doc.carbon)
        tolerance = ev.p.dec("DSC-008.tco2_tolerance")
        if (key.total_tco2 is None) != (total is None) or (
                total is not None and key.total_tco2 is not None and abs(key.total_tco2 - total) > tolerance):
            zh, en, a, b = said("total_tco2", key.total_tco2, total)
            yield ("key_info.total_tco2", f"提要的{zh} {a} 与碳排放信息（直接＋间接）{b} 不符",
                   f"the summary's {en.lower()} {a} differs from the carbon section's direct + indirect {b}")
    pollutants = doc.pollutants
    if pollutants is not None:
        exceeded = disclosed(pollutants) and pollutants.exceeded_standards
        if key.exceeded_standards != exceeded:
            zh, en, a, b = said("exceeded_standards", key.exceeded_standards, exceeded)
            yield ("key_info.exceeded_standards", f"提要的“{zh}”为 {a}，污染物信息为 {b}",
                   f"the summary says {en.lower()}: {a}; the pollutant section says {b}")
        over = disclosed(pollutants) and any(
            line.permitted_t is not None and line.total_t > line.permitted_t for line in pollutants.totals)
        if key.exceeded_permitted_total != over:
            zh, en, a, b = said("exceeded_permitted_total", key.exceeded_permitted_total, over)
            yield ("key_info.exceeded_permitted_total", f"提要的“{zh}”为 {a}，污染物排放总量与许可排放量比较为 {b}",
                   f"the summary says {en.lower()}: {a}; the totals against the permitted totals say {b}")
    counts: tuple[tuple[str, Any, Callable[[Any], int]], ...] = (
        ("penalties_count", doc.violations, lambda s: len(s.cases)),
        ("incidents_count", doc.emergency, lambda s: len(s.incidents)),
    )
    for name, section_value, count in counts:
        if section_value is None:
            continue
        actual = count(section_value) if disclosed(section_value) else 0
        stated = getattr(key, name)
        if stated != actual:
            zh, en = label(key, name)
            yield (f"key_info.{name}", f"提要的{zh}为 {stated} 项，正文列出 {actual} 项",
                   f"the summary gives {stated} for {en.lower()}; the section lists {actual}")
    if key.adhoc_count != len(doc.adhoc):
        zh, en = label(key, "adhoc_count")
        yield ("key_info.adhoc_count", f"提要的{zh}为 {key.adhoc_count} 次，本年度临时环境信息依法披露情况列出 {len(doc.adhoc)} 次",
               f"the summary gives {key.adhoc_count} for {en.lower()}; the section lists {len(doc.adhoc)}")


def _shown(value: Any) -> str:
    if value is None:
        return "（未填）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return amount(value)


# ----------------------------------------------------------------------------------------- DSC-009


@rule("DSC-009")
def dsc_009(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each case and licence event of the year whose ad-hoc disclosure is not listed."""
    numbers = {(a.document_number or "").strip() for a in doc.adhoc if a.document_number}
    year_end = dt.date(doc.reporting_year, 12, 31) if dt.MINYEAR <= doc.reporting_year <= dt.MAXYEAR else None
    if year_end is None:
        return
    days = WorkingDays(ev.ref)
    if disclosed(doc.violations) and doc.violations is not None:
        for i, case in enumerate(doc.violations.cases):
            decided = case.decided_on
            if decided is None or decided.year != doc.reporting_year or case.decision_number.strip() in numbers:
                continue
            timing = adhoc_timing(i, "penalty", case.received_on or decided, None, days)
            if timing.due_on is not None and timing.due_on > year_end:
                continue
            yield (f"violations.cases[{i}].decision_number",
                   f"{iso(decided)} 的行政处罚（{case.decision_number}）在本年度临时环境信息依法披露情况中没有记录（应于 "
                   f"{iso(timing.due_on)} 前临时披露）",
                   f"the penalty of {iso(decided)} ({case.decision_number}) has no entry among the year's ad-hoc "
                   f"disclosures (an ad-hoc report was due by {iso(timing.due_on)})")
    if disclosed(doc.env_management) and doc.env_management is not None:
        events = VALUE_SETS["permit_event"]
        for i, permit in enumerate(doc.env_management.permits):
            if permit.event is None or permit.event_on is None or permit.event_on.year != doc.reporting_year:
                continue
            if (permit.number or "").strip() in numbers:
                continue
            timing = adhoc_timing(i, f"permit_{permit.event}", permit.event_on, None, days)
            if timing.due_on is not None and timing.due_on > year_end:
                continue
            event = events.get(permit.event)
            assert event is not None
            yield (f"env_management.permits[{i}].event",
                   f"{iso(permit.event_on)} 的行政许可{event.zh}（{permit.number or '未填编号'}）在本年度临时环境信息依法披露"
                   f"情况中没有记录（应于 {iso(timing.due_on)} 前临时披露）",
                   f"the licence {event.en.lower()} on {iso(permit.event_on)} ({permit.number or 'no number'}) has no "
                   f"entry among the year's ad-hoc disclosures (due by {iso(timing.due_on)})")


# ----------------------------------------------------------------------------------------- DSC-010


@rule("DSC-010")
def dsc_010(doc: Annual, comp: AnnualComp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each audit fact that differs from the pre-filled accepted audit (only when both exist)."""
    audit, source = doc.audit, doc.prefill.audit
    if audit is None or source is None:
        return
    if set(audit.reasons) != set(source.triggers):
        zh, en = label(audit, "reasons")
        yield ("audit.reasons", f"{zh}（{_names(audit.reasons, 'zh')}）与已通过的清洁生产审核（{_names(source.triggers, 'zh')}）不一致",
               f"{en} ({_names(audit.reasons, 'en')}) differ from the accepted audit's ({_names(source.triggers, 'en')})")
    if audit.listed_on != source.listed_on:
        zh, en = label(audit, "listed_on")
        yield ("audit.listed_on", f"{zh} {iso(audit.listed_on)} 与已通过的清洁生产审核 {iso(source.listed_on)} 不一致",
               f"{en} {iso(audit.listed_on)} differs from the accepted audit's {iso(source.listed_on)}")
    for part, reference in (("assessment", source.assessment_status), ("acceptance", source.acceptance_status)):
        status = getattr(audit, part).status
        if reference is not None and status != reference:
            zh, en = label(audit, part)
            yield (f"audit.{part}.status",
                   f"{zh}状态“{_REVIEW.label(status)}”与已通过的清洁生产审核“{_REVIEW.label(reference)}”不一致",
                   f"the {en.lower()} status '{_REVIEW.label(status, 'en')}' differs from the accepted audit's "
                   f"'{_REVIEW.label(reference, 'en')}'")


def _names(codes: Sequence[str], language: str) -> str:
    if not codes:
        return "无" if language == "zh" else "none"
    return ("、" if language == "zh" else ", ").join(_AUDIT_TRIGGER.label(c, language) or c for c in codes)


# ----------------------------------------------------------------------------------------- DSC-011


@rule("DSC-011")
def dsc_011(doc: Any, comp: Any, ev: Evaluation) -> Iterator[Hit]:
    """Note what could not be cross-checked: a missing accepted filing, or a missing working-day calendar."""
    if isinstance(doc, EnvDisclosureAnnualReport):
        if doc.enterprise.is_key_emitter and doc.prefill.ghg is None:
            yield ("prefill.ghg", "重点排放单位没有本年度已通过的温室气体排放报告可供核对，碳排放信息未经交叉核对",
                   "a key emitter without an accepted GHG report of the year: the carbon figures were not cross-checked")
        if "mandatory_audit" in doc.subjects and doc.prefill.audit is None:
            yield ("prefill.audit", "实施强制性清洁生产审核的企业没有已通过的审核可供核对，审核信息未经交叉核对",
                   "an enterprise under a mandatory audit without an accepted audit: the audit section was not "
                   "cross-checked")
    for year in comp.calendar_missing:
        yield ("", f"{year} 年的节假日安排（工作日历）尚未录入参考数据，临时披露期限按星期一至星期五计算，可能与实际不符",
               f"the {year} working-day calendar (holiday notice) is not in the reference data: ad-hoc deadlines "
               "were counted Monday to Friday and may be wrong")
