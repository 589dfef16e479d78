"""Build the format-neutral view of a filing that both the PDF and the Excel filing print.

The data tables are driven by the field metadata of the canonical documents (``info(zh, en, unit)`` in
``domain/documents.py``): a section names the document fields it shows, and every column, label and
unit comes from the dataclass declarations. A field added to a document therefore appears in both
filings without touching this module; a field that no section names is shown in the catch-all section
(其他 / 评估验收), so nothing is ever silently left out (a unit test checks it).

Only the computed results have hand-named columns: the result types in ``calc/results.py`` carry no
labels, and their presentation (line-by-line arithmetic, sources of the parameters) is the renderer's.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from portal.domain.codec import document_sha256
from portal.domain.documents import (
    CPA_KIND,
    DOCUMENT_TYPES,
    GHG_KIND,
    AuditOption,
    CleanProductionAudit,
    Document,
    FuelLine,
    GhgAnnualReport,
    OptionSavings,
    filing_year,
)
from portal.domain.fields import FieldInfo, field_info
from portal.domain.findings import Finding

from .labels import (
    CHOICE_LABELS,
    KIND_LABELS_EN,
    SEVERITY_LABELS,
    STATUS_LABELS,
    CodeLabels,
    code_label,
)
from .meta import RenderMeta

if TYPE_CHECKING:
    from portal.calc.results import CpaComputed, GhgComputed

ValueKind = Literal["text", "code", "choice", "choices", "bool", "int", "year", "decimal", "date", "auto"]

#: fields that identify a list item in a table built from one of its nested objects
IDENTITY_FIELDS = ("id", "name", "status")

ROW_NUMBER_KEY = "#"


@dataclass(frozen=True, slots=True)
class Column:
    """Describe one table column: where its value comes from, its labels and unit, and how to show it."""

    key: str  # attribute path in the row object ("consumption", "savings.co2_t"); "#" = row number
    zh: str
    en: str
    unit: str | None = None
    kind: ValueKind = "text"
    codes: str | None = None  # reference code list of a "code" column

    @property
    def numeric(self) -> bool:
        """Return whether the column holds numbers (right-aligned, number cells in Excel)."""
        return self.kind in ("int", "decimal")

    @property
    def named(self) -> bool:
        """Return whether the column holds codes that have a name (Excel adds a name column)."""
        return self.kind in ("code", "choice", "choices")


@dataclass(frozen=True, slots=True)
class Table:
    """Hold one table: columns and rows of raw values (Decimal, int, str, bool, date or None)."""

    key: str  # stable id: the document path ("fuels", "options.savings") or "computed.lines", ...
    sheet: str  # Excel sheet it goes to; record tables of one sheet share its one data row
    title_zh: str | None
    title_en: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: one object (the enterprise, the electricity block): label/value pairs in the PDF, one row in Excel
    record: bool = False
    footer: tuple[Any, ...] | None = None  # a total row aligned with the columns
    #: the PDF leaves out columns that are empty in every row (the co-benefit table has ten pollutants)
    compact: bool = False
    strong: tuple[int, ...] = ()  # indexes of rows printed in bold (the total)

    def visible(self) -> tuple[tuple[int, Column], ...]:
        """Return the (index, column) pairs the PDF shows."""
        indexed = tuple(enumerate(self.columns))
        if not self.compact:
            return indexed
        lines = [*self.rows, *([self.footer] if self.footer else [])]
        return tuple((i, c) for i, c in indexed if not c.numeric or any(row[i] is not None for row in lines))

    def pairs(self) -> tuple[tuple[Column, Any], ...]:
        """Return (column, value) pairs of a record table."""
        row = self.rows[0] if self.rows else (None,) * len(self.columns)
        return tuple(zip(self.columns, row, strict=True))


@dataclass(frozen=True, slots=True)
class Section:
    """Hold one section of the filing: a heading and its tables."""

    key: str
    sheet: str
    title_zh: str
    title_en: str
    tables: tuple[Table, ...]


@dataclass(frozen=True, slots=True)
class FindingRow:
    """Hold one finding as printed: where in the document, what, why, and the filer's explanation."""

    rule: str
    severity: str
    severity_zh: str
    path: str
    where_zh: str
    message_zh: str
    message_en: str
    citation: str
    explained: bool
    explanation: str | None


