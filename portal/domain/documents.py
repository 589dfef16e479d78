"""The canonical filing documents (filing-format.md, schema_version 1).

Attribute names are the JSON field names of the contract, exactly. Numbers are ``Decimal`` (never float),
dates are ``datetime.date``. A field without a default is required in JSON; ``X | None`` admits ``null``.
Range checks (consumption > 0, oxidation rate in (0, 1], ...) are *rules* (GHG-002/003), not codec
errors, so that a document with a wrong value can still be stored as a draft and shown with findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from .fields import info

GHG_KIND = "ghg_annual_report"
CPA_KIND = "clean_production_audit"
KINDS = (GHG_KIND, CPA_KIND)

GeneratingUnitFuel = Literal["coal", "gas", "oil", "biomass", "other"]
BoilerFuel = Literal["coal", "gas", "oil", "biomass", "electric"]
ToxicCategory = Literal["hazardous_waste", "highly_toxic_chemicals", "heavy_metals", "pops", "other"]
OnlineMonitoring = Literal["vocs", "tp", "tn", "heavy_metals"]
AuditType = Literal["mandatory", "voluntary"]
AuditMode = Literal["individual", "industry_whole", "park_whole", "pilot"]
AuditTrigger = Literal["double_exceed", "high_energy", "double_toxic"]
CostClass = Literal["no_low", "medium_high"]
OptionCategory = Literal[
    "raw_material_energy",
    "process",
    "equipment",
    "process_control",
    "product",
    "waste_recycling",
    "management",
    "staff",
]
OptionStatus = Literal["proposed", "feasible", "implemented", "dropped"]
IndicatorCode = Literal[
    "unit_energy",
    "unit_water",
    "unit_co2",
    "so2_t",
    "nox_t",
    "pm_t",
    "vocs_t",
    "cod_t",
    "nh3n_t",
    "hazardous_waste_t",
    "solid_waste_reuse_rate",
]
IndicatorTerm = Literal["near", "mid"]
ReviewStatus = Literal["not_applied", "applied", "passed", "failed"]
CleanProductionLevel = Literal["I", "II", "III"]


# --------------------------------------------------------------------------------------------- shared


@dataclass(kw_only=True)
class Enterprise:
    """Hold the enterprise profile shared by both kinds (ENT-001…ENT-005 check it)."""

    # Profile fields are optional in the codec: ENT-005 reports a missing one as a finding, so a draft
    # with a half-filled profile can still be saved.
    name: str | None = field(default=None, metadata=info("企业名称", "Enterprise name"))
    uscc: str | None = field(default=None, metadata=info("统一社会信用代码", "Unified social credit code"))
    region_code: str | None = field(default=None, metadata=info("行政区划代码", "Region code", codes="region"))
    industry_code: str | None = field(
        default=None, metadata=info("国民经济行业分类代码", "Industry class (GB/T 4754)", codes="industry")
    )
    permit_number: str | None = field(default=None, metadata=info("排污许可证编号", "Pollutant permit number"))
    address: str | None = field(default=None, metadata=info("地址", "Address"))
    legal_representative: str | None = field(default=None, metadata=info("法定代表人", "Legal representative"))
    contact_name: str | None = field(default=None, metadata=info("联系人", "Contact person"))
    contact_phone: str | None = field(default=None, metadata=info("联系电话", "Contact phone"))
    is_key_emitter: bool = field(default=False, metadata=info("重点排放单位", "Key emitting enterprise"))
    is_key_pollutant_discharger: bool = field(
        default=False, metadata=info("重点排污单位", "Key pollutant discharger")
    )
    is_listed: bool = field(default=False, metadata=info("上市公司或发债企业", "Listed company or bond issuer"))


# ---------------------------------------------------------------------------------- ghg_annual_report


@dataclass(kw_only=True)
class FuelLine:
    """Hold one fossil-fuel combustion line: a source burning one fuel."""

    source: str | None = field(default=None, metadata=info("排放源", "Emission source"))
    fuel: str = field(metadata=info("燃料品种", "Fuel", codes="fuel"))
    consumption: Decimal = field(
        metadata=info("消耗量", "Consumption", "t 或 万Nm³", help_zh="单位由燃料品种决定", help_en="unit set by the fuel")
    )
    ncv: Decimal | None = field(default=None, metadata=info("低位发热量（实测）", "Measured NCV", "GJ/单位"))
    carbon_content: Decimal | None = field(
        default=None, metadata=info("单位热值含碳量（实测）", "Measured carbon content", "tC/GJ")
    )
    oxidation_rate: Decimal | None = field(default=None, metadata=info("碳氧化率", "Oxidation rate", "0–1"))
    sulfur_pct: Decimal | None = field(default=None, metadata=info("收到基全硫", "Total sulfur (as received)", "%"))


@dataclass(kw_only=True)
class ProcessLine:
    """Hold one process-emission line (clinker, carbonates, steel carbon inputs and outputs, ...)."""

    source: str | None = field(default=None, metadata=info("排放源", "Emission source"))
    process: str = field(metadata=info("过程类型", "Process", codes="process"))
    activity: Decimal = field(metadata=info("活动数据", "Activity data", "t"))
    emission_factor: Decimal | None = field(
        default=None, metadata=info("排放因子（实测）", "Measured emission factor", "tCO2e/单位")
    )
    cao_fraction: Decimal | None = field(
        default=None, metadata=info("熟料中碳酸盐来源CaO含量", "Carbonate-derived CaO fraction", "0–1")
    )
    mgo_fraction: Decimal | None = field(
        default=None, metadata=info("熟料中碳酸盐来源MgO含量", "Carbonate-derived MgO fraction", "0–1")
    )
    purity: Decimal | None = field(default=None, metadata=info("碳酸盐纯度", "Carbonate purity", "0–1"))


@dataclass(kw_only=True)
class Electricity:
    """Hold purchased and exported electricity."""

    purchased_mwh: Decimal = field(default=Decimal(0), metadata=info("购入电量", "Purchased electricity", "MWh"))
    exported_mwh: Decimal = field(default=Decimal(0), metadata=info("输出电量", "Exported electricity", "MWh"))
    grid_factor: Decimal | None = field(
        default=None,
        metadata=info(
            "电网排放因子", "Grid emission factor", "tCO2/MWh", help_zh="留空则使用当年官方因子",
            help_en="leave empty to use the official factor of the year",
        ),
    )


@dataclass(kw_only=True)
class Heat:
    """Hold purchased and exported heat."""

    purchased_gj: Decimal = field(default=Decimal(0), metadata=info("购入热力", "Purchased heat", "GJ"))
    exported_gj: Decimal = field(default=Decimal(0), metadata=info("输出热力", "Exported heat", "GJ"))


@dataclass(kw_only=True)
class ProductLine:
    """Hold one product: output, capacity and the energy attributed to it."""

    product: str = field(metadata=info("产品", "Product", codes="product"))
    output: Decimal = field(metadata=info("产量", "Output", "单位由产品决定"))
    capacity: Decimal | None = field(default=None, metadata=info("设计产能", "Design capacity", "单位/年"))
    energy_tce: Decimal | None = field(default=None, metadata=info("综合能耗", "Energy consumption", "tce"))
    primary: bool = field(default=False, metadata=info("主要产品", "Primary product"))
    new_capacity: bool = field(default=False, metadata=info("本年新增产能", "New capacity this year"))
    capacity_replacement_ref: str | None = field(
        default=None, metadata=info("产能置换方案文号", "Capacity replacement approval")
    )


@dataclass(kw_only=True)
class GeneratingUnit:
    """Hold one generating unit; fuel lines whose ``source`` equals ``id`` belong to it."""

    id: str = field(metadata=info("机组编号", "Unit id"))
    fuel: GeneratingUnitFuel = field(metadata=info("燃料类型", "Fuel type"))
    capacity_mw: Decimal | None = field(default=None, metadata=info("装机容量", "Capacity", "MW"))
    self_owned: bool = field(default=False, metadata=info("自备电厂", "Self-owned (captive)"))
    commissioned: date | None = field(default=None, metadata=info("投运日期", "Commissioned on"))
    generation_mwh: Decimal | None = field(default=None, metadata=info("发电量", "Generation", "MWh"))
    heat_supplied_gj: Decimal | None = field(default=None, metadata=info("供热量", "Heat supplied", "GJ"))
    heat_ratio: Decimal | None = field(default=None, metadata=info("供热比", "Heat ratio", "0–1"))


@dataclass(kw_only=True)
class Boiler:
    """Hold one boiler (PLN-001…003)."""

    id: str = field(metadata=info("锅炉编号", "Boiler id"))
    fuel: BoilerFuel = field(metadata=info("燃料类型", "Fuel type"))
    capacity_tph: Decimal | None = field(default=None, metadata=info("额定蒸发量", "Capacity", "t/h"))
    commissioned: date | None = field(default=None, metadata=info("投运日期", "Commissioned on"))
    in_built_up_area: bool = field(
        default=False, metadata=info("位于县级及以上城市建成区", "In a county-level-or-above built-up area")
    )
    ultra_low_emission: bool = field(default=False, metadata=info("超低排放", "Ultra-low emission"))
    low_nox: bool = field(default=False, metadata=info("低氮燃烧", "Low-NOx combustion"))


@dataclass(kw_only=True)
class Pollutants:
    """Hold the year's pollutant emissions in tonnes."""

    so2_t: Decimal | None = field(default=None, metadata=info("二氧化硫", "SO2", "t"))
    nox_t: Decimal | None = field(default=None, metadata=info("氮氧化物", "NOx", "t"))
    pm_t: Decimal | None = field(default=None, metadata=info("颗粒物", "Particulate matter", "t"))
    vocs_t: Decimal | None = field(default=None, metadata=info("挥发性有机物", "VOCs", "t"))
    cod_t: Decimal | None = field(default=None, metadata=info("化学需氧量", "COD", "t"))
    nh3n_t: Decimal | None = field(default=None, metadata=info("氨氮", "Ammonia nitrogen", "t"))


