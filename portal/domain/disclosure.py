"""The environmental information disclosure documents (disclosure-format.md, schema_version 1).

Two kinds: the annual report ``env_disclosure_annual_report`` (企业环境信息依法披露年度报告) and the ad-hoc
report ``env_disclosure_adhoc`` (临时环境信息依法披露报告), under 《企业环境信息依法披露管理办法》 (生态环境部令
第24号, "办法") and 《企业环境信息依法披露格式准则》 (环办综合〔2021〕32号, "准则"). Declared once here, like the
other kinds in ``documents.py``, which registers them; everything else is derived from these declarations.

Design decisions worth knowing:

* Each section of the annual report is one top-level object named by its key (``pollutants``), absent
  (null) until filed — an absent required section is DSC-002, never a decoding error, so a draft saves.
* ``{"none": true}`` (本年度无) is a ``none`` flag on the sections that allow it (all but key_info,
  basic_info, audit and financing, which have no such field, so a ``none`` there is refused as an unknown
  field). Every other field of those sections is optional, so ``{"none": true}`` decodes as it is written;
  the views and the rules test ``section.none``.
* ``adhoc`` is a list that may be empty: an absent list reads as empty (本年度无), so it is never DSC-002.
* ``prefill`` is set by the portal (``fixed``): the values copied from accepted filings, read-only for
  the filer, never printed in the public PDF.
* The ad-hoc report's ``details`` is one object holding the fields of every trigger (each optional): the
  format lists different fields per trigger under one key, and a tagged union would not fit one form or
  one workbook sheet. ``details.measures`` is text: the penalty's 处罚种类 or the incident's measures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from .common import AMOUNT, MAX_LINES, Enterprise, OptionSavings, explanations_info
from .fields import between, computed, flag, info, nested, optional, rows, section

ANNUAL_KIND: Final = "env_disclosure_annual_report"
ADHOC_KIND: Final = "env_disclosure_adhoc"

DisclosureSubject = Literal["key_pollutant_discharger", "mandatory_audit", "listed_company", "bond_issuer",
                            "other_by_law"]
ViolationGround = Literal["criminal", "fine_100k", "daily_penalty", "production_limit", "permit_revoked",
                          "detention"]
ProductionStatus = Literal["normal", "partial", "suspended"]
PermitType = Literal["pollutant_discharge", "eia_approval", "other"]
PermitEvent = Literal["granted", "changed", "renewed", "revoked"]
CreditGrade = Literal["green", "blue", "yellow", "red", "black"]
OutletMedium = Literal["air", "water"]
OutletType = Literal["main", "general", "special"]
Pollutant = Literal["so2", "nox", "pm", "vocs", "cod", "nh3n", "tp", "tn"]
OutletPollutant = Literal["so2", "nox", "pm", "vocs", "cod", "nh3n", "tp", "tn", "heavy_metals", "other"]
EmissionFacilityType = Literal["generating_unit", "boiler", "kiln", "furnace", "process", "other"]
SurrenderStatus = Literal["completed", "partial", "overdue"]
RiskLevel = Literal["general", "larger", "major"]
IncidentLevel = Literal["general", "larger", "major", "especially_major"]
PenaltyMeasure = Literal["warning", "fine", "daily_penalty", "production_limit", "suspension", "permit_revoked",
                         "detention", "criminal", "other"]
AdhocTrigger = Literal["permit_granted", "permit_changed", "permit_renewed", "permit_revoked", "penalty",
                       "detention", "criminal", "damage_compensation", "incident", "change"]
AuditReason = Literal["double_exceed", "high_energy", "double_toxic"]
AuditProgress = Literal["not_started", "in_progress", "implemented", "assessed", "accepted"]
ReviewStatus = Literal["not_applied", "applied", "passed", "failed"]
CleanProductionLevel = Literal["I", "II", "III"]
FinancingForm = Literal["shares", "bonds", "depositary_receipts", "mtn", "cp", "scp", "abs", "bank_loan"]

#: the pollutants with a disclosed total, in order (prefill keys them by these codes)
POLLUTANTS: tuple[Pollutant, ...] = ("so2", "nox", "pm", "vocs", "cod", "nh3n", "tp", "tn")

# ----------------------------------------------------------------------------------------- bounds
# Disclosed figures are what the enterprise states; their plausibility is the rules' (DSC-003…005, 008).

#: the reporting year: the 办法 is in force from 2022-02-08, so the first year disclosed is 2021
DISCLOSURE_YEAR = between(2021, 2100)
#: a tonnage of a pollutant or a waste
TONNES = between(0, "1E9")
#: a number of items (cases, incidents, outlets monitored, …)
COUNT = between(0, 1_000_000)
#: tonnes of CO2 as disclosed (whole tonnes): direct and indirect may be negative (net export, recovery)
SIGNED_TCO2 = between(-1_000_000_000, 1_000_000_000)
#: tonnes of CO2 or allowances that are never negative
TCO2 = between(0, 1_000_000_000)
#: free text of a section (the 提要, a description, the other information)
LONG_TEXT = 5000


def publication_date() -> Any:
    """Declare the date a disclosure report was published (set by the portal; both kinds have it)."""
    return optional("披露日期", "Disclosed on", fixed=True, help_zh="发布时由平台填写",
                    help_en="set by the portal on publication")


# ===================================================================== env_disclosure_annual_report
# ------------------------------------------------------------------------------------ 关键环境信息提要


@dataclass(kw_only=True)
class KeyInfo:
    """Hold the 关键环境信息提要: the summary and its headline figures (DSC-008 checks them against the sections)."""

    summary_zh: str | None = optional(
        "提要", "Summary", max_length=LONG_TEXT, help_zh="概述本年度关键环境信息",
        help_en="the year's key environmental information in brief")
    total_tco2: int | None = optional(
        "二氧化碳排放总量", "Total CO2 emissions", "tCO2e", bounds=SIGNED_TCO2,
        help_zh="直接排放与间接排放之和；无碳排放信息的留空",
        help_en="direct plus indirect; empty without carbon information")
    exceeded_standards: bool = flag("本年度存在超标排放", "Exceeded an emission standard this year")
    exceeded_permitted_total: bool = flag("本年度存在超许可排放量排放", "Exceeded a permitted total this year")
    penalties_count: int = field(default=0, metadata=info(
        "生态环境行政处罚", "Environmental penalties", "count", bounds=COUNT))
    incidents_count: int = field(default=0, metadata=info(
        "突发环境事件", "Environmental emergencies", "count", bounds=COUNT))
    adhoc_count: int = field(default=0, metadata=info(
        "临时环境信息依法披露", "Ad-hoc disclosures", "count", bounds=COUNT))


# ---------------------------------------------------------------------------------------- 企业基本信息


@dataclass(kw_only=True)
class DisclosedProduct:
    """Hold one main product and its output (the product code fixes the unit)."""

    product: str = field(metadata=info("产品", "Product", codes="product", max_length=40))
    name: str | None = optional("产品名称", "Product name", max_length=200)
    output: Decimal | None = optional(
        "产量", "Output", "product", bounds=between(0, "1E10"), help_zh="单位由产品决定",
        help_en="the unit is set by the product")


@dataclass(kw_only=True)
class BasicInfo:
    """Hold the 企业基本信息 (办法第十二条（一）): products, production status, process, environmental officer."""

    products: list[DisclosedProduct] = rows("主要产品及产量", "Main products and output", max_items=MAX_LINES)
    production_status: ProductionStatus | None = optional(
        "生产状况", "Production status", values="production_status")
    suspended_periods: str | None = optional("停产时段", "Periods of suspension", max_length=2000)
    main_process: str | None = optional("主要生产工艺", "Main production process", max_length=LONG_TEXT)
    env_officer: str | None = optional(
        "生态环境保护负责人", "Person responsible for environmental protection", max_length=100)


# ------------------------------------------------------------------------------------ 企业环境管理信息


@dataclass(kw_only=True)
class PermitRecord:
    """Hold one 生态环境行政许可 and what happened to it this year (DSC-009 reads ``event``)."""

    type: PermitType = field(metadata=info("许可类型", "Licence type", values="permit_type"))
    number: str | None = optional("许可证编号或批复文号", "Licence number", max_length=100)
    issuer: str | None = optional("核发机关", "Issued by", max_length=200)
    issued_on: date | None = optional("核发日期", "Issued on")
    valid_until: date | None = optional("有效期至", "Valid until")
    event: PermitEvent | None = optional(
        "本年度许可事项", "Event this year", values="permit_event", help_zh="本年度无准予、变更、延续或撤销的留空",
        help_en="empty when nothing happened this year")
    event_on: date | None = optional("许可事项日期", "Event date")


@dataclass(kw_only=True)
class LiabilityInsurance:
    """Hold the 环境污染责任保险."""

    insured: bool = flag("已投保", "Insured")
    insurer: str | None = optional("保险机构", "Insurer", max_length=200)
    policy_number: str | None = optional("保单号", "Policy number", max_length=100)
    start: date | None = optional("保险期间起", "Cover from")
    end: date | None = optional("保险期间止", "Cover to")
    sum_insured_10k_cny: Decimal | None = optional("保险金额", "Sum insured", "10k_cny", bounds=AMOUNT)


@dataclass(kw_only=True)
class CreditRating:
    """Hold the 环保信用评价 result."""

    grade: CreditGrade = field(metadata=info("评价等级", "Grade", values="credit_grade"))
    year: int | None = optional("评价年度", "Year rated", bounds=between(2000, 2100))
    issuer: str | None = optional("评价机关", "Rated by", max_length=200)


@dataclass(kw_only=True)
class EnvManagement:
    """Hold the 企业环境管理信息 (办法第十二条（二）)."""

    none: bool = flag("本年度无", "None this year")
    permits: list[PermitRecord] = rows("生态环境行政许可", "Environmental licences", max_items=MAX_LINES)
    env_tax_10k_cny: Decimal | None = optional(
        "环境保护税缴纳额", "Environmental protection tax paid", "10k_cny", bounds=AMOUNT)
    liability_insurance: LiabilityInsurance = nested(
        LiabilityInsurance, "环境污染责任保险", "Environmental pollution liability insurance")
    credit_rating: CreditRating | None = optional("环保信用评价", "Environmental credit rating")


# ------------------------------------------------------------------------ 污染物产生、治理与排放信息


@dataclass(kw_only=True)
class Outlet:
    """Hold one 排放口 of the permit (DA001 air, DW001 water …)."""

    id: str = field(metadata=info("排放口编号", "Outlet code", max_length=40))
    name: str | None = optional("排放口名称", "Outlet name", max_length=200)
    medium: OutletMedium = field(metadata=info("排放类别", "Medium", values="outlet_medium"))
    outlet_type: OutletType | None = optional("排放口类型", "Outlet type", values="outlet_type")
    standard: str | None = optional(
        "执行的排放标准", "Emission standard applied", max_length=200, help_zh="如 GB 13223-2011",
        help_en="e.g. GB 13223-2011")
    pollutants: list[OutletPollutant] = rows("排放的污染物", "Pollutants discharged", values="outlet_pollutant")
    automatic_monitoring: bool = flag("安装自动监测设备", "Automatic monitoring")


@dataclass(kw_only=True)
class ControlFacility:
    """Hold one 污染防治设施 and the outlets it serves."""

    id: str = field(metadata=info("设施编号", "Facility code", max_length=40))
    name: str | None = optional("设施名称", "Facility name", max_length=200)
    process: str | None = optional("处理工艺", "Treatment process", max_length=200)
    outlets: list[str] = rows(
        "对应排放口编号", "Outlets served", max_length=40, max_items=200, help_zh="多个编号用逗号分隔",
        help_en="several codes separated by commas")
    commissioned: date | None = optional("投运日期", "Commissioned on")
    operating_normally: bool = flag("正常运行", "Operating normally")


@dataclass(kw_only=True)
class PollutantTotal:
    """Hold one pollutant's total this year and its permitted total (DSC-004, DSC-005)."""

    pollutant: Pollutant = field(metadata=info("污染物", "Pollutant", values="pollutant"))
    total_t: Decimal = field(metadata=info("排放总量", "Total discharged", "t", bounds=TONNES))
    permitted_t: Decimal | None = optional("许可排放量", "Permitted total", "t", bounds=TONNES)


