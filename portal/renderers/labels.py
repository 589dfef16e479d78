"""Chinese names of the coded values a filing holds, for the PDF and Excel filings.

Two kinds of codes appear in a document:

* the closed value sets of the filing format (``Literal`` types in ``domain/documents.py``: audit type,
  option status, boiler fuel, …) — their names are fixed by filing-format.md and listed here;
* reference code lists (fuel, process, product; region, industry) — their names live in reference data.
  Region and industry names come from ``domain.codes``; fuel, process and product names are passed in by
  the caller as a :data:`CodeLabels` mapping (``labels_from_reference`` builds one), because renderers
  depend on ``domain`` only (ARCHITECTURE.md, "Arrows point down only").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.domain import codes as code_tables
from portal.domain.documents import CleanProductionAudit, Document, GhgAnnualReport

#: code list name ("fuel", "process", "product") → code → Chinese name
CodeLabels = Mapping[str, Mapping[str, str]]

#: Chinese names of every ``Literal`` value of the filing format. One flat table: no value means two
#: different things in two value sets (a unit test checks every Literal value has a name here).
CHOICE_LABELS: dict[str, str] = {
    # kinds
    "ghg_annual_report": "温室气体排放年度报告",
    "clean_production_audit": "清洁生产审核",
    # generating-unit and boiler fuels
    "coal": "燃煤",
    "gas": "燃气",
    "oil": "燃油",
    "biomass": "生物质",
    "electric": "电",
    "other": "其他",
    # toxic-substance categories (双有)
    "hazardous_waste": "危险废物",
    "highly_toxic_chemicals": "剧毒化学品",
    "heavy_metals": "重金属",
    "pops": "持久性有机污染物",
    # characteristic pollutants under online monitoring
    "vocs": "挥发性有机物",
    "tp": "总磷",
    "tn": "总氮",
    # audit type, mode and triggers
    "mandatory": "强制性",
    "voluntary": "自愿性",
    "individual": "单个企业",
    "industry_whole": "行业整体",
    "park_whole": "园区整体",
    "pilot": "创新试点",
    "double_exceed": "双超",
    "high_energy": "高耗能",
    "double_toxic": "双有",
    # options (HJ 469 categories, reference-data.md §6)
    "no_low": "无/低费",
    "medium_high": "中/高费",
    "raw_material_energy": "原辅材料和能源替代",
    "process": "技术工艺改造",
    "equipment": "设备维护和更新",
    "process_control": "过程优化控制",
    "product": "产品更换或改进",
    "waste_recycling": "废弃物回收利用和循环使用",
    "management": "加强管理",
    "staff": "员工素质提高",
    "proposed": "备选",
    "feasible": "可行",
    "implemented": "已实施",
    "dropped": "已放弃",
    # indicators (reference-data.md §6) — the unit is part of the name: the value columns have none
    "unit_energy": "单位产品综合能耗（kgce/单位产品）",
    "unit_water": "单位产品取水量（t/单位产品）",
    "unit_co2": "单位产品二氧化碳排放量（tCO2/单位产品）",
    "so2_t": "二氧化硫排放量（t/a）",
    "nox_t": "氮氧化物排放量（t/a）",
    "pm_t": "颗粒物排放量（t/a）",
    "vocs_t": "挥发性有机物排放量（t/a）",
    "cod_t": "化学需氧量排放量（t/a）",
    "nh3n_t": "氨氮排放量（t/a）",
    "hazardous_waste_t": "危险废物产生量（t/a）",
    "solid_waste_reuse_rate": "一般工业固体废物综合利用率（%）",
    "near": "近期",
    "mid": "中远期",
    # assessment and acceptance
    "not_applied": "未申请",
    "applied": "已申请",
    "passed": "通过",
    "failed": "未通过",
    "I": "Ⅰ级",
    "II": "Ⅱ级",
    "III": "Ⅲ级",
}

#: filing statuses (models.filings.FILING_STATUSES) as printed on the cover
STATUS_LABELS: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "已退回修改",
    "resubmitted": "已重新提交",
    "accepted": "审核通过",
}

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "notice": "提示"}

KIND_LABELS_EN: dict[str, str] = {
    "ghg_annual_report": "GHG annual emission report",
    "clean_production_audit": "Clean-production audit",
}


def choice_label(value: Any) -> str | None:
    """Return the Chinese name of a closed-set value, or None for an unknown one."""
    return CHOICE_LABELS.get(value) if isinstance(value, str) else None


def code_label(codes: str | None, value: Any, labels: CodeLabels | None) -> str | None:
    """Return the Chinese name of a code from a reference code list, or None when it is not known."""
    if not isinstance(value, str) or not value or codes is None:
        return None
    if codes == "region":
        return code_tables.region_full_name(value)
    if codes == "industry":
        return code_tables.industry_name(value)
    if labels is not None:
        return labels.get(codes, {}).get(value)
    return None


def labels_from_reference(
    ref: Any, document: Document, edition: str | None = None
) -> dict[str, dict[str, str]]:
    """Return the names of the fuel, process and product codes ``document`` uses, from reference data.

    ``ref`` is any object with the ``fuel(code, edition)``, ``process(code)`` and ``product(code)`` methods
    of ``portal.reference.ReferenceData`` (duck-typed: renderers do not import the reference package).
    ``edition`` is the default-factor edition of the computed results; the fuel names are the same in
    every edition, so any will do when it is not given.
    """
    out: dict[str, dict[str, str]] = {"fuel": {}, "process": {}, "product": {}}
    if isinstance(document, CleanProductionAudit):
        return out
    assert isinstance(document, GhgAnnualReport)
    fuel_edition = edition or ref.fuel_edition(document.enterprise.industry_code)
    for line in document.fuels:
        found = ref.fuel(line.fuel, fuel_edition)
        if found is not None:
            out["fuel"][line.fuel] = found.name_zh
    for pline in document.processes:
        found = ref.process(pline.process)
        if found is not None:
            out["process"][pline.process] = found.name_zh
    for product in document.products:
        found = ref.product(product.product)
        if found is not None:
            out["product"][product.product] = found.name_zh
    return out