@dataclass(kw_only=True)
class Permit:
    """Hold figures from the pollutant permit and its annual execution report."""

    coal_t: Decimal | None = field(default=None, metadata=info("执行报告燃煤量", "Coal (execution report)", "t"))
    so2_t: Decimal | None = field(default=None, metadata=info("执行报告二氧化硫", "SO2 (execution report)", "t"))
    nox_t: Decimal | None = field(default=None, metadata=info("执行报告氮氧化物", "NOx (execution report)", "t"))
    pm_t: Decimal | None = field(default=None, metadata=info("执行报告颗粒物", "PM (execution report)", "t"))
    so2_limit_t: Decimal | None = field(default=None, metadata=info("二氧化硫许可排放量", "SO2 permitted", "t"))
    nox_limit_t: Decimal | None = field(default=None, metadata=info("氮氧化物许可排放量", "NOx permitted", "t"))
    pm_limit_t: Decimal | None = field(default=None, metadata=info("颗粒物许可排放量", "PM permitted", "t"))
    cod_limit_t: Decimal | None = field(default=None, metadata=info("化学需氧量许可排放量", "COD permitted", "t"))
    nh3n_limit_t: Decimal | None = field(default=None, metadata=info("氨氮许可排放量", "NH3-N permitted", "t"))