@dataclass(kw_only=True)
class ToxicDischarge:
    """Hold one 有毒有害物质 discharged."""

    name: str = field(metadata=info("物质名称", "Substance", max_length=200))
    cas: str | None = optional("CAS 号", "CAS number", max_length=40)
    discharged_t: Decimal | None = optional("排放量", "Discharged", "t", bounds=TONNES)


@dataclass(kw_only=True)
class SolidWaste:
    """Hold the 一般工业固体废物 of the year."""

    generated_t: Decimal | None = optional("产生量", "Generated", "t", bounds=TONNES)
    used_t: Decimal | None = optional("综合利用量", "Used", "t", bounds=TONNES)
    disposed_t: Decimal | None = optional("处置量", "Disposed of", "t", bounds=TONNES)
    stored_t: Decimal | None = optional("年末贮存量", "Stored at year end", "t", bounds=TONNES)


@dataclass(kw_only=True)
class WasteReceiver:
    """Hold one receiver of a hazardous waste (流向)."""

    name: str = field(metadata=info("接收单位", "Receiver", max_length=200))
    licence_number: str | None = optional("危险废物经营许可证编号", "Hazardous-waste licence number", max_length=100)


@dataclass(kw_only=True)
class HazardousWaste:
    """Hold one 危险废物 (code of the 国家危险废物名录) and where it went."""

    code: str = field(metadata=info(
        "废物代码", "Waste code", max_length=40, help_zh="类别与代码，如 HW08 900-249-08",
        help_en="category and code, e.g. HW08 900-249-08"))
    name: str | None = optional("废物名称", "Waste name", max_length=200)
    generated_t: Decimal | None = optional("产生量", "Generated", "t", bounds=TONNES)
    self_used_t: Decimal | None = optional("自行利用量", "Used on site", "t", bounds=TONNES)
    self_disposed_t: Decimal | None = optional("自行处置量", "Disposed of on site", "t", bounds=TONNES)
    transferred_t: Decimal | None = optional("委托利用处置量", "Transferred for use or disposal", "t", bounds=TONNES)
    stored_t: Decimal | None = optional("年末贮存量", "Stored at year end", "t", bounds=TONNES)
    receivers: list[WasteReceiver] = rows("危险废物流向", "Receivers", max_items=MAX_LINES)


