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
from typing import Final, Literal

# The parts all kinds share (common.py), re-exported: ``from portal.domain.documents import Enterprise`` works.
from .common import AMOUNT, MAX_LINES, SIGNED_AMOUNT, YEAR, Enterprise, OptionSavings
from .common import explanations_info as _explanations
from .disclosure import ADHOC_KIND as ADHOC_KIND
from .disclosure import ANNUAL_KIND as ANNUAL_KIND
from .disclosure import EnvDisclosureAdhoc as EnvDisclosureAdhoc
from .disclosure import EnvDisclosureAnnualReport as EnvDisclosureAnnualReport
from .fields import between, computed, flag, info, nested, optional, rows, section

GHG_KIND: Final = "ghg_annual_report"
CPA_KIND: Final = "clean_production_audit"
#: every filing kind, in the order the portal lists them (the disclosure kinds are declared in disclosure.py)
KINDS = (GHG_KIND, CPA_KIND, ANNUAL_KIND, ADHOC_KIND)
#: the kinds the web portal opens drafts of and imports workbooks of (all of them since issue 17 part 2)
WEB_KINDS = (GHG_KIND, CPA_KIND, ANNUAL_KIND, ADHOC_KIND)

GeneratingUnitFuel = Literal["coal", "gas", "oil", "biomass", "other"]
BoilerFuel = Literal["coal", "gas", "oil", "biomass", "electric"]
ToxicCategory = Literal["hazardous_waste", "highly_toxic_chemicals", "heavy_metals", "pops", "other"]
OnlineMonitoring = Literal["vocs", "tp", "tn", "heavy_metals"]
EfficiencyGrade = Literal["grade_1", "grade_2", "grade_3"]
BiomassBoilerType = Literal["dedicated", "converted"]
DustRemoval = Literal["high_efficiency", "ordinary", "none"]
KilnKind = Literal["ceramic", "brick", "glass", "nonferrous", "other"]
KilnFuel = Literal["coal", "heavy_oil", "gas", "electric", "heat", "biomass", "other"]
VocsMaterials = Literal["low_vocs", "high_vocs", "none"]
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


# ----------------------------------------------------------------------------------------- bounds
# A field's bounds are refused on every input channel with one message (fields.Bounds). Those that the
# national method states (quantities ≥ 0, consumption and activity > 0, measured parameters in range) are
# reported by GHG-002/GHG-003 when a document is checked; the upper ends are plausibility limits: no plant
# burns 10⁹ t of coal a year, and a larger number is a typing error, not a fact.

#: a quantity of the GHG report: ≥ 0 and at most 10⁹ (GHG-002)
QUANTITY = between(0, "1E9", rule="GHG-002")
#: consumption and activity data: > 0 (GHG-002)
POSITIVE_QUANTITY = between(0, "1E9", low_open=True, rule="GHG-002")
#: a measured fraction in [0, 1] (GHG-003)
MEASURED_FRACTION = between(0, 1, rule="GHG-003")


# ---------------------------------------------------------------------------------- ghg_annual_report


@dataclass(kw_only=True)
class FuelLine:
    """Hold one combustion line: a source burning one fuel."""

    source: str | None = optional("排放源", "Emission source", max_length=100)
    fuel: str = field(metadata=info("燃料品种", "Fuel", codes="fuel", max_length=40))
    consumption: Decimal = field(metadata=info(
        "消耗量", "Consumption", "fuel", bounds=POSITIVE_QUANTITY,
        help_zh="单位由燃料品种决定（固体、液体 t，气体 万Nm³）",
        help_en="the unit is set by the fuel (solids and liquids t, gases 10⁴ Nm³)"))
    ncv: Decimal | None = optional(
        "低位发热量（实测）", "Measured NCV", "GJ/fuel", bounds=between(0, 1000, low_open=True, rule="GHG-003"),
        help_zh="留空则使用缺省值", help_en="leave empty to use the default")
    carbon_content: Decimal | None = optional(
        "单位热值含碳量（实测）", "Measured carbon content", "tC/GJ",
        bounds=between(0, 1, low_open=True, rule="GHG-003"), help_zh="留空则使用缺省值",
        help_en="leave empty to use the default")
    oxidation_rate: Decimal | None = optional(
        "碳氧化率", "Oxidation rate", "fraction", bounds=between(0, 1, low_open=True, rule="GHG-003"),
        help_zh="留空则使用缺省值", help_en="leave empty to use the default")
    sulfur_pct: Decimal | None = optional(
        "收到基全硫", "Total sulfur (as received)", "percent", bounds=between(0, 100, rule="GHG-002"))
    # Co-firing (reference-data.md §1b): biomass carbon counts in energy, never in fossil CO2.
    fossil_fraction: Decimal | None = optional(
        "化石碳比例", "Fossil carbon fraction", "fraction", bounds=between(0, 1, rule="GHG-002"), since="2026-12",
        help_zh="非生物质碳占燃料含碳的比例：化石燃料为 1、生物质为 0；替代燃料须实测填写",
        help_en="share of the fuel's carbon that is fossil: 1 for fossil fuels, 0 for biomass; measured for "
                "alternative fuels")


