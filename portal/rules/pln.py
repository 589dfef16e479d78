"""PLN-001…PLN-013: obligations from the provincial plans, checked on the GHG annual report."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from portal.calc.results import GhgComputed
from portal.domain.documents import GhgAnnualReport

from . import citations as c
from .registry import GHG_ONLY, JS, JX, Evaluation, Hit, rule
from .text import amount, fixed, iso

Doc = GhgAnnualReport
Comp = GhgComputed


def _province_key(base: str, province: str | None) -> str:
    return f"{base}_{(province or '').lower()}"


# ------------------------------------------------------------------------------------ boilers (JX)


@rule(
    "PLN-001", "warning", GHG_ONLY,
    title=("建成区新增小型燃煤锅炉", "New small coal boiler in a built-up area"),
    checks=(
        "县级及以上城市建成区内 2021-11-16 及以后投运的 35 蒸吨/小时及以下燃煤锅炉",
        "a coal boiler ≤ 35 t/h in a county-level-or-above built-up area, commissioned on or after 2021-11-16",
    ),
    basis=f"{c.JX_14FYP_5_3_BOILER}；{c.JX_6_BOILER}",
    params=("PLN-001.max_tph", "PLN-001.since"),
    provinces=(JX,),
)
def pln_001(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each small coal boiler commissioned in a built-up area since the 14th FYP (第五章第三节)."""
    for i, boiler in enumerate(doc.boilers):
        if boiler.fuel != "coal" or not boiler.in_built_up_area:
            continue
        if boiler.capacity_tph is None or boiler.commissioned is None:
            continue
        max_tph = ev.p.dec("PLN-001.max_tph")
        since = ev.p.date("PLN-001.since")
        if boiler.capacity_tph <= max_tph and boiler.commissioned >= since:
            yield (
                f"boilers[{i}]",
                f"燃煤锅炉 {boiler.id}（{amount(boiler.capacity_tph)} 蒸吨/小时）位于县级及以上城市建成区，"
                f"于 {iso(boiler.commissioned)} 投运；自 {iso(since)} 起建成区不再审批 {amount(max_tph)} 蒸吨/小时及以下燃煤锅炉",
                f"coal boiler {boiler.id} ({amount(boiler.capacity_tph)} t/h) in a county-level-or-above built-up area "
                f"was commissioned on {iso(boiler.commissioned)}; since {iso(since)} coal boilers of "
                f"{amount(max_tph)} t/h or less are no longer approved there",
            )