@dataclass(kw_only=True)
class Monitoring:
    """Hold the 自行监测 of the year."""

    plan_published: bool = flag("已公开自行监测方案", "Monitoring plan published")
    results_published: bool = flag("已公开监测结果", "Results published")
    automatic_outlets: list[str] = rows(
        "自动监测排放口编号", "Outlets monitored automatically", max_length=40, max_items=200, help_zh="多个编号用逗号分隔",
        help_en="several codes separated by commas")
    manual_planned: int | None = optional("手工监测计划次数", "Manual measurements planned", "count", bounds=COUNT)
    manual_done: int | None = optional("手工监测完成次数", "Manual measurements done", "count", bounds=COUNT)
    exceedance_records: int | None = optional("超标记录数", "Exceedances recorded", "count", bounds=COUNT)


@dataclass(kw_only=True)
class PollutantsSection:
    """Hold the 污染物产生、治理与排放信息 (办法第十二条（三）)."""

    none: bool = flag("本年度无", "None this year")
    outlets: list[Outlet] = rows("排放口", "Outlets", max_items=MAX_LINES)
    facilities: list[ControlFacility] = rows("污染防治设施", "Pollution control facilities", max_items=MAX_LINES)
    totals: list[PollutantTotal] = rows("污染物排放总量", "Pollutant totals", max_items=50)
    exceeded_standards: bool = flag("存在超标排放", "Exceeded an emission standard")
    toxic: list[ToxicDischarge] = rows("有毒有害物质排放", "Toxic substances discharged", max_items=MAX_LINES)
    general_solid_waste: SolidWaste = nested(SolidWaste, "一般工业固体废物", "General industrial solid waste")
    hazardous_waste: list[HazardousWaste] = rows("危险废物", "Hazardous waste", max_items=MAX_LINES)
    monitoring: Monitoring = nested(Monitoring, "自行监测", "Self-monitoring")