@dataclass(frozen=True, slots=True)
class FilingView:
    """Hold everything a filing prints, in order, independent of PDF or Excel."""

    kind: str
    kind_zh: str
    kind_en: str
    schema_version: int
    year: int | None
    year_label: str  # 报告年度 or 审核年度
    enterprise_name: str
    uscc: str | None
    meta: RenderMeta
    sha256: str
    status_zh: str
    template_version: str
    sections: tuple[Section, ...]  # the document's data
    computed: tuple[Section, ...]  # computed results (and, for audits, the feasibility figures)
    findings: tuple[FindingRow, ...]
    other_explanations: tuple[tuple[str, str], ...]  # explanations that answer no current finding
    labels: CodeLabels | None

    @property
    def title(self) -> str:
        """Return the document title (PDF metadata, cover)."""
        year = f"{self.year} " if self.year is not None else ""
        return f"{self.enterprise_name} {year}{self.kind_zh}"

    def version_rows(self) -> tuple[tuple[str, str, Any], ...]:
        """Return (label zh, label en, value) rows of the version information."""
        m = self.meta
        return (
            ("文书类型", "Kind", self.kind_zh),
            (self.year_label, "Year", self.year),
            ("企业名称", "Enterprise", self.enterprise_name),
            ("统一社会信用代码", "USCC", self.uscc),
            ("状态", "Status", self.status_zh),
            ("版本号", "Version", m.version),
            ("提交时间", "Submitted at", m.submitted_at_text),
            ("签署人", "Signatory", m.signatory),
            ("文书 SHA-256", "Document SHA-256", self.sha256),
            ("格式版本", "Schema version", self.schema_version),
            ("规则版本", "Rules version", m.rules_version),
            ("模板版本", "Template version", self.template_version),
            ("真实性承诺", "Certification statement", m.certification_statement),
        )


# ------------------------------------------------------------------------------------ section specs


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """Name the document fields one section shows; ``a.b`` = nested object ``b`` of each item of list ``a``."""

    key: str
    sheet: str  # Excel sheet name (≤ 31 characters)
    title_zh: str
    title_en: str
    parts: tuple[str, ...]
    catch_all: bool = False  # also shows every document field no section names


GHG_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("profile", "概况", "企业概况", "Enterprise profile", ("reporting_year", "enterprise")),
    SectionSpec("fuels", "化石燃料", "化石燃料燃烧", "Fossil-fuel combustion", ("fuels",)),
    SectionSpec("processes", "过程排放", "工业生产过程排放", "Process emissions", ("processes",)),
    SectionSpec(
        "energy",
        "电力热力",
        "电力、热力与二氧化碳回收",
        "Electricity, heat and CO2 recovery",
        ("electricity", "heat", "co2_recovered_t"),
    ),
    SectionSpec("products", "产品", "产品产量与能耗", "Products", ("products",)),
    SectionSpec("generating_units", "机组", "发电机组", "Generating units", ("generating_units",)),
    SectionSpec("boilers", "锅炉", "锅炉", "Boilers", ("boilers",)),
    SectionSpec(
        "pollution",
        "污染物与许可",
        "污染物排放与排污许可",
        "Pollutants and permit",
        ("pollutants", "permit", "exceeded_standards"),
    ),
    SectionSpec(
        "other",
        "其他",
        "其他情况",
        "Other information",
        ("energy_total_tce", "toxic", "hcfc", "air", "last_audit_year", "declared"),
        catch_all=True,
    ),
)

