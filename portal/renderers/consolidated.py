"""Write the regulator's consolidated workbook: one row per filing of a scope and year, streamed.

openpyxl's write-only mode keeps no worksheet in memory: rows go to a temporary file as they come, so
10,000 filings cost the same memory as ten. Only cells that need a style or must be forced to text are
cell objects; everything else is a plain value (a number stays a number).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from portal.domain import codes
from portal.domain.disclosure import ADHOC_COMPUTED, ADHOC_KIND, ANNUAL_COMPUTED, ANNUAL_KIND
from portal.domain.documents import CPA_COMPUTED, GHG_COMPUTED, GHG_KIND, PRODUCT_COMPUTED
from portal.domain.fields import ComputedDef
from portal.domain.formatting import china_time, value_of_bool, with_unit
from portal.domain.labels import VALUE_SETS, Text, Unit, kind_name, status_name
from portal.domain.schema import schema_of

from .printing import set_up_printing
from .xlsx import FORMULA_TRIGGERS, put, sanitize_text

_LEVELS = VALUE_SETS["energy_level"]
_GHG = {d.key: d for d in (*GHG_COMPUTED, *PRODUCT_COMPUTED)}
_CPA = {d.key: d for d in CPA_COMPUTED}
_DSC = {d.key: d for d in (*ANNUAL_COMPUTED, *ADHOC_COMPUTED)}
_ENTERPRISE = schema_of(GHG_KIND).field("enterprise")


def _field(key: str, name: str) -> tuple[str, Text, Unit | None]:
    node = _ENTERPRISE.child(name)
    return key, node.label, node.unit


def _computed(key: str, definition: ComputedDef) -> tuple[str, Text, Unit | None]:
    return key, definition.label, definition.unit


#: (key, label, unit) — the order of the columns; labels and units are the fields' and computed figures' own
COLUMNS: tuple[tuple[str, Text, Unit | None], ...] = (
    ("filing_id", Text("申报编号", "Filing id"), None),
    _field("uscc", "uscc"),
    _field("name", "name"),
    _field("region_code", "region_code"),
    ("region", Text("行政区划", "Region"), None),
    _field("industry_code", "industry_code"),
    ("industry", Text("行业", "Industry"), None),
    ("kind", Text("申报类型", "Kind"), None),
    ("year", Text("年度", "Year"), None),
    ("status", Text("状态", "Status"), None),
    ("version", Text("版本", "Version"), None),
    ("submitted_at", Text("最近提交时间（北京时间）", "Last submitted (China time)"), None),
    *(_computed(key, _GHG[key]) for key in ("combustion_tco2", "process_tco2", "electricity_tco2", "heat_tco2",
                                             "total_tco2")),
    # Issue 18: the verified total (审定排放量) beside the reported one, and the difference (verified − reported).
    ("verification", Text("核查状态", "Verification"), None),
    ("verified_tco2", Text("审定排放量", "Verified total"), _GHG["total_tco2"].unit),
    ("verified_difference", Text("差额（审定 − 报告）", "Difference (verified − reported)"), _GHG["total_tco2"].unit),
    _computed("energy_tce", _GHG["energy_from_inputs_tce"]),
    _computed("carbon_intensity", _GHG["carbon_intensity"]),
    ("product", Text("主要产品", "Main product"), None),
    *(_computed(key, _GHG[key]) for key in ("unit_energy", "benchmark", "baseline", "level")),
    ("other_products", Text("其他产品能效", "Other products"), None),
    _computed("rate_no_low", _CPA["implementation_rate_no_low"]),
    _computed("rate_medium_high", _CPA["implementation_rate_medium_high"]),
    _computed("investment", _CPA["total_investment_10k_cny"]),
    # the disclosure kinds (issue 17): when due, how late, the carbon total disclosed
    ("disclosed_on", Text("披露日期", "Disclosed on"), None),
    ("due_on", Text("披露期限", "Due on"), None),  # annual: 15 March; ad-hoc: the 5th working day after receipt
    _computed("days_late", _DSC["days_late"]),
    _computed("working_days_elapsed", _DSC["working_days_elapsed"]),
    _computed("disclosed_tco2", _DSC["carbon_total_tco2"]),
    ("errors", Text("错误数", "Errors"), None),
    ("warnings", Text("警告数", "Warnings"), None),
    ("notices", Text("提示数", "Notices"), None),
    ("warnings_explained", Text("警告均已说明", "All warnings explained"), None),
    ("sha256", Text("SHA-256", "SHA-256"), None),
)
_WIDTHS = {"name": 30, "uscc": 21, "region": 18, "industry": 24, "sha256": 66, "other_products": 40,
           "submitted_at": 18, "kind": 16, "level": 18}


def _dec(value: Any) -> Decimal | None:
    """Return a stored JSON number as an exact Decimal (JSON numbers were written from Decimals)."""
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _date(value: Any) -> dt.date | None:
    """Return a stored date (ISO text in JSON) as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _percent(rate: Any) -> Decimal | None:
    value = _dec(rate)
    places = _CPA["implementation_rate_no_low"].places or 0
    return None if value is None else (value * 100).quantize(Decimal(1).scaleb(-places))


