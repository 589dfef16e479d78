"""GHG-001…GHG-014: data quality and method of the GHG annual emission report (rules-catalogue.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from portal.calc.results import GhgComputed
from portal.domain.documents import GHG_COMPUTED, GHG_KIND, FuelLine, GhgAnnualReport
from portal.domain.schema import validate
from portal.reference.types import FuelFactor

from .registry import Evaluation, Hit, rule
from .text import amount, band, fixed, fuel_unit_en, fuel_unit_zh, iso, label, pct, plain, relative_difference

Doc = GhgAnnualReport
Comp = GhgComputed


def primary_index(document: GhgAnnualReport) -> int | None:
    """Return the index of the first product marked primary, or None."""
    for i, line in enumerate(document.products):
        if line.primary:
            return i
    return None


# --------------------------------------------------------------------------------------- GHG-001


@rule("GHG-001")
def ghg_001(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a reporting year that has not ended by the filing date, or predates the first year."""
    year = doc.reporting_year
    first = ev.p.int("GHG-001.first_year")
    filed = ev.filing_date
    if year >= filed.year:
        yield (
            "reporting_year",
            f"报告年度 {year} 尚未结束（填报日期 {iso(filed)}），只能报告已结束的年度",
            f"reporting year {year} has not ended (filing date {iso(filed)}); only completed years can be reported",
        )
    elif year < first:
        yield (
            "reporting_year",
            f"报告年度 {year} 早于首个报告年度 {first}",
            f"reporting year {year} is before the first reporting year {first}",
        )


# --------------------------------------------------------------------------------------- GHG-002

def _out_of_bounds(doc: Doc, ev: Evaluation, rule_id: str) -> Iterator[Hit]:
    """Yield the values outside their field's bounds that the schema gives to ``rule_id`` to report.

    The bounds are the fields' own (``documents.py``): the input channels refuse the same values with the
    same words, so a finding here is a document that came in some other way (an older draft, ``portal check``).
    """
    for violation in ev.memo("violations", lambda: validate(doc)):  # GHG-002 and GHG-003 share one walk
        if violation.rule == rule_id:
            yield violation.path, violation.message.zh, violation.message.en


