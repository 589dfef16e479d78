"""The audit forms' side panel (rates, investment, co-benefits, option economics, targets), timeline and evidence.

:func:`panel` returns the same structure as the GHG panel of :mod:`portal.web.drafts` (``totals`` keyed
for draft-form.js to update, ``lines`` with their arithmetic), so the page and the live preview share one
script. Totals of ``group`` "cobenefit" are drawn as the co-benefit table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forms.labels import Bilingual, localized, value_name
from portal.domain import formatting as fmt
from portal.domain.schema import Field, schema_of

from ..calc.results import CpaComputed
from ..domain.codec import format_decimal
from ..domain.documents import CPA_COMPUTED, CPA_KIND, CleanProductionAudit, Document
from ..models import Filing
from ..rules.indicators import TRIGGER_NAMES
from ..services import audits
from .templating import text_in_language

#: The sections whose side panel lists lines, and which lines: option economics, target achievement.
_LINES = {"options": "options", "targets": "indicators"}
#: The sections that show the deadline timeline (and, on "why", the GHG report's trigger evidence).
TIMELINE_SECTIONS = ("why", "phases")

STEP_STATUS = {
    "done": _l("按期完成"),
    "done_late": _l("逾期完成"),
    "pending": _l("未到期"),
    "overdue": _l("已逾期，尚未完成"),
}


def _text(value: Decimal | None) -> str:
    return "—" if value is None else format(value, "f")


_COMPUTED = {d.key: d for d in CPA_COMPUTED}


def _savings() -> Field:
    return schema_of(CPA_KIND).field("options[].savings")


def _savings_label(name: str) -> Bilingual:
    node = _savings().child(name)
    return localized(node.label, node.unit)


def audit_computed_label(key: str) -> Any:
    """Return the label of a key of an audit's computed block: a saving (with its unit) or an indicator code."""
    if key in {c.name for c in _savings().children}:
        return _savings_label(key)
    return value_name("indicator", key)


def panel(slug: str, document: CleanProductionAudit, computed: CpaComputed) -> dict[str, Any]:
    """Return the computed results of an audit beside a section: totals, co-benefits and per-line figures."""
    live = [o for o in document.options if o.status != "dropped"]
    rate_places = _COMPUTED["implementation_rate_no_low"].places or 0
    totals = [
        {"key": "implementation_rate_no_low", "label": str(localized(_COMPUTED["implementation_rate_no_low"].label)),
         "unit": "", "group": "main", "value": fmt.percent(computed.implementation_rate_no_low, rate_places),
         "arithmetic": _("已实施 %(i)s ÷ 未放弃 %(n)s = %(r)s", i=computed.implemented_no_low,
                         n=computed.count_no_low, r=fmt.percent(computed.implementation_rate_no_low, rate_places))},
        {"key": "implementation_rate_medium_high", "unit": "", "group": "main",
         "label": str(localized(_COMPUTED["implementation_rate_medium_high"].label)),
         "value": fmt.percent(computed.implementation_rate_medium_high, rate_places),
         "arithmetic": _("已实施 %(i)s ÷ 未放弃 %(n)s = %(r)s", i=computed.implemented_medium_high,
                         n=computed.count_medium_high, r=fmt.percent(computed.implementation_rate_medium_high, rate_places))},
        {"key": "total_investment_10k_cny", "label": str(localized(_COMPUTED["total_investment_10k_cny"].label)),
         "unit": text_in_language(_COMPUTED["total_investment_10k_cny"].unit), "group": "main",
         "value": _text(computed.total_investment_10k_cny),
         "arithmetic": " + ".join(format_decimal(o.investment_10k_cny) for o in live
                                  if o.investment_10k_cny is not None)
         + f" = {_text(computed.total_investment_10k_cny)}"},
    ]
    implemented = [o for o in live if o.status == "implemented"]
    for node in _savings().children:
        label = _savings_label(node.name)
        parts = [f"{o.id} {format_decimal(getattr(o.savings, node.name))}" for o in implemented
                 if getattr(o.savings, node.name) is not None]
        value = computed.savings_total.get(node.name)
        totals.append({"key": f"savings-{node.name}", "label": label.name, "unit": label.unit or "", "group": "cobenefit",
                       "value": _text(value), "arithmetic": " + ".join(parts) + f" = {_text(value)}" if parts else ""})

    lines: list[dict[str, str]] = []
    if _LINES.get(slug) == "options":
        # compute_cpa returns the economics of the live medium/high options in document order.
        indexes = [i for i, o in enumerate(document.options) if o.status != "dropped" and o.cost_class == "medium_high"]
        for index, economics in zip(indexes, computed.options, strict=True):
            option = document.options[index]
            lines.append({
                "anchor": f"options-{index}", "label": f"{option.id} {option.name}",
                "value": _("回收期 %(p)s 年", p=_text(economics.payback_years)),
                # rates in one format everywhere (formatting.percent; issue 20 item 9): 14.82%, never 0.1482
                "detail": _("净现值 %(npv)s 万元；内部收益率 %(pct)s", npv=_text(economics.npv_10k_cny),
                            pct=fmt.percent(economics.irr, 2)),
                "arithmetic": economics.arithmetic,
            })
    elif _LINES.get(slug) == "indicators":
        for result in computed.indicators:
            indicator = document.indicators[result.index]
            reached = {True: _("已达成目标"), False: _("未达成目标"), None: _("尚无实际值")}[result.achieved]
            lines.append({
                "anchor": f"indicators-{result.index}",
                "label": f"{result.index + 1}. {value_name('indicator', indicator.indicator)}",
                "value": _("完成 %(v)s", v=fmt.percent_points(result.achievement_pct)) if result.achievement_pct is not None
                else "—",
                "detail": reached,
                "arithmetic": _("（基准 %(b)s − 实际 %(a)s）÷（基准 %(b)s − 目标 %(t)s）= %(v)s",
                                b=format_decimal(indicator.baseline), a=format_decimal(indicator.achieved),
                                t=format_decimal(indicator.target), v=fmt.percent_points(result.achievement_pct))
                if indicator.achieved is not None else "",
            })
    return {"totals": totals, "lines": lines}


def timeline_context(document: Document, computed: Any) -> dict[str, Any] | None:
    """Return what the timeline macro draws for an audit (None for a GHG report, which has no timeline)."""
    if not isinstance(document, CleanProductionAudit):
        return None
    return {"steps": audits.timeline(document, computed), "listed": document.listed_on is not None,
            "mandatory": document.audit_type == "mandatory", "labels": STEP_STATUS}


def extras(slug: str, filing: Filing, document: CleanProductionAudit, computed: CpaComputed) -> dict[str, Any]:
    """Return what an audit section shows besides its figures: the timeline, and on "why" the trigger evidence."""
    out: dict[str, Any] = {"timeline": None, "evidence": None, "show_evidence": slug == "why",
                           "triggers": TRIGGER_NAMES, "chosen": set(document.triggers)}
    if slug in TIMELINE_SECTIONS:
        out["timeline"] = timeline_context(document, computed)
    if slug == "why":
        out["evidence"] = audits.trigger_evidence(filing)
    return out