@dataclass(kw_only=True)
class Toxic:
    """Hold toxic-substance use and discharge (双有)."""

    uses_toxic_materials: bool = field(default=False, metadata=info("使用有毒有害原料", "Uses toxic materials"))
    discharges_toxic_substances: bool = field(
        default=False, metadata=info("排放有毒有害物质", "Discharges toxic substances")
    )
    categories: list[ToxicCategory] = field(default_factory=list, metadata=info("类别", "Categories"))


@dataclass(kw_only=True)
class Hcfc:
    """Hold HCFC consumption and its quota and phase-out plan."""

    consumption_t: Decimal = field(default=Decimal(0), metadata=info("含氢氯氟烃使用量", "HCFC consumption", "t"))
    has_quota: bool = field(default=False, metadata=info("持有使用配额", "Holds a quota"))
    phaseout_plan: bool = field(default=False, metadata=info("有淘汰计划", "Has a phase-out plan"))


@dataclass(kw_only=True)
class Air:
    """Hold air-pollution controls (PLN-010…012)."""

    flue_gas_bypass: bool = field(default=False, metadata=info("存在烟气旁路", "Flue-gas bypass"))
    bypass_monitored: bool = field(default=False, metadata=info("旁路已安装在线监管", "Bypass monitored"))
    online_monitoring: list[OnlineMonitoring] = field(
        default_factory=list, metadata=info("特征污染物在线监控", "Online monitoring")
    )
    ultra_low_retrofit_done: bool = field(
        default=False, metadata=info("已完成超低排放改造", "Ultra-low-emission retrofit done")
    )