# ------------------------------------------------------------------------------------------ 碳排放信息


@dataclass(kw_only=True)
class EmissionFacility:
    """Hold one 排放设施."""

    id: str = field(metadata=info("设施编号", "Facility code", max_length=100))
    name: str | None = optional("设施名称", "Facility name", max_length=200)
    facility_type: EmissionFacilityType = field(metadata=info(
        "设施类型", "Facility type", values="emission_facility_type"))


@dataclass(kw_only=True)
class Surrender:
    """Hold the 配额清缴 of the latest compliance year past its deadline."""

    year: int | None = optional("履约年度", "Compliance year", bounds=between(2019, 2100))
    allocated_t: int | None = optional("分配配额", "Allowances allocated", "tCO2e", bounds=TCO2)
    due_t: int | None = optional("应清缴配额", "Allowances due", "tCO2e", bounds=TCO2)
    surrendered_t: int | None = optional("已清缴配额", "Allowances surrendered", "tCO2e", bounds=TCO2)
    ccer_t: int | None = optional("使用国家核证自愿减排量抵销", "CCER used for offsetting", "tCO2e", bounds=TCO2)
    status: SurrenderStatus | None = optional("清缴状态", "Surrender status", values="surrender_status")


@dataclass(kw_only=True)
class Ets:
    """Hold what a key emitter under 配额管理 discloses (准则): actual emissions, verification, surrender."""

    actual_tco2: int | None = optional(
        "年度碳实际排放量", "Actual emissions this year", "tCO2e", bounds=TCO2,
        help_zh="温室气体排放报告中全国碳市场覆盖的排放量",
        help_en="the emissions the national ETS covers, from the GHG report")
    previous_actual_tco2: int | None = optional(
        "上一年度碳实际排放量", "Actual emissions of the previous year", "tCO2e", bounds=TCO2)
    verified: bool = flag("已经核查", "Verified")
    surrender: Surrender = nested(Surrender, "配额清缴情况", "Allowance surrender")


@dataclass(kw_only=True)
class CarbonSection:
    """Hold the 碳排放信息 (办法第十二条（四）; 准则: 排放量、排放设施、核算方法, and for key emitters the ETS)."""

    none: bool = flag("本年度无", "None this year")
    direct_tco2: int | None = optional(
        "直接排放量", "Direct emissions", "tCO2e", bounds=SIGNED_TCO2,
        help_zh="温室气体排放报告的直接排放量（燃烧＋过程−回收）",
        help_en="the GHG report's direct emissions (combustion + process − recovered)")
    indirect_tco2: int | None = optional(
        "间接排放量（净购入电力、热力）", "Indirect emissions (net purchased electricity and heat)", "tCO2e",
        bounds=SIGNED_TCO2)
    biogenic_tco2: Decimal | None = optional(
        "生物质燃烧二氧化碳（备忘项）", "Biogenic CO2 (memo item)", "tCO2", bounds=between(0, "1E9"))
    method: str | None = optional("核算方法", "Accounting method", max_length=2000)
    facilities: list[EmissionFacility] = rows("排放设施", "Emission facilities", max_items=MAX_LINES)
    ets: Ets | None = optional(
        "全国碳排放权交易", "National emissions trading", help_zh="纳入配额管理的重点排放单位填写",
        help_en="for key emitters under allowance management")


# ------------------------------------------------------------------------------------ 生态环境应急信息


@dataclass(kw_only=True)
class EmergencyPlan:
    """Hold the 突发环境事件应急预案 and its filing."""

    filed: bool = flag("应急预案已备案", "Emergency plan filed")
    filing_number: str | None = optional("备案编号", "Filing number", max_length=100)
    filed_on: date | None = optional("备案日期", "Filed on")
    risk_level: RiskLevel | None = optional("环境风险等级", "Environmental risk level", values="risk_level")


@dataclass(kw_only=True)
class HeavyPollution:
    """Hold the 重污染天气应急 of the year."""

    on_list: bool = flag("纳入重污染天气应急减排清单", "On the emergency reduction list")
    responses: int | None = optional("响应次数", "Responses", "count", bounds=COUNT)
    measures_taken: bool = flag("已落实减排措施", "Reduction measures taken")


