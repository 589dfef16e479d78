"""CPA-001…CPA-012: clean-production audits — on the audit filing, and two on the GHG report.

CPA-001 and CPA-011 run on the GHG report (is an audit owed?) using ``last_audit_year`` or the audit
history of the context; the others check the audit filing itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from portal.calc.cpa import option_economics, overdue_steps
from portal.calc.results import CpaComputed, GhgComputed
from portal.domain import codes
from portal.domain.documents import PHASE_NAMES, CleanProductionAudit, GhgAnnualReport
from portal.domain.formatting import percent
from portal.domain.labels import VALUE_SETS

from .indicators import TRIGGER_NAMES, TriggerStatus, mandatory_audit_indicators
from .registry import Evaluation, Hit, rule
from .text import amount, iso, label

Audit = CleanProductionAudit
Comp = CpaComputed


def indicators_of(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> dict[str, TriggerStatus]:
    """Return the mandatory-audit indicators of a GHG report, computed once per evaluation."""
    return ev.memo("indicators", lambda: mandatory_audit_indicators(doc, comp, ev.ref))


def _audit_overdue(doc: GhgAnnualReport, ev: Evaluation) -> tuple[bool, int | None, int]:
    """Return (no audit within the period, last audit year, period in years)."""
    years = ev.p.int("CPA-001.years")
    last = ev.last_audit_year(doc)
    return (last is None or doc.reporting_year - last >= years), last, years


def _last_zh(last: int | None) -> str:
    return f"最近一轮审核完成于 {last} 年" if last is not None else "无清洁生产审核记录"


def _last_en(last: int | None) -> str:
    return f"the last audit was completed in {last}" if last is not None else "no clean-production audit is recorded"


# ------------------------------------------------------------------------------ on the GHG report


#: the triggers a new occurrence of which needs a new audit (办法第八条: 双超, 高耗能); 双有 needs one every
#: ``CPA-001.years`` years (第八条 "每5年至少开展一次")
_TRIGGERS_OF_THE_YEAR = ("double_exceed", "high_energy")


def unanswered_triggers(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> list[TriggerStatus]:
    """Return the mandatory-audit triggers of the report that no completed audit answers (CPA-001).

    双超 and 高耗能 arise in the reporting year, so only an audit completed in the reporting year or later
    answers them — an older audit predates the trigger. 双有 is a standing condition: an audit within the
    last ``CPA-001.years`` years answers it.
    """
    found = [status for status in indicators_of(doc, comp, ev).values() if status.applies]
    if not found:
        return []
    last = ev.last_audit_year(doc)
    out = []
    for status in found:
        if status.trigger in _TRIGGERS_OF_THE_YEAR:
            answered = last is not None and last >= doc.reporting_year
        else:
            answered = last is not None and doc.reporting_year - last < ev.p.int("CPA-001.years")
        if not answered:
            out.append(status)
    return out


@rule("CPA-001")
def cpa_001(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> Iterator[Hit]:
    """Flag an enterprise meeting a mandatory-audit trigger that no completed audit answers."""
    owed = unanswered_triggers(doc, comp, ev)
    if not owed:
        return
    last = ev.last_audit_year(doc)
    years = ev.p.int("CPA-001.years")
    why_zh = "；".join(f"{TRIGGER_NAMES[s.trigger][0]}（{'；'.join(r.zh for r in s.reasons)}）" for s in owed)
    why_en = "; ".join(f"{TRIGGER_NAMES[s.trigger][1]}: {'; '.join(r.en for r in s.reasons)}" for s in owed)
    needs_zh, needs_en = [], []
    if any(s.trigger in _TRIGGERS_OF_THE_YEAR for s in owed):
        needs_zh.append(f"双超、高耗能须在 {doc.reporting_year} 年及以后完成审核")
        needs_en.append(f"双超 and 高耗能 need an audit completed in {doc.reporting_year} or later")
    if any(s.trigger not in _TRIGGERS_OF_THE_YEAR for s in owed):
        needs_zh.append(f"双有须每 {years} 年至少审核一次")
        needs_en.append(f"双有 needs an audit at least every {years} years")
    yield (
        "last_audit_year",
        f"企业符合强制性清洁生产审核情形：{why_zh}；{_last_zh(last)}（{'，'.join(needs_zh)}），应依法实施强制性清洁生产审核",
        f"the enterprise meets the mandatory clean-production audit criteria — {why_en}; {_last_en(last)} "
        f"({'; '.join(needs_en)}): a mandatory audit is owed",
    )


@rule("CPA-011")
def cpa_011(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> Iterator[Hit]:
    """Note a key clean-production industry enterprise with no audit in the period."""
    group = ev.ref.key_cp_industry(doc.enterprise.industry_code, doc.enterprise.region_code)
    if group is None:
        return
    overdue, last, years = _audit_overdue(doc, ev)
    if overdue:
        yield (
            "last_audit_year",
            f"行业 {doc.enterprise.industry_code} 属清洁生产审核重点行业（{group.name_zh}），{_last_zh(last)}，"
            f"近 {years} 年内无审核",
            f"industry {doc.enterprise.industry_code} is a key clean-production industry ({group.name_en.lower()}); "
            f"{_last_en(last)}, none within the last {years} years",
        )


# ------------------------------------------------------------------------------ on the audit


def _dates(doc: Audit) -> Iterator[tuple[str, dt.date]]:
    """Yield every date of an audit filing with its path."""
    for name in PHASE_NAMES:
        phase = getattr(doc.phases, name)
        if phase.start is not None:
            yield f"phases.{name}.start", phase.start
        if phase.end is not None:
            yield f"phases.{name}.end", phase.end
    for path, day in (
        ("listed_on", doc.listed_on),
        ("info_published_on", doc.info_published_on),
        ("assessment.date", doc.assessment.date),
        ("acceptance.date", doc.acceptance.date),
    ):
        if day is not None:
            yield path, day
    for i, option in enumerate(doc.options):
        if option.implemented_on is not None:
            yield f"options[{i}].implemented_on", option.implemented_on


@rule("CPA-002")
def cpa_002(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag phase dates out of order, an end before its start, and any date after the filing date."""
    phases = doc.phases
    flagged: set[str] = set()
    prev_start: tuple[str, dt.date] | None = None
    prev_end: tuple[str, dt.date] | None = None
    for name in PHASE_NAMES:
        phase = getattr(phases, name)
        zh, en = label(phases, name)
        if phase.start is not None and phase.end is not None and phase.end < phase.start:
            flagged.add(f"phases.{name}.end")
            yield (f"phases.{name}.end", f"{zh}阶段结束日期 {iso(phase.end)} 早于开始日期 {iso(phase.start)}",
                   f"{en} ends on {iso(phase.end)}, before it starts on {iso(phase.start)}")
        if phase.start is not None:
            if prev_start is not None and phase.start < prev_start[1]:
                pzh, pen = label(phases, prev_start[0])
                flagged.add(f"phases.{name}.start")
                yield (f"phases.{name}.start",
                       f"{zh}阶段开始日期 {iso(phase.start)} 早于上一阶段（{pzh}）的开始日期 {iso(prev_start[1])}",
                       f"{en} starts on {iso(phase.start)}, before the previous phase ({pen.lower()}) starts on "
                       f"{iso(prev_start[1])}")
            prev_start = (name, phase.start)
        if phase.end is not None:
            path = f"phases.{name}.end"
            if prev_end is not None and phase.end < prev_end[1] and path not in flagged:
                pzh, pen = label(phases, prev_end[0])
                flagged.add(path)
                yield (path,
                       f"{zh}阶段结束日期 {iso(phase.end)} 早于上一阶段（{pzh}）的结束日期 {iso(prev_end[1])}",
                       f"{en} ends on {iso(phase.end)}, before the previous phase ({pen.lower()}) ends on "
                       f"{iso(prev_end[1])}")
            prev_end = (name, phase.end)
    filed = ev.filing_date
    # A draft is checked today: it has no filing date yet (issue 20 item 8, as GHG-014)
    when_zh, when_en = ("填报日期", "the filing date") if ev.ctx.submitted else ("今天", "today")
    for path, day in _dates(doc):
        if day > filed and path not in flagged:
            yield (path, f"日期 {iso(day)} 晚于{when_zh} {iso(filed)}", f"date {iso(day)} is after {when_en} {iso(filed)}")


