"""PLN-001…PLN-023: obligations from the provincial plans, checked on the GHG annual report.

PLN-014…PLN-023 are the clauses catalogue v1 missed (rules-catalogue.md, "New in 2026-12"), numbered in
the order that list gives them. Each reads optional fields whose defaults keep older documents silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TypeVar

from portal.calc.results import GhgComputed, ProductResult
from portal.domain.documents import GeneratingUnit, GhgAnnualReport, Kiln
from portal.domain.labels import VALUE_SETS

from .registry import Evaluation, Hit, rule
from .text import amount, excess, fixed, iso, pollutant_names

Doc = GhgAnnualReport
Comp = GhgComputed
_Item = TypeVar("_Item")


def _province_key(base: str, province: str | None) -> str:
    return f"{base}_{(province or '').lower()}"


# ------------------------------------------------------------------------------------ boilers (JX)


@rule("PLN-001")
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


@rule("PLN-002")
def pln_002(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each coal boiler of 65 t/h or more that is not ultra-low-emission (第五章第二节).

    In Chinese legal usage "以上" includes the number itself, so a 65 t/h boiler is covered (amended 2026-12).
    """
    for i, boiler in enumerate(doc.boilers):
        if boiler.fuel != "coal" or boiler.ultra_low_emission or boiler.capacity_tph is None:
            continue
        min_tph = ev.p.dec("PLN-002.min_tph")
        if boiler.capacity_tph >= min_tph:
            yield (
                f"boilers[{i}].ultra_low_emission",
                f"燃煤锅炉 {boiler.id}（{amount(boiler.capacity_tph)} 蒸吨/小时）属 {amount(min_tph)} 蒸吨/小时及以上燃煤锅炉，"
                "尚未实施超低排放改造",
                f"coal boiler {boiler.id} ({amount(boiler.capacity_tph)} t/h) is {amount(min_tph)} t/h or more and "
                "has no ultra-low-emission retrofit",
            )


def _lacking(
    items: Sequence[_Item], section: str, flag: str, applies: Callable[[_Item], bool]
) -> Iterator[tuple[str, _Item]]:
    """Yield each item of ``section`` that ``applies`` to and lacks ``flag``, after the flag's path."""
    for i, item in enumerate(items):
        if applies(item) and not getattr(item, flag):
            yield f"{section}[{i}].{flag}", item


