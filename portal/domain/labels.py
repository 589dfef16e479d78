"""The one label catalogue: units, closed value sets, filing kinds, statuses and severities, in Chinese and English.

Field labels live beside their fields (``info(...)`` in ``documents.py``); everything else a filing prints
by name is here, once. The screen, the PDF, the Excel filing, the upload template, the review diff and the
API messages all read these tables — a second label table anywhere is a defect (tests grep for one).

Names of *reference* code lists (fuels, processes, products; regions and industries) are not here: they
are data with a source and a status (``portal/reference/data``, ``domain/data``), and are looked up there.
Pure standard library: the web layer chooses the language when it draws a page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Language = str  # "zh" or "en"


@dataclass(frozen=True, slots=True)
class Text:
    """Hold one text in Chinese and English."""

    zh: str
    en: str

    def get(self, language: Language) -> str:
        """Return the text in ``language`` ("en" gives English, anything else Chinese)."""
        return self.en if language == "en" else self.zh

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True, slots=True)
class Unit:
    """Hold a unit of measure as printed in Chinese and in English (ASCII where both read the same)."""

    code: str
    zh: str
    en: str

    def get(self, language: Language) -> str:
        """Return the unit as printed in ``language``."""
        return self.en if language == "en" else self.zh

    def __str__(self) -> str:
        return self.zh


def _units(*units: Unit) -> Mapping[str, Unit]:
    return MappingProxyType({u.code: u for u in units})


#: Every unit a filing prints, by code. Emission figures: CO2 from combustion, electricity and heat is
#: tCO2; process lines and every total that may hold them (PFCs are CO2 equivalents) are tCO2e.
UNITS: Mapping[str, Unit] = _units(
    Unit("t", "t", "t"),
    Unit("t/a", "t/a", "t/a"),
    Unit("t/h", "t/h", "t/h"),
    Unit("tce", "tce", "tce"),
    Unit("tce/a", "tce/a", "tce/a"),
    Unit("tCO2", "tCO2", "tCO2"),
    Unit("tCO2e", "tCO2e", "tCO2e"),
    Unit("tCO2/a", "tCO2/a", "tCO2/a"),
    Unit("tCO2/MWh", "tCO2/MWh", "tCO2/MWh"),
    Unit("tCO2/GJ", "tCO2/GJ", "tCO2/GJ"),
    Unit("tCO2/product", "tCO2/单位产品", "tCO2/unit of product"),
    Unit("tCO2e/activity", "tCO2e/活动数据单位", "tCO2e/activity unit"),
    Unit("tC/GJ", "tC/GJ", "tC/GJ"),
    Unit("GJ", "GJ", "GJ"),
    Unit("GJ/fuel", "GJ/燃料单位", "GJ/fuel unit"),
    Unit("MWh", "MWh", "MWh"),
    Unit("MW", "MW", "MW"),
    Unit("kWh", "kWh", "kWh"),
    Unit("kgce/product", "kgce/单位产品", "kgce/unit of product"),
    Unit("t/product", "t/单位产品", "t/unit of product"),
    Unit("fraction", "0–1", "0–1"),
    Unit("percent", "%", "%"),
    Unit("fuel", "t 或 万Nm³", "t or 10⁴ Nm³"),
    Unit("10k_nm3", "万Nm³", "10⁴ Nm³"),
    Unit("product", "产品单位", "product unit"),
    Unit("product/a", "产品单位/年", "product units/a"),
    Unit("activity", "活动数据单位", "activity unit"),
    Unit("level", "能效水平单位", "level unit"),
    Unit("10k_cny", "万元", "10⁴ CNY"),
    Unit("10k_cny/a", "万元/年", "10⁴ CNY/a"),
    Unit("years", "年", "years"),
    Unit("count", "项", "items"),
    # the units of reference code lists, under the spelling reference data uses (fuels, processes, products)
    Unit("10^4 Nm3", "万Nm³", "10⁴ Nm³"),
    Unit("t clinker", "t 熟料", "t clinker"),
    Unit("t Al", "t 铝", "t aluminium"),
    Unit("m²", "m²", "m²"),
    Unit("重量箱", "重量箱", "weight case"),
    Unit("t·能量因数", "t·能量因数", "t·energy factor"),
    Unit("days", "天", "days"),
)


def unit(code: str) -> Unit:
    """Return the unit of that code (a KeyError names a unit missing from the catalogue)."""
    return UNITS[code]


@dataclass(frozen=True, slots=True)
class Choice:
    """Hold the name of one value of a closed value set, and its unit where the value names a quantity."""

    value: str
    zh: str
    en: str
    unit: str | None = None  # a unit code (indicator codes carry their unit)

    @property
    def text(self) -> Text:
        """Return the name as a :class:`Text`."""
        return Text(self.zh, self.en)


@dataclass(frozen=True)
class ValueSet:
    """Hold a closed set of values (a ``Literal`` of the filing format) with their names, in order."""

    name: str
    choices: tuple[Choice, ...]
    _by_value: Mapping[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_value", MappingProxyType({c.value: c for c in self.choices}))

    def __iter__(self) -> Iterator[Choice]:
        return iter(self.choices)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    @property
    def values(self) -> tuple[str, ...]:
        """Return the values in order."""
        return tuple(c.value for c in self.choices)

    def get(self, value: object) -> Choice | None:
        """Return the choice of ``value``, or None for a value outside the set."""
        return self._by_value.get(value) if isinstance(value, str) else None

    def label(self, value: object, language: Language = "zh") -> str | None:
        """Return the name of ``value`` in ``language``, or None for a value outside the set."""
        choice = self.get(value)
        return None if choice is None else (choice.en if language == "en" else choice.zh)


def _set(name: str, *choices: tuple[str, str, str] | tuple[str, str, str, str]) -> ValueSet:
    return ValueSet(name, tuple(Choice(*c) for c in choices))


_SETS = (
    # ---------------------------------------------------------------------------- filing kinds, states
    _set(
        "kind",
        ("ghg_annual_report", "温室气体排放年度报告", "GHG annual emission report"),
        ("clean_production_audit", "清洁生产审核", "Clean-production audit"),
    ),
    _set(
        "filing_status",
        ("draft", "草稿", "Draft"),
        ("submitted", "已提交", "Submitted"),
        ("returned", "已退回修改", "Returned for correction"),
        ("resubmitted", "已重新提交", "Resubmitted"),
        ("accepted", "已通过", "Accepted"),
    ),
    _set("severity", ("error", "错误", "Error"), ("warning", "警告", "Warning"), ("notice", "提示", "Notice")),
    # ------------------------------------------------------------------------------ GHG annual report
    _set(
        "generating_unit_fuel",
        ("coal", "燃煤", "Coal"),
        ("gas", "燃气", "Gas"),
        ("oil", "燃油", "Oil"),
        ("biomass", "生物质", "Biomass"),
        ("other", "其他", "Other"),
    ),
    _set(
        "boiler_fuel",
        ("coal", "燃煤", "Coal"),
        ("gas", "燃气", "Gas"),
        ("oil", "燃油", "Oil"),
        ("biomass", "生物质", "Biomass"),
        ("electric", "电", "Electric"),
    ),
    _set(
        "toxic_category",
        ("hazardous_waste", "危险废物", "Hazardous waste"),
        ("highly_toxic_chemicals", "剧毒化学品", "Highly toxic chemicals"),
        ("heavy_metals", "重金属", "Heavy metals"),
        ("pops", "持久性有机污染物", "Persistent organic pollutants"),
        ("other", "其他", "Other"),
    ),
    _set(
        "online_monitoring",
        ("vocs", "挥发性有机物", "VOCs"),
        ("tp", "总磷", "Total phosphorus"),
        ("tn", "总氮", "Total nitrogen"),
        ("heavy_metals", "重金属", "Heavy metals"),
    ),
    # energy-efficiency grades of energy-using equipment (GB 18613 电动机, GB 20052 变压器 …): 1 is the best
    _set(
        "efficiency_grade",
        ("grade_1", "一级能效", "Grade 1"),
        ("grade_2", "二级能效", "Grade 2"),
        ("grade_3", "三级能效", "Grade 3"),
    ),
    _set(
        "biomass_boiler_type",
        ("dedicated", "生物质专用锅炉", "Dedicated biomass boiler"),
        ("converted", "燃煤等锅炉改烧生物质（非专用）", "Converted boiler (not dedicated to biomass)"),
    ),
    _set(
        "dust_removal",
        ("high_efficiency", "高效除尘（袋式、电除尘、电袋复合）", "High-efficiency (bag filter, ESP, hybrid)"),
        ("ordinary", "其他除尘（旋风、水膜等）", "Other (cyclone, wet scrubber …)"),
        ("none", "无除尘设施", "None"),
    ),
    _set(
        "kiln_kind",
        ("ceramic", "陶瓷", "Ceramics"),
        ("brick", "砖瓦", "Bricks and tiles"),
        ("glass", "玻璃", "Glass"),
        ("nonferrous", "有色金属", "Non-ferrous metals"),
        ("other", "其他", "Other"),
    ),
    # 《江西省“十四五”生态环境保护规划》第三章第三节 names 煤、石焦油、重油 as the fuels to replace
    _set(
        "kiln_fuel",
        ("coal", "煤（含煤制气）", "Coal (incl. coal gas)"),
        ("heavy_oil", "重油、石焦油", "Heavy oil, tar"),
        ("gas", "天然气等燃气", "Natural gas and other gases"),
        ("electric", "电", "Electricity"),
        ("heat", "工厂余热、外购热力", "Waste heat, purchased heat"),
        ("biomass", "生物质", "Biomass"),
        ("other", "其他", "Other"),
    ),
    _set(
        "vocs_materials",
        ("low_vocs", "低VOCs含量产品", "Low-VOCs products"),
        ("high_vocs", "溶剂型等高VOCs含量产品", "Solvent-based (high-VOCs) products"),
        ("none", "不使用", "None used"),
    ),
    # ------------------------------------------------------------------------- clean-production audit
    _set("audit_type", ("mandatory", "强制性", "Mandatory"), ("voluntary", "自愿性", "Voluntary")),
    _set(
        "audit_mode",
        ("individual", "单个企业", "Individual enterprise"),
        ("industry_whole", "行业整体", "Whole industry"),
        ("park_whole", "园区整体", "Whole park"),
        ("pilot", "创新试点", "Innovation pilot"),
    ),
    _set(
        "audit_trigger",
        ("double_exceed", "双超", "Exceeds standards or permitted totals (双超)"),
        ("high_energy", "高耗能", "High energy use (高耗能)"),
        ("double_toxic", "双有", "Uses or discharges toxic substances (双有)"),
    ),
    _set("cost_class", ("no_low", "无/低费", "No/low cost"), ("medium_high", "中/高费", "Medium/high cost")),
    # HJ 469 option categories (reference-data.md §6)
    _set(
        "option_category",
        ("raw_material_energy", "原辅材料和能源替代", "Raw materials and energy substitution"),
        ("process", "技术工艺改造", "Process technology"),
        ("equipment", "设备维护和更新", "Equipment maintenance and renewal"),
        ("process_control", "过程优化控制", "Process control"),
        ("product", "产品更换或改进", "Product change or improvement"),
        ("waste_recycling", "废弃物回收利用和循环使用", "Waste recovery and recycling"),
        ("management", "加强管理", "Better management"),
        ("staff", "员工素质提高", "Staff training and motivation"),
    ),
    _set(
        "option_status",
        ("proposed", "已提出", "Proposed"),
        ("feasible", "可行", "Feasible"),
        ("implemented", "已实施", "Implemented"),
        ("dropped", "已放弃", "Dropped"),
    ),
    # indicator codes with their units (reference-data.md §6)
    _set(
        "indicator",
        ("unit_energy", "单位产品综合能耗", "Energy per unit of product", "kgce/product"),
        ("unit_water", "单位产品取水量", "Water per unit of product", "t/product"),
        ("unit_co2", "单位产品二氧化碳排放量", "CO2 per unit of product", "tCO2/product"),
        ("so2_t", "二氧化硫排放量", "SO2 emissions", "t/a"),
        ("nox_t", "氮氧化物排放量", "NOx emissions", "t/a"),
        ("pm_t", "颗粒物排放量", "Particulate emissions", "t/a"),
        ("vocs_t", "挥发性有机物排放量", "VOCs emissions", "t/a"),
        ("cod_t", "化学需氧量排放量", "COD discharge", "t/a"),
        ("nh3n_t", "氨氮排放量", "Ammonia-nitrogen discharge", "t/a"),
        ("hazardous_waste_t", "危险废物产生量", "Hazardous waste generated", "t/a"),
        ("solid_waste_reuse_rate", "一般工业固体废物综合利用率", "Industrial solid waste reuse rate", "percent"),
    ),
    _set("indicator_term", ("near", "近期", "Near term"), ("mid", "中远期", "Medium to long term")),
    _set(
        "review_status",
        ("not_applied", "未申请", "Not applied for"),
        ("applied", "已申请", "Applied for"),
        ("passed", "已通过", "Passed"),
        ("failed", "未通过", "Failed"),
    ),
    _set("clean_production_level", ("I", "一级", "Level I"), ("II", "二级", "Level II"), ("III", "三级", "Level III")),
    # ------------------------------------------------------------------------- computed results
    _set(
        "parameter_source",
        ("measured", "实测值", "measured"),
        ("default", "缺省值", "default"),
        ("high_default", "高限缺省值", "high default"),
    ),
    _set(
        "factor_source",
        ("measured", "实测排放因子", "measured factor"),
        ("fractions", "按熟料中CaO、MgO含量计算", "from the clinker's CaO and MgO fractions"),
        ("default", "缺省排放因子", "default factor"),
        ("missing", "缺少排放因子，未计算", "no factor: not computed"),
    ),
    _set(
        "energy_level",
        ("benchmark", "达到能效标杆水平", "at or better than the benchmark"),
        ("between", "介于标杆水平与基准水平之间", "between benchmark and baseline"),
        ("worse_than_baseline", "未达到能效基准水平", "worse than the baseline"),
        ("none", "无可比的标杆或基准水平", "no level to compare with"),
    ),
    _set(
        "target_reached",
        ("yes", "已达到目标值", "target reached"),
        ("no", "未达到目标值", "target not reached"),
        ("unknown", "尚未报告实际值", "no achieved value yet"),
    ),
)

#: every closed value set, by name
VALUE_SETS: Mapping[str, ValueSet] = MappingProxyType({s.name: s for s in _SETS})

KINDS = VALUE_SETS["kind"]
FILING_STATUSES = VALUE_SETS["filing_status"]
SEVERITIES = VALUE_SETS["severity"]

#: words a filing prints around its values
YES = Text("是", "Yes")
NO = Text("否", "No")
EMPTY = "—"
ROW = Text("第{n}行", "row {n}")
WHOLE_DOCUMENT = Text("整份文书", "the whole document")


def kind_name(kind: str, language: Language = "zh") -> str:
    """Return the name of a filing kind (the code itself for an unknown kind)."""
    return KINDS.label(kind, language) or kind


def status_name(status: str, language: Language = "zh") -> str:
    """Return the name of a filing status (the code itself for an unknown status)."""
    return FILING_STATUSES.label(status, language) or status


def severity_name(severity: str, language: Language = "zh") -> str:
    """Return the name of a finding severity."""
    return SEVERITIES.label(severity, language) or severity


def row_text(index: int) -> Text:
    """Return "第 n 行" / "row n" for a 0-based list index."""
    return Text(ROW.zh.format(n=index + 1), ROW.en.format(n=index + 1))