@dataclass(kw_only=True)
class ProcessLine:
    """Hold one process-emission line (clinker, carbonates, steel carbon inputs and outputs, ...)."""

    source: str | None = optional("排放源", "Emission source", max_length=100)
    process: str = field(metadata=info("过程类型", "Process", codes="process", max_length=40))
    activity: Decimal = field(metadata=info(
        "活动数据", "Activity data", "activity", bounds=POSITIVE_QUANTITY,
        help_zh="单位由过程类型决定", help_en="the unit is set by the process"))
    # Carbon leaving in products has a negative factor (crude_steel_out …): a measured factor has a sign.
    emission_factor: Decimal | None = optional(
        "排放因子（实测）", "Measured emission factor", "tCO2e/activity", bounds=between("-1E5", "1E5"),
        help_zh="留空则按含量计算或使用缺省值", help_en="leave empty to compute from fractions or use the default")
    cao_fraction: Decimal | None = optional(
        "熟料中碳酸盐来源CaO含量", "Carbonate-derived CaO fraction", "fraction", bounds=MEASURED_FRACTION)
    mgo_fraction: Decimal | None = optional(
        "熟料中碳酸盐来源MgO含量", "Carbonate-derived MgO fraction", "fraction", bounds=MEASURED_FRACTION)
    purity: Decimal | None = optional("碳酸盐纯度", "Carbonate purity", "fraction", bounds=MEASURED_FRACTION)


@dataclass(kw_only=True)
class Electricity:
    """Hold purchased and exported electricity."""

    purchased_mwh: Decimal = field(default=Decimal(0), metadata=info(
        "购入电量", "Purchased electricity", "MWh", bounds=QUANTITY))
    exported_mwh: Decimal = field(default=Decimal(0), metadata=info(
        "输出电量", "Exported electricity", "MWh", bounds=QUANTITY))
    grid_factor: Decimal | None = optional(
        "电网排放因子", "Grid emission factor", "tCO2/MWh", bounds=between(0, 5, rule="GHG-002"),
        help_zh="留空则使用当年官方因子", help_en="leave empty to use the official factor of the year")


@dataclass(kw_only=True)
class Heat:
    """Hold purchased and exported heat."""

    purchased_gj: Decimal = field(default=Decimal(0), metadata=info(
        "购入热力", "Purchased heat", "GJ", bounds=between(0, "1E10", rule="GHG-002")))
    exported_gj: Decimal = field(default=Decimal(0), metadata=info(
        "输出热力", "Exported heat", "GJ", bounds=between(0, "1E10", rule="GHG-002")))


@dataclass(kw_only=True)
class ProductLine:
    """Hold one product: output, capacity and the energy attributed to it."""

    product: str = field(metadata=info("产品", "Product", codes="product", max_length=40))
    variant: str | None = optional(
        "能效水平分档", "Efficiency-level band", codes="variant", max_length=40, since="2026-12",
        help_zh="按原料、规模或类型分档的产品（合成氨、平板玻璃、陶瓷砖、焦炭、烧碱）须选择所属档位",
        help_en="products whose levels are banded (ammonia, flat glass, ceramic tile, coke, caustic soda) "
                "name their band")
    output: Decimal = field(metadata=info(
        "产量", "Output", "product", bounds=between(0, "1E10", rule="GHG-002"),
        help_zh="单位由产品决定", help_en="the unit is set by the product"))
    capacity: Decimal | None = optional(
        "设计产能", "Design capacity", "product/a", bounds=between(0, "1E10", rule="GHG-002"))
    # Negative only where the product's levels are negative (转炉炼钢): GHG-002 checks that.
    energy_tce: Decimal | None = optional(
        "综合能耗", "Energy consumption", "tce", bounds=between("-1E9", "1E9"), help_zh="转炉炼钢回收能源大于消耗时可为负数",
        help_en="may be negative for BOF steelmaking (net energy recovery)")
    electricity_mwh: Decimal | None = optional(
        "产品电耗", "Electricity for the product", "MWh", bounds=QUANTITY, since="2026-12",
        help_zh="能效水平以电耗计的产品（电解铝：铝液交流电耗）",
        help_en="products whose level is an electricity level (aluminium: AC power of liquid aluminium)")
    primary: bool = flag("主要产品", "Primary product")
    new_capacity: bool = flag("本年新增产能", "New capacity this year")
    capacity_replacement_ref: str | None = optional(
        "产能置换方案文号", "Capacity replacement approval", max_length=200)
    # PLN-014 (江苏方案第（五）条 "新建高耗能项目用能设备达到一级能效标准"): stated for new capacity only.
    equipment_efficiency: EfficiencyGrade | None = optional(
        "新增产能用能设备能效等级", "Efficiency grade of the new capacity's equipment", values="efficiency_grade",
        since="2026-12", help_zh="本年新增产能时填写", help_en="for new capacity this year")


