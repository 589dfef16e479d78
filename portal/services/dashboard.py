"""The dashboard's aggregates: status, emissions, product levels, plan targets and audit progress.

Data come from the current version of filings that are accepted (and, marked as such, submitted or
resubmitted and not yet decided). Each version's figures are extracted once into ``version_metric`` rows
(versions are immutable, so the rows never go stale) and every chart is a GROUP BY over them; the result
is also cached per (scope, filters, data version), so a page view costs one small query when nothing
changed (issue 8: dashboard under 200 ms with 10,000 filings).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, literal, select

from ..domain.codes import industry_name, region_name
from ..extensions import db
from ..models import (
    AuditEntry,
    Enterprise,
    Filing,
    ReferenceCorrection,
    User,
    VersionMetric,
    VersionProductMetric,
)

GHG = "ghg_annual_report"
CPA = "clean_production_audit"
DECIDED = ("accepted",)
PENDING = ("submitted", "resubmitted")
SAVING_KEYS = ("energy_tce", "water_t", "co2_t", "so2_t", "nox_t", "pm_t", "vocs_t", "cod_t", "nh3n_t",
               "hazardous_waste_t")
STEPS = ("publish", "start", "finish")
# 《江西省减污降碳协同增效实施方案》第（八）条: "水泥熟料、平板玻璃（含光伏玻璃）、炼铁、炼钢等重点领域达到能效标杆水平的
# 产能比例超过 30%" by 2025. Only products with a benchmark level can be counted (eaf_steel and pv_glass have none).
JX_BENCHMARK_PRODUCTS = ("cement_clinker", "flat_glass", "pig_iron", "bof_steel")
JX_BENCHMARK_TARGET_PCT = 30.0
# 《江西省减污降碳协同增效实施方案》第（八）条: 电炉钢占粗钢总产量比例 15 % by 2025;
# 《江苏省减污降碳协同增效实施方案》第（八）条: 短流程炼钢占比 15 % by 2025 (20 % by 2030).
EAF_TARGET_PCT = 15.0
STEEL_ROUTES = ("bof_steel", "eaf_steel")


# ----------------------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Describe what a user's dashboard covers: a region-code prefix, or a set of enterprises."""

    key: str
    region_prefix: str | None  # "" = everything (administrators)
    enterprise_ids: frozenset[int] | None

    @property
    def group_length(self) -> int:
        """Return the region-code length charts group by: one level below the scope."""
        if self.region_prefix is None:
            return 6
        return min(len(self.region_prefix) + 2, 6)

    def condition(self) -> Any:
        """Return the SQL condition on Enterprise selecting the scope."""
        if self.region_prefix is not None:
            return Enterprise.in_region_scope(self.region_prefix) if self.region_prefix else literal(True)
        return Enterprise.id.in_(sorted(self.enterprise_ids or ()))

    def covers_province(self, province: str) -> bool:
        """Return whether the scope can include enterprises of a province ("36", "32")."""
        if self.region_prefix is None:
            return True  # decided by the data: the enterprise user's own enterprises
        return province.startswith(self.region_prefix) or self.region_prefix.startswith(province)


def scope_for(user: User) -> Scope | None:
    """Return the dashboard scope of a user: the system administrator all, a reviewer their region prefix,
    members their enterprises; the security and audit administrators none (they read no filing)."""
    if user.is_system_admin:
        return Scope("all", "", None)
    if user.reviewer_scope:
        return Scope(f"region:{user.reviewer_scope}", user.reviewer_scope, None)
    ids = frozenset(user.enterprise_ids())
    if ids:
        return Scope("enterprises:" + ",".join(map(str, sorted(ids))), None, ids)
    return None