CPA_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "profile",
        "概况",
        "企业与审核概况",
        "Enterprise and audit profile",
        (
            "enterprise",
            "consultancy",
            "audit_type",
            "audit_mode",
            "triggers",
            "listed_on",
            "info_published_on",
            "permit_number",
            "focus",
            "baseline_year",
            "discount_rate",
        ),
    ),
    SectionSpec("phases", "阶段", "审核阶段", "Audit phases", ("phases",)),
    SectionSpec("indicators", "指标", "清洁生产指标", "Indicators", ("indicators",)),
    SectionSpec("options", "方案", "清洁生产方案", "Options", ("options",)),
    SectionSpec(
        "co_benefits", "协同效益", "减污降碳协同效益", "Co-benefits: pollutants and CO2", ("options.savings",)
    ),
    SectionSpec(
        "reviews",
        "评估验收",
        "评估与验收",
        "Assessment and acceptance",
        ("assessment", "acceptance"),
        catch_all=True,
    ),
)

SECTION_SPECS: dict[str, tuple[SectionSpec, ...]] = {GHG_KIND: GHG_SECTIONS, CPA_KIND: CPA_SECTIONS}

#: document fields printed elsewhere (cover, version information, findings) rather than in a section
NOT_IN_SECTIONS = frozenset({"kind", "schema_version", "explanations"})

GENERAL_ZH, GENERAL_EN = "基本信息", "General"


# --------------------------------------------------------------------------------- type inspection


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _list_item(tp: Any) -> Any | None:
    return get_args(tp)[0] if get_origin(tp) is list else None


def _field_type(cls: type, name: str) -> Any:
    return _strip_optional(_hints(cls)[name])


def _kind_of(name: str, tp: Any, meta: FieldInfo) -> ValueKind:
    if tp is bool:
        return "bool"
    if tp is int:
        return "year" if name.endswith("year") else "int"
    if tp is Decimal:
        return "decimal"
    if tp is date:
        return "date"
    if get_origin(tp) is Literal:
        return "int" if all(isinstance(a, int) for a in get_args(tp)) else "choice"
    if get_origin(tp) is list:
        return "choices"
    if tp is str and meta.codes:
        return "code"
    return "text"


def _is_scalar(tp: Any) -> bool:
    item = _list_item(tp)
    if item is not None:
        return not _is_dataclass_type(item)
    return not _is_dataclass_type(tp) and get_origin(tp) is not dict


def column_for(cls: type, name: str, key: str | None = None) -> Column:
    """Return the column of field ``name`` of dataclass ``cls``, labelled from its metadata."""
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    meta = field_info(f)
    tp = _field_type(cls, name)
    return Column(key or name, meta.zh, meta.en, meta.unit, _kind_of(name, tp, meta), meta.codes)


def scalar_columns(cls: type) -> tuple[Column, ...]:
    """Return the columns of every scalar field of ``cls`` (nested objects are tables of their own)."""
    return tuple(
        column_for(cls, f.name) for f in dataclasses.fields(cls) if _is_scalar(_field_type(cls, f.name))
    )


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _row(obj: Any, columns: Sequence[Column], number: int | None = None) -> tuple[Any, ...]:
    return tuple(number if c.key == ROW_NUMBER_KEY else _get(obj, c.key) for c in columns)


ROW_NUMBER = Column(ROW_NUMBER_KEY, "序号", "No.", None, "int")


# ------------------------------------------------------------------------------------ data tables


def _list_table(sheet: str, key: str, cls: type, meta: FieldInfo, items: Sequence[Any]) -> Table:
    columns = (ROW_NUMBER, *scalar_columns(cls))
    rows = tuple(_row(item, columns, i) for i, item in enumerate(items, 1))
    return Table(key, sheet, meta.zh, meta.en, columns, rows)


def _nested_list_table(
    sheet: str, key: str, cls: type, list_meta: FieldInfo, nested: str, items: Sequence[Any]
) -> Table:
    nested_cls = _field_type(cls, nested)
    nested_meta = field_info({f.name: f for f in dataclasses.fields(cls)}[nested])
    identity = tuple(column_for(cls, f.name) for f in dataclasses.fields(cls) if f.name in IDENTITY_FIELDS)
    inner = tuple(
        column_for(nested_cls, f.name, f"{nested}.{f.name}")
        for f in dataclasses.fields(nested_cls)
        if _is_scalar(_field_type(nested_cls, f.name))
    )
    columns = (ROW_NUMBER, *identity, *inner)
    rows = tuple(_row(item, columns, i) for i, item in enumerate(items, 1))
    return Table(
        key,
        sheet,
        f"{list_meta.zh} · {nested_meta.zh}",
        f"{list_meta.en} · {nested_meta.en}",
        columns,
        rows,
        compact=True,
    )