@dataclass(kw_only=True)
class GeneratingUnit:
    """Hold one generating unit; fuel lines whose ``source`` equals ``id`` belong to it."""

    id: str = field(metadata=info("机组编号", "Unit id", max_length=100))
    fuel: GeneratingUnitFuel = field(metadata=info("燃料类型", "Fuel type", values="generating_unit_fuel"))
    capacity_mw: Decimal | None = optional(
        "装机容量", "Capacity", "MW", bounds=between(0, 100000, rule="GHG-002"))
    self_owned: bool = flag("自备电厂", "Self-owned (captive)")
    commissioned: date | None = optional("投运日期", "Commissioned on")
    generation_mwh: Decimal | None = optional("发电量", "Generation", "MWh", bounds=QUANTITY)
    heat_supplied_gj: Decimal | None = optional(
        "供热量", "Heat supplied", "GJ", bounds=between(0, "1E10", rule="GHG-002"))
    heat_ratio: Decimal | None = optional(
        "供热比", "Heat ratio", "fraction", bounds=between(0, 1, rule="GHG-002"))
    # PLN-015/016 (江苏方案第（六）条): heat-supply retrofit of large coal units, small coal CHP units. Fields
    # of the 2026-12 amendment default to None (not stated: the rules read it as "no").
    heat_demand_nearby: bool | None = optional("周边有可接入的工业或采暖热负荷", "Heat demand within reach", since="2026-12")
    heat_supply_retrofit: bool | None = optional("已实施供热改造", "Heat-supply retrofit done", since="2026-12")
    within_supply_radius_of_large_unit: bool | None = optional(
        "位于大型燃煤热电机组供热半径内", "Within the supply radius of a large coal CHP unit", since="2026-12")


@dataclass(kw_only=True)
class Boiler:
    """Hold one boiler (PLN-001…003; PLN-019 for biomass boilers)."""

    id: str = field(metadata=info("锅炉编号", "Boiler id", max_length=100))
    fuel: BoilerFuel = field(metadata=info("燃料类型", "Fuel type", values="boiler_fuel"))
    capacity_tph: Decimal | None = optional(
        "额定蒸发量", "Capacity", "t/h", bounds=between(0, 10000, rule="GHG-002"))
    commissioned: date | None = optional("投运日期", "Commissioned on")
    in_built_up_area: bool = field(
        default=False, metadata=info("位于县级及以上城市建成区", "In a county-level-or-above built-up area")
    )
    ultra_low_emission: bool = flag("超低排放", "Ultra-low emission")
    low_nox: bool = flag("低氮燃烧", "Low-NOx combustion")
    # PLN-019: a biomass boiler is a dedicated boiler with efficient dust removal and burns no coal. The
    # type and the dust removal are choices, so that "not stated" (null) stays silent for older documents.
    biomass_boiler: BiomassBoilerType | None = optional(
        "生物质锅炉类型", "Biomass boiler type", values="biomass_boiler_type", since="2026-12", help_zh="生物质锅炉填写",
        help_en="for biomass boilers")
    dust_removal: DustRemoval | None = optional(
        "除尘设施", "Dust removal", values="dust_removal", since="2026-12")
    cofires_coal: bool | None = optional("掺烧煤炭", "Co-fires coal", since="2026-12")


@dataclass(kw_only=True)
class Kiln:
    """Hold one industrial kiln (PLN-020…022: clean-energy substitution and 深度治理)."""

    id: str = field(metadata=info("窑炉编号", "Kiln id", max_length=100))
    kind: KilnKind = field(metadata=info("窑炉类别", "Kiln type", values="kiln_kind"))
    fuel: KilnFuel = field(metadata=info("主要燃料", "Main fuel", values="kiln_fuel"))
    commissioned: date | None = optional("投运日期（新建、改建、扩建）", "Commissioned (new, rebuilt or extended) on")
    deep_treatment: bool = flag("已完成深度治理（超低排放改造）", "Deep treatment (ultra-low emission) done")