# ------------------------------------------------------------------------------- metric extraction


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def extract_metrics(kind: str, document: dict[str, Any], computed: dict[str, Any]) -> tuple[dict[str, Any],
                                                                                           list[dict[str, Any]]]:
    """Return a version's headline figures and product lines from its document and computed block."""
    if kind == GHG:
        primary = next((p["product"] for p in document.get("products") or [] if p.get("primary")), None)
        unit_energy = {code: item.get("unit_energy") for code, item in (computed.get("products") or {}).items()}
        products = [
            {"product": p["product"], "output": _float(p.get("output")), "capacity": _float(p.get("capacity")),
             "unit_energy": _float(unit_energy.get(p["product"]))}
            for p in document.get("products") or []
        ]
        return ({"total_tco2": _float(computed.get("total_tco2")),
                 "carbon_intensity": _float(computed.get("carbon_intensity")),
                 "primary_product": primary}, products)
    options = [o for o in document.get("options") or [] if o.get("status") != "dropped"]

    def count(cost_class: str, implemented: bool = False) -> int:
        return sum(1 for o in options if o.get("cost_class") == cost_class
                   and (not implemented or o.get("status") == "implemented"))

    deadlines = computed.get("deadlines") or {}
    phases = document.get("phases") or {}
    passed: list[str] = [review["date"] for review in (document.get("assessment") or {}, document.get("acceptance") or {})
              if review.get("status") == "passed" and review.get("date")]
    savings = computed.get("savings_total") or {}
    metric: dict[str, Any] = {
        "options_no_low": count("no_low"), "implemented_no_low": count("no_low", True),
        "options_medium_high": count("medium_high"), "implemented_medium_high": count("medium_high", True),
        "investment_10k_cny": _float(computed.get("total_investment_10k_cny")),
        "publish_due": _date(deadlines.get("publish_by")), "publish_done": _date(document.get("info_published_on")),
        "start_due": _date(deadlines.get("start_by")),
        "start_done": _date((phases.get("preparation") or {}).get("start")),
        # Finished = 评估 or 验收 passed, the earlier date (calc.cpa.finished_on).
        "finish_due": _date(deadlines.get("finish_by")), "finish_done": _date(min(passed)) if passed else None,
    }
    metric.update({f"saving_{key}": _float(savings.get(key)) for key in SAVING_KEYS})
    return metric, []


# ------------------------------------------------------------------------------------- aggregates

_cache: dict[tuple[Any, ...], dict[str, Any]] = {}
_CACHE_SIZE = 256
_CACHE_SECONDS = 300