def _object_tables(sheet: str, key: str, cls: type, meta: FieldInfo, obj: Any) -> list[Table]:
    fields = dataclasses.fields(cls)
    nested = [f for f in fields if _is_dataclass_type(_field_type(cls, f.name))]
    scalars = scalar_columns(cls)
    if not scalars and nested and len({_field_type(cls, f.name) for f in nested}) == 1:
        # An object of like objects (the seven audit phases): one row per member.
        member_cls = _field_type(cls, nested[0].name)
        head = Column("", meta.zh, meta.en)
        columns = (head, *scalar_columns(member_cls))
        rows = tuple((field_info(f).zh, *_row(_get(obj, f.name), columns[1:])) for f in nested)
        return [Table(key, sheet, meta.zh, meta.en, columns, rows)]
    tables = [Table(key, sheet, meta.zh, meta.en, scalars, (_row(obj, scalars),), record=True)]
    for f in nested:
        tables += _object_tables(
            sheet, f"{key}.{f.name}", _field_type(cls, f.name), field_info(f), _get(obj, f.name)
        )
    return tables


def _section(spec: SectionSpec, document: Document, extra: Iterable[str] = ()) -> Section:
    doc_cls = type(document)
    by_name = {f.name: f for f in dataclasses.fields(doc_cls)}
    tables: list[Table] = []
    general: list[Column] = []
    general_at: int | None = None  # the scalar fields of a section form one table, where the first one is

    for part in (*spec.parts, *extra):
        name, _, nested = part.partition(".")
        meta = field_info(by_name[name])
        tp = _field_type(doc_cls, name)
        item = _list_item(tp)
        if nested:
            tables.append(_nested_list_table(spec.sheet, part, item, meta, nested, getattr(document, name)))
        elif item is not None and _is_dataclass_type(item):
            tables.append(_list_table(spec.sheet, part, item, meta, getattr(document, name)))
        elif _is_dataclass_type(tp):
            tables += _object_tables(spec.sheet, part, tp, meta, getattr(document, name))
        elif get_origin(tp) is dict:
            continue  # explanations: printed with the findings
        else:
            general_at = len(tables) if general_at is None else general_at
            general.append(column_for(doc_cls, name))
    if general_at is not None:
        cols = tuple(general)
        table = Table(
            f"{spec.key}.general",
            spec.sheet,
            GENERAL_ZH,
            GENERAL_EN,
            cols,
            (_row(document, cols),),
            record=True,
        )
        tables.insert(general_at, table)
    return Section(spec.key, spec.sheet, spec.title_zh, spec.title_en, tuple(tables))


def unplaced_fields(kind: str) -> list[str]:
    """Return the document fields of ``kind`` that no section names (shown by the catch-all section)."""
    named = {p.partition(".")[0] for spec in SECTION_SPECS[kind] for p in spec.parts}
    return [
        f.name
        for f in dataclasses.fields(DOCUMENT_TYPES[kind])
        if f.name not in named and f.name not in NOT_IN_SECTIONS
    ]


def data_sections(document: Document) -> tuple[Section, ...]:
    """Return the data sections of ``document``, columns driven by the field metadata."""
    specs = SECTION_SPECS[document.kind]
    rest = unplaced_fields(document.kind)
    return tuple(_section(s, document, rest if s.catch_all else ()) for s in specs)


# ------------------------------------------------------------------------------- computed results

LINE_COLUMNS = (
    Column("item", "项目", "Item"),
    Column("value", "结果", "Result", None, "auto"),
    Column("unit", "单位", "Unit"),
    Column("arithmetic", "计算过程", "Arithmetic"),
    Column("note", "说明", "Note"),
)

_SOURCE = {True: "缺省值", False: "实测值"}

_FACTOR_SOURCE = {
    "measured": "实测排放因子",
    "fractions": "按熟料中CaO、MgO含量计算",
    "default": "缺省排放因子",
    "missing": "缺少排放因子，未计算",
}