@dataclass(kw_only=True)
class Pollutants:
    """Hold the year's pollutant emissions in tonnes."""

    so2_t: Decimal | None = optional("二氧化硫排放量", "SO2 emissions", "t", bounds=QUANTITY)
    nox_t: Decimal | None = optional("氮氧化物排放量", "NOx emissions", "t", bounds=QUANTITY)
    pm_t: Decimal | None = optional("颗粒物排放量", "Particulate emissions", "t", bounds=QUANTITY)
    vocs_t: Decimal | None = optional("挥发性有机物排放量", "VOCs emissions", "t", bounds=QUANTITY)
    cod_t: Decimal | None = optional("化学需氧量排放量", "COD discharged", "t", bounds=QUANTITY)
    nh3n_t: Decimal | None = optional("氨氮排放量", "Ammonia nitrogen discharged", "t", bounds=QUANTITY)
    tp_t: Decimal | None = optional(
        "总磷排放量", "Total phosphorus discharged", "t", bounds=QUANTITY, since="2026-12")
    tn_t: Decimal | None = optional(
        "总氮排放量", "Total nitrogen discharged", "t", bounds=QUANTITY, since="2026-12")


@dataclass(kw_only=True)
class Permit:
    """Hold figures from the pollutant permit and its annual execution report."""

    coal_t: Decimal | None = optional("执行报告燃煤量", "Coal (execution report)", "t", bounds=QUANTITY)
    so2_t: Decimal | None = optional("执行报告二氧化硫排放量", "SO2 (execution report)", "t", bounds=QUANTITY)
    nox_t: Decimal | None = optional("执行报告氮氧化物排放量", "NOx (execution report)", "t", bounds=QUANTITY)
    pm_t: Decimal | None = optional("执行报告颗粒物排放量", "PM (execution report)", "t", bounds=QUANTITY)
    so2_limit_t: Decimal | None = optional("二氧化硫许可排放量", "SO2 permitted", "t", bounds=QUANTITY)
    nox_limit_t: Decimal | None = optional("氮氧化物许可排放量", "NOx permitted", "t", bounds=QUANTITY)
    pm_limit_t: Decimal | None = optional("颗粒物许可排放量", "PM permitted", "t", bounds=QUANTITY)
    cod_limit_t: Decimal | None = optional("化学需氧量许可排放量", "COD permitted", "t", bounds=QUANTITY)
    nh3n_limit_t: Decimal | None = optional("氨氮许可排放量", "NH3-N permitted", "t", bounds=QUANTITY)
    # PLN-018 (VOCs total control); not one of XCK-003's totals, so it does not set 双超
    vocs_limit_t: Decimal | None = optional(
        "挥发性有机物许可（分配）排放量", "VOCs permitted (or allocated)", "t", bounds=QUANTITY, since="2026-12")


@dataclass(kw_only=True)
class Toxic:
    """Hold toxic-substance use and discharge (双有)."""

    uses_toxic_materials: bool = flag("使用有毒有害原料", "Uses toxic materials")
    discharges_toxic_substances: bool = field(
        default=False, metadata=info("排放有毒有害物质", "Discharges toxic substances")
    )
    categories: list[ToxicCategory] = rows("有毒有害物质类别", "Categories", values="toxic_category")
    # PLN-023 (江西“十四五”规划第七章第三节: 新（改、扩）建涉重金属项目 “减量置换”或“等量替换”)
    heavy_metal_replacement_ref: str | None = optional(
        "重金属排放量减量置换或等量替换来源", "Heavy-metal emission replacement (source or approval)", max_length=200,
        since="2026-12", help_zh="涉重金属企业本年新增产能时填写", help_en="for new capacity of a heavy-metal enterprise")


@dataclass(kw_only=True)
class Hcfc:
    """Hold HCFC consumption and its quota and phase-out plan."""

    consumption_t: Decimal = field(default=Decimal(0), metadata=info(
        "含氢氯氟烃使用量", "HCFC consumption", "t", bounds=QUANTITY))
    has_quota: bool = flag("持有使用配额", "Holds a quota")
    phaseout_plan: bool = flag("有淘汰计划", "Has a phase-out plan")


@dataclass(kw_only=True)
class Air:
    """Hold air-pollution controls (PLN-010…012, PLN-017)."""

    flue_gas_bypass: bool = flag("存在烟气旁路", "Flue-gas bypass")
    bypass_monitored: bool = flag("旁路已安装在线监管", "Bypass monitored")
    online_monitoring: list[OnlineMonitoring] = rows(
        "特征污染物在线监控", "Online monitoring", values="online_monitoring")
    ultra_low_retrofit_done: bool = field(
        default=False, metadata=info("已完成超低排放改造", "Ultra-low-emission retrofit done")
    )
    vocs_materials: VocsMaterials | None = optional(
        "使用的涂料、油墨、胶粘剂、清洗剂", "Coatings, inks, adhesives and cleaners used", values="vocs_materials",
        since="2026-12")