@rule(
    "PLN-002", "warning", GHG_ONLY,
    title=("大型燃煤锅炉未超低排放", "Large coal boiler without ultra-low emission"),
    checks=("65 蒸吨/小时以上燃煤锅炉未实现超低排放", "a coal boiler > 65 t/h without ultra-low emission"),
    basis=c.JX_14FYP_5_2_BOILER,
    params=("PLN-002.min_tph",),
    provinces=(JX,),
)
def pln_002(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each coal boiler above 65 t/h that is not ultra-low-emission (第五章第二节)."""
    for i, boiler in enumerate(doc.boilers):
        if boiler.fuel != "coal" or boiler.ultra_low_emission or boiler.capacity_tph is None:
            continue
        min_tph = ev.p.dec("PLN-002.min_tph")
        if boiler.capacity_tph > min_tph:
            yield (
                f"boilers[{i}].ultra_low_emission",
                f"燃煤锅炉 {boiler.id}（{amount(boiler.capacity_tph)} 蒸吨/小时）超过 {amount(min_tph)} 蒸吨/小时，"
                "尚未实施超低排放改造",
                f"coal boiler {boiler.id} ({amount(boiler.capacity_tph)} t/h) is above {amount(min_tph)} t/h and "
                "has no ultra-low-emission retrofit",
            )


@rule(
    "PLN-003", "notice", GHG_ONLY,
    title=("燃气锅炉未低氮燃烧", "Gas boiler without low-NOx combustion"),
    checks=("燃气锅炉未实施低氮燃烧改造", "a gas boiler without low-NOx combustion"),
    basis=c.JX_14FYP_5_2_BOILER,
    provinces=(JX,),
)
def pln_003(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each gas boiler without low-NOx combustion (第五章第二节 "燃气锅炉实施低氮改造")."""
    for i, boiler in enumerate(doc.boilers):
        if boiler.fuel == "gas" and not boiler.low_nox:
            yield (
                f"boilers[{i}].low_nox",
                f"燃气锅炉 {boiler.id} 尚未实施低氮改造",
                f"gas boiler {boiler.id} has no low-NOx retrofit",
            )


# ------------------------------------------------------------------------------------ captive coal units


@rule(
    "PLN-004", "warning", GHG_ONLY,
    title=("新增燃煤自备机组", "New captive coal generating unit"),
    checks=(
        "规划发布日及以后投运的燃煤自备发电机组（江西 2021-11-16，江苏 2023-01-09）",
        "a self-owned coal generating unit commissioned on or after the plan date (JX 2021-11-16, JS 2023-01-09)",
    ),
    basis={JX: c.JX_14FYP_3_3_CAPTIVE, JS: c.JS_6_CAPTIVE},
    params=("PLN-004.since_jx", "PLN-004.since_js"),
)
def pln_004(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each self-owned coal unit commissioned since the province's plan (JX 第三章第三节, JS 第（六）条)."""
    if ev.province is None:  # no plan date outside the two provinces (ENT-002 reports the region)
        return
    for i, unit in enumerate(doc.generating_units):
        if unit.fuel != "coal" or not unit.self_owned or unit.commissioned is None:
            continue
        since = ev.p.date(_province_key("PLN-004.since", ev.province))
        if unit.commissioned >= since:
            yield (
                f"generating_units[{i}]",
                f"燃煤自备机组 {unit.id} 于 {iso(unit.commissioned)} 投运，晚于规划发布日 {iso(since)}，"
                "规划要求不再新增燃煤自备机组",
                f"captive coal unit {unit.id} was commissioned on {iso(unit.commissioned)}, on or after the plan "
                f"date {iso(since)}; the plan forbids new captive coal units",
            )


# ------------------------------------------------------------------------------------ capacity


def _capacity_by_product(document: GhgAnnualReport) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in document.products:
        if line.capacity is not None:
            totals[line.product] = totals.get(line.product, Decimal(0)) + line.capacity
    return totals


@rule(
    "PLN-005", "warning", GHG_ONLY,
    title=("限制类产品新增产能未见产能置换", "Restricted capacity added without a replacement plan"),
    checks=(
        "限制类产品产能较上年增加或标记为新增产能，但未填报产能置换方案。"
        "江西：钢铁、水泥熟料、平板玻璃（含光伏玻璃）；江苏：钢铁、焦化、炼油、电解铝、水泥熟料、平板玻璃（不含光伏玻璃）",
        "capacity of a restricted product grew against the previous accepted report, or new_capacity is set, "
        "without capacity_replacement_ref. JX: steel, cement clinker, flat glass (incl. PV glass); "
        "JS: steel, coke, refined oil, aluminium, cement clinker, flat glass (excl. PV glass)",
    ),
    basis={JX: f"{c.JX_5_CAPACITY}；{c.JX_DECISION_3}", JS: c.JS_5_CAPACITY},
    params=("PLN-005.restricted_jx", "PLN-005.restricted_js"),
)
def pln_005(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag added capacity of a restricted product without a capacity-replacement approval."""
    if ev.province is None:
        return
    restricted = ev.p.codes(_province_key("PLN-005.restricted", ev.province))
    previous = ev.ctx.previous
    before = _capacity_by_product(previous.document) if previous is not None else None
    now = _capacity_by_product(doc) if before is not None else {}
    reported_growth: set[str] = set()
    for i, line in enumerate(doc.products):
        if line.product not in restricted or (line.capacity_replacement_ref or "").strip():
            continue
        name_zh, name_en = _names(ev, line.product)
        if line.new_capacity:
            yield (
                f"products[{i}].new_capacity",
                f"{name_zh}为限制新增产能的产品，本年新增产能但未填报产能置换方案文号",
                f"{name_en} is a capacity-restricted product: new capacity this year without a capacity "
                "replacement approval reference",
            )
        elif before is not None and line.product not in reported_growth:
            grown = now.get(line.product, Decimal(0)) - before.get(line.product, Decimal(0))
            if grown > 0:
                reported_growth.add(line.product)
                yield (
                    f"products[{i}].capacity",
                    f"{name_zh}产能 {amount(now[line.product])} 较上年 {amount(before.get(line.product, Decimal(0)))} "
                    f"增加 {amount(grown)}，为限制新增产能的产品，未填报产能置换方案文号",
                    f"capacity of {name_en}, a capacity-restricted product, grew by {amount(grown)} to "
                    f"{amount(now[line.product])} from {amount(before.get(line.product, Decimal(0)))} without a "
                    "capacity replacement approval reference",
                )


def _names(ev: Evaluation, code: str) -> tuple[str, str]:
    product = ev.product(code)
    return (product.name_zh, product.name_en.lower()) if product is not None else (code, code)


# ------------------------------------------------------------------------------------ energy efficiency


@rule(
    "PLN-006", "warning", GHG_ONLY,
    title=("单位产品能耗劣于基准水平", "Unit energy worse than the baseline level"),
    checks=("产品单位能耗劣于能效基准水平", "unit_energy of a product worse than its baseline (基准水平)"),
    basis={JX: f"{c.JX_8_EFFICIENCY}；{c.LEVELS_1609}", JS: f"{c.JS_8_EFFICIENCY}；{c.LEVELS_1609}"},
)
def pln_006(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each product whose unit energy is worse than its baseline (also the 高耗能 indicator)."""
    for r in comp.products:
        if r.level == "worse_than_baseline" and r.unit_energy is not None and r.baseline is not None:
            name_zh, name_en = _names(ev, r.product)
            yield (
                f"products[{r.index}].energy_tce",
                f"{name_zh}单位产品能耗 {fixed(r.unit_energy, 2)} 劣于基准水平 {amount(r.baseline)}，"
                "须限期改造升级或淘汰，属“高耗能”强制性清洁生产审核情形",
                f"unit energy of {name_en} {fixed(r.unit_energy, 2)} is worse than the baseline level "
                f"{amount(r.baseline)}: it must be upgraded or exit, and makes the enterprise 高耗能 "
                "(mandatory clean-production audit)",
            )


@rule(
    "PLN-007", "notice", GHG_ONLY,
    title=("单位产品能耗达到标杆水平", "Unit energy at the benchmark level"),
    checks=(
        "产品单位能耗达到或优于能效标杆水平（计入规划目标）",
        "unit_energy at or better than the benchmark (标杆水平) — counts toward the plan target",
    ),
    basis=c.JX_8_BENCHMARK,
)
def pln_007(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each product at or better than its benchmark (counts toward the 30 % target)."""
    for r in comp.products:
        if r.level == "benchmark" and r.unit_energy is not None and r.benchmark is not None:
            name_zh, name_en = _names(ev, r.product)
            yield (
                f"products[{r.index}].energy_tce",
                f"{name_zh}单位产品能耗 {fixed(r.unit_energy, 2)} 达到标杆水平 {amount(r.benchmark)}，计入标杆产能比例",
                f"unit energy of {name_en} {fixed(r.unit_energy, 2)} reaches the benchmark level "
                f"{amount(r.benchmark)} and counts toward the share of capacity at benchmark",
            )


@rule(
    "PLN-008", "warning", GHG_ONLY,
    title=("新增产能未达标杆水平", "New capacity below the benchmark level"),
    checks=(
        "本年新增产能的产品单位能耗劣于标杆水平",
        "new_capacity product whose unit_energy is worse than the benchmark",
    ),
    basis={JX: c.JX_5_NEW_PROJECTS, JS: c.JS_5_NEW_PROJECTS},
)
def pln_008(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a product with new capacity whose unit energy does not reach the benchmark."""
    for r in comp.products:
        if r.level not in ("between", "worse_than_baseline") or r.unit_energy is None or r.benchmark is None:
            continue
        if not doc.products[r.index].new_capacity:
            continue
        name_zh, name_en = _names(ev, r.product)
        yield (
            f"products[{r.index}].new_capacity",
            f"{name_zh}本年新增产能，单位产品能耗 {fixed(r.unit_energy, 2)} 未达到标杆水平 {amount(r.benchmark)}",
            f"{name_en} has new capacity this year, but its unit energy {fixed(r.unit_energy, 2)} does not reach "
            f"the benchmark level {amount(r.benchmark)}",
        )


# ------------------------------------------------------------------------------------ HCFCs, air


@rule(
    "PLN-009", "warning", GHG_ONLY,
    title=("使用含氢氯氟烃缺少配额或淘汰计划", "HCFC use without quota or phase-out plan"),
    checks=(
        "使用含氢氯氟烃，但未持有使用配额或无淘汰计划",
        "hcfc.consumption_t > 0 without has_quota, or without phaseout_plan",
    ),
    basis={JX: c.JX_13_HCFC, JS: c.JS_13_HCFC},
)
def pln_009(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag HCFC consumption without a quota, and without a phase-out plan (第（十三）条)."""
    hcfc = doc.hcfc
    if hcfc.consumption_t <= 0:
        return
    if not hcfc.has_quota:
        yield (
            "hcfc.has_quota",
            f"使用含氢氯氟烃 {amount(hcfc.consumption_t)} t，未持有使用配额",
            f"{amount(hcfc.consumption_t)} t of HCFCs used without a quota",
        )
    if not hcfc.phaseout_plan:
        yield (
            "hcfc.phaseout_plan",
            f"使用含氢氯氟烃 {amount(hcfc.consumption_t)} t，无淘汰计划",
            f"{amount(hcfc.consumption_t)} t of HCFCs used without a phase-out plan",
        )


@rule(
    "PLN-010", "warning", GHG_ONLY,
    title=("烟气旁路未安装在线监管", "Flue-gas bypass without monitoring"),
    checks=("存在烟气旁路但未安装在线监管系统", "air.flue_gas_bypass without bypass_monitored"),
    basis=c.JX_14FYP_5_2_BYPASS,
    provinces=(JX,),
)
def pln_010(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a flue-gas bypass without online monitoring (第五章第二节)."""
    if doc.air.flue_gas_bypass and not doc.air.bypass_monitored:
        yield (
            "air.bypass_monitored",
            "存在烟气旁路，但未安装在线监管系统；应取消旁路，因安全生产无法取消的须安装在线监管系统及备用处置设施",
            "a flue-gas bypass exists without online monitoring; it should be removed, or, where safety requires "
            "it, monitored online with standby treatment",
        )


@rule(
    "PLN-011", "warning", GHG_ONLY,
    title=("重点排污单位未安装VOCs在线监控", "Key discharger without online VOCs monitoring"),
    checks=(
        "化工、工业涂装、包装印刷、石化行业（或VOCs排放量 > 0）的重点排污单位未安装挥发性有机物在线监控",
        "a key pollutant discharger in 化工, 工业涂装, 包装印刷, 石化 (or with VOCs > 0) without vocs in "
        "online_monitoring",
    ),
    basis=f"{c.JX_14FYP_11_5_ONLINE}；{c.JX_14FYP_5_2_VOCS}",
    params=("PLN-011.industries",),
    provinces=(JX,),
    industries=("化工、工业涂装、包装印刷、石化", "chemicals, industrial coating, packaging and printing, petrochemicals"),
)
def pln_011(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a key discharger of a VOCs industry (or emitting VOCs) without online VOCs monitoring."""
    if not doc.enterprise.is_key_pollutant_discharger or "vocs" in doc.air.online_monitoring:
        return
    vocs = doc.pollutants.vocs_t
    emits = vocs is not None and vocs > 0
    if emits or ev.p.matches("PLN-011.industries", doc.enterprise.industry_code):
        why_zh = f"排放挥发性有机物 {amount(vocs)} t" if emits and vocs is not None else "属挥发性有机物重点行业"
        why_en = f"emits {amount(vocs)} t of VOCs" if emits and vocs is not None else "is in a VOCs key industry"
        yield (
            "air.online_monitoring",
            f"重点排污单位{why_zh}，未安装挥发性有机物在线监控设备",
            f"the key pollutant discharger {why_en} but has no online VOCs monitoring",
        )


@rule(
    "PLN-012", "warning", GHG_ONLY,
    title=("未完成超低排放改造", "Ultra-low-emission retrofit not done"),
    checks=(
        "钢铁（江西），或钢铁、焦化、水泥、玻璃、石化（江苏）企业未完成超低排放改造",
        "steel (JX), or steel, coke, cement, glass, petrochemical (JS) enterprise with ultra_low_retrofit_done false",
    ),
    basis={JX: c.JX_14FYP_5_2_ULE, JS: c.JS_13_ULE},
    params=("PLN-012.industries_jx", "PLN-012.industries_js"),
    industries=("江西：钢铁；江苏：钢铁、焦化、水泥、玻璃、石化", "JX: steel; JS: steel, coke, cement, glass, petrochemicals"),
)
def pln_012(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag an enterprise of the province's ultra-low-emission industries without the retrofit."""
    if doc.air.ultra_low_retrofit_done or ev.province is None:
        return
    if ev.p.matches(_province_key("PLN-012.industries", ev.province), doc.enterprise.industry_code):
        yield (
            "air.ultra_low_retrofit_done",
            f"行业 {doc.enterprise.industry_code} 属超低排放改造重点行业，企业尚未完成超低排放改造",
            f"industry {doc.enterprise.industry_code} is due for ultra-low-emission retrofit, which the enterprise "
            "has not completed",
        )


@rule(
    "PLN-013", "notice", GHG_ONLY,
    title=("“两高”项目台账", "Enters the 两高 project ledger"),
    checks=(
        "高耗能行业本年新增产能：纳入“两高”项目清单台账管理",
        "new_capacity in a high-energy industry: enters the 两高项目 ledger for the regulator",
    ),
    basis=c.JX_OPINIONS_2_4,
    params=("PLN-013.industries",),
    industries=("煤电、石化、化工、钢铁、有色金属冶炼、建材", "coal power, petrochemicals, chemicals, steel, non-ferrous, building materials"),
)
def pln_013(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each new-capacity product of a high-energy (两高) industry for the regulator's ledger."""
    if not any(line.new_capacity for line in doc.products):
        return
    if not ev.p.matches("PLN-013.industries", doc.enterprise.industry_code):
        return
    for i, line in enumerate(doc.products):
        if line.new_capacity:
            name_zh, name_en = _names(ev, line.product)
            yield (
                f"products[{i}].new_capacity",
                f"高耗能高排放行业 {doc.enterprise.industry_code} 本年新增{name_zh}产能，纳入“两高”项目清单台账管理",
                f"new {name_en} capacity in the high-energy, high-emission industry {doc.enterprise.industry_code} "
                "enters the 两高 project ledger",
            )