_LEVEL = {
    "benchmark": "达到能效标杆水平",
    "between": "介于标杆水平与基准水平之间",
    "worse_than_baseline": "未达到能效基准水平",
    None: "无可比的标杆或基准水平",
}

_TOTAL_LABEL = "二氧化碳排放总量"

#: GHG totals in print order: (key in GhgComputed and its ``arithmetic``, label, unit)
GHG_TOTALS: tuple[tuple[str, str, str], ...] = (
    ("combustion_tco2", "化石燃料燃烧排放量", "tCO2"),
    ("process_tco2", "工业生产过程排放量", "tCO2"),
    ("electricity_tco2", "净购入电力排放量", "tCO2"),
    ("heat_tco2", "净购入热力排放量", "tCO2"),
    ("co2_recovered_tco2", "二氧化碳回收利用量", "tCO2"),
    ("total_tco2", _TOTAL_LABEL, "tCO2"),
    ("direct_tco2", "直接排放量（燃烧＋过程）", "tCO2"),
    ("energy_from_inputs_tce", "综合能源消费量（按能源投入计算）", "tce"),
    ("carbon_intensity", "碳排放强度（按主要产品）", "tCO2/单位产品"),
    ("coal_t", "煤炭消费量", "t"),
)

_SIX_PLACES = Decimal("0.000001")
_TWO_PLACES = Decimal("0.01")