@dataclass(kw_only=True)
class Declared:
    """Hold the enterprise's own totals (GHG-007 compares them with the computed ones)."""

    total_tco2: Decimal | None = optional("企业自报排放总量", "Declared total", "tCO2e", bounds=between(0, "1E12"))
    combustion_tco2: Decimal | None = optional(
        "企业自报燃烧排放量", "Declared combustion emissions", "tCO2", bounds=between(0, "1E12"))
    process_tco2: Decimal | None = optional(
        "企业自报过程排放量", "Declared process emissions", "tCO2e", bounds=between("-1E12", "1E12"))


@dataclass(kw_only=True)
class GhgAnnualReport:
    """Hold a 温室气体排放年度报告 — the canonical document of kind ``ghg_annual_report``."""

    kind: Literal["ghg_annual_report"] = field(metadata=info("文书类型", "Kind", fixed=True))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version", fixed=True))
    reporting_year: int = field(metadata=info("报告年度", "Reporting year", bounds=YEAR, fixed=True))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    fuels: list[FuelLine] = rows("化石燃料燃烧", "Fuel combustion", max_items=MAX_LINES)
    processes: list[ProcessLine] = rows("工业生产过程", "Process emissions", max_items=MAX_LINES)
    electricity: Electricity = nested(Electricity, "电力", "Electricity")
    heat: Heat = nested(Heat, "热力", "Heat")
    co2_recovered_t: Decimal = field(default=Decimal(0), metadata=info(
        "二氧化碳回收利用量", "CO2 recovered", "tCO2", bounds=QUANTITY))
    products: list[ProductLine] = rows("产品", "Products", max_items=MAX_LINES)
    energy_total_tce: Decimal | None = optional(
        "综合能源消费量（企业申报）", "Declared energy consumption", "tce", bounds=QUANTITY)
    obsolete_equipment: bool | None = optional(
        "在用国家明令淘汰的落后用能设备", "Uses energy-using equipment listed for phase-out", since="2026-12")
    heat_ratio: Decimal | None = optional(
        "供热比", "Heat ratio", "fraction", bounds=between(0, 1, high_open=True, rule="GHG-002"), since="2026-12",
        help_zh="热电联产企业的供热比；留空则按各机组供热比以发电量加权",
        help_en="a CHP enterprise's heat ratio; leave empty to weight the units' heat ratios by generation")
    generating_units: list[GeneratingUnit] = rows("发电机组", "Generating units", max_items=MAX_LINES)
    boilers: list[Boiler] = rows("锅炉", "Boilers", max_items=MAX_LINES)
    kilns: list[Kiln] = rows("工业炉窑", "Industrial kilns", max_items=MAX_LINES, since="2026-12")
    pollutants: Pollutants = nested(Pollutants, "污染物排放量", "Pollutant emissions")
    permit: Permit = nested(Permit, "排污许可", "Pollutant permit")
    exceeded_standards: bool = field(
        default=False, metadata=info("本年度存在超标排放", "Exceeded an emission standard this year")
    )
    serious_violation: bool | None = optional(
        "本年度因生态环境违法行为被追究刑事责任或受到重大行政处罚",
        "Criminal liability or a major administrative penalty for an environmental violation this year",
        since="2026-12")
    toxic: Toxic = nested(Toxic, "有毒有害物质", "Toxic substances")
    hcfc: Hcfc = nested(Hcfc, "含氢氯氟烃", "HCFCs")
    air: Air = nested(Air, "大气污染防治", "Air-pollution controls")
    last_audit_year: int | None = optional("最近一轮清洁生产审核完成年份", "Year the last audit was completed", bounds=YEAR)
    declared: Declared = nested(Declared, "企业自报总量", "Declared totals")
    explanations: dict[str, str] = field(default_factory=dict, metadata=_explanations())


GHG_SECTIONS = (
    section("profile", "企业信息", "Enterprise profile", ("reporting_year", "enterprise"), sheet="概况"),
    section("fuels", "化石燃料燃烧", "Fuel combustion", ("fuels",), sheet="化石燃料"),
    section("processes", "工业生产过程排放", "Process emissions", ("processes",), sheet="过程排放"),
    section("energy", "电力、热力与二氧化碳回收", "Electricity, heat and CO2 recovery",
            ("electricity", "heat", "co2_recovered_t"), sheet="电力热力"),
    section("products", "产品产量与能耗", "Products and energy", ("products", "energy_total_tce", "obsolete_equipment"),
            sheet="能耗"),
    section("generating_units", "发电机组与供热", "Generating units and heat supply", ("generating_units", "heat_ratio"),
            sheet="供热比", slug="generating-units"),
    section("boilers", "锅炉", "Boilers", ("boilers",)),
    section("kilns", "工业炉窑", "Industrial kilns", ("kilns",)),
    section("pollutants", "污染物排放与排污许可", "Pollutants and permit",
            ("pollutants", "permit", "exceeded_standards", "serious_violation"), sheet="污染物与许可"),
    section("other", "其他管理信息", "Other information", ("toxic", "hcfc", "air", "last_audit_year"),
            sheet="其他"),
    section("declared", "企业自报总量", "Declared totals", ("declared",), sheet="自报总量"),
)