@dataclass(kw_only=True)
class Declared:
    """Hold the enterprise's own totals (GHG-007 compares them with the computed ones)."""

    total_tco2: Decimal | None = field(default=None, metadata=info("企业申报排放总量", "Declared total", "tCO2"))
    combustion_tco2: Decimal | None = field(
        default=None, metadata=info("企业申报燃烧排放", "Declared combustion", "tCO2")
    )
    process_tco2: Decimal | None = field(default=None, metadata=info("企业申报过程排放", "Declared process", "tCO2"))


@dataclass(kw_only=True)
class GhgAnnualReport:
    """Hold a 温室气体排放年度报告 — the canonical document of kind ``ghg_annual_report``."""

    kind: Literal["ghg_annual_report"] = field(metadata=info("文书类型", "Kind"))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version"))
    reporting_year: int = field(metadata=info("报告年度", "Reporting year"))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    fuels: list[FuelLine] = field(default_factory=list, metadata=info("化石燃料燃烧", "Fuel combustion"))
    processes: list[ProcessLine] = field(default_factory=list, metadata=info("工业生产过程", "Process emissions"))
    electricity: Electricity = field(default_factory=Electricity, metadata=info("电力", "Electricity"))
    heat: Heat = field(default_factory=Heat, metadata=info("热力", "Heat"))
    co2_recovered_t: Decimal = field(
        default=Decimal(0), metadata=info("二氧化碳回收利用量", "CO2 recovered", "tCO2")
    )
    products: list[ProductLine] = field(default_factory=list, metadata=info("产品产量", "Products"))
    energy_total_tce: Decimal | None = field(
        default=None, metadata=info("综合能源消费量（企业申报）", "Declared energy consumption", "tce")
    )
    generating_units: list[GeneratingUnit] = field(
        default_factory=list, metadata=info("发电机组", "Generating units")
    )
    boilers: list[Boiler] = field(default_factory=list, metadata=info("锅炉", "Boilers"))
    pollutants: Pollutants = field(default_factory=Pollutants, metadata=info("污染物排放量", "Pollutant emissions"))
    permit: Permit = field(default_factory=Permit, metadata=info("排污许可", "Pollutant permit"))
    exceeded_standards: bool = field(
        default=False, metadata=info("本年度存在超标排放", "Exceeded an emission standard this year")
    )
    toxic: Toxic = field(default_factory=Toxic, metadata=info("有毒有害物质", "Toxic substances"))
    hcfc: Hcfc = field(default_factory=Hcfc, metadata=info("含氢氯氟烃", "HCFCs"))
    air: Air = field(default_factory=Air, metadata=info("大气污染防治", "Air-pollution controls"))
    last_audit_year: int | None = field(
        default=None, metadata=info("最近一轮清洁生产审核完成年份", "Year the last audit was completed")
    )
    declared: Declared = field(default_factory=Declared, metadata=info("企业自报总量", "Declared totals"))
    explanations: dict[str, str] = field(default_factory=dict, metadata=info("情况说明", "Explanations"))


