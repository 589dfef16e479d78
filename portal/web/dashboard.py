"""The dashboard: charts (vendored ECharts, data passed as JSON), their tables and CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forms.base import BadInput
from forms.labels import KIND_LABELS, STATUS_LABELS, localized, value_labels, value_name
from portal.domain.documents import CPA_KIND
from portal.domain.labels import VALUE_SETS
from portal.domain.schema import schema_of

from ..services import audit
from ..services import dashboard as service
from ..services.deadlines import ghg_due_date
from ..services.reference import current_reference

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# chart id → title, how many leading columns name a category, stacked bars, horizontal bars, a mark line
CHARTS: dict[str, dict[str, Any]] = {
    "status": {"title": _l("各地区、各类申报的状态"), "cat": 2, "stack": True, "horizontal": True},
    "emissions": {"title": _l("各地区、各行业的排放总量（tCO2e）"), "cat": 2, "stack": True, "horizontal": True},
    "products": {"title": _l("产品单位能耗对照标杆水平与基准水平（基准水平 = 100）"), "cat": 1, "mark": 100},
    "intensity": {"title": _l("主要产品的碳排放强度（tCO2/单位产品）"), "cat": 1},
    "targets": {"title": _l("规划量化目标：申报企业中的达成比例（%）"), "cat": 2, "horizontal": True},
    "audit_deadlines": {"title": _l("清洁生产审核：期限完成情况"), "cat": 1, "stack": True},
    "audit_options": {"title": _l("清洁生产审核：方案实施情况"), "cat": 1, "stack": True},
    "audit_savings": {"title": _l("清洁生产审核：已实施方案的年度协同减排效益"), "cat": 1},
}

LABELS: dict[str, Any] = {
    # columns and series
    "region": _l("地区"), "kind": _l("申报类型"), "total": _l("合计"), "industry": _l("行业"),
    "filings": _l("申报数"), "accepted_tco2": _l("已通过（tCO2e）"), "pending_tco2": _l("已提交待审（tCO2e）"),
    "total_tco2": _l("合计（tCO2e）"), "pending": _l("已提交待审"),
    "product": _l("产品"), "unit": _l("单位"), "lines": _l("产品条数"), "benchmark": _l("标杆水平"),
    "baseline": _l("基准水平"), "avg_unit_energy": _l("平均单位能耗"), "min_unit_energy": _l("最低单位能耗"),
    "max_unit_energy": _l("最高单位能耗"), "at_benchmark": _l("达到标杆"), "between": _l("标杆与基准之间"),
    "worse_than_baseline": _l("劣于基准"), "avg_intensity": _l("平均强度"), "min_intensity": _l("最低强度"),
    "max_intensity": _l("最高强度"), "band_low": _l("合理区间下限"), "band_high": _l("合理区间上限"),
    "target": _l("目标"), "share_pct": _l("申报企业达成比例（%）"), "target_pct": _l("目标值（%）"),
    "numerator": _l("分子"), "denominator": _l("分母"), "step": _l("环节"), "on_time": _l("按期完成"),
    "late": _l("逾期完成"), "overdue": _l("已逾期未完成"), "cost_class": _l("费用类别"), "options": _l("方案数"),
    "not_implemented": _l("未实施"), "implementation_pct": _l("实施率（%）"),
    "saving": _l("效益项目"), "annual_amount": _l("年度合计"),
    # values
    "publish": _l("信息公开（名单公布后 1 个月）"), "start": _l("启动审核（2 个月）"), "finish": _l("完成审核（1 年）"),
    "all": _l("四类合计"),
    "jx_benchmark_capacity": _l("江西：能效达到标杆水平的产能比例超过 30%"),
    "jx_eaf_share": _l("江西：电炉钢占粗钢产量比例 15%"), "js_eaf_share": _l("江苏：短流程炼钢占比 15%"),
    # the names of filing states, kinds, cost classes, option states and savings are the label catalogue's
    **STATUS_LABELS, **KIND_LABELS, **value_labels(VALUE_SETS["cost_class"]),
    "implemented": value_name("option_status", "implemented"),
    **{node.name: localized(node.label, node.unit)
       for node in schema_of(CPA_KIND).field("options[].savings").children},
}


def label(value: Any, ref: Any) -> Any:
    """Return the display label of a key (a status, product code, column…); other values unchanged."""
    if not isinstance(value, str):
        return value
    if value in LABELS:
        return str(LABELS[value])
    product = ref.product(value)
    if product is not None:
        locale = get_locale()
        return product.name_en if locale is not None and locale.language == "en" else product.name_zh
    return value


def _scope() -> service.Scope:
    scope = service.scope_for(current_user)
    if scope is None:
        abort(404)  # no enterprise, no region: nothing of anyone's to show
    return scope


#: the year filter's value for the sum of all years (the default is the latest complete year)
ALL_YEARS = "all"


def default_year(years: list[int], today: dt.date) -> int | None:
    """Return the year a dashboard opens on: the latest complete year (issue 20 item 10).

    Complete: its reports were due (31 March of the next year) before today, so the figures are not a
    year still being filed; without one, the newest year that has filings; None when there is none.
    Summing all years by default added up reports of different years into one meaningless total.
    """
    complete = [y for y in years if ghg_due_date(y) < today]
    if complete:
        return max(complete)
    return max(years) if years else None


def _filters(scope: service.Scope | None = None) -> tuple[int | None, bool]:
    """Return (year or None for all years, whether submitted-but-undecided filings count)."""
    raw = request.args.get("year", "").strip()
    if raw and raw != ALL_YEARS and not (raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100):
        raise BadInput("year", "应为 2000–2100 之间的年度", "must be a year from 2000 to 2100")
    if raw == ALL_YEARS:
        year = None
    elif raw:
        year = int(raw)
    else:
        year = default_year(service.available_years(scope or _scope()), dt.date.today())
    return year, request.args.get("basis", "all") != "accepted"


def _load(scope: service.Scope) -> dict[str, Any]:
    year, include_pending = _filters(scope)
    return service.dashboard_data(scope, year=year, include_pending=include_pending, today=dt.date.today())


def _present(chart_id: str, chart: dict[str, Any], ref: Any) -> dict[str, Any]:
    """Return a chart with translated headers, cells, categories and series names, for table and JS."""
    config = CHARTS[chart_id]

    def _label(value: Any) -> Any:
        return label(value, ref)

    rows = [[_label(cell) for cell in row] for row in chart["rows"]]
    return {
        "id": chart_id,
        "title": str(config["title"]),
        "columns": [_label(c) for c in chart["columns"]],
        "rows": rows,
        "categories": [" · ".join(str(c) for c in row[:config["cat"]]) for row in rows],
        "series": [{"name": _label(s["key"]), "data": s["data"]} for s in chart["series"]],
        "levels": [{"name": _label(s["key"]), "data": s["data"]} for s in chart.get("levels", [])],
        "stack": config.get("stack", False),
        "horizontal": config.get("horizontal", False),
        "mark": config.get("mark"),
        "extra": {k: v for k, v in chart.items() if k in ("audits", "investment_10k_cny")},
    }


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Show every chart of the user's scope with its data table and export link."""
    scope = _scope()
    data = _load(scope)
    ref = current_reference()  # once per page, not once per chart (each asks the database for its version)
    charts = [_present(chart_id, data[chart_id], ref) for chart_id in CHARTS]
    year, include_pending = _filters(scope)
    return render_template("dashboard/index.html", charts=charts, years=service.available_years(scope),
                           year=year, include_pending=include_pending, all_years=ALL_YEARS,
                           disclosure=_disclosure_share(year))


def _disclosure_share(year: int | None) -> Any:
    """Return the share of the scope's subjects that disclosed the year's report on time (regulators only)."""
    from ..services import disclosure as disclosure_service

    if not (current_user.is_reviewer or current_user.is_system_admin):
        return None
    today = dt.date.today()
    shown = year or today.year - 1
    enterprises = disclosure_service.obliged_enterprises(current_user.reviewer_scope,
                                                         everywhere=current_user.is_system_admin)
    rows = disclosure_service.annual_disclosure_rows(enterprises, shown, today)
    return disclosure_service.on_time_share(rows, shown)


@bp.route("/export/<any(" + ", ".join(CHARTS) + "):chart>.csv")
@login_required
def export(chart: str) -> ResponseReturnValue:
    """Return one chart's table as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
    table = _present(chart, _load(_scope())[chart], current_reference())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(table["columns"])
    writer.writerows(table["rows"])
    year, _pending = _filters()
    name = f"dashboard-{chart}-{year or ALL_YEARS}.csv"
    audit.record_download(current_user, "dashboard_csv", "dashboard", None, chart=chart, year=year)
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