#: the GHG report's computed figures, in print order (calc.results.GhgComputed holds them by these keys)
GHG_COMPUTED = (
    computed("combustion_tco2", "化石燃料燃烧排放量", "Fuel-combustion emissions", "tCO2", 2),
    computed("process_tco2", "工业生产过程排放量", "Process emissions", "tCO2e", 2),
    computed("electricity_tco2", "净购入电力排放量", "Net purchased electricity emissions", "tCO2", 2),
    computed("heat_tco2", "净购入热力排放量", "Net purchased heat emissions", "tCO2", 2),
    computed("co2_recovered_tco2", "二氧化碳回收利用量", "CO2 recovered", "tCO2", 2),
    computed("total_tco2", "温室气体排放总量", "Total emissions", "tCO2e", 0),
    computed("direct_tco2", "直接排放量（燃烧＋过程−回收）", "Direct emissions (combustion + process − recovered)",
             "tCO2e", 0),
    computed("ets_covered_tco2", "全国碳市场覆盖排放量", "Emissions covered by the national ETS", "tCO2e", 0),
    computed("biogenic_tco2", "生物质燃烧二氧化碳（备忘项，不计入总量）", "Biogenic CO2 (memo item, not in any total)",
             "tCO2", 2),
    computed("energy_from_inputs_tce", "综合能源消费量（按能源投入计算）", "Energy consumption (from inputs)",
             "tce", 2),
    computed("carbon_intensity", "碳排放强度（按主要产品）", "Carbon intensity (primary product)",
             "tCO2/product", 4),
    computed("heat_ratio", "供热比（用于分摊供电排放）", "Heat ratio (allocating emissions to electricity)", "fraction"),
    computed("coal_t", "煤炭消费量", "Coal consumed", "t"),
    computed("grid_factor", "电网排放因子", "Grid emission factor", "tCO2/MWh"),
    computed("edition", "缺省参数版本", "Default-factor edition"),
)

#: the figures computed for each fuel line, in print order (calc.results.FuelLineResult)
FUEL_LINE_COMPUTED = (
    computed("ncv", "低位发热量", "NCV", "GJ/fuel"),
    computed("carbon_content", "单位热值含碳量", "Carbon content", "tC/GJ"),
    computed("oxidation_rate", "碳氧化率", "Oxidation rate", "fraction"),
    computed("activity_gj", "活动数据", "Activity data", "GJ", 2),
    computed("emission_factor", "排放因子", "Emission factor", "tCO2/GJ", 6),
    computed("fossil_fraction", "化石碳比例", "Fossil carbon fraction", "fraction"),
    computed("emission_tco2", "排放量", "Emissions", "tCO2", 2),
    computed("biogenic_tco2", "生物质二氧化碳（备忘）", "Biogenic CO2 (memo)", "tCO2", 2),
    computed("energy_tce", "折标准煤", "Energy", "tce", 2),
)

#: the figures computed for each product (calc.results.ProductResult)
PRODUCT_COMPUTED = (
    computed("unit_energy", "单位产品能耗", "Energy per unit of product", "level", 2),
    computed("benchmark", "标杆水平", "Benchmark level", "level"),
    computed("baseline", "基准水平", "Baseline level", "level"),
    computed("level", "能效水平", "Efficiency level"),
)

#: the figures computed for each generating unit (calc.results.GeneratingUnitResult)
GENERATING_UNIT_COMPUTED = (
    computed("combustion_tco2", "归属燃烧排放量", "Attributed combustion emissions", "tCO2", 2),
    computed("intensity", "供电排放强度", "Emission intensity of generation", "tCO2/MWh", 4),
)


# ----------------------------------------------------------------------------- clean_production_audit


@dataclass(kw_only=True)
class Consultancy:
    """Hold the consultancy that assists the audit (CPA-012 checks its uscc)."""

    name: str | None = optional("咨询机构名称", "Consultancy name", max_length=200)
    uscc: str | None = optional("咨询机构统一社会信用代码", "Consultancy USCC", max_length=40)