@dataclass(kw_only=True)
class Incident:
    """Hold one 突发环境事件."""

    occurred_on: date | None = optional("发生日期", "Occurred on")
    level: IncidentLevel | None = optional("事件级别", "Level", values="incident_level")
    description: str | None = optional("事件概况", "Description", max_length=LONG_TEXT)
    measures: str | None = optional("应对措施", "Measures taken", max_length=LONG_TEXT)


@dataclass(kw_only=True)
class EmergencySection:
    """Hold the 生态环境应急信息 (办法第十二条（五）)."""

    none: bool = flag("本年度无", "None this year")
    plan: EmergencyPlan = nested(EmergencyPlan, "突发环境事件应急预案", "Emergency plan")
    heavy_pollution: HeavyPollution = nested(HeavyPollution, "重污染天气应急", "Heavy-pollution weather response")
    incidents: list[Incident] = rows("突发环境事件", "Environmental emergencies", max_items=MAX_LINES)


# ------------------------------------------------------------------------------------ 生态环境违法信息


@dataclass(kw_only=True)
class ViolationCase:
    """Hold one 生态环境行政处罚 (or other sanction) of the year (DSC-009 looks for its ad-hoc disclosure)."""

    decision_number: str = field(metadata=info("处罚决定书文号", "Decision number", max_length=100))
    authority: str | None = optional("作出决定的机关", "Authority", max_length=200)
    decided_on: date | None = optional("决定日期", "Decided on")
    received_on: date | None = optional(
        "收到日期", "Received on", help_zh="留空则按决定日期", help_en="empty: the decision date")
    violation: str | None = optional("违法行为", "Violation", max_length=LONG_TEXT)
    measures: list[PenaltyMeasure] = rows("处罚种类", "Penalties", values="penalty_measure")
    fine_10k_cny: Decimal | None = optional("罚款金额", "Fine", "10k_cny", bounds=AMOUNT)
    rectified: bool = flag("已整改", "Rectified")


@dataclass(kw_only=True)
class ViolationsSection:
    """Hold the 生态环境违法信息 (办法第十二条（六）)."""

    none: bool = flag("本年度无", "None this year")
    cases: list[ViolationCase] = rows("生态环境违法案件", "Cases", max_items=MAX_LINES)


# ------------------------------------------------------------------ 本年度临时环境信息依法披露情况


@dataclass(kw_only=True)
class AdhocRecord:
    """Hold one ad-hoc disclosure of the year (pre-filled from the published ``env_disclosure_adhoc``)."""

    trigger: AdhocTrigger = field(metadata=info("披露事项", "Trigger", values="adhoc_trigger"))
    document_number: str | None = optional("法律文书文号", "Document number", max_length=100)
    document_date: date | None = optional("文书日期", "Document date")
    received_on: date | None = optional(
        "收到日期", "Received on", help_zh="留空则按文书日期", help_en="empty: the document date")
    disclosed_on: date | None = optional("披露日期", "Disclosed on")


# ------------------------------------------------------------------------ 法律法规规定的其他环境信息


@dataclass(kw_only=True)
class OtherSection:
    """Hold the 法律法规规定的其他环境信息 (办法第十二条（八）)."""

    none: bool = flag("本年度无", "None this year")
    text: str | None = optional("其他环境信息", "Other information", max_length=LONG_TEXT)


# ------------------------------------------------------------------------ 强制性清洁生产审核信息


@dataclass(kw_only=True)
class DisclosedReview:
    """Hold an assessment or acceptance outcome ({status, date}, as in the audit kind)."""

    status: ReviewStatus = field(default="not_applied", metadata=info("状态", "Status", values="review_status"))
    date: date | None = optional("日期", "Date")


@dataclass(kw_only=True)
class AuditOptionCounts:
    """Hold the audit's options: how many per cost class, and how many were implemented."""

    no_low_total: int | None = optional("无/低费方案数", "No/low-cost options", "count", bounds=COUNT)
    no_low_implemented: int | None = optional(
        "无/低费方案已实施数", "No/low-cost options implemented", "count", bounds=COUNT)
    medium_high_total: int | None = optional("中/高费方案数", "Medium/high-cost options", "count", bounds=COUNT)
    medium_high_implemented: int | None = optional(
        "中/高费方案已实施数", "Medium/high-cost options implemented", "count", bounds=COUNT)


@dataclass(kw_only=True)
class AuditSection:
    """Hold the 强制性清洁生产审核信息 (办法第十四条: 原因; 实施情况、评估与验收结果)."""

    reasons: list[AuditReason] = rows(
        "实施强制性清洁生产审核的原因", "Reasons for the mandatory audit", values="audit_trigger")
    reason_text: str | None = optional("原因说明", "Reasons explained", max_length=2000)
    listed_on: date | None = optional("名单公布日期", "Listed on")
    status: AuditProgress | None = optional("审核实施情况", "Audit progress", values="audit_progress")
    assessment: DisclosedReview = nested(DisclosedReview, "评估", "Assessment")
    acceptance: DisclosedReview = nested(DisclosedReview, "验收", "Acceptance")
    options: AuditOptionCounts = nested(AuditOptionCounts, "清洁生产方案", "Options")
    investment_10k_cny: Decimal | None = optional("方案总投资", "Total investment", "10k_cny", bounds=AMOUNT)
    savings: OptionSavings = nested(OptionSavings, "已实施方案的减污降碳协同效益", "Co-benefits of implemented options")