def row_from_version(
    *, filing_id: int, kind: str, year: int, status: str, version: int, uscc: str, name: str, region_code: str,
    industry_code: str | None, submitted_at: dt.datetime | None, sha256: str, computed: Mapping[str, Any],
    findings: Iterable[Mapping[str, Any]], disclosed_on: Any = None,
    verification: tuple[str, int | None, int | None] | None = None,
) -> dict[str, Any]:
    """Return one consolidated row from a version's stored computed block and findings.

    ``verification`` is (status, reported, verified) of the filing's verification, if a body was engaged.
    """
    counts = {"error": 0, "warning": 0, "notice": 0}
    unexplained = 0
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
        if finding["severity"] == "warning" and not finding.get("explained"):
            unexplained += 1
    row: dict[str, Any] = {
        "filing_id": filing_id, "uscc": uscc, "name": name, "region_code": region_code,
        "region": codes.region_full_name(region_code), "industry_code": industry_code,
        "industry": codes.industry_name(industry_code), "kind": kind_name(kind), "kind_code": kind,
        "year": year, "status": status_name(status), "version": version,
        "submitted_at": submitted_at, "errors": counts["error"], "warnings": counts["warning"],
        "notices": counts["notice"], "warnings_explained": unexplained == 0, "sha256": sha256,
    }
    if kind == "ghg_annual_report":
        row.update(
            combustion_tco2=_dec(computed.get("combustion_tco2")), process_tco2=_dec(computed.get("process_tco2")),
            electricity_tco2=_dec(computed.get("electricity_tco2")), heat_tco2=_dec(computed.get("heat_tco2")),
            total_tco2=_dec(computed.get("total_tco2")), energy_tce=_dec(computed.get("energy_from_inputs_tce")),
            carbon_intensity=_dec(computed.get("carbon_intensity")),
        )
        row["products"] = [(code, _dec(p.get("unit_energy")), p.get("level"))
                           for code, p in (computed.get("products") or {}).items()]
        if verification is not None:
            v_status, reported, verified = verification
            row["verification"] = VERIFICATION_STATUS[v_status].zh
            if verified is not None:
                row["verified_tco2"] = Decimal(verified)
                row["verified_difference"] = Decimal(verified - reported) if reported is not None else None
    elif kind in (ANNUAL_KIND, ADHOC_KIND):
        # published on submission: the day of the certified submission in China (services/filings)
        published = _date(disclosed_on) or (china_time(submitted_at).date() if submitted_at else None)
        row.update(disclosed_on=published, due_on=_date(computed.get("due_on")),
                   days_late=computed.get("days_late"), working_days_elapsed=computed.get("working_days_elapsed"),
                   disclosed_tco2=_dec(computed.get("carbon_total_tco2")))
    else:
        row.update(rate_no_low=_percent(computed.get("implementation_rate_no_low")),
                   rate_medium_high=_percent(computed.get("implementation_rate_medium_high")),
                   investment=_dec(computed.get("total_investment_10k_cny")))
    return row


#: how far a filing's verification is (the consolidated workbook's 核查状态 column)
VERIFICATION_STATUS = {"open": Text("核查中", "being verified"), "concluded": Text("已出具结论", "concluded"),
                       "accepted": Text("结论已确认", "accepted")}

Levels = Callable[[str], tuple[Decimal | None, Decimal | None]]  # product code → (benchmark, baseline)


def _product_columns(row: dict[str, Any], levels: Levels) -> None:
    """Fill the main-product columns (the first product filed) and describe the others in one text cell."""
    products = row.pop("products", None) or []
    if not products:
        return
    code, unit_energy, level = products[0]
    benchmark, baseline = levels(code)
    row.update(product=code, unit_energy=unit_energy, benchmark=benchmark, baseline=baseline,
               level=_LEVELS.label(level or "none"))
    others = []
    for other, energy, other_level in products[1:]:
        b, base = levels(other)
        others.append(f"{other} {energy if energy is not None else '—'}（标杆 {b if b is not None else '—'}，"
                      f"基准 {base if base is not None else '—'}；{_LEVELS.label(other_level or 'none')}）")
    row["other_products"] = "；".join(others) or None


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """Return what to append for ``value``: the value itself, or a cell where a format or text is forced."""
    if isinstance(value, str):
        value = sanitize_text(value)
        if value.startswith(FORMULA_TRIGGERS):
            cell = WriteOnlyCell(ws)
            put(cell, value)  # forced text with Excel's quote prefix, never a formula
            return cell
        return value
    if isinstance(value, bool):
        return value_of_bool(value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(ws, value=china_time(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_consolidated(rows: Iterable[dict[str, Any]], *, year: int,
                       levels: Levels, scope: str = "") -> bytes:
    """Return the consolidated workbook (xlsx bytes) of ``rows`` in write-only (streaming) mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总 Summary")
    for index, (key, _, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(key, 13)
    ws.freeze_panes = "D4"  # the three header rows and the enterprise's id and name stay in view
    set_up_printing(ws, header_rows=3, columns=len(COLUMNS), landscape=True)
    title = WriteOnlyCell(ws, value=f"{year} 年度申报汇总表 / Consolidated filings {year}"
                                    + (f"（区划 {scope}）" if scope else ""))
    title.font = Font(bold=True, size=12)
    ws.append([title])
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF4")
    wrap = Alignment(wrap_text=True, vertical="center")
    for language in (1, 2):
        header = []
        for _key, label, unit in COLUMNS:
            text = with_unit(label, unit, "zh" if language == 1 else "en")
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill, cell.alignment = head_font, head_fill, wrap
            header.append(cell)
        ws.append(header)
    count = 0
    for row in rows:
        _product_columns(row, levels)
        ws.append([_cell(ws, row.get(key)) for key, _, _ in COLUMNS])
        count += 1
    if count == 0:
        ws.append(["本范围内该年度没有已提交的申报 / no submitted filing in this scope and year"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