@rule("GHG-002")
def ghg_002(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:  # noqa: C901 - one loop per section
    """Flag unknown codes, non-positive consumption or activity, and negative quantities."""
    unknown_fuels = {r.index for r in comp.fuels if not r.known}
    for i, line in enumerate(doc.fuels):
        if i in unknown_fuels:
            yield (f"fuels[{i}].fuel", f"燃料代码 “{line.fuel}” 不在燃料目录中",
                   f"fuel code '{line.fuel}' is not in the fuel list")
            continue
        yield from _fuel_measurements(i, line, ev.fuel(line.fuel, comp.edition))
    missing_factor = {r.index for r in comp.processes if r.known and r.factor_source == "missing"}
    unknown_processes = {r.index for r in comp.processes if not r.known}
    for i, proc in enumerate(doc.processes):
        if i in unknown_processes:
            yield (f"processes[{i}].process", f"过程代码 “{proc.process}” 不在过程目录中",
                   f"process code '{proc.process}' is not in the process list")
        elif i in missing_factor:
            # named as the dropdown names it (issue 20 item 10), not by its code
            known = ev.ref.process(proc.process)
            zh, en = (known.name_zh, known.name_en) if known is not None else (proc.process, proc.process)
            yield (f"processes[{i}].emission_factor", f"过程 “{zh}” 无缺省排放因子，须填报实测排放因子",
                   f"process '{en}' has no default factor; a measured emission factor is required")
    for i, product in enumerate(doc.products):
        ref = ev.product(product.product)
        if ref is None:
            yield (f"products[{i}].product", f"产品代码 “{product.product}” 不在产品目录中",
                   f"product code '{product.product}' is not in the product list")
            continue
        if product.variant is not None and ref.level(product.variant) is None:
            bands = "、".join(lv.variant for lv in ref.levels if lv.variant) or "无"
            yield (f"products[{i}].variant", f"“{product.variant}” 不是{ref.name_zh}的能效分档（可选：{bands}）",
                   f"'{product.variant}' is not a band of {ref.name_en.lower()} (bands: {bands})")
        level = ref.level(product.variant)
        if product.energy_tce is not None and product.energy_tce < 0 and not (level is not None and level.negative):
            # 转炉炼钢 recovers more energy than it uses (negative levels); nothing else can consume less than 0.
            yield (f"products[{i}].energy_tce",
                   f"{ref.name_zh}的综合能耗不能为负数（填报 {amount(product.energy_tce)}）；仅能效水平为负值的产品（转炉炼钢）可为负",
                   f"the energy consumption of {ref.name_en.lower()} must not be negative (got "
                   f"{amount(product.energy_tce)}); only products with negative levels (BOF steelmaking) may be")
    yield from _out_of_bounds(doc, ev, "GHG-002")


def _fuel_measurements(i: int, line: FuelLine, fuel: FuelFactor | None) -> Iterator[Hit]:
    """Yield what an alternative fuel lacks, and a fossil share that contradicts the method's fixed one."""
    if fuel is None:
        return
    if fuel.measured_required:
        # 水泥 guideline: 替代燃料和废弃物中非生物质碳的燃烧排放 — measured NCV, carbon content, fossil share.
        for name in ("ncv", "carbon_content", "fossil_fraction"):
            if getattr(line, name) is None:
                zh, en = label(line, name)  # the field's own label (documents.py)
                yield (f"fuels[{i}].{name}", f"{fuel.name_zh}须填报“{zh}”（实测值）",
                       f"{fuel.name_en.lower()} needs “{en}” (a measured value)")
    elif line.fossil_fraction is not None and fuel.fossil_fraction is not None and line.fossil_fraction != fuel.fossil_fraction:
        fixed_share = amount(fuel.fossil_fraction)
        share_zh, share_en = label(line, "fossil_fraction")
        yield (f"fuels[{i}].fossil_fraction",
               f"{fuel.name_zh}的{share_zh}按核算方法固定为 {fixed_share}（填报 {amount(line.fossil_fraction)}）；"
               "掺烧的生物质或替代燃料请另填一行",
               f"the {share_en.lower()} of {fuel.name_en.lower()} is fixed at {fixed_share} by the method (got "
               f"{amount(line.fossil_fraction)}); enter co-fired biomass or alternative fuel on a line of its own")


# --------------------------------------------------------------------------------------- GHG-003


@rule("GHG-003")
def ghg_003(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag measured parameters outside their physical range (the schema's bounds: oxidation rate in (0, 1] …)."""
    yield from _out_of_bounds(doc, ev, "GHG-003")


# --------------------------------------------------------------------------------------- GHG-004/005

def _outside_band(
    doc: Doc,
    comp: Comp,
    ev: Evaluation,
    measured: Callable[[FuelLine], Decimal | None],
    band_of: Callable[[FuelFactor], tuple[Decimal, Decimal] | None],
) -> Iterator[tuple[int, FuelFactor, Decimal, str]]:
    """Yield ``(index, fuel, value, band)`` for each fuel line whose measured value lies outside its fuel's band.

    A value left empty takes the default and one ≤ 0 is GHG-003's; a fuel without a band is not judged.
    """
    for i, line in enumerate(doc.fuels):
        value = measured(line)
        if value is None or value <= 0:
            continue
        fuel = ev.fuel(line.fuel, comp.edition)
        bounds = None if fuel is None else band_of(fuel)
        if fuel is not None and bounds is not None and not bounds[0] <= value <= bounds[1]:
            yield i, fuel, value, band(*bounds)


@rule("GHG-004")
def ghg_004(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a measured NCV outside its fuel's band (reference-data.md §1)."""
    for i, fuel, ncv, plausible in _outside_band(doc, comp, ev, lambda line: line.ncv, lambda f: f.ncv_band):
        yield (
            f"fuels[{i}].ncv",
            f"实测低位发热量 {fixed(ncv, 3)} GJ/{fuel_unit_zh(fuel.unit)} 超出{fuel.name_zh}合理范围 {plausible}",
            f"measured NCV {fixed(ncv, 3)} GJ/{fuel_unit_en(fuel.unit)} is outside the plausible range for "
            f"{fuel.name_en.lower()}, {plausible}",
        )


@rule("GHG-005")
def ghg_005(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a measured carbon content outside its fuel's band (coal: ±10 % of the table value)."""
    for i, fuel, cc, plausible in _outside_band(
        doc, comp, ev, lambda line: line.carbon_content, lambda f: f.carbon_content_band
    ):
        yield (
            f"fuels[{i}].carbon_content",
            f"实测单位热值含碳量 {fixed(cc, 5)} tC/GJ 超出{fuel.name_zh}合理范围 {plausible}",
            f"measured carbon content {fixed(cc, 5)} tC/GJ is outside the plausible range for "
            f"{fuel.name_en.lower()}, {plausible}",
        )


# --------------------------------------------------------------------------------------- GHG-006


@rule("GHG-006")
def ghg_006(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each coal line of a power plant computed with the high default carbon content."""
    for r in comp.fuels:
        if r.carbon_content_high_default:
            used = plain(r.carbon_content) if r.carbon_content is not None else "—"
            yield (
                f"fuels[{r.index}].carbon_content",
                f"未实测单位热值含碳量，按发电设施核算指南采用高限缺省值 {used} tC/GJ；实测可反映实际排放",
                f"carbon content not measured: the power-generation guideline's high default {used} tC/GJ was "
                "applied; measuring it reflects the actual emissions",
            )


# --------------------------------------------------------------------------------------- GHG-007

#: the computed totals a filer may declare, named and united as the computed figures are (GHG_COMPUTED)
_DECLARED = tuple(d for d in GHG_COMPUTED if d.key in ("total_tco2", "combustion_tco2", "process_tco2"))


@rule("GHG-007")
def ghg_007(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag each declared total that differs from the computed total by more than the tolerance."""
    declared = doc.declared
    tolerance: Decimal | None = None
    for definition in _DECLARED:
        name, label, unit = definition.key, definition.label, definition.unit.zh if definition.unit else ""
        value = getattr(declared, name)
        if value is None:
            continue
        if tolerance is None:
            tolerance = ev.p.dec("GHG-007.tolerance")
        computed = getattr(comp, name)
        diff = relative_difference(value, computed)
        if diff is not None and diff > tolerance:
            yield (
                f"declared.{name}",
                f"申报的{label.zh} {amount(value)} {unit} 与核算值 {amount(computed)} {unit} 相差 {pct(diff)}，"
                f"超过允许偏差 {pct(tolerance)}",
                f"declared {label.en.lower()} {amount(value)} {unit} differs from the computed {amount(computed)} "
                f"{unit} by {pct(diff)}, more than the {pct(tolerance)} allowed",
            )


# --------------------------------------------------------------------------------------- GHG-008


@rule("GHG-008")
def ghg_008(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a year-over-year change in carbon intensity or total emissions beyond the thresholds."""
    previous = ev.ctx.previous
    if previous is None:
        return
    prev_doc, prev = previous.document, previous.computed
    k = primary_index(doc)
    k_prev = primary_index(prev_doc)
    if (
        k is not None
        and k_prev is not None
        and doc.products[k].product == prev_doc.products[k_prev].product
        and comp.carbon_intensity is not None
        and prev.carbon_intensity
    ):
        change = (comp.carbon_intensity - prev.carbon_intensity) / prev.carbon_intensity
        limit = ev.p.dec("GHG-008.intensity_change")
        if abs(change) > limit:
            product = ev.product(doc.products[k].product)
            unit = product.unit if product is not None else ""
            sign = "+" if change > 0 else ""
            yield (
                f"products[{k}]",
                f"碳排放强度 {fixed(comp.carbon_intensity, 4)} tCO2/{unit} 较上年 {prev_doc.reporting_year} 的 "
                f"{fixed(prev.carbon_intensity, 4)} 变化 {sign}{pct(change)}，超过 ±{pct(limit)}，请说明原因",
                f"carbon intensity {fixed(comp.carbon_intensity, 4)} tCO2/{unit} changed by {sign}{pct(change)} "
                f"from {fixed(prev.carbon_intensity, 4)} in {prev_doc.reporting_year}, beyond ±{pct(limit)}; "
                "please explain",
            )
    if prev.total_tco2:
        change = (comp.total_tco2 - prev.total_tco2) / prev.total_tco2
        limit = ev.p.dec("GHG-008.total_change")
        if abs(change) > limit:
            sign = "+" if change > 0 else ""
            yield (
                "",
                f"排放总量 {amount(comp.total_tco2)} tCO2 较上年 {prev_doc.reporting_year} 的 "
                f"{amount(prev.total_tco2)} tCO2 变化 {sign}{pct(change)}，超过 ±{pct(limit)}，请说明原因",
                f"total emissions {amount(comp.total_tco2)} tCO2 changed by {sign}{pct(change)} from "
                f"{amount(prev.total_tco2)} tCO2 in {prev_doc.reporting_year}, beyond ±{pct(limit)}; please explain",
            )


# --------------------------------------------------------------------------------------- GHG-009


@rule("GHG-009")
def ghg_009(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag the primary product's carbon intensity, and any product's unit energy, outside its band."""
    k = primary_index(doc)
    if k is not None and comp.carbon_intensity is not None:
        product = ev.product(doc.products[k].product)
        if product is not None and product.intensity_band is not None:
            low, high = product.intensity_band
            value = comp.carbon_intensity
            if value < low or value > high:
                yield (
                    f"products[{k}]",
                    f"{product.name_zh}碳排放强度 {fixed(value, 4)} tCO2/{product.unit} 超出合理范围 {band(low, high)}",
                    f"carbon intensity of {product.name_en.lower()} {fixed(value, 4)} tCO2/{product.unit} is "
                    f"outside the plausible range {band(low, high)}",
                )
    # The band is a property of the product, so every product line that has one is checked.
    for r in comp.products:
        if r.unit_energy is None:
            continue
        product = ev.product(r.product)
        if product is None or product.unit_energy_band is None:
            continue
        low, high = product.unit_energy_band
        if r.unit_energy < low or r.unit_energy > high:
            yield (
                f"products[{r.index}].energy_tce",
                f"{product.name_zh}单位产品能耗 {fixed(r.unit_energy, 2)} {r.level_unit}/{product.unit} "
                f"超出合理范围 {band(low, high)}",
                f"unit energy of {product.name_en.lower()} {fixed(r.unit_energy, 2)} "
                f"{r.level_unit}/{product.unit} is outside the plausible range {band(low, high)}",
            )


# --------------------------------------------------------------------------------------- GHG-010/011

@rule("GHG-010")
def ghg_010(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note an ETS-covered enterprise (by industry or by a captive plant) over the threshold, not listed."""
    enterprise = doc.enterprise
    if enterprise.is_key_emitter:
        return
    threshold = ev.p.dec("ets_threshold_tco2")
    if comp.direct_tco2 < threshold:
        return
    if enterprise.industry_code in ev.p.codes("industries.national_ets"):
        why_zh, why_en = "属全国碳市场覆盖行业", "in a national-ETS industry"
    elif any(unit.self_owned for unit in doc.generating_units):
        # 自备电厂 are covered by the power sector whatever the enterprise's own industry (GHG-010, amended)
        why_zh, why_en = "拥有自备电厂（按发电行业纳入全国碳市场）", "with a captive power plant (covered as power generation)"
    else:
        return
    yield (
        "enterprise.is_key_emitter",
        f"企业{why_zh}，直接排放 {amount(comp.direct_tco2)} tCO2e 达到全国碳市场门槛 {amount(threshold)} tCO2e，"
        "可能应纳入重点排放单位名录",
        f"the enterprise, {why_en}, has direct emissions of {amount(comp.direct_tco2)} tCO2e, reaching the "
        f"national-ETS threshold of {amount(threshold)} tCO2e: it may have to be listed as a key emitter",
    )


@rule("GHG-011")
def ghg_011(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note a key emitter below the threshold in this and the previous accepted year."""
    previous = ev.ctx.previous
    if previous is None or not doc.enterprise.is_key_emitter:
        return
    threshold = ev.p.dec("ets_threshold_tco2")
    prev_year = previous.document.reporting_year
    prev_threshold = Decimal(str(ev.p.at("ets_threshold_tco2", prev_year)))
    prev_direct = previous.computed.direct_tco2
    if comp.direct_tco2 < threshold and prev_direct < prev_threshold:
        yield (
            "enterprise.is_key_emitter",
            f"本年度直接排放 {amount(comp.direct_tco2)} tCO2e、{prev_year} 年 {amount(prev_direct)} tCO2e，"
            f"均低于门槛 {amount(threshold)} tCO2e，企业可能应移出重点排放单位名录",
            f"direct emissions of {amount(comp.direct_tco2)} tCO2e this year and {amount(prev_direct)} tCO2e in "
            f"{prev_year} are both below the {amount(threshold)} tCO2e threshold: the enterprise may be removed "
            "from the key-emitter list",
        )


# --------------------------------------------------------------------------------------- GHG-012


@rule("GHG-012")
def ghg_012(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a typed grid factor that is not the official factor of the year."""
    typed = doc.electricity.grid_factor
    if typed is not None and typed != comp.grid_factor_official:
        yield (
            "electricity.grid_factor",
            f"填报的电网排放因子 {plain(typed)} tCO2/MWh 与 {doc.reporting_year} 年官方因子 "
            f"{plain(comp.grid_factor_official)} tCO2/MWh 不同",
            f"the typed grid factor {plain(typed)} tCO2/MWh differs from the official factor for "
            f"{doc.reporting_year}, {plain(comp.grid_factor_official)} tCO2/MWh",
        )


# --------------------------------------------------------------------------------------- GHG-013


@rule("GHG-013")
def ghg_013(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a missing benchmark-product output, and no (or more than one) primary product."""
    required = ev.p.mapping("industries.benchmark_products").get(doc.enterprise.industry_code or "", ())
    if required and not any(p.product in required and p.output > 0 for p in doc.products):
        names_zh = "、".join(_product_name(ev, code, zh=True) for code in required)
        names_en = " or ".join(_product_name(ev, code, zh=False) for code in required)
        yield (
            "products",
            f"行业 {doc.enterprise.industry_code} 须报告标杆产品（{names_zh}）的产量，本报告未报告",
            f"industry {doc.enterprise.industry_code} must report the output of its benchmark product "
            f"({names_en}); none is reported",
        )
    if doc.products:
        primaries = [i for i, p in enumerate(doc.products) if p.primary]
        if not primaries:
            yield (
                "products[0].primary",
                "未标记主要产品，无法计算碳排放强度",
                "no product is marked primary; the carbon intensity cannot be computed",
            )
        for i in primaries[1:]:
            yield (
                f"products[{i}].primary",
                f"主要产品只能有一个（已标记 products[{primaries[0]}]）",
                f"only one product can be primary (products[{primaries[0]}] already is)",
            )


def _product_name(ev: Evaluation, code: str, *, zh: bool) -> str:
    product = ev.product(code)
    if product is None:
        return code
    return product.name_zh if zh else product.name_en.lower()


# --------------------------------------------------------------------------------------- GHG-014


@rule("GHG-014")
def ghg_014(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note a submission after 31 March of the next year, or a draft still unsubmitted after it."""
    # A deadline extended for this enterprise (services/regulator.py, audited) replaces the reference date.
    due = ev.ctx.due_dates.get(GHG_KIND) or ev.p.due_date("deadline.ghg_annual_report", doc.reporting_year + 1)
    if due is None or ev.filing_date <= due:
        return
    late = (ev.filing_date - due).days
    if ev.ctx.submitted:
        zh, en = (
            f"{doc.reporting_year} 年度报告于 {iso(ev.filing_date)} 提交，晚于截止日期 {iso(due)}（逾期 {late} 天）",
            f"the {doc.reporting_year} report is filed on {iso(ev.filing_date)}, after the due date {iso(due)} "
            f"({late} days late)",
        )
    else:
        # A draft: never a submission date that has not happened (rules-catalogue.md GHG-014, amended).
        zh, en = (
            f"{doc.reporting_year} 年度报告的截止日期为 {iso(due)}，尚未提交（已逾期 {late} 天）",
            f"the {doc.reporting_year} report was due on {iso(due)} and is not yet submitted ({late} days overdue)",
        )
    yield "", zh, en


# --------------------------------------------------------------------------------------- GHG-015/016


@rule("GHG-015")
def ghg_015(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Flag a CHP plant that states no heat ratio (its electricity would carry the heat's emissions)."""
    if not comp.supplies_heat or not ev.ref.is_power_generation(doc.enterprise.industry_code, doc.reporting_year):
        return
    if doc.heat_ratio is None and all(u.heat_ratio is None for u in doc.generating_units):
        yield (
            "heat_ratio",
            "企业对外供热，但未填报供热比（企业或机组）：供电排放强度未扣除供热分摊，请填报供热比",
            "the enterprise supplies heat but states no heat ratio (enterprise or unit): the electricity intensity "
            "is not allocated; state the heat ratio",
        )


@rule("GHG-016")
def ghg_016(doc: Doc, comp: Comp, ev: Evaluation) -> Iterator[Hit]:
    """Note each banded product compared with the default band because it named none."""
    for r in comp.products:
        if not r.variant_assumed:
            continue
        product = ev.product(r.product)
        level = product.level() if product is not None else None
        if product is None or level is None:
            continue
        yield (
            f"products[{r.index}].variant",
            f"{product.name_zh}未填报能效分档，按缺省档“{level.name_zh}”比较；如不属该档请选择所属档位",
            f"no band named for {product.name_en.lower()}: compared with the default band '{level.name_en}'; "
            "name the band if it is another",
        )
