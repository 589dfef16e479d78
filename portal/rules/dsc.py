"""DSC-001: the annual environmental disclosure report a GHG filer owes (DSC-002…011: ``disclosure.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from portal.calc.results import GhgComputed
from portal.domain.documents import GhgAnnualReport

from .cpa import indicators_of
from .indicators import TRIGGER_NAMES
from .registry import AuditRecord, Evaluation, Hit, rule
from .text import iso


def _mandatory_audit_on_file(doc: GhgAnnualReport, ev: Evaluation) -> int | None:
    """Return the year of a mandatory audit of the history completed in the reporting year or later, if any.

    Such an audit was under way in the reporting year: the enterprise was one 实施强制性清洁生产审核.
    """
    for entry in ev.ctx.audit_history or ():
        if isinstance(entry, AuditRecord) and entry.audit_type == "mandatory" and entry.year >= doc.reporting_year:
            return entry.year
    return None


@rule("DSC-001")
def dsc_001(doc: GhgAnnualReport, comp: GhgComputed, ev: Evaluation) -> Iterator[Hit]:
    """Note that the enterprise is a disclosure subject and must file the annual report, with why and by when."""
    enterprise = doc.enterprise
    reasons: list[tuple[str, str]] = []
    if enterprise.is_key_pollutant_discharger:
        reasons.append(("重点排污单位", "a key pollutant discharger"))
    triggers = [s for s in indicators_of(doc, comp, ev).values() if s.applies]
    if triggers:
        names_zh = "、".join(TRIGGER_NAMES[s.trigger][0] for s in triggers)
        reasons.append((f"应实施强制性清洁生产审核的企业（{names_zh}）",
                        f"an enterprise subject to a mandatory clean-production audit ({names_zh})"))
    else:
        year = _mandatory_audit_on_file(doc, ev)
        if year is not None:
            reasons.append((f"实施强制性清洁生产审核的企业（{year} 年完成）",
                            f"an enterprise under a mandatory clean-production audit (completed {year})"))
    if enterprise.is_listed and doc.serious_violation:
        reasons.append((
            "因生态环境违法行为被追究刑事责任或受到重大行政处罚的上市公司或发债企业",
            "a listed company or bond issuer with criminal liability or a major administrative penalty for an "
            "environmental violation",
        ))
    if not reasons:
        return  # a key emitter alone is not a subject of 第七条
    due = ev.p.due_date("deadline.disclosure_annual_report", doc.reporting_year + 1)
    if due is None:  # a reporting year no calendar holds: GHG-001 reports it
        return
    carbon_zh = "；企业为重点排放单位，披露报告应包含碳排放信息" if enterprise.is_key_emitter else ""
    carbon_en = "; as a key emitter, its report includes the carbon emission section" if enterprise.is_key_emitter else ""
    yield (
        "",
        f"企业为{'；'.join(r[0] for r in reasons)}，须于 {iso(due)} 前编制并披露 {doc.reporting_year} 年度环境信息依法披露报告"
        f"{carbon_zh}",
        f"the enterprise is {'; '.join(r[1] for r in reasons)}: it must publish its {doc.reporting_year} annual "
        f"environmental disclosure report by {iso(due)}{carbon_en}",
    )