@dataclass(kw_only=True)
class Phase:
    """Hold the dates of one audit phase (null while not reached)."""

    start: date | None = optional("开始日期", "Start")
    end: date | None = optional("结束日期", "End")


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

    preparation: Phase = nested(Phase, "审核准备", "Preparation")
    pre_assessment: Phase = nested(Phase, "预审核", "Pre-assessment")
    assessment: Phase = nested(Phase, "审核", "Assessment")
    option_generation: Phase = nested(Phase, "方案的产生和筛选", "Option generation")
    feasibility: Phase = nested(Phase, "方案的确定（可行性分析）", "Feasibility")
    implementation: Phase = nested(Phase, "方案的实施", "Implementation")
    continuous: Phase = nested(Phase, "持续清洁生产", "Continuous improvement")


@dataclass(kw_only=True)
class Indicator:
    """Hold one audit indicator with its baseline, target and achieved value (unit: the indicator's)."""

    indicator: IndicatorCode = field(metadata=info("指标", "Indicator", values="indicator"))
    baseline: Decimal = field(metadata=info("基准值", "Baseline", bounds=between(0, "1E12")))
    target: Decimal = field(metadata=info("目标值", "Target", bounds=between(0, "1E12")))
    achieved: Decimal | None = optional("实际达到值", "Achieved", bounds=between(0, "1E12"))
    term: IndicatorTerm = field(default="near", metadata=info("期限", "Term", values="indicator_term"))


@dataclass(kw_only=True)
class AuditOption:
    """Hold one clean-production option (方案)."""

    id: str = field(metadata=info("方案编号", "Option id", max_length=40))
    name: str = field(metadata=info("方案名称", "Option name", max_length=200))
    cost_class: CostClass = field(metadata=info("费用类别", "Cost class", values="cost_class"))
    category: OptionCategory = field(metadata=info("方案类型（HJ 469）", "Category (HJ 469)", values="option_category"))
    investment_10k_cny: Decimal | None = optional("投资", "Investment", "10k_cny", bounds=AMOUNT)
    status: OptionStatus = field(default="proposed", metadata=info("状态", "Status", values="option_status"))
    implemented_on: date | None = optional("实施日期", "Implemented on")
    annual_benefit_10k_cny: Decimal | None = optional(
        "年经济效益", "Annual benefit", "10k_cny/a", bounds=SIGNED_AMOUNT, help_zh="亏损的方案填负数",
        help_en="negative for a loss-making option")
    lifetime_years: int | None = optional("寿命期", "Lifetime", "years", bounds=between(1, 100))
    savings: OptionSavings = nested(OptionSavings, "减污降碳协同效益", "Co-benefits: pollutants and CO2")


@dataclass(kw_only=True)
class AssessmentReview:
    """Hold the 评估 (assessment) outcome."""

    status: ReviewStatus = field(default="not_applied", metadata=info("评估状态", "Assessment status",
                                                                      values="review_status"))
    date: date | None = optional("评估日期", "Assessment date")


@dataclass(kw_only=True)
class AcceptanceReview:
    """Hold the 验收 (acceptance) outcome and the clean-production level reached."""

    status: ReviewStatus = field(default="not_applied", metadata=info("验收状态", "Acceptance status",
                                                                      values="review_status"))
    date: date | None = optional("验收日期", "Acceptance date")
    level: CleanProductionLevel | None = optional("清洁生产水平", "Level reached", values="clean_production_level")


@dataclass(kw_only=True)
class CleanProductionAudit:
    """Hold a 清洁生产审核 filing — the canonical document of kind ``clean_production_audit``."""

    kind: Literal["clean_production_audit"] = field(metadata=info("文书类型", "Kind", fixed=True))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version", fixed=True))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    audit_type: AuditType = field(metadata=info("审核类型", "Audit type", values="audit_type"))
    audit_mode: AuditMode = field(default="individual", metadata=info("审核模式", "Audit mode", values="audit_mode"))
    triggers: list[AuditTrigger] = rows("强制性审核情形", "Triggers", values="audit_trigger")
    listed_on: date | None = optional("名单公布日期", "Listed on")
    info_published_on: date | None = optional("企业信息公布日期", "Information published on")
    consultancy: Consultancy | None = optional("咨询机构", "Consultancy")
    permit_number: str | None = optional("关联排污许可证编号", "Linked permit number", max_length=40)
    phases: Phases = nested(Phases, "审核阶段", "Phases")
    focus: str | None = optional("审核重点", "Audit focus", max_length=2000)
    baseline_year: int | None = optional("基准年", "Baseline year", bounds=YEAR)
    indicators: list[Indicator] = rows("清洁生产指标", "Indicators", max_items=MAX_LINES)
    options: list[AuditOption] = rows("清洁生产方案", "Options", max_items=MAX_LINES)
    # The NPV/IRR need a rate in [0, 1): a rate of 1 or more is a percentage typed as a fraction's place.
    discount_rate: Decimal = field(default=Decimal("0.08"), metadata=info(
        "折现率", "Discount rate", "fraction", bounds=between(0, 1, high_open=True),
        help_zh="小数，如 0.08", help_en="a fraction, e.g. 0.08"))
    assessment: AssessmentReview = nested(AssessmentReview, "评估", "Assessment")
    acceptance: AcceptanceReview = nested(AcceptanceReview, "验收", "Acceptance")
    explanations: dict[str, str] = field(default_factory=dict, metadata=_explanations())