# ------------------------------------------------------------------------ 融资及所投项目环境信息


@dataclass(kw_only=True)
class FinancedProject:
    """Hold one project the financing went to, with its climate and environmental information."""

    name: str = field(metadata=info("项目名称", "Project", max_length=200))
    climate_info: str | None = optional("应对气候变化信息", "Climate-change information", max_length=LONG_TEXT)
    env_info: str | None = optional("生态环境保护信息", "Environmental protection information", max_length=LONG_TEXT)


@dataclass(kw_only=True)
class FinancingItem:
    """Hold one financing of the year (办法第十五条: 融资形式、金额、投向)."""

    form: FinancingForm = field(metadata=info("融资形式", "Form", values="financing_form"))
    amount_10k_cny: Decimal | None = optional("融资金额", "Amount", "10k_cny", bounds=AMOUNT)
    use: str | None = optional("资金投向", "Use of funds", max_length=2000)
    projects: list[FinancedProject] = rows("融资所投项目", "Projects financed", max_items=MAX_LINES)


@dataclass(kw_only=True)
class FinancingSection:
    """Hold the 融资及所投项目环境信息 (办法第十五条; the bond issuers' clause 第十五条（二） is U, assumed the same)."""

    items: list[FinancingItem] = rows("融资情况", "Financing", max_items=MAX_LINES)


# ------------------------------------------------------------------------------------------- pre-fill


@dataclass(kw_only=True)
class PollutantAmounts:
    """Hold one amount per pollutant (keyed by the pollutant's code, as the pre-fill copies them)."""

    so2: Decimal | None = optional("二氧化硫", "SO2", "t")
    nox: Decimal | None = optional("氮氧化物", "NOx", "t")
    pm: Decimal | None = optional("颗粒物", "Particulate matter", "t")
    vocs: Decimal | None = optional("挥发性有机物", "VOCs", "t")
    cod: Decimal | None = optional("化学需氧量", "COD", "t")
    nh3n: Decimal | None = optional("氨氮", "Ammonia nitrogen", "t")
    tp: Decimal | None = optional("总磷", "Total phosphorus", "t")
    tn: Decimal | None = optional("总氮", "Total nitrogen", "t")


@dataclass(kw_only=True)
class PrefillGhg:
    """Hold what was copied from the accepted GHG report of the year (DSC-003, DSC-004)."""

    sha256: str = field(metadata=info("来源版本 SHA-256", "Source version SHA-256", max_length=64))
    direct_tco2: int | None = optional("直接排放量", "Direct emissions", "tCO2e")
    indirect_tco2: int | None = optional("间接排放量", "Indirect emissions", "tCO2e")
    ets_covered_tco2: int | None = optional("全国碳市场覆盖排放量", "Emissions covered by the national ETS", "tCO2e")
    previous_ets_covered_tco2: int | None = optional(
        "上一年度全国碳市场覆盖排放量", "Previous year's emissions covered by the national ETS", "tCO2e")
    pollutants_t: PollutantAmounts = nested(PollutantAmounts, "污染物排放量", "Pollutant emissions")
    permitted_t: PollutantAmounts = nested(PollutantAmounts, "许可排放量", "Permitted totals")
    exceeded_standards: bool | None = optional("存在超标排放", "Exceeded a standard")


@dataclass(kw_only=True)
class PrefillAudit:
    """Hold what was copied from the accepted mandatory clean-production audit (DSC-010)."""

    sha256: str = field(metadata=info("来源版本 SHA-256", "Source version SHA-256", max_length=64))
    triggers: list[AuditReason] = rows("强制性审核情形", "Triggers", values="audit_trigger")
    listed_on: date | None = optional("名单公布日期", "Listed on")
    assessment_status: ReviewStatus | None = optional("评估状态", "Assessment status", values="review_status")
    acceptance_status: ReviewStatus | None = optional("验收状态", "Acceptance status", values="review_status")


@dataclass(kw_only=True)
class Prefill:
    """Hold the values the portal copied from the enterprise's accepted filings of the year (办法第二十二条)."""

    ghg: PrefillGhg | None = optional("温室气体排放年度报告", "GHG annual report")
    audit: PrefillAudit | None = optional("强制性清洁生产审核", "Mandatory audit")


# ------------------------------------------------------------------------------------------ the report


