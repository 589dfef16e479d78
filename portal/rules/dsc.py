"""DSC-001: the annual environmental disclosure report a GHG filer owes (DSC-002…011: ``disclosure.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from portal.calc.results import GhgComputed
from portal.domain.documents import GhgAnnualReport

from . import citations as c
from .cpa import indicators_of
from .indicators import TRIGGER_NAMES
from .registry import GHG_ONLY, Evaluation, Hit, rule
from .text import iso


@rule(
    "DSC-001", "notice", GHG_ONLY,
    title=("应编制环境信息依法披露年度报告", "Annual environmental disclosure report due"),
    checks=(
        "企业须编制环境信息依法披露年度报告（重点排污单位、实施强制性清洁生产审核、符合条件的上市或发债企业、"
        "重点排放单位），次年3月15日前",
        "the enterprise must file the annual disclosure report (key pollutant discharger, mandatory audit, listed "
        "with a qualifying violation, key emitter) — due 15 March",
    ),
    basis=(
        f"《企业环境信息依法披露管理办法》第八条；{c.JX_23_DISCLOSURE}；{c.JS_24_DISCLOSURE}；{c.JX_14FYP_11_3_DISCLOSURE}"
    ),
    params=("deadline.disclosure_annual_report",),
)
def dsc_001(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> Iterator[Hit]:
    """Note that the enterprise must file the annual disclosure report, with why and by when."""
    enterprise = doc.enterprise
    reasons: list[tuple[str, str]] = []
    if enterprise.is_key_pollutant_discharger:
        reasons.append(("重点排污单位", "a key pollutant discharger"))
    triggers = [s for s in indicators_of(doc, comp, ev).values() if s.applies]
    if triggers:
        names_zh = "、".join(TRIGGER_NAMES[s.trigger][0] for s in triggers)
        names_en = ", ".join(TRIGGER_NAMES[s.trigger][0] for s in triggers)
        reasons.append((f"应实施强制性清洁生产审核（{names_zh}）", f"subject to a mandatory clean-production audit ({names_en})"))
    if enterprise.is_listed and doc.exceeded_standards:
        # 管理办法第八条 covers listed companies and bond issuers penalised for an environmental violation in the
        # previous year; the report only knows of an exceedance, so the wording says "if penalised".
        reasons.append((
            "上市公司或发债企业本年度存在超标排放（如因此受到生态环境违法处罚）",
            "a listed company or bond issuer with an exceedance this year (if penalised for it)",
        ))
    if enterprise.is_key_emitter:
        reasons.append(("重点排放单位", "a key emitting enterprise"))
    if not reasons:
        return
    due = ev.p.due_date("deadline.disclosure_annual_report", doc.reporting_year + 1)
    if due is None:  # a reporting year no calendar holds: GHG-001 reports it
        return
    yield (
        "",
        f"企业为{'；'.join(r[0] for r in reasons)}，须于 {iso(due)} 前编制并披露 {doc.reporting_year} 年度环境信息依法披露报告",
        f"the enterprise is {'; '.join(r[1] for r in reasons)}: it must publish its {doc.reporting_year} annual "
        f"environmental disclosure report by {iso(due)}",
    )