# ----------------------------------------------------------------------------- clean_production_audit


@dataclass(kw_only=True)
class Consultancy:
    """Hold the consultancy that assists the audit (CPA-012 checks its uscc)."""

    name: str | None = field(default=None, metadata=info("咨询机构名称", "Consultancy name"))
    uscc: str | None = field(default=None, metadata=info("咨询机构统一社会信用代码", "Consultancy USCC"))


@dataclass(kw_only=True)
class Phase:
    """Hold the dates of one audit phase (null while not reached)."""

    start: date | None = field(default=None, metadata=info("开始日期", "Start"))
    end: date | None = field(default=None, metadata=info("结束日期", "End"))


PHASE_NAMES = (
    "preparation",
    "pre_assessment",
    "assessment",
    "option_generation",
    "feasibility",
    "implementation",
    "continuous",
)


@dataclass(kw_only=True)
class Phases:
    """Hold the seven phases of a clean-production audit, in order."""

    preparation: Phase = field(default_factory=Phase, metadata=info("审核准备", "Preparation"))
    pre_assessment: Phase = field(default_factory=Phase, metadata=info("预审核", "Pre-assessment"))
    assessment: Phase = field(default_factory=Phase, metadata=info("审核", "Assessment"))
    option_generation: Phase = field(default_factory=Phase, metadata=info("方案的产生和筛选", "Option generation"))
    feasibility: Phase = field(default_factory=Phase, metadata=info("方案的确定（可行性分析）", "Feasibility"))
    implementation: Phase = field(default_factory=Phase, metadata=info("方案的实施", "Implementation"))
    continuous: Phase = field(default_factory=Phase, metadata=info("持续清洁生产", "Continuous improvement"))


@dataclass(kw_only=True)
class Indicator:
    """Hold one audit indicator with its baseline, target and achieved value."""

    indicator: IndicatorCode = field(metadata=info("指标", "Indicator"))
    baseline: Decimal = field(metadata=info("基准值", "Baseline"))
    target: Decimal = field(metadata=info("目标值", "Target"))
    achieved: Decimal | None = field(default=None, metadata=info("实际达到值", "Achieved"))
    term: IndicatorTerm = field(default="near", metadata=info("期限", "Term"))


@dataclass(kw_only=True)
class OptionSavings:
    """Hold an option's annual savings — pollutants and CO2 side by side (减污降碳协同)."""

    energy_tce: Decimal | None = field(default=None, metadata=info("节能", "Energy saved", "tce/a"))
    water_t: Decimal | None = field(default=None, metadata=info("节水", "Water saved", "t/a"))
    co2_t: Decimal | None = field(default=None, metadata=info("减少二氧化碳", "CO2 reduced", "t/a"))
    so2_t: Decimal | None = field(default=None, metadata=info("减少二氧化硫", "SO2 reduced", "t/a"))
    nox_t: Decimal | None = field(default=None, metadata=info("减少氮氧化物", "NOx reduced", "t/a"))
    pm_t: Decimal | None = field(default=None, metadata=info("减少颗粒物", "PM reduced", "t/a"))
    vocs_t: Decimal | None = field(default=None, metadata=info("减少挥发性有机物", "VOCs reduced", "t/a"))
    cod_t: Decimal | None = field(default=None, metadata=info("减少化学需氧量", "COD reduced", "t/a"))
    nh3n_t: Decimal | None = field(default=None, metadata=info("减少氨氮", "NH3-N reduced", "t/a"))
    hazardous_waste_t: Decimal | None = field(
        default=None, metadata=info("减少危险废物", "Hazardous waste reduced", "t/a")
    )