@dataclass(kw_only=True)
class EnvDisclosureAnnualReport:
    """Hold a 企业环境信息依法披露年度报告 — the canonical document of kind ``env_disclosure_annual_report``."""

    kind: Literal["env_disclosure_annual_report"] = field(metadata=info("文书类型", "Kind", fixed=True))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version", fixed=True))
    reporting_year: int = field(metadata=info("报告年度", "Reporting year", bounds=DISCLOSURE_YEAR, fixed=True))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    subjects: list[DisclosureSubject] = rows(
        "披露主体类别", "Why the enterprise discloses", values="disclosure_subject",
        help_zh="列入披露企业名单的原因（办法第七条），至少一项",
        help_en="why the enterprise is on the disclosure list (办法第七条), at least one")
    violation_grounds: list[ViolationGround] = rows(
        "上一年度生态环境违法情形", "Previous year's violations", values="violation_ground", help_zh="上市公司、发债企业填写（办法第八条）",
        help_en="for listed companies and bond issuers (办法第八条)")
    disclosed_on: date | None = publication_date()
    change_note: str | None = optional(
        "变更内容及主要依据", "What changed and why", max_length=LONG_TEXT, help_zh="更正已披露的报告时填写",
        help_en="when correcting a published report")
    key_info: KeyInfo | None = optional("关键环境信息提要", "Key environmental information")
    basic_info: BasicInfo | None = optional("企业基本信息", "Basic information")
    env_management: EnvManagement | None = optional("企业环境管理信息", "Environmental management")
    pollutants: PollutantsSection | None = optional(
        "污染物产生、治理与排放信息", "Pollutant generation, treatment and discharge")
    carbon: CarbonSection | None = optional("碳排放信息", "Carbon emissions")
    emergency: EmergencySection | None = optional("生态环境应急信息", "Environmental emergency information")
    violations: ViolationsSection | None = optional("生态环境违法信息", "Environmental violations")
    adhoc: list[AdhocRecord] = rows("本年度临时环境信息依法披露情况", "Ad-hoc disclosures this year", max_items=MAX_LINES)
    other: OtherSection | None = optional("法律法规规定的其他环境信息", "Other environmental information required by law")
    audit: AuditSection | None = optional("强制性清洁生产审核信息", "Mandatory clean-production audit")
    financing: FinancingSection | None = optional("融资及所投项目环境信息", "Financing and the projects financed")
    prefill: Prefill = nested(Prefill, "预填数据来源", "Pre-filled from", fixed=True)
    explanations: dict[str, str] = field(default_factory=dict, metadata=explanations_info())


#: the sections of the annual report as the 准则 orders them (disclosure-format.md): key, heading
DISCLOSURE_SECTION_KEYS: tuple[str, ...] = (
    "key_info", "basic_info", "env_management", "pollutants", "carbon", "emergency", "violations", "adhoc",
    "other", "audit", "financing",
)
#: the sections that may be ``{"none": true}`` (本年度无)
NONE_ALLOWED: frozenset[str] = frozenset({"env_management", "pollutants", "carbon", "emergency", "violations",
                                          "other"})


ANNUAL_SECTIONS = (
    section("profile", "企业与披露主体", "Enterprise and disclosure subject",
            ("reporting_year", "enterprise", "subjects", "violation_grounds", "disclosed_on", "change_note"),
            sheet="概况"),
    section("key_info", "关键环境信息提要", "Key environmental information", ("key_info",)),
    section("basic_info", "企业基本信息", "Basic information", ("basic_info",)),
    section("env_management", "企业环境管理信息", "Environmental management", ("env_management",)),
    section("pollutants", "污染物产生、治理与排放信息", "Pollutant generation, treatment and discharge",
            ("pollutants",)),
    section("carbon", "碳排放信息", "Carbon emissions", ("carbon",)),
    section("emergency", "生态环境应急信息", "Environmental emergency information", ("emergency",)),
    section("violations", "生态环境违法信息", "Environmental violations", ("violations",)),
    section("adhoc", "本年度临时环境信息依法披露情况", "Ad-hoc disclosures this year", ("adhoc",),
            sheet="临时环境信息依法披露情况"),
    section("other", "法律法规规定的其他环境信息", "Other environmental information required by law", ("other",)),
    section("audit", "强制性清洁生产审核信息", "Mandatory clean-production audit", ("audit",)),
    section("financing", "融资及所投项目环境信息", "Financing and the projects financed", ("financing",)),
)

#: the annual report's computed figures (calc.disclosure.AnnualComputed), in print order
ANNUAL_COMPUTED = (
    computed("required_sections", "应披露的章节", "Sections required"),
    computed("due_on", "披露期限", "Due on"),
    computed("days_late", "逾期天数", "Days late", "days", 0),
    computed("carbon_total_tco2", "二氧化碳排放总量（直接＋间接）", "Total CO2 (direct + indirect)", "tCO2e", 0),
    computed("carbon_change_pct", "碳实际排放量较上年变化", "Change of actual emissions from the previous year",
             "percent", 2),
    computed("ccer_share", "CCER 抵销比例", "Share of CCER in the allowances due", "percent", 2),
    computed("general_waste_use_rate", "一般工业固体废物综合利用率", "General solid waste use rate", "percent", 2),
    computed("monitoring_completion_rate", "手工监测完成率", "Manual monitoring completion rate", "percent", 2),
    computed("implementation_rate_no_low", "无/低费方案实施率", "No/low-cost implementation rate", "percent", 1),
    computed("implementation_rate_medium_high", "中/高费方案实施率", "Medium/high-cost implementation rate",
             "percent", 1),
)

#: the permitted ratio of each pollutant (calc.disclosure.AnnualComputed.permitted_ratio)
PERMITTED_RATIO_COMPUTED = computed("permitted_ratio", "排放总量占许可排放量比例", "Share of the permitted total",
                                    "percent", 2)