_STEP_PATHS = {"publish": "info_published_on", "start": "phases.preparation.start"}


@rule("CPA-003")
def cpa_003(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag publishing the information or starting the audit later than the deadlines after listing."""
    if doc.audit_type != "mandatory" or comp.deadlines is None:
        return
    for step in overdue_steps(doc, comp, ev.filing_date):
        path = _STEP_PATHS.get(step.step)
        if path is None:
            continue
        if step.done_on is not None:
            yield (path,
                   f"{step.label_zh}于 {iso(step.done_on)}，晚于期限 {iso(step.due)}（名单公布 {iso(doc.listed_on)}，逾期 {step.days_late} 天）",
                   f"{step.label_en}: done on {iso(step.done_on)}, after the deadline {iso(step.due)} "
                   f"(listed on {iso(doc.listed_on)}, {step.days_late} days late)")
        else:
            yield (path,
                   f"尚未{step.label_zh}，期限 {iso(step.due)} 已过（名单公布 {iso(doc.listed_on)}，逾期 {step.days_late} 天）",
                   f"{step.label_en}: not done and the deadline {iso(step.due)} has passed "
                   f"(listed on {iso(doc.listed_on)}, {step.days_late} days late)")


@rule("CPA-004")
def cpa_004(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag an implementation phase that ended, or is still open, after listing + 1 year.

    Reads the timeline's own "finish" step (portal.calc.cpa.round_finished_on: the end of 方案的实施), so
    the rule and the timeline the filer sees can never disagree about the deadline or the date.
    """
    if doc.audit_type != "mandatory":
        return
    for step in overdue_steps(doc, comp, ev.filing_date):
        if step.step != "finish":
            continue
        if step.done_on is not None:
            yield ("phases.implementation.end",
                   f"方案实施于 {iso(step.done_on)} 完成，晚于名单公布（{iso(doc.listed_on)}）后1年的期限 {iso(step.due)}",
                   f"implementation finished on {iso(step.done_on)}, after the deadline {iso(step.due)} one year "
                   f"after listing ({iso(doc.listed_on)})")
        else:
            yield ("phases.implementation.end",
                   f"方案实施尚未完成，名单公布（{iso(doc.listed_on)}）后1年的期限 {iso(step.due)} 已过",
                   f"implementation is not finished and the deadline {iso(step.due)}, one year after listing "
                   f"({iso(doc.listed_on)}), has passed")


@rule("CPA-005")
def cpa_005(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a mandatory audit without triggers and a voluntary one with triggers."""
    if doc.audit_type == "mandatory" and not doc.triggers:
        yield ("triggers", "强制性清洁生产审核须注明审核情形（双超、高耗能、双有）",
               "a mandatory audit must state its triggers (双超, 高耗能, 双有)")
    elif doc.audit_type == "voluntary" and doc.triggers:
        names_zh = "、".join(TRIGGER_NAMES[t][0] for t in doc.triggers)
        yield ("triggers", f"自愿性审核不应选择强制性审核情形（{names_zh}）；如属强制性审核，请修改审核类型",
               f"a voluntary audit cannot have mandatory triggers ({'; '.join(TRIGGER_NAMES[t][1] for t in doc.triggers)}); "
               "if the audit is "
               "mandatory, change its type")


_ECONOMICS = ("investment_10k_cny", "annual_benefit_10k_cny", "lifetime_years")


@rule("CPA-006")
def cpa_006(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each missing economic input of a feasible or implemented medium/high-cost option."""
    for i, option in enumerate(doc.options):
        if option.cost_class != "medium_high" or option.status not in ("feasible", "implemented"):
            continue
        for name in _ECONOMICS:
            if getattr(option, name) is None:
                zh, en = label(option, name)
                yield (f"options[{i}].{name}",
                       f"中/高费方案 {option.id}（{option.name}）缺少{zh}，无法计算经济可行性",
                       f"medium/high-cost option {option.id} ({option.name}) lacks the {en.lower()}; its feasibility "
                       "cannot be computed")


@rule("CPA-007")
def cpa_007(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each no/low-cost option not implemented while the assessment is applied for or passed."""
    status = doc.assessment.status
    if status not in ("applied", "passed"):
        return
    status_zh = "已申请" if status == "applied" else "已通过"
    for i, option in enumerate(doc.options):
        if option.cost_class == "no_low" and option.status not in ("implemented", "dropped"):
            yield (f"options[{i}].status",
                   f"评估{status_zh}，但无/低费方案 {option.id}（{option.name}）尚未实施",
                   f"the assessment is {status}, but no/low-cost option {option.id} ({option.name}) is not implemented")


_POLLUTANT_SAVINGS = ("so2_t", "nox_t", "pm_t", "vocs_t", "cod_t", "nh3n_t", "hazardous_waste_t")


@rule("CPA-008")
def cpa_008(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each implemented option with neither a CO2 nor a pollutant saving (减污降碳协同)."""
    for i, option in enumerate(doc.options):
        if option.status != "implemented":
            continue
        savings = option.savings
        if savings.co2_t:
            continue
        if any(getattr(savings, name) for name in _POLLUTANT_SAVINGS):
            continue
        yield (f"options[{i}].savings",
               f"已实施方案 {option.id}（{option.name}）未报告二氧化碳或污染物减排量",
               f"implemented option {option.id} ({option.name}) reports no CO2 and no pollutant saving")


@rule("CPA-009")
def cpa_009(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a Jiangsu audit with no linked permit number (第（十九）条)."""
    if not (doc.permit_number or "").strip():
        hint_zh = f"（企业排污许可证为 {doc.enterprise.permit_number}）" if doc.enterprise.permit_number else ""
        hint_en = f" (the enterprise's permit is {doc.enterprise.permit_number})" if doc.enterprise.permit_number else ""
        yield ("permit_number", f"清洁生产审核未关联排污许可证编号{hint_zh}",
               f"the clean-production audit is not linked to a pollutant permit{hint_en}")


@rule("CPA-010")
def cpa_010(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each indicator not achieved (or without an achieved value) on a passed acceptance."""
    if doc.acceptance.status != "passed":
        return
    names = VALUE_SETS["indicator"]
    for result in comp.indicators:
        indicator = doc.indicators[result.index]
        path = f"indicators[{result.index}].achieved"
        # the indicator by its name (单位产品综合能耗), never its code (issue 20 items 5, 10)
        name_zh = names.label(indicator.indicator, "zh") or indicator.indicator
        name_en = names.label(indicator.indicator, "en") or indicator.indicator
        target = amount(indicator.target)
        if result.achieved is None:
            zh, en = f"未填报实际达到值（目标 {target}）", f"has no achieved value (target {target})"
        elif not result.achieved:
            achieved = amount(indicator.achieved)
            zh, en = f"实际达到 {achieved}，未达到目标值 {target}", f"achieved {achieved}, short of the target {target}"
        else:
            continue
        yield (path, f"验收已通过，但指标“{name_zh}”{zh}", f"acceptance passed, but the indicator '{name_en}' {en}")


@rule("CPA-012")
def cpa_012(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a consultancy USCC that is present but invalid."""
    consultancy = doc.consultancy
    if consultancy is None or not consultancy.uscc or not consultancy.uscc.strip():
        return
    problem = codes.uscc_problem(consultancy.uscc)
    if problem is not None:
        yield ("consultancy.uscc", f"咨询机构统一社会信用代码“{consultancy.uscc}”无效：{problem[0]}",
               f"consultancy USCC '{consultancy.uscc}' is invalid: {problem[1]}")


# ------------------------------------------------------------------------- CPA-013/014 (issue 20 item 9)

#: what an audit must hold before it is certified and submitted: (path, field label as the message says it)
_REQUIRED_CONTENT = (
    ("phases.preparation.start", "审核准备开始日期", "the start of the preparation phase"),
    ("focus", "审核重点", "the audit focus"),
    ("indicators", "清洁生产指标（至少一项）", "at least one clean-production indicator"),
    ("options", "清洁生产方案（至少一项）", "at least one clean-production option"),
)


@rule("CPA-013")
def cpa_013(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each required part of the audit report still empty: an error blocks certification and submission."""
    present = {
        "phases.preparation.start": doc.phases.preparation.start is not None,
        "focus": bool((doc.focus or "").strip()),
        "indicators": bool(doc.indicators),
        "options": bool(doc.options),
    }
    for path, zh, en in _REQUIRED_CONTENT:
        if not present[path]:
            yield (path, f"尚未填写{zh}：清洁生产审核须填写后才能签署提交",
                   f"{en} is not given: the audit cannot be certified or submitted without it")


@rule("CPA-014")
def cpa_014(doc: Audit, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a feasible option whose own economics (calc.cpa.option_economics) say it is not.

    A loss-making option (a negative annual benefit) is a real option and may be filed; called "feasible",
    it is a contradiction the reviewer should see.
    """
    for i, option in enumerate(doc.options):
        if option.status != "feasible":
            continue
        economics = option_economics(option, doc.discount_rate)
        zh: list[str] = []
        en: list[str] = []
        if economics.npv_10k_cny is not None and economics.npv_10k_cny < 0:
            zh.append(f"净现值为 {amount(economics.npv_10k_cny)} 万元（小于零；折现率 {percent(doc.discount_rate)}，"
                      f"寿命期 {option.lifetime_years} 年）")
            en.append(f"its net present value is {amount(economics.npv_10k_cny)} 10k CNY (below zero at a discount "
                      f"rate of {percent(doc.discount_rate)} over {option.lifetime_years} years)")
        benefit = option.annual_benefit_10k_cny
        if benefit is not None and benefit <= 0 and (option.investment_10k_cny or 0) > 0:
            zh.append(f"年经济效益为 {amount(benefit)} 万元，投资无法回收")
            en.append(f"its annual benefit of {amount(benefit)} 10k CNY never pays the investment back")
        elif (economics.payback_years is not None and option.lifetime_years is not None
              and economics.payback_years > option.lifetime_years):
            zh.append(f"投资回收期 {amount(economics.payback_years)} 年超过寿命期 {option.lifetime_years} 年")
            en.append(f"its payback of {amount(economics.payback_years)} years exceeds its lifetime of "
                      f"{option.lifetime_years} years")
        if zh:
            yield (f"options[{i}].status", f"方案 {option.id}（{option.name}）标记为可行，但" + "；".join(zh),
                   f"option {option.id} ({option.name}) is marked feasible, but " + "; ".join(en))
