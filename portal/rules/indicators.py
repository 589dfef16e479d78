"""The mandatory clean-production audit triggers read off a GHG report: 双超, 高耗能, 双有.

《清洁生产审核办法》（2016）第八条 makes an audit mandatory for enterprises that exceed an emission
standard or a permitted total (双超), exceed an energy-consumption limit (高耗能), or use toxic materials
or discharge toxic substances (双有). The GHG report carries each of these facts; CPA-001 uses them, and
the audit form pre-selects its ``triggers`` from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.calc.results import GhgComputed
from portal.domain.documents import GhgAnnualReport
from portal.domain.labels import VALUE_SETS
from portal.reference.types import ReferenceData

from .text import amount, fixed, pollutant_names
from .xck import permit_exceedances

TRIGGERS = ("double_exceed", "high_energy", "double_toxic")
#: each trigger's name in a sentence, (Chinese, English) by code
TRIGGER_NAMES = VALUE_SETS["audit_trigger_in_text"].names()
_TOXIC_CATEGORIES = VALUE_SETS["toxic_category_in_text"].names()


@dataclass(frozen=True, slots=True)
class TriggerReason:
    """Hold one reason a trigger applies: the field it comes from and a bilingual sentence."""

    path: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class TriggerStatus:
    """Hold whether one mandatory-audit trigger applies, with the reasons (truthy when it applies)."""

    trigger: str
    applies: bool
    reasons: tuple[TriggerReason, ...] = ()

    def __bool__(self) -> bool:
        return self.applies


def mandatory_audit_indicators(
    document: GhgAnnualReport, computed: GhgComputed, ref: ReferenceData | None = None
) -> dict[str, TriggerStatus]:
    """Return the 双超 / 高耗能 / 双有 indicators of a GHG report, each with its reasons.

    Keys are the audit document's trigger codes: ``double_exceed`` (``exceeded_standards`` or a
    permitted total exceeded, XCK-003), ``high_energy`` (a product worse than its baseline, PLN-006) and
    ``double_toxic`` (toxic materials used or toxic substances discharged). ``ref`` is used for
    naming products; without it the reasons name product codes (the levels already sit in ``computed``).
    """
    double_exceed: list[TriggerReason] = []
    if document.exceeded_standards:
        double_exceed.append(TriggerReason(
            "exceeded_standards", "本年度存在超过污染物排放标准的情形",
            "an emission standard was exceeded this year",
        ))
    for name, value, limit in permit_exceedances(document):
        zh, en = pollutant_names(name)
        double_exceed.append(TriggerReason(
            f"pollutants.{name}", f"{zh}排放量 {amount(value)} t 超过许可排放量 {amount(limit)} t",
            f"{en} emissions of {amount(value)} t exceed the permitted {amount(limit)} t",
        ))

    high_energy: list[TriggerReason] = []
    for r in computed.products:
        if r.level == "worse_than_baseline" and r.unit_energy is not None and r.baseline is not None:
            product = ref.product(r.product) if ref is not None else None
            name_zh = product.name_zh if product is not None else r.product
            name_en = product.name_en.lower() if product is not None else r.product
            high_energy.append(TriggerReason(
                f"products[{r.index}].energy_tce",
                f"{name_zh}单位产品能耗 {fixed(r.unit_energy, 2)} 劣于基准水平 {amount(r.baseline)}",
                f"unit energy of {name_en} {fixed(r.unit_energy, 2)} is worse than the baseline {amount(r.baseline)}",
            ))

    double_toxic: list[TriggerReason] = []
    toxic = document.toxic
    categories_zh = "、".join(_TOXIC_CATEGORIES[c][0] for c in toxic.categories if c in _TOXIC_CATEGORIES)
    categories_en = ", ".join(_TOXIC_CATEGORIES[c][1] for c in toxic.categories if c in _TOXIC_CATEGORIES)
    suffix_zh = f"（{categories_zh}）" if categories_zh else ""
    suffix_en = f" ({categories_en})" if categories_en else ""
    if toxic.uses_toxic_materials:
        double_toxic.append(TriggerReason(
            "toxic.uses_toxic_materials", f"使用有毒有害原料进行生产{suffix_zh}",
            f"uses toxic materials in production{suffix_en}",
        ))
    if toxic.discharges_toxic_substances:
        double_toxic.append(TriggerReason(
            "toxic.discharges_toxic_substances", f"在生产中排放有毒有害物质{suffix_zh}",
            f"discharges toxic substances{suffix_en}",
        ))

    found = {"double_exceed": double_exceed, "high_energy": high_energy, "double_toxic": double_toxic}
    return {name: TriggerStatus(name, bool(reasons), tuple(reasons)) for name, reasons in found.items()}