@rule("PLN-003")
def pln_003(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each gas boiler without low-NOx combustion (第五章第二节 "燃气锅炉实施低氮改造")."""
    for path, boiler in _lacking(doc.boilers, "boilers", "low_nox", lambda boiler: boiler.fuel == "gas"):
        yield path, f"燃气锅炉 {boiler.id} 尚未实施低氮改造", f"gas boiler {boiler.id} has no low-NOx retrofit"


# ------------------------------------------------------------------------------------ captive coal units


@rule("PLN-004")
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


@rule("PLN-005")
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


def _at_levels(
    comp: Comp, ev: Evaluation, levels: tuple[str, ...], reference: str
) -> Iterator[tuple[ProductResult, Decimal, Decimal, str, str]]:
    """Yield each product at one of ``levels``: ``(result, unit energy, reference level, name_zh, name_en)``.

    ``reference`` is the level the message compares with ("baseline" or "benchmark"); a product without a
    unit energy or without that level is not judged.
    """
    for r in comp.products:
        level = getattr(r, reference)
        if r.level in levels and r.unit_energy is not None and level is not None:
            yield r, r.unit_energy, level, *_names(ev, r.product)


@rule("PLN-006")
def pln_006(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each product whose unit energy is worse than its baseline (also the 高耗能 indicator)."""
    for r, energy, baseline, name_zh, name_en in _at_levels(comp, ev, ("worse_than_baseline",), "baseline"):
        yield (
            f"products[{r.index}].energy_tce",
            f"{name_zh}单位产品能耗 {fixed(energy, 2)} 劣于基准水平 {amount(baseline)}，"
            "须限期改造升级或淘汰，属“高耗能”强制性清洁生产审核情形",
            f"unit energy of {name_en} {fixed(energy, 2)} is worse than the baseline level "
            f"{amount(baseline)}: it must be upgraded or exit, and makes the enterprise 高耗能 "
            "(mandatory clean-production audit)",
        )


@rule("PLN-007")
def pln_007(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each product at or better than its benchmark (counts toward the 30 % target)."""
    for r, energy, benchmark, name_zh, name_en in _at_levels(comp, ev, ("benchmark",), "benchmark"):
        yield (
            f"products[{r.index}].energy_tce",
            f"{name_zh}单位产品能耗 {fixed(energy, 2)} 达到标杆水平 {amount(benchmark)}，计入标杆产能比例",
            f"unit energy of {name_en} {fixed(energy, 2)} reaches the benchmark level "
            f"{amount(benchmark)} and counts toward the share of capacity at benchmark",
        )


@rule("PLN-008")
def pln_008(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a product with new capacity whose unit energy does not reach the benchmark."""
    below = _at_levels(comp, ev, ("between", "worse_than_baseline"), "benchmark")
    for r, energy, benchmark, name_zh, name_en in below:
        if doc.products[r.index].new_capacity:
            yield (
                f"products[{r.index}].new_capacity",
                f"{name_zh}本年新增产能，单位产品能耗 {fixed(energy, 2)} 未达到标杆水平 {amount(benchmark)}",
                f"{name_en} has new capacity this year, but its unit energy {fixed(energy, 2)} "
                f"does not reach the benchmark level {amount(benchmark)}",
            )


# ------------------------------------------------------------------------------------ HCFCs, air


#: what HCFC consumption needs (第（十三）条): the field that says it is there, and what its absence is called
_HCFC_NEEDS = (
    ("has_quota", "未持有使用配额", "a quota"),
    ("phaseout_plan", "无淘汰计划", "a phase-out plan"),
)


@rule("PLN-009")
def pln_009(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag HCFC consumption without a quota, and without a phase-out plan (第（十三）条)."""
    used = doc.hcfc.consumption_t
    if used <= 0:
        return
    for name, lacking_zh, lacking_en in _HCFC_NEEDS:
        if not getattr(doc.hcfc, name):
            yield (
                f"hcfc.{name}",
                f"使用含氢氯氟烃 {amount(used)} t，{lacking_zh}",
                f"{amount(used)} t of HCFCs used without {lacking_en}",
            )


@rule("PLN-010")
def pln_010(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a flue-gas bypass without online monitoring (第五章第二节)."""
    if doc.air.flue_gas_bypass and not doc.air.bypass_monitored:
        yield (
            "air.bypass_monitored",
            "存在烟气旁路，但未安装在线监管系统；应取消旁路，因安全生产无法取消的须安装在线监管系统及备用处置设施",
            "a flue-gas bypass exists without online monitoring; it should be removed, or, where safety requires "
            "it, monitored online with standby treatment",
        )


def _discharged(doc: Doc, ev: Evaluation) -> Iterator[tuple[str, str, str, str]]:
    """Yield ``(code, path, why_zh, why_en)`` for each characteristic pollutant the enterprise discharges."""
    vocs = doc.pollutants.vocs_t
    if vocs is not None and vocs > 0:
        yield "vocs", "air.online_monitoring", f"排放挥发性有机物 {amount(vocs)} t", f"emits {amount(vocs)} t of VOCs"
    elif ev.p.matches("PLN-011.industries", doc.enterprise.industry_code):
        yield "vocs", "air.online_monitoring", "属挥发性有机物重点行业", "is in a VOCs key industry"
    for code, name in (("tp", "tp_t"), ("tn", "tn_t")):
        value = getattr(doc.pollutants, name)
        if value is not None and value > 0:
            zh, en = pollutant_names(code)
            yield code, f"pollutants.{name}", f"排放{zh} {amount(value)} t", f"discharges {amount(value)} t of {en}"
    if "heavy_metals" in doc.toxic.categories:
        yield "heavy_metals", "toxic.categories", "涉重金属", "handles heavy metals"


@rule("PLN-011")
def pln_011(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each characteristic pollutant a key discharger discharges without online monitoring (第十一章第五节).

    The VOCs finding keeps its path ``air.online_monitoring`` (explanations filed before 2026-12 still match);
    the others point at the figure that shows the discharge.
    """
    if not doc.enterprise.is_key_pollutant_discharger:
        return
    monitored = set(doc.air.online_monitoring)
    for code, path, why_zh, why_en in _discharged(doc, ev):
        if code in monitored:
            continue
        zh, en = pollutant_names(code)
        yield (
            path,
            f"重点排污单位{why_zh}，未安装{zh}在线监控设备",
            f"the key pollutant discharger {why_en} but has no online {en} monitoring",
        )


@rule("PLN-012")
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


@rule("PLN-013")
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


# ------------------------------------------------------------------------ New in 2026-12: PLN-014…023


@rule("PLN-014")
def pln_014(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag new capacity whose equipment is not grade 1, and obsolete equipment in use (江苏方案第（五）、（八）条).

    A product line with ``new_capacity`` is a new project of a product with energy-efficiency levels, i.e. a
    高耗能项目; its equipment must reach 一级能效. A grade that is not stated is not judged.
    """
    for i, line in enumerate(doc.products):
        if not line.new_capacity or line.equipment_efficiency in (None, "grade_1"):
            continue
        name_zh, name_en = _names(ev, line.product)
        grade = VALUE_SETS["efficiency_grade"].get(line.equipment_efficiency)
        grade_zh, grade_en = (grade.zh, grade.en.lower()) if grade is not None else (line.equipment_efficiency, "")
        yield (
            f"products[{i}].equipment_efficiency",
            f"{name_zh}本年新增产能，用能设备为{grade_zh}，新建高耗能项目用能设备应达到一级能效标准",
            f"the new {name_en} capacity uses equipment of {grade_en}; energy-using equipment of new high-energy "
            "projects must reach grade 1",
        )
    if doc.obsolete_equipment:
        yield (
            "obsolete_equipment",
            "在用国家明令淘汰的落后用能设备，应予淘汰",
            "energy-using equipment listed for phase-out is still in use and must be retired",
        )


def _supplies_heat(unit: GeneratingUnit) -> bool:
    return (unit.heat_supplied_gj or 0) > 0 or (unit.heat_ratio or 0) > 0


def _coal_units(doc: Doc, ev: Evaluation, flag: str) -> Iterator[tuple[int, GeneratingUnit, Decimal, Decimal]]:
    """Yield ``(index, unit, capacity, large-unit threshold)`` for each coal unit of known capacity with ``flag``."""
    for i, unit in enumerate(doc.generating_units):
        if unit.fuel == "coal" and unit.capacity_mw is not None and getattr(unit, flag):
            yield i, unit, unit.capacity_mw, ev.p.dec("PLN-015.large_unit_mw")


@rule("PLN-015")
def pln_015(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a large coal unit with heat demand nearby that is not retrofitted to supply heat (第（六）条)."""
    for i, unit, capacity, large in _coal_units(doc, ev, "heat_demand_nearby"):
        if capacity >= large and not unit.heat_supply_retrofit and not _supplies_heat(unit):
            yield (
                f"generating_units[{i}].heat_supply_retrofit",
                f"燃煤机组 {unit.id}（{amount(capacity)} MW）属 {amount(large)} MW 及以上机组，周边有热负荷，"
                "尚未实施供热改造",
                f"coal unit {unit.id} ({amount(capacity)} MW) is {amount(large)} MW or more and has heat "
                "demand within reach, but no heat-supply retrofit",
            )


@rule("PLN-016")
def pln_016(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a small coal CHP unit inside a large unit's supply radius that still supplies heat (第（六）条)."""
    for i, unit, capacity, large in _coal_units(doc, ev, "within_supply_radius_of_large_unit"):
        if capacity < large and _supplies_heat(unit):
            yield (
                f"generating_units[{i}].within_supply_radius_of_large_unit",
                f"燃煤热电机组 {unit.id}（{amount(capacity)} MW，低于 {amount(large)} MW）位于大型燃煤热电机组"
                "供热半径内，仍在供热运行，属应逐步关停整合的燃煤小热电",
                f"coal CHP unit {unit.id} ({amount(capacity)} MW, below {amount(large)} MW) lies within the "
                "supply radius of a large coal CHP unit and still supplies heat: a small coal CHP unit to be closed "
                "or merged",
            )


@rule("PLN-017")
def pln_017(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note high-VOCs coatings, inks, adhesives or cleaners: the plans put source substitution first."""
    if doc.air.vocs_materials == "high_vocs":
        yield (
            "air.vocs_materials",
            "使用溶剂型等高VOCs含量的涂料、油墨、胶粘剂或清洗剂；挥发性有机物治理应优先采用源头替代，使用低VOCs含量产品",
            "solvent-based (high-VOCs) coatings, inks, adhesives or cleaners are used; VOCs control puts source "
            "substitution by low-VOCs products first",
        )


@rule("PLN-018")
def pln_018(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag VOCs emissions above the permitted or allocated total (VOCs 总量控制)."""
    vocs, limit = doc.pollutants.vocs_t, doc.permit.vocs_limit_t
    if vocs is None or limit is None or vocs <= limit:
        return
    by_zh, by_en = excess(vocs, limit)
    yield (
        "pollutants.vocs_t",
        f"挥发性有机物排放量 {amount(vocs)} t 超过许可（分配）排放量 {amount(limit)} t{by_zh}，不符合VOCs排放总量控制要求",
        f"VOCs emissions of {amount(vocs)} t exceed the permitted (allocated) {amount(limit)} t{by_en}, against "
        "VOCs total control",
    )


@rule("PLN-019")
def pln_019(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each biomass boiler that is converted, lacks efficient dust removal, or co-fires coal (第五章第二节).

    Type and dust removal left empty are not judged (older documents stay silent).
    """
    for i, boiler in enumerate(doc.boilers):
        if boiler.fuel != "biomass":
            continue
        if boiler.biomass_boiler == "converted":
            yield (
                f"boilers[{i}].biomass_boiler",
                f"生物质锅炉 {boiler.id} 为改烧生物质的非专用锅炉，生物质燃料应在专用锅炉中燃用",
                f"biomass boiler {boiler.id} is a converted boiler; biomass fuel belongs in a dedicated boiler",
            )
        if boiler.dust_removal in ("ordinary", "none"):
            done_zh = "无除尘设施" if boiler.dust_removal == "none" else "仅配套一般除尘设施"
            done_en = "has no dust removal" if boiler.dust_removal == "none" else "has only ordinary dust removal"
            yield (
                f"boilers[{i}].dust_removal",
                f"生物质锅炉 {boiler.id} {done_zh}，应配套袋式除尘器等高效除尘设施",
                f"biomass boiler {boiler.id} {done_en}; it needs high-efficiency dust removal (bag filter or similar)",
            )
        if boiler.cofires_coal:
            yield (
                f"boilers[{i}].cofires_coal",
                f"生物质锅炉 {boiler.id} 掺烧煤炭，生物质锅炉不得掺烧煤炭",
                f"biomass boiler {boiler.id} co-fires coal, which a biomass boiler must not",
            )


def _kiln_names(kiln: Kiln) -> tuple[str, str, str, str]:
    """Return the kiln's type and fuel names (zh, en, zh, en)."""
    kind = VALUE_SETS["kiln_kind"].get(kiln.kind)
    fuel = VALUE_SETS["kiln_fuel"].get(kiln.fuel)
    return (
        kind.zh if kind else kiln.kind, kind.en.lower() if kind else kiln.kind,
        fuel.zh if fuel else kiln.fuel, fuel.en.lower() if fuel else kiln.fuel,
    )


@rule("PLN-020")
def pln_020(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a kiln built or rebuilt since the plan that burns coal or heavy oil (江西方案第（六）条)."""
    for i, kiln in enumerate(doc.kilns):
        if kiln.commissioned is None or kiln.fuel not in ev.p.codes("PLN-020.fuels"):
            continue
        since = ev.p.date("PLN-020.since")
        if kiln.commissioned >= since:
            kind_zh, kind_en, fuel_zh, fuel_en = _kiln_names(kiln)
            yield (
                f"kilns[{i}].fuel",
                f"{kind_zh}窑炉 {kiln.id} 于 {iso(kiln.commissioned)} 新建、改建或扩建，以{fuel_zh}为燃料；"
                f"自 {iso(since)} 起新、改、扩建工业炉窑应采用清洁低碳能源",
                f"{kind_en} kiln {kiln.id}, commissioned on {iso(kiln.commissioned)}, burns {fuel_en}; since "
                f"{iso(since)} new, rebuilt or extended kilns must use clean low-carbon energy",
            )


@rule("PLN-021")
def pln_021(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each existing coal- or oil-fired kiln for clean-energy substitution (第三章第三节); PLN-020 has the new ones."""
    for i, kiln in enumerate(doc.kilns):
        if kiln.fuel not in ev.p.codes("PLN-020.fuels"):
            continue
        if kiln.commissioned is not None and kiln.commissioned >= ev.p.date("PLN-020.since"):
            continue
        kind_zh, kind_en, fuel_zh, fuel_en = _kiln_names(kiln)
        yield (
            f"kilns[{i}].fuel",
            f"{kind_zh}窑炉 {kiln.id} 以{fuel_zh}为燃料，应加快使用清洁低碳能源以及工厂余热、电力热力等进行替代",
            f"{kind_en} kiln {kiln.id} burns {fuel_en}; it is due for substitution by clean low-carbon energy, waste "
            "heat, electricity or heat",
        )


@rule("PLN-022")
def pln_022(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each kiln of the province's deep-treatment scope that has not had it (JX 第五章第二节, JS 第（十三）条)."""
    if ev.province is None or not doc.kilns:
        return
    kinds = ev.p.codes(_province_key("PLN-022.kinds", ev.province))
    for path, kiln in _lacking(doc.kilns, "kilns", "deep_treatment", lambda kiln: kiln.kind in kinds):
        kind_zh, kind_en, _, _ = _kiln_names(kiln)
        yield (
            path,
            f"{kind_zh}窑炉 {kiln.id} 尚未完成深度治理（超低排放改造）",
            f"{kind_en} kiln {kiln.id} has not had deep treatment (ultra-low-emission retrofit)",
        )


def _listed(ev: Evaluation, codes: list[str]) -> tuple[str, str]:
    """Return the names of products as a list, in Chinese (、) and in English (, )."""
    names = [_names(ev, code) for code in codes]
    return "、".join(zh for zh, _ in names), ", ".join(en for _, en in names)


@rule("PLN-023")
def pln_023(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag new capacity of a heavy-metal enterprise without 减量置换/等量替换 (第七章第三节)."""
    if "heavy_metals" not in doc.toxic.categories or (doc.toxic.heavy_metal_replacement_ref or "").strip():
        return
    new = [i for i, line in enumerate(doc.products) if line.new_capacity]
    if not new:
        return
    names_zh, names_en = _listed(ev, [doc.products[i].product for i in new])
    yield (
        "toxic.heavy_metal_replacement_ref",
        f"涉重金属企业本年新增产能（{names_zh}），未填报重金属排放量“减量置换”或“等量替换”来源；"
        "新（改、扩）建涉重金属重点行业建设项目应实施“减量置换”或“等量替换”",
        f"an enterprise handling heavy metals adds capacity this year ({names_en}) without a heavy-metal emission "
        "replacement; new, rebuilt or extended heavy-metal projects must offset their emissions (减量置换 or 等量替换)",
    )