#: the sums of the hazardous-waste lines (calc.disclosure.AnnualComputed.hazardous_waste_t)
HAZARDOUS_WASTE_COMPUTED = (
    computed("generated", "危险废物产生量合计", "Hazardous waste generated, total", "t", 2),
    computed("self_used", "自行利用量合计", "Used on site, total", "t", 2),
    computed("self_disposed", "自行处置量合计", "Disposed of on site, total", "t", 2),
    computed("transferred", "委托利用处置量合计", "Transferred, total", "t", 2),
    computed("stored", "年末贮存量合计", "Stored at year end, total", "t", 2),
)


# =========================================================================== env_disclosure_adhoc


@dataclass(kw_only=True)
class LegalDocument:
    """Hold the legal document that makes an ad-hoc disclosure due (收到相关法律文书, 办法第十七条)."""

    doc_type: str | None = optional(
        "文书类型", "Document type", max_length=100, help_zh="如 行政处罚决定书", help_en="e.g. a penalty decision")
    number: str | None = optional(
        "文号", "Document number", max_length=100, help_zh="许可事项填写许可证编号",
        help_en="the licence number for a licence")
    issuer: str | None = optional("作出机关", "Issued by", max_length=200)
    date: dt.date | None = optional("文书日期", "Document date")
    received_on: dt.date | None = optional(
        "收到日期", "Received on", help_zh="留空则按文书日期", help_en="empty: the document date")


@dataclass(kw_only=True)
class AdhocDetails:
    """Hold what the disclosure says of its trigger (each field for the triggers the format names it for)."""

    # penalty
    violation: str | None = optional(
        "违法行为", "Violation", max_length=LONG_TEXT, help_zh="行政处罚填写", help_en="for a penalty")
    legal_basis: str | None = optional(
        "处罚依据", "Legal basis", max_length=2000, help_zh="行政处罚填写", help_en="for a penalty")
    measures: str | None = optional(
        "处罚种类或采取的措施", "Penalties imposed or measures taken", max_length=LONG_TEXT,
        help_zh="行政处罚填写处罚种类；突发环境事件填写应对措施",
        help_en="the penalties for a penalty; the measures taken for an emergency")
    fine_10k_cny: Decimal | None = optional("罚款金额", "Fine", "10k_cny", bounds=AMOUNT)
    rectification: str | None = optional("整改情况", "Rectification", max_length=LONG_TEXT)
    # permit_*
    permit_type: PermitType | None = optional("许可类型", "Licence type", values="permit_type")
    change_summary: str | None = optional(
        "许可事项内容", "What the licence grants or changes", max_length=LONG_TEXT)
    valid_until: date | None = optional("有效期至", "Valid until")
    # damage_compensation
    amount_10k_cny: Decimal | None = optional("赔偿金额", "Compensation", "10k_cny", bounds=AMOUNT)
    # incident
    occurred_on: date | None = optional("事件发生日期", "Occurred on")
    level: IncidentLevel | None = optional("事件级别", "Level", values="incident_level")
    # change
    changed_report: str | None = optional("被变更的报告", "Report changed", max_length=200)
    what_changed: str | None = optional("变更内容", "What changed", max_length=LONG_TEXT)
    basis: str | None = optional("主要依据", "Basis", max_length=2000)


@dataclass(kw_only=True)
class EnvDisclosureAdhoc:
    """Hold a 临时环境信息依法披露报告 — the canonical document of kind ``env_disclosure_adhoc``."""

    kind: Literal["env_disclosure_adhoc"] = field(metadata=info("文书类型", "Kind", fixed=True))
    schema_version: Literal[1] = field(metadata=info("格式版本", "Schema version", fixed=True))
    enterprise: Enterprise = field(metadata=info("企业信息", "Enterprise"))
    trigger: AdhocTrigger = field(metadata=info("披露事项", "Trigger", values="adhoc_trigger"))
    document: LegalDocument = nested(LegalDocument, "法律文书", "Legal document")
    disclosed_on: date | None = publication_date()
    summary_zh: str | None = optional(
        "事项概述", "Summary", max_length=LONG_TEXT, help_zh="发生了什么，企业采取了哪些措施",
        help_en="what happened and what the enterprise did")
    details: AdhocDetails = nested(AdhocDetails, "事项详情", "Details")
    explanations: dict[str, str] = field(default_factory=dict, metadata=explanations_info())


ADHOC_SECTIONS = (
    section("profile", "企业信息", "Enterprise profile", ("enterprise",), sheet="概况"),
    section("report", "临时报告事项", "What is disclosed", ("trigger", "document", "disclosed_on", "summary_zh"),
            sheet="披露事项"),
    section("details", "事项详情", "Details", ("details",), sheet="事项详情"),
)

#: the ad-hoc report's computed figures (calc.disclosure.AdhocComputed), in print order
ADHOC_COMPUTED = (
    computed("due_on", "披露期限（收到文书后第5个工作日）", "Due on (5th working day after receipt)"),
    computed("working_days_elapsed", "收到文书至披露的工作日数", "Working days from receipt to disclosure", "days", 0),
)