def _q(value: Decimal | None, places: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(places)


def _pct(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).quantize(_TWO_PLACES)


def _ghg_computed(document: GhgAnnualReport, c: GhgComputed, labels: CodeLabels | None) -> Section:
    lines: list[tuple[Any, ...]] = []
    for r in c.fuels:
        doc_line = document.fuels[r.index] if r.index < len(document.fuels) else None
        source = (doc_line.source or "") if doc_line else ""
        name = code_label("fuel", r.fuel, labels) or r.fuel
        if not r.known:
            note = "燃料代码未知，未计算排放"
        else:
            cc = "高限缺省值" if r.carbon_content_high_default else _SOURCE[r.carbon_content_default]
            note = f"低位发热量{_SOURCE[r.ncv_default]}；单位热值含碳量{cc}；碳氧化率{_SOURCE[r.oxidation_rate_default]}"
        item = f"化石燃料燃烧 第{r.index + 1}行 {source} {name}".replace("  ", " ").strip()
        lines.append((item, r.emission_tco2, "tCO2", r.arithmetic, note))
    for p in c.processes:
        doc_pline = document.processes[p.index] if p.index < len(document.processes) else None
        source = (doc_pline.source or "") if doc_pline else ""
        name = code_label("process", p.process, labels) or p.process
        item = f"工业生产过程 第{p.index + 1}行 {source} {name}".replace("  ", " ").strip()
        note = _FACTOR_SOURCE.get(p.factor_source, p.factor_source) if p.known else "过程代码未知，未计算排放"
        lines.append((item, p.emission_tco2, "tCO2", p.arithmetic, note))
    grid_note = (
        "当年官方电网排放因子"
        if c.grid_factor == c.grid_factor_official
        else f"企业填报（当年官方因子 {c.grid_factor_official}）"
    )
    lines.append(("电网排放因子", c.grid_factor, "tCO2/MWh", "", grid_note))
    known = {k for k, _, _ in GHG_TOTALS}
    for key, label, unit in GHG_TOTALS:
        lines.append((label, getattr(c, key), unit, c.arithmetic.get(key, ""), ""))
    for key, text in c.arithmetic.items():  # anything the engine adds later is still printed
        if key not in known:
            lines.append((key, None, "", text, ""))
    for pr in c.products:
        name = code_label("product", pr.product, labels) or pr.product
        lines.append(
            (
                f"单位产品综合能耗 {name}",
                pr.unit_energy,
                "kgce/单位产品",
                pr.arithmetic,
                _LEVEL.get(pr.level, pr.level),
            )
        )
    for g in c.generating_units:
        lines.append(
            (
                f"发电机组 {g.id} 供电排放强度",
                g.intensity,
                "tCO2/MWh",
                g.arithmetic,
                f"归属燃烧排放 {g.combustion_tco2} tCO2",
            )
        )
    lines.append(("缺省参数版本", c.edition, "", "", ""))
    line_table = Table(
        "computed.lines",
        "计算结果",
        "逐项计算过程",
        "Line-by-line arithmetic",
        LINE_COLUMNS,
        tuple(lines),
        strong=tuple(i for i, line in enumerate(lines) if line[0] == _TOTAL_LABEL),
    )

    fuel_columns = (
        ROW_NUMBER,
        column_for(FuelLine, "source"),
        column_for(FuelLine, "fuel"),
        column_for(FuelLine, "consumption"),
        Column("ncv", "低位发热量", "NCV", "GJ/单位", "decimal"),
        Column("ncv_source", "来源", "Source"),
        Column("carbon_content", "单位热值含碳量", "Carbon content", "tC/GJ", "decimal"),
        Column("carbon_content_source", "来源", "Source"),
        Column("oxidation_rate", "碳氧化率", "Oxidation rate", "0–1", "decimal"),
        Column("oxidation_rate_source", "来源", "Source"),
        Column("activity_gj", "活动数据", "Activity data", "GJ", "decimal"),
        Column("emission_factor", "排放因子", "Emission factor", "tCO2/GJ", "decimal"),
        Column("emission_tco2", "排放量", "Emission", "tCO2", "decimal"),
        Column("energy_tce", "折标准煤", "Energy", "tce", "decimal"),
    )
    fuel_rows = []
    for r in c.fuels:
        doc_line = document.fuels[r.index] if r.index < len(document.fuels) else None
        cc_source = "高限缺省值" if r.carbon_content_high_default else _SOURCE[r.carbon_content_default]
        fuel_rows.append(
            (
                r.index + 1,
                doc_line.source if doc_line else None,
                r.fuel,
                doc_line.consumption if doc_line else None,
                r.ncv,
                _SOURCE[r.ncv_default] if r.known else None,
                r.carbon_content,
                cc_source if r.known else None,
                r.oxidation_rate,
                _SOURCE[r.oxidation_rate_default] if r.known else None,
                r.activity_gj,
                _q(r.emission_factor, _SIX_PLACES),
                r.emission_tco2,
                _q(r.energy_tce, _TWO_PLACES),
            )
        )
    fuel_table = Table(
        "computed.fuels",
        "计算参数",
        "化石燃料燃烧计算参数",
        "Fuel-combustion parameters used",
        fuel_columns,
        tuple(fuel_rows),
    )
    return Section("computed", "计算结果", "计算结果", "Computed results", (line_table, fuel_table))


def _cpa_computed(document: CleanProductionAudit, c: CpaComputed) -> tuple[Section, ...]:
    active = [o for o in document.options if o.status != "dropped"]
    lines: list[tuple[Any, ...]] = []
    for label, count, done, rate in (
        ("无/低费方案", c.count_no_low, c.implemented_no_low, c.implementation_rate_no_low),
        ("中/高费方案", c.count_medium_high, c.implemented_medium_high, c.implementation_rate_medium_high),
    ):
        lines.append((f"{label}数（不含已放弃）", count, "项", "", ""))
        lines.append((f"{label}已实施数", done, "项", "", ""))
        pct = _pct(rate)
        lines.append(
            (f"{label}实施率", pct, "%", f"{done} ÷ {count} = {pct} %" if pct is not None else "", "")
        )
    invest = [o.investment_10k_cny for o in active if o.investment_10k_cny is not None]
    lines.append(
        (
            "方案总投资（不含已放弃）",
            c.total_investment_10k_cny,
            "万元",
            " + ".join(str(v) for v in invest) + f" = {c.total_investment_10k_cny}" if invest else "",
            "",
        )
    )
    savings_meta = {f.name: field_info(f) for f in dataclasses.fields(OptionSavings)}
    implemented = [o for o in document.options if o.status == "implemented"]
    for key, total in c.savings_total.items():
        meta = savings_meta.get(key)
        parts = [
            str(getattr(o.savings, key)) for o in implemented if getattr(o.savings, key, None) is not None
        ]
        lines.append(
            (
                f"已实施方案{meta.zh if meta else key}",
                total,
                meta.unit if meta else "",
                " + ".join(parts) + f" = {total}" if parts else "",
                "",
            )
        )
    for ind in c.indicators:
        name = CHOICE_LABELS.get(ind.indicator, ind.indicator)
        note = {True: "已达到目标值", False: "未达到目标值", None: "尚未报告实际值"}[ind.achieved]
        arithmetic = ""
        if ind.index < len(document.indicators) and ind.achievement_pct is not None:
            d = document.indicators[ind.index]
            arithmetic = (
                f"({d.baseline} − {d.achieved}) ÷ ({d.baseline} − {d.target}) × 100 = {ind.achievement_pct} %"
            )
        lines.append((f"指标完成程度 {name}", ind.achievement_pct, "%", arithmetic, note))
    if c.deadlines is not None:
        lines.append(("企业信息公布期限", c.deadlines.publish_by, "", "名单公布日期 + 1 个月", ""))
        lines.append(("审核启动期限", c.deadlines.start_by, "", "名单公布日期 + 2 个月", ""))
        lines.append(("审核完成期限", c.deadlines.finish_by, "", "名单公布日期 + 1 年", ""))
    line_table = Table(
        "computed.lines", "计算结果", "计算结果", "Computed results", LINE_COLUMNS, tuple(lines)
    )

    opt = AuditOption
    econ_columns = (
        column_for(opt, "id"),
        column_for(opt, "name"),
        column_for(opt, "investment_10k_cny"),
        column_for(opt, "annual_benefit_10k_cny"),
        column_for(opt, "lifetime_years"),
        Column("payback_years", "静态投资回收期", "Simple payback", "年", "decimal"),
        Column("npv_10k_cny", "净现值", "NPV", "万元", "decimal"),
        Column("irr", "内部收益率", "IRR", "%", "decimal"),
        Column("arithmetic", "计算过程", "Arithmetic"),
    )
    by_id = {o.id: o for o in document.options}
    econ_rows = []
    for e in c.options:
        o = by_id.get(e.id)
        econ_rows.append(
            (
                e.id,
                o.name if o else None,
                o.investment_10k_cny if o else None,
                o.annual_benefit_10k_cny if o else None,
                o.lifetime_years if o else None,
                e.payback_years,
                e.npv_10k_cny,
                _pct(e.irr),
                e.arithmetic,
            )
        )
    econ = Table(
        "computed.feasibility",
        "经济可行性",
        "中/高费方案经济可行性分析",
        "Feasibility of medium/high-cost options",
        econ_columns,
        tuple(econ_rows),
    )
    return (
        Section("feasibility", "经济可行性", "经济可行性", "Economic feasibility", (econ,)),
        Section("computed", "计算结果", "计算结果", "Computed results", (line_table,)),
    )


def _with_co_benefit_total(sections: tuple[Section, ...], c: CpaComputed) -> tuple[Section, ...]:
    """Add the total of implemented options (computed) as the footer of the co-benefit table."""
    out = []
    for s in sections:
        tables = []
        for t in s.tables:
            if t.key == "options.savings":
                footer = []
                for i, col in enumerate(t.columns):
                    if col.key.startswith("savings."):
                        footer.append(c.savings_total.get(col.key.removeprefix("savings.")))
                    elif i == 1:
                        footer.append("已实施方案合计")
                    else:
                        footer.append(None)
                t = dataclasses.replace(t, footer=tuple(footer))
            tables.append(t)
        out.append(dataclasses.replace(s, tables=tuple(tables)))
    return tuple(out)


# ------------------------------------------------------------------------------------------ paths

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def describe_path(cls: type, path: str) -> str:
    """Return the Chinese description of a field path: ``fuels[0].ncv`` → ``化石燃料燃烧 第1行 低位发热量（实测）``.

    Parts that do not name a field (an unknown path) are kept as written.
    """
    if not path:
        return "整份文书"
    words: list[str] = []
    current: Any = cls
    for segment in path.split("."):
        m = _SEGMENT.fullmatch(segment)
        fields = {f.name: f for f in dataclasses.fields(current)} if _is_dataclass_type(current) else {}
        if m is None or m.group(1) not in fields:
            words.append(segment)
            current = None
            continue
        name, index = m.group(1), m.group(2)
        words.append(field_info(fields[name]).zh)
        tp = _field_type(current, name)
        if index is not None:
            words.append(f"第{int(index) + 1}行")
            tp = _list_item(tp) or tp
        current = tp if _is_dataclass_type(tp) else None
    return " ".join(words)


# ------------------------------------------------------------------------------------------ build


def build_view(
    document: Document,
    computed: GhgComputed | CpaComputed,
    findings: Sequence[Finding],
    meta: RenderMeta,
    *,
    labels: CodeLabels | None = None,
    template_version: str = "v1",
) -> FilingView:
    """Return the view of one filing: data sections, computed results, findings, version information."""
    sha = document_sha256(document)
    if meta.sha256 is not None and meta.sha256 != sha:
        # A copy of record prints the hash of exactly what it shows: never the stored hash of another text.
        raise ValueError(f"the document's SHA-256 is {sha}, not the version's {meta.sha256}")
    if isinstance(document, GhgAnnualReport):
        sections = data_sections(document)
        computed_sections: tuple[Section, ...] = (_ghg_computed(document, computed, labels),)  # type: ignore[arg-type]
        year_label = "报告年度"
    else:
        sections = _with_co_benefit_total(data_sections(document), computed)  # type: ignore[arg-type]
        computed_sections = _cpa_computed(document, computed)  # type: ignore[arg-type]
        year_label = "审核年度"
    explanations = dict(document.explanations)
    rows = []
    answered: set[str] = set()
    for f in findings:
        text = explanations.get(f.key)
        if text is not None:
            answered.add(f.key)
        rows.append(
            FindingRow(
                f.rule,
                f.severity,
                SEVERITY_LABELS.get(f.severity, f.severity),
                f.path,
                describe_path(type(document), f.path),
                f.message_zh,
                f.message_en,
                f.citation,
                f.explained,
                text if text and text.strip() else None,
            )
        )
    others = tuple((k, v) for k, v in sorted(explanations.items()) if k not in answered and v.strip())
    return FilingView(
        kind=document.kind,
        kind_zh=CHOICE_LABELS[document.kind],
        kind_en=KIND_LABELS_EN[document.kind],
        schema_version=document.schema_version,
        year=filing_year(document),
        year_label=year_label,
        enterprise_name=document.enterprise.name or "（未填写企业名称）",
        uscc=document.enterprise.uscc,
        meta=meta,
        sha256=sha,
        status_zh=STATUS_LABELS.get(meta.status, meta.status),
        template_version=template_version,
        sections=sections,
        computed=computed_sections,
        findings=tuple(rows),
        other_explanations=others,
        labels=labels,
    )


FINDING_COLUMNS = (
    Column("rule", "规则", "Rule"),
    Column("severity", "级别", "Severity"),
    Column("severity_zh", "级别名称", "Severity (zh)"),
    Column("path", "字段路径", "Field path"),
    Column("where_zh", "字段", "Field"),
    Column("message_zh", "说明", "Message (zh)"),
    Column("message_en", "Message", "Message (en)"),
    Column("citation", "依据", "Citation"),
    Column("explained", "已说明", "Explained", None, "bool"),
    Column("explanation", "企业说明", "Filer's explanation"),
)


def findings_table(view: FilingView) -> Table:
    """Return the findings as a table (the Excel 审核发现 sheet), explanations without a finding last."""
    rows = [tuple(getattr(r, c.key) for c in FINDING_COLUMNS) for r in view.findings]
    for key, text in view.other_explanations:
        rule, _, path = key.partition("@")
        rows.append((rule, None, None, path, None, "（当前无对应的发现）", None, None, None, text))
    return Table("findings", "审核发现", "审核发现", "Findings", FINDING_COLUMNS, tuple(rows))