CPA_SECTIONS = (
    section("profile", "企业信息", "Enterprise profile", ("enterprise",), sheet="概况"),
    section("why", "审核类型与期限", "Audit type and deadlines",
            ("audit_type", "audit_mode", "triggers", "listed_on", "info_published_on"), sheet="审核类型"),
    section("consultancy", "咨询机构与排污许可", "Consultancy and permit", ("consultancy", "permit_number"),
            sheet="咨询机构"),
    section("phases", "审核阶段", "Audit phases", ("phases",), sheet="阶段"),
    section("targets", "审核重点与指标", "Focus and indicators", ("focus", "baseline_year", "indicators"),
            sheet="审核重点"),
    section("options", "清洁生产方案", "Options", ("options", "discount_rate"), sheet="方案参数"),
    section("review", "评估与验收", "Assessment and acceptance", ("assessment", "acceptance"), sheet="评估验收"),
)

#: the audit's computed figures (calc.results.CpaComputed), in print order
CPA_COMPUTED = (
    computed("count_no_low", "无/低费方案数（不含已放弃）", "No/low-cost options (not dropped)", "count"),
    computed("implemented_no_low", "无/低费方案已实施数", "No/low-cost options implemented", "count"),
    computed("implementation_rate_no_low", "无/低费方案实施率", "No/low-cost implementation rate", "percent", 1),
    computed("count_medium_high", "中/高费方案数（不含已放弃）", "Medium/high-cost options (not dropped)", "count"),
    computed("implemented_medium_high", "中/高费方案已实施数", "Medium/high-cost options implemented", "count"),
    computed("implementation_rate_medium_high", "中/高费方案实施率", "Medium/high-cost implementation rate",
             "percent", 1),
    computed("total_investment_10k_cny", "方案总投资（不含已放弃）", "Total investment (options not dropped)",
             "10k_cny", 2),
)

#: the feasibility figures of each medium/high-cost option (calc.results.OptionEconomics)
OPTION_COMPUTED = (
    computed("payback_years", "静态投资回收期", "Simple payback", "years", 2),
    computed("npv_10k_cny", "净现值", "NPV", "10k_cny", 2),
    computed("irr", "内部收益率", "IRR", "percent", 2),
)

#: the achievement of each indicator (calc.results.IndicatorAchievement)
INDICATOR_COMPUTED = (
    computed("achievement_pct", "目标完成程度", "Share of the planned change achieved", "percent", 1),
    computed("achieved", "是否达到目标值", "Target reached"),
)

#: the deadlines derived from listed_on (calc.results.AuditDeadlines; reference-data.md §5)
DEADLINES_COMPUTED = (
    computed("publish_by", "企业信息公布期限（名单公布日期＋1个月）", "Publish information by (listed + 1 month)"),
    computed("start_by", "审核启动期限（名单公布日期＋2个月）", "Start the audit by (listed + 2 months)"),
    computed("finish_by", "审核完成期限（名单公布日期＋1年）", "Finish the audit by (listed + 1 year)"),
)


Document = GhgAnnualReport | CleanProductionAudit | EnvDisclosureAnnualReport | EnvDisclosureAdhoc
DOCUMENT_TYPES: dict[str, type[Document]] = {
    GHG_KIND: GhgAnnualReport,
    CPA_KIND: CleanProductionAudit,
    ANNUAL_KIND: EnvDisclosureAnnualReport,
    ADHOC_KIND: EnvDisclosureAdhoc,
}


def filing_year(document: Document) -> int | None:
    """Return the year a filing is keyed by: the reporting year, or for an audit the year it started.

    An audit has no reporting year; its cycle is identified by the year its preparation phase started,
    else the year after its baseline year (the audit normally follows the baseline year). An ad-hoc
    disclosure is keyed by the year its legal document was received (else dated).
    """
    if isinstance(document, (GhgAnnualReport, EnvDisclosureAnnualReport)):
        return document.reporting_year
    if isinstance(document, EnvDisclosureAdhoc):
        received = document.document.received_on or document.document.date
        return None if received is None else received.year
    start = document.phases.preparation.start
    if start is not None:
        return start.year
    if document.baseline_year is not None:
        return document.baseline_year + 1
    return None