def _data_version() -> tuple[Any, ...]:
    """Return what changes whenever a dashboard figure may change: newest ids, each a primary-key look-up.

    Every status change and profile edit goes through a service that appends to the audit log, new
    filings, versions, enterprises and reference corrections get new ids. Writes that bypass the services
    (bulk SQL) are picked up within ``_CACHE_SECONDS`` at the latest.
    """
    row = db.session.execute(select(*(
        select(func.max(column)).scalar_subquery()
        for column in (AuditEntry.id, Filing.id, VersionMetric.version_id, Enterprise.id, ReferenceCorrection.id)
    ))).one()
    return (str(db.engine.url), int(time.monotonic() // _CACHE_SECONDS), *row)


def dashboard_data(scope: Scope, *, year: int | None, include_pending: bool, today: dt.date) -> dict[str, Any]:
    """Return every chart of the dashboard (title, table columns and rows, chart series) for the scope."""
    key = (scope.key, year, include_pending, today, _data_version())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    statuses = DECIDED + PENDING if include_pending else DECIDED
    ref = _reference()
    # Six queries for eight charts: the product charts share one GROUP BY product, the audit charts one row.
    lines = _product_lines(scope, year, statuses, ref)
    audit = _audit_row(scope, year, statuses, today)
    data = {
        "status": _status_by_region(scope, year),
        "emissions": _emissions(scope, year, statuses),
        "products": _products(lines, ref),
        "intensity": _intensity(scope, year, statuses, ref),
        "targets": _targets(scope, lines),
        "audit_deadlines": _audit_deadlines(audit),
        "audit_options": _audit_options(audit),
        "audit_savings": _audit_savings(audit),
    }
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[key] = data
    return data


def available_years(scope: Scope) -> list[int]:
    """Return the years that have filings in the scope, newest first."""
    return list(db.session.scalars(
        select(distinct(Filing.year)).join(Enterprise).where(scope.condition()).order_by(Filing.year.desc())
    ))


def _reference() -> Any:
    from .reference import current_reference

    return current_reference()


def _region_label(code: str) -> str:
    full = code.ljust(6, "0")
    name = region_name(full)
    return f"{name}（{code}）" if name else code


def _industry_label(code: str) -> str:
    name = industry_name(code)
    return f"{name}（{code}）" if name else code


def _base(scope: Scope, year: int | None, columns: list[Any]) -> Select[Any]:
    stmt = select(*columns).select_from(Filing).join(Enterprise, Enterprise.id == Filing.enterprise_id)
    stmt = stmt.where(scope.condition())
    return stmt if year is None else stmt.where(Filing.year == year)


def _with_metrics(stmt: Select[Any], statuses: tuple[str, ...], kind: str) -> Select[Any]:
    """Join the figures of each filing's current version, for filings in ``statuses`` of ``kind``."""
    return stmt.join(VersionMetric, and_(VersionMetric.filing_id == Filing.id,
                                         VersionMetric.number == Filing.current_version)) \
        .where(Filing.status.in_(statuses), Filing.kind == kind)


def _round(value: Any, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def _status_by_region(scope: Scope, year: int | None) -> dict[str, Any]:
    region = func.substr(Enterprise.region_code, 1, scope.group_length)
    rows = db.session.execute(
        _base(scope, year, [region, Filing.kind, Filing.status, func.count()])
        .group_by(region, Filing.kind, Filing.status)
    ).all()
    statuses = ("draft", "submitted", "resubmitted", "returned", "accepted")
    table: dict[tuple[str, str], dict[str, int]] = {}
    for code, kind, status, n in rows:
        table.setdefault((code, kind), dict.fromkeys(statuses, 0))[status] = n
    keys = sorted(table)
    return {
        "columns": ["region", "kind", *statuses, "total"],
        "rows": [[_region_label(code), kind, *(table[(code, kind)][s] for s in statuses),
                  sum(table[(code, kind)].values())] for code, kind in keys],
        "categories": [f"{_region_label(code)} · {kind}" for code, kind in keys],
        "series": [{"key": s, "data": [table[k][s] for k in keys]} for s in statuses],
    }


def _emissions(scope: Scope, year: int | None, statuses: tuple[str, ...]) -> dict[str, Any]:
    region = func.substr(Enterprise.region_code, 1, scope.group_length)
    decided = case((Filing.status == "accepted", "accepted"), else_="pending")
    rows = db.session.execute(
        _with_metrics(_base(scope, year, [region, Enterprise.industry_code, decided, func.count(),
                                          func.sum(VersionMetric.total_tco2)]), statuses, GHG)
        .group_by(region, Enterprise.industry_code, decided)
    ).all()
    by_key: dict[tuple[str, str], dict[str, float]] = {}
    counts: dict[tuple[str, str], int] = {}
    for code, industry, basis, n, total in rows:
        by_key.setdefault((code, industry), {"accepted": 0.0, "pending": 0.0})[basis] = float(total or 0)
        counts[(code, industry)] = counts.get((code, industry), 0) + n
    keys = sorted(by_key)
    return {
        "columns": ["region", "industry", "filings", "accepted_tco2", "pending_tco2", "total_tco2"],
        "rows": [[_region_label(c), _industry_label(i), counts[(c, i)], round(by_key[(c, i)]["accepted"]),
                  round(by_key[(c, i)]["pending"]), round(sum(by_key[(c, i)].values()))] for c, i in keys],
        "categories": [f"{_region_label(c)} · {_industry_label(i)}" for c, i in keys],
        "series": [{"key": basis, "data": [round(by_key[k][basis]) for k in keys]} for basis in ("accepted", "pending")],
    }


def _level_case(ref: Any, column: Any, level: str) -> Any:
    """Return 1 when the product line's unit energy is at ``level`` under the current levels, else 0.

    Levels come from the reference data in force (administrators' corrections included), not from the
    level frozen in the version, so the dashboard follows a corrected benchmark. Lower is better.
    """
    whens = []
    for code in _level_products(ref):
        product = ref.product(code)
        bench, base = float(product.benchmark), float(product.baseline)
        is_product = VersionProductMetric.product == code
        if level == "benchmark":
            whens.append((and_(is_product, VersionProductMetric.unit_energy <= bench), 1))
        elif level == "between":
            whens.append((and_(is_product, VersionProductMetric.unit_energy > bench,
                               VersionProductMetric.unit_energy <= base), 1))
        else:
            whens.append((and_(is_product, VersionProductMetric.unit_energy > base), 1))
    return case(*whens, else_=0) if whens else literal(0)


def _level_products(ref: Any) -> list[str]:
    """Return the products whose levels are comparable with unit energy in kgce (reference-data.md §4)."""
    return [p.code for p in ref.all_products()
            if p.benchmark is not None and p.baseline is not None and p.level_unit == "kgce"]


def _product_lines(scope: Scope, year: int | None, statuses: tuple[str, ...], ref: Any) -> dict[str, Any]:
    """Return, per product, what the product-level and the target charts need: one GROUP BY product.

    Unit-energy aggregates ignore lines without unit energy (as ``WHERE unit_energy IS NOT NULL`` did);
    the targets' sums are conditional on the province of each plan (``CASE WHEN region LIKE '36%'``).
    """
    ue, vpm = VersionProductMetric.unit_energy, VersionProductMetric
    cap = func.coalesce(vpm.capacity, vpm.output)
    output = func.coalesce(vpm.output, 0)
    bench = _level_case(ref, ue, "benchmark")
    jx, js = Enterprise.in_region_scope("36"), Enterprise.in_region_scope("32")
    products = sorted({*_level_products(ref), *JX_BENCHMARK_PRODUCTS, *STEEL_ROUTES})
    stmt = _with_metrics(_base(scope, year, [
        vpm.product, func.count(ue), func.avg(ue), func.min(ue), func.max(ue),
        func.sum(bench), func.sum(_level_case(ref, ue, "between")), func.sum(_level_case(ref, ue, "worse")),
        func.sum(case((jx, cap))), func.sum(case((jx, cap * bench))),
        func.sum(case((jx, output))), func.sum(case((js, output))),
    ]), statuses, GHG).join(vpm, vpm.version_id == VersionMetric.version_id)
    rows = db.session.execute(stmt.where(vpm.product.in_(products)).group_by(vpm.product)).all()
    return {row[0]: row for row in rows}


def _products(lines: dict[str, Any], ref: Any) -> dict[str, Any]:
    out_rows, index = [], []
    levelled = set(_level_products(ref))
    for code in sorted(lines):
        _code, n, avg, low, high, at_bench, between, worse = lines[code][:8]
        if code not in levelled or not n:
            continue
        product = ref.product(code)
        bench, base = float(product.benchmark), float(product.baseline)
        out_rows.append([code, product.unit, n, bench, base, _round(avg), _round(low), _round(high),
                         int(at_bench), int(between), int(worse)])
        # Indexed on the baseline (= 100) so products of very different scales share one axis.
        index.append([_index(v, base) for v in (bench, avg, low, high)])
    return {
        "columns": ["product", "unit", "lines", "benchmark", "baseline", "avg_unit_energy", "min_unit_energy",
                    "max_unit_energy", "at_benchmark", "between", "worse_than_baseline"],
        "rows": out_rows,
        "categories": [r[0] for r in out_rows],
        "series": [{"key": key, "data": [i[n] for i in index]}
                   for n, key in enumerate(("benchmark", "avg_unit_energy", "min_unit_energy", "max_unit_energy"))],
        "levels": [{"key": key, "data": [r[n] for r in out_rows]}
                   for n, key in ((8, "at_benchmark"), (9, "between"), (10, "worse_than_baseline"))],
    }


def _index(value: float | None, base: float) -> float | None:
    """Return value as a percentage of the baseline (sign-safe for negative levels such as BOF steel)."""
    if value is None or base == 0:
        return None
    return round(value / abs(base) * 100, 1) if base > 0 else round(100 + (value - base) / abs(base) * 100, 1)


def _intensity(scope: Scope, year: int | None, statuses: tuple[str, ...], ref: Any) -> dict[str, Any]:
    ci = VersionMetric.carbon_intensity
    rows = db.session.execute(
        _with_metrics(_base(scope, year, [VersionMetric.primary_product, func.count(ci), func.avg(ci),
                                          func.min(ci), func.max(ci)]), statuses, GHG)
        .where(ci.is_not(None)).group_by(VersionMetric.primary_product).order_by(VersionMetric.primary_product)
    ).all()
    out = []
    for code, n, avg, low, high in rows:
        product = ref.product(code)
        band = product.intensity_band if product is not None else None
        out.append([code, product.unit if product else "", n, _round(avg, 4), _round(low, 4), _round(high, 4),
                    _round(band[0], 4) if band else None, _round(band[1], 4) if band else None])
    return {
        "columns": ["product", "unit", "filings", "avg_intensity", "min_intensity", "max_intensity",
                    "band_low", "band_high"],
        "rows": out,
        "categories": [r[0] for r in out],
        "series": [{"key": key, "data": [r[n] for r in out]}
                   for n, key in ((3, "avg_intensity"), (4, "min_intensity"), (5, "max_intensity"))],
    }


def _targets(scope: Scope, lines: dict[str, Any]) -> dict[str, Any]:
    """Return the plans' quantified targets the filed data speak to, as shares among filers."""
    rows: list[list[Any]] = []

    def total(code: str, column: int) -> float:
        line = lines.get(code)
        return 0.0 if line is None else float(line[column] or 0)

    if scope.covers_province("36"):
        # Jiangxi capacity, and the part of it at the benchmark level (columns 8 and 9 of _product_lines)
        capacity = {code: (total(code, 8), total(code, 9)) for code in JX_BENCHMARK_PRODUCTS}
        for code in JX_BENCHMARK_PRODUCTS:
            whole, at = capacity[code]
            rows.append(["jx_benchmark_capacity", code, _pct(at, whole), JX_BENCHMARK_TARGET_PCT, round(at), round(whole)])
        whole = sum(t for t, _a in capacity.values())
        at = sum(a for _t, a in capacity.values())
        rows.append(["jx_benchmark_capacity", "all", _pct(at, whole), JX_BENCHMARK_TARGET_PCT, round(at), round(whole)])
    for province, key, column in (("36", "jx_eaf_share", 10), ("32", "js_eaf_share", 11)):
        if not scope.covers_province(province):
            continue
        eaf = total("eaf_steel", column)  # output of the province (columns 10 and 11)
        crude = eaf + total("bof_steel", column)
        rows.append([key, "eaf_steel", _pct(eaf, crude), EAF_TARGET_PCT, round(eaf), round(crude)])
    rows = [r for r in rows if r[5]]  # a product nobody in scope makes says nothing about the target
    return {
        "columns": ["target", "product", "share_pct", "target_pct", "numerator", "denominator"],
        "rows": rows,
        "categories": [f"{r[0]}:{r[1]}" for r in rows],
        "series": [{"key": "share_pct", "data": [r[2] for r in rows]},
                   {"key": "target_pct", "data": [r[3] for r in rows]}],
    }


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _audit_row(scope: Scope, year: int | None, statuses: tuple[str, ...], today: dt.date) -> list[Any]:
    """Return the one row every audit chart reads: step counts, option sums and savings (calc.cpa)."""
    m = VersionMetric
    columns: list[Any] = []
    for step in STEPS:  # each audit step on time, late, overdue or pending on ``today`` (calc.cpa.audit_steps)
        due, done = getattr(m, f"{step}_due"), getattr(m, f"{step}_done")
        for _status, condition in (
            ("on_time", and_(done.is_not(None), done <= due)),
            ("late", and_(done.is_not(None), done > due)),
            ("overdue", and_(done.is_(None), due < today)),
            ("pending", and_(done.is_(None), due >= today)),
        ):
            columns.append(func.sum(case((and_(due.is_not(None), condition), 1), else_=0)))
    columns += [func.count(), func.sum(m.options_no_low), func.sum(m.implemented_no_low),
                func.sum(m.options_medium_high), func.sum(m.implemented_medium_high), func.sum(m.investment_10k_cny)]
    columns += [func.sum(getattr(m, f"saving_{key}")) for key in SAVING_KEYS]
    return list(db.session.execute(_with_metrics(_base(scope, year, columns), statuses, CPA)).one())


_STEP_COLUMNS = len(STEPS) * 4
_OPTION_COLUMNS = 6


def _audit_deadlines(row: list[Any]) -> dict[str, Any]:
    """Count each audit step on time, late, overdue or pending."""
    values = [int(v or 0) for v in row[:_STEP_COLUMNS]]
    kinds = ("on_time", "late", "overdue", "pending")
    rows = [[step, *values[i * 4:(i + 1) * 4]] for i, step in enumerate(STEPS)]
    rows = [r for r in rows if any(r[1:])]  # voluntary audits have no deadlines: nothing to draw
    return {
        "columns": ["step", *kinds],
        "rows": rows,
        "categories": list(STEPS),
        "series": [{"key": k, "data": [r[n + 1] for r in rows]} for n, k in enumerate(kinds)],
    }


def _audit_options(row: list[Any]) -> dict[str, Any]:
    audits, no_low, impl_no_low, mh, impl_mh, investment = row[_STEP_COLUMNS:_STEP_COLUMNS + _OPTION_COLUMNS]
    rows: list[list[Any]] = [] if not audits else [["no_low", int(no_low or 0), int(impl_no_low or 0), _pct(float(impl_no_low or 0), float(no_low or 0))],
            ["medium_high", int(mh or 0), int(impl_mh or 0), _pct(float(impl_mh or 0), float(mh or 0))]]
    return {
        "columns": ["cost_class", "options", "implemented", "implementation_pct"],
        "rows": rows,
        "audits": int(audits or 0),
        "investment_10k_cny": _round(investment),
        "categories": ["no_low", "medium_high"],
        "series": [{"key": "implemented", "data": [r[2] for r in rows]},
                   {"key": "not_implemented", "data": [r[1] - r[2] for r in rows]}],
    }


def _audit_savings(row: list[Any]) -> dict[str, Any]:
    savings = row[_STEP_COLUMNS + _OPTION_COLUMNS:]
    rows = [[key, _round(value)] for key, value in zip(SAVING_KEYS, savings, strict=True) if value is not None]
    return {
        "columns": ["saving", "annual_amount"],
        "rows": rows,
        "categories": [r[0] for r in rows],
        "series": [{"key": "annual_amount", "data": [r[1] for r in rows]}],
    }