@dataclass(kw_only=True)
class AuditOption:
    """Hold one clean-production option (方案)."""

    id: str = field(metadata=info("方案编号", "Option id"))
    name: str = field(metadata=info("方案名称", "Option name"))
    cost_class: CostClass = field(metadata=info("费用类别", "Cost class"))
    category: OptionCategory = field(metadata=info("方案类型（HJ 469）", "Category (HJ 469)"))
    investment_10k_cny: Decimal | None = field(default=None, metadata=info("投资", "Investment", "万元"))
    status: OptionStatus = field(default="proposed", metadata=info("状态", "Status"))
    implemented_on: date | None = field(default=None, metadata=info("实施日期", "Implemented on"))
    annual_benefit_10k_cny: Decimal | None = field(
        default=None, metadata=info("年经济效益", "Annual benefit", "万元/年")
    )
    lifetime_years: int | None = field(default=None, metadata=info("寿命期", "Lifetime", "年"))
    savings: OptionSavings = field(default_factory=OptionSavings, metadata=info("年环境效益", "Annual savings"))


@dataclass(kw_only=True)
class AssessmentReview:
    """Hold the 评估 (assessment) outcome."""

    status: ReviewStatus = field(default="not_applied", metadata=info("状态", "Status"))
    date: date | None = field(default=None, metadata=info("日期", "Date"))


@dataclass(kw_only=True)
class AcceptanceReview:
    """Hold the 验收 (acceptance) outcome and the clean-production level reached."""

    status: ReviewStatus = field(default="not_applied", metadata=info("状态", "Status"))
    date: date | None = field(default=None, metadata=info("日期", "Date"))
    level: CleanProductionLevel | None = field(default=None, metadata=info("清洁生产水平", "Level reached"))


@dataclass(kw_only=True)
class CleanProductionAudit:
    """Hold a 清洁生产审核 filing — the canonical document of kind ``clean_production_audit``."""

    kind: Literal["clean_production_audit"] = field(metadata=info("文书类型", "Kind"))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version"))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    audit_type: AuditType = field(metadata=info("审核类型", "Audit type"))
    audit_mode: AuditMode = field(default="individual", metadata=info("审核模式", "Audit mode"))
    triggers: list[AuditTrigger] = field(default_factory=list, metadata=info("强制性审核情形", "Triggers"))
    listed_on: date | None = field(default=None, metadata=info("名单公布日期", "Listed on"))
    info_published_on: date | None = field(default=None, metadata=info("企业信息公布日期", "Information published on"))
    consultancy: Consultancy | None = field(default=None, metadata=info("咨询机构", "Consultancy"))
    permit_number: str | None = field(default=None, metadata=info("关联排污许可证编号", "Linked permit number"))
    phases: Phases = field(default_factory=Phases, metadata=info("审核阶段", "Phases"))
    focus: str | None = field(default=None, metadata=info("审核重点", "Audit focus"))
    baseline_year: int | None = field(default=None, metadata=info("基准年", "Baseline year"))
    indicators: list[Indicator] = field(default_factory=list, metadata=info("清洁生产指标", "Indicators"))
    options: list[AuditOption] = field(default_factory=list, metadata=info("清洁生产方案", "Options"))
    discount_rate: Decimal = field(default=Decimal("0.08"), metadata=info("折现率", "Discount rate"))
    assessment: AssessmentReview = field(default_factory=AssessmentReview, metadata=info("评估", "Assessment"))
    acceptance: AcceptanceReview = field(default_factory=AcceptanceReview, metadata=info("验收", "Acceptance"))
    explanations: dict[str, str] = field(default_factory=dict, metadata=info("情况说明", "Explanations"))


Document = GhgAnnualReport | CleanProductionAudit
DOCUMENT_TYPES: dict[str, type[GhgAnnualReport] | type[CleanProductionAudit]] = {
    GHG_KIND: GhgAnnualReport,
    CPA_KIND: CleanProductionAudit,
}


def filing_year(document: Document) -> int | None:
    """Return the year a filing is keyed by: the reporting year, or for an audit the year it started.

    An audit has no reporting year; its cycle is identified by the year its preparation phase started,
    else the year after its baseline year (the audit normally follows the baseline year).
    """
    if isinstance(document, GhgAnnualReport):
        return document.reporting_year
    start = document.phases.preparation.start
    if start is not None:
        return start.year
    if document.baseline_year is not None:
        return document.baseline_year + 1
    return None
