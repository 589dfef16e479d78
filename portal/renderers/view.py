"""Build the format-neutral view of a filing that the PDF, the Excel filing and the filing page print.

Every data table comes from the kind's field tree (``domain/schema.py``): a section of the schema is a
section here, and every column, label and unit is the field's own, so a field added to ``documents.py``
appears in the PDF, the Excel filing and the page without touching this module. The computed results
are labelled by the declarations beside the documents (``GHG_COMPUTED`` …) and the value sets of the
label catalogue: this module holds no label of its own beyond table furniture (序号, 项目, 计算过程).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar

from portal.calc.results import CpaComputed, GhgComputed
from portal.domain import formatting as fmt
from portal.domain.codec import document_sha256
from portal.domain.disclosure import HAZARDOUS_WASTE_COMPUTED, PERMITTED_RATIO_COMPUTED, EnvDisclosureAdhoc
from portal.domain.documents import (
    DEADLINES_COMPUTED,
    FUEL_LINE_COMPUTED,
    GENERATING_UNIT_COMPUTED,
    INDICATOR_COMPUTED,
    OPTION_COMPUTED,
    PRODUCT_COMPUTED,
    CleanProductionAudit,
    Document,
    GhgAnnualReport,
    filing_year,
)
from portal.domain.fields import ComputedDef
from portal.domain.findings import Finding
from portal.domain.labels import VALUE_SETS, Text, Unit, kind_name, severity_name, status_name
from portal.domain.schema import Field, KindSchema, schema_of

from .labels import CodeLabels
from .meta import RenderMeta

if TYPE_CHECKING:
    from portal.calc.results import AdhocDisclosureComputed, AnnualDisclosureComputed

    Computed = GhgComputed | CpaComputed | AnnualDisclosureComputed | AdhocDisclosureComputed

ValueKind = Literal["text", "code", "choice", "choices", "bool", "int", "year", "decimal", "date", "auto"]

#: fields that identify a list item in a table built from one of its nested objects
IDENTITY_FIELDS = ("id", "name", "status")

ROW_NUMBER_KEY = "#"

_KINDS: dict[str, ValueKind] = {
    "boolean": "bool", "number": "decimal", "date": "date", "choice": "choice", "code": "code", "text": "text",
}


@dataclass(frozen=True, slots=True)
class Column:
    """Describe one table column: where its value comes from, its labels and unit, and how to show it."""

    key: str  # attribute path in the row object ("consumption", "savings.co2_t"); "#" = row number
    zh: str
    en: str
    unit: str | None = None  # as printed in Chinese
    kind: ValueKind = "text"
    codes: str | None = None  # reference code list of a "code" column
    node: Field | None = None  # the schema node of a document column
    places: int | None = None  # decimals every number of the column prints with (one format per column)
    unit_en: str | None = None

    @property
    def numeric(self) -> bool:
        """Return whether the column holds numbers (right-aligned, number cells in Excel)."""
        return self.kind in ("int", "decimal")

    @property
    def named(self) -> bool:
        """Return whether the column holds codes that have a name (Excel adds a name column)."""
        return self.kind in ("code", "choice", "choices")

    def label(self, language: str = "zh") -> str:
        """Return the heading with its unit in ``language``: "消耗量（t 或 万Nm³）"."""
        text = self.en if language == "en" else self.zh
        unit = self.unit_en if language == "en" else self.unit
        if not unit:
            return text
        return f"{text} ({unit})" if language == "en" else f"{text}（{unit}）"


def column_of(node: Field, key: str | None = None) -> Column:
    """Return the column of a schema node (labels, unit and kind are the node's)."""
    if node.kind == "integer":
        kind: ValueKind = "year" if node.name.endswith("year") else "int"
    elif node.kind == "constant":
        kind = "int" if isinstance(node.constant, int) else "text"
    elif node.kind == "list":
        kind = "choices"
    else:
        kind = _KINDS[node.kind]
    unit = node.unit
    return Column(key or node.name, node.label.zh, node.label.en, unit.zh if unit else None, kind,
                  node.children[0].codes if node.kind == "list" else node.codes, node, node.places,
                  unit.en if unit else None)


def computed_column(definition: ComputedDef, key: str | None = None, kind: ValueKind = "decimal") -> Column:
    """Return the column of a computed figure (label, unit and places from its declaration)."""
    unit = definition.unit
    return Column(key or definition.key, definition.label.zh, definition.label.en, unit.zh if unit else None, kind,
                  places=definition.places, unit_en=unit.en if unit else None)


def _text_column(key: str, label: Text, kind: ValueKind = "text", unit: Unit | None = None) -> Column:
    return Column(key, label.zh, label.en, unit.zh if unit else None, kind, unit_en=unit.en if unit else None)


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
    """Hold one section of the filing: a heading and its tables.

    ``none`` marks a disclosure section filed as ``{"none": true}`` or an empty list (本年度无), ``absent`` one
    not filed at all: the disclosure's PDF prints the heading and "本年度无" for the first, omits the second.
    """

    key: str
    sheet: str
    title_zh: str
    title_en: str
    tables: tuple[Table, ...]
    none: bool = False
    absent: bool = False


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
class StaleExplanation:
    """Hold an explanation that answers no current finding (the finding stopped firing), as printed.

    Printed under its rule's title and the field path in words ("化石燃料燃烧 第1行 低位发热量"), never the
    raw key ``GHG-004@fuels[0].ncv`` (issue 15 item 4).
    """

    key: str
    rule: str
    path: str
    title_zh: str | None  # None: a rule the catalogue does not know
    title_en: str | None
    where_zh: str
    where_en: str
    text: str

    @property
    def subject_zh(self) -> str:
        """Return what the explanation is about, in words: "燃料低位发热量超出合理范围（GHG-004）· 化石燃料燃烧 第1行 …"."""
        title = f"{self.title_zh}（{self.rule}）" if self.title_zh else self.rule
        return f"{title} · {self.where_zh}" if self.path else title


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
    #: (subject in words, text) of the explanations that answer no current finding (templates v1, v2)
    other_explanations: tuple[tuple[str, str], ...]
    labels: CodeLabels | None
    stale_explanations: tuple[StaleExplanation, ...] = ()

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


# ------------------------------------------------------------------------------------ data tables

ROW_NUMBER = Column(ROW_NUMBER_KEY, "序号", "No.", None, "int")
GENERAL = Text("基本信息", "General")


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _row(obj: Any, columns: Sequence[Column], number: int | None = None) -> tuple[Any, ...]:
    return tuple(number if c.key == ROW_NUMBER_KEY else _get(obj, c.key) for c in columns)


def _aligned(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    """Return the columns with the decimals each numeric column prints with (one format per column)."""
    out = []
    for i, column in enumerate(columns):
        if column.kind == "decimal" and column.places is None:
            column = dataclasses.replace(column, places=fmt.column_places(row[i] for row in rows))
        out.append(column)
    return tuple(out)


def _scalar_columns(node: Field, prefix: str = "") -> tuple[Column, ...]:
    """Return the columns of the leaf fields of an object node (nested objects are tables of their own)."""
    return tuple(column_of(c, f"{prefix}{c.name}") for c in node.children if c.is_leaf or c.is_scalar_list)


def _list_table(sheet: str, node: Field, items: Sequence[Any]) -> Table:
    """Return the table of a list (one row per line); it needs an Excel sheet of its own."""
    columns = (ROW_NUMBER, *_scalar_columns(node.item))
    rows = tuple(_row(item, columns, i) for i, item in enumerate(items, 1))
    return Table(node.path, sheet, node.label.zh, node.label.en, _aligned(columns, rows), rows)


def _list_tables(sheet: str, node: Field, items: Sequence[Any]) -> list[Table]:
    """Return the table of a list and those of what its lines hold: nested objects, and lists of their own."""
    tables = [_list_table(sheet, node, items)]
    for child in node.item.children:
        if child.kind == "object":
            tables.append(_nested_list_table(node, child, items))
        elif child.kind == "list" and not child.is_scalar_list:
            tables.append(_sublist_table(node, child, items))
    return tables


def _sublist_table(node: Field, sub: Field, items: Sequence[Any]) -> Table:
    """Return the table of a list inside the lines of a list (each waste's receivers), one row per inner line.

    The first columns say which line it belongs to: the outer line's number and identity (id, name, …).
    """
    identity = tuple(column_of(c) for c in node.item.children if c.name in IDENTITY_FIELDS or c.name == "code")
    inner = (ROW_NUMBER, *identity, *_scalar_columns(sub.item))
    rows = tuple((i, *_row(item, identity), *_row(element, _scalar_columns(sub.item)))
                 for i, item in enumerate(items, 1) for element in (getattr(item, sub.name) or ()))
    return Table(f"{node.path}.{sub.name}", sub.label.zh, f"{node.label.zh} · {sub.label.zh}",
                 f"{node.label.en} · {sub.label.en}", _aligned(inner, rows), rows)


def _nested_list_table(node: Field, nested: Field, items: Sequence[Any]) -> Table:
    """Return the table of one nested object of every list item (each option's savings), with its identity."""
    identity = tuple(column_of(c) for c in node.item.children if c.name in IDENTITY_FIELDS)
    columns = (ROW_NUMBER, *identity, *_scalar_columns(nested, f"{nested.name}."))
    rows = tuple(_row(item, columns, i) for i, item in enumerate(items, 1))
    return Table(f"{node.path}.{nested.name}", nested.label.zh, f"{node.label.zh} · {nested.label.zh}",
                 f"{node.label.en} · {nested.label.en}", _aligned(columns, rows), rows, compact=True)


def _object_tables(sheet: str, node: Field, obj: Any) -> list[Table]:
    nested = [c for c in node.children if c.kind == "object"]
    lists = [c for c in node.children if c.kind == "list" and not c.is_scalar_list]
    scalars = _scalar_columns(node)
    if not scalars and not lists and nested and len({c.python_type for c in nested}) == 1:
        # An object of like objects (the seven audit phases): one row per member.
        head = Column("", node.label.zh, node.label.en)
        member_columns = _scalar_columns(nested[0])
        rows = tuple((c.label.zh, *_row(_get(obj, c.name), member_columns)) for c in nested)
        return [Table(node.path, sheet, node.label.zh, node.label.en, (head, *member_columns), rows)]
    # an object holding only lists (the disclosure's financing: its items) has no record of its own
    tables = [Table(node.path, sheet, node.label.zh, node.label.en, scalars, (_row(obj, scalars),), record=True)
              ] if scalars or not lists else []
    for child in nested:
        tables += _object_tables(sheet, child, _get(obj, child.name))
    for child in lists:  # a list inside an object (a disclosure section's outlets): a sheet of its own
        tables += _list_tables(child.label.zh, child, _get(obj, child.name) or ())
    return tables


def _section(schema: KindSchema, key: str, document: Document) -> Section:
    section = schema.section(key)
    tables: list[Table] = []
    general: list[Column] = []
    general_at: int | None = None  # the scalar fields of a section form one table, where the first one is
    for node in section.fields:
        value = getattr(document, node.name)
        if node.kind == "list" and not node.is_scalar_list:
            # A list fills a sheet: the section's own when it is all the section holds, else one named after it.
            sheet = section.sheet if len(section.fields) == 1 else node.label.zh
            tables += _list_tables(sheet, node, value)
        elif node.kind == "object":
            tables += _object_tables(section.sheet, node, value)
        elif node.kind != "map":  # explanations: printed with the findings
            general_at = len(tables) if general_at is None else general_at
            general.append(column_of(node))
    if general_at is not None:
        cols = tuple(general)
        tables.insert(general_at, Table(f"{section.key}.general", section.sheet, GENERAL.zh, GENERAL.en, cols,
                                        (_row(document, cols),), record=True))
    values = [getattr(document, node.name) for node in section.fields]
    absent = all(v is None for v in values)
    none = not absent and all(v == [] or getattr(v, "none", False) is True for v in values)
    return Section(section.key, section.sheet, section.title.zh, section.title.en, tuple(tables), none, absent)


def data_sections(document: Document) -> tuple[Section, ...]:
    """Return the data sections of ``document`` in the schema's order, columns from its field tree."""
    schema = schema_of(document.kind)
    return tuple(_section(schema, s.key, document) for s in schema.sections)


# ------------------------------------------------------------------------------- computed results

LINE_COLUMNS = (
    Column("item", "项目", "Item"),
    Column("value", "结果", "Result", None, "auto"),
    Column("unit", "单位", "Unit"),
    Column("arithmetic", "计算过程", "Arithmetic"),
    Column("note", "说明", "Note"),
)

_PARAMETER_SOURCE = VALUE_SETS["parameter_source"]
_FACTOR_SOURCE = VALUE_SETS["factor_source"]
_ENERGY_LEVEL = VALUE_SETS["energy_level"]
_TARGET_REACHED = VALUE_SETS["target_reached"]

_SIX_PLACES = Decimal("0.000001")
_TWO_PLACES = Decimal("0.01")


def _q(value: Decimal | None, places: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(places)


def _pct(fraction: Decimal | None, definition: ComputedDef) -> Decimal | None:
    """Return a fraction as the percentage its declaration prints (places fixed: 50.0, 14.82)."""
    if fraction is None:
        return None
    return (fraction * 100).quantize(Decimal(1).scaleb(-(definition.places or 0)))


def _source(default: bool) -> str:
    return _PARAMETER_SOURCE.label("default" if default else "measured") or ""


def _code_name(codes: str, value: str, labels: CodeLabels | None) -> str:
    found = fmt.code_name(codes, value, labels)
    return found.zh if found is not None else value


def _unit_zh(definition: ComputedDef) -> str:
    return definition.unit.zh if definition.unit else ""


def _line(definition: ComputedDef, value: Any, arithmetic: str = "", note: str = "",
          item: str | None = None) -> tuple[Any, ...]:
    return (item or definition.label.zh, value, _unit_zh(definition), arithmetic, note)


def _ghg_computed(schema: KindSchema, document: GhgAnnualReport, c: GhgComputed,
                  labels: CodeLabels | None) -> Section:
    fuels_node, processes_node = schema.field("fuels"), schema.field("processes")
    defs = {d.key: d for d in schema.computed}
    lines: list[tuple[Any, ...]] = []
    per_line = {d.key: d for d in FUEL_LINE_COMPUTED}
    emission = per_line["emission_tco2"]
    for r in c.fuels:
        doc_line = document.fuels[r.index] if r.index < len(document.fuels) else None
        source = (doc_line.source or "") if doc_line else ""
        name = _code_name("fuel", r.fuel, labels)
        if not r.known:
            note = "燃料代码未知，未计算排放"
        else:
            content_source = ("high_default" if r.carbon_content_high_default else "default"
                              if r.carbon_content_default else "measured")
            note = (f"低位发热量{_source(r.ncv_default)}；单位热值含碳量{_PARAMETER_SOURCE.label(content_source)}；"
                    f"碳氧化率{_source(r.oxidation_rate_default)}")
        item = f"{fuels_node.label.zh} 第{r.index + 1}行 {source} {name}".replace("  ", " ").strip()
        lines.append(_line(emission, r.emission_tco2, r.arithmetic, note, item))
    for p in c.processes:
        doc_pline = document.processes[p.index] if p.index < len(document.processes) else None
        source = (doc_pline.source or "") if doc_pline else ""
        name = _code_name("process", p.process, labels)
        item = f"{processes_node.label.zh} 第{p.index + 1}行 {source} {name}".replace("  ", " ").strip()
        note = _FACTOR_SOURCE.label(p.factor_source) or p.factor_source if p.known else "过程代码未知，未计算排放"
        lines.append(_line(defs["process_tco2"], p.emission_tco2, p.arithmetic, note, item))
    official = c.grid_factor == c.grid_factor_official
    lines.append(_line(defs["grid_factor"], c.grid_factor, "",
                       "当年官方电网排放因子" if official else f"企业填报（当年官方因子 {c.grid_factor_official}）"))
    total_keys = ("combustion_tco2", "process_tco2", "electricity_tco2", "heat_tco2", "co2_recovered_tco2",
                  "total_tco2", "direct_tco2", "energy_from_inputs_tce", "carbon_intensity", "coal_t")
    for key in total_keys:
        lines.append(_line(defs[key], getattr(c, key), c.arithmetic.get(key, "")))
    for key, text in c.arithmetic.items():  # anything the engine adds later is still printed
        if key not in defs:
            lines.append((key, None, "", text, ""))
    unit_energy = PRODUCT_COMPUTED[0]
    for pr in c.products:
        name = _code_name("product", pr.product, labels)
        level = _ENERGY_LEVEL.label(pr.level or "none")
        band = f"（{pr.variant}{'，缺省档' if pr.variant_assumed else ''}）" if pr.variant else ""
        lines.append((f"{unit_energy.label.zh} {name}{band}", pr.unit_energy, f"{pr.level_unit}/单位产品",
                      pr.arithmetic, level or ""))
    intensity = GENERATING_UNIT_COMPUTED[1]
    for g in c.generating_units:
        lines.append(_line(intensity, g.intensity, g.arithmetic,
                           f"{GENERATING_UNIT_COMPUTED[0].label.zh} {g.combustion_tco2} tCO2",
                           f"{schema.field('generating_units').label.zh} {g.id} {intensity.label.zh}"))
    lines.append(_line(defs["edition"], c.edition))
    line_table = Table(
        "computed.lines", "计算结果", "逐项计算过程", "Line-by-line arithmetic", LINE_COLUMNS, tuple(lines),
        strong=tuple(i for i, line in enumerate(lines) if line[0] == defs["total_tco2"].label.zh),
    )

    fuel = fuels_node.item
    ncv, cc, of, activity, factor, fossil, tco2, biogenic, tce = (per_line[k] for k in (
        "ncv", "carbon_content", "oxidation_rate", "activity_gj", "emission_factor", "fossil_fraction",
        "emission_tco2", "biogenic_tco2", "energy_tce"))
    source_label = Text("来源", "Source")
    fuel_columns = (
        ROW_NUMBER,
        column_of(fuel.child("source")),
        column_of(fuel.child("fuel")),
        column_of(fuel.child("consumption")),
        computed_column(ncv),
        _text_column("ncv_source", source_label),
        computed_column(cc),
        _text_column("carbon_content_source", source_label),
        computed_column(of),
        _text_column("oxidation_rate_source", source_label),
        computed_column(activity),
        computed_column(factor),
        computed_column(tco2),
        computed_column(tce),
    )
    fuel_rows = []
    for r in c.fuels:
        doc_line = document.fuels[r.index] if r.index < len(document.fuels) else None
        cc_source = "high_default" if r.carbon_content_high_default else "default" if r.carbon_content_default else "measured"
        fuel_rows.append((
            r.index + 1,
            doc_line.source if doc_line else None,
            r.fuel,
            doc_line.consumption if doc_line else None,
            r.ncv,
            _source(r.ncv_default) if r.known else None,
            r.carbon_content,
            _PARAMETER_SOURCE.label(cc_source) if r.known else None,
            r.oxidation_rate,
            _source(r.oxidation_rate_default) if r.known else None,
            r.activity_gj,
            _q(r.emission_factor, _SIX_PLACES),
            r.emission_tco2,
            _q(r.energy_tce, _TWO_PLACES),
        ))
    fuel_table = Table("computed.fuels", "计算参数", "化石燃料燃烧计算参数", "Fuel-combustion parameters used",
                       _aligned(fuel_columns, fuel_rows), tuple(fuel_rows))
    return Section("computed", "计算结果", "计算结果", "Computed results", (line_table, fuel_table))


def _cpa_computed(schema: KindSchema, document: CleanProductionAudit, c: CpaComputed) -> tuple[Section, ...]:
    defs = {d.key: d for d in schema.computed}
    active = [o for o in document.options if o.status != "dropped"]
    lines: list[tuple[Any, ...]] = []
    for cls in ("no_low", "medium_high"):
        count, done, rate = (getattr(c, f"count_{cls}"), getattr(c, f"implemented_{cls}"),
                             getattr(c, f"implementation_rate_{cls}"))
        lines.append(_line(defs[f"count_{cls}"], count))
        lines.append(_line(defs[f"implemented_{cls}"], done))
        rate_def = defs[f"implementation_rate_{cls}"]
        lines.append(_line(rate_def, _pct(rate, rate_def),
                           f"{done} ÷ {count} = {fmt.percent(rate, rate_def.places or 0)}" if rate is not None else ""))
    invest = [o.investment_10k_cny for o in active if o.investment_10k_cny is not None]
    total = c.total_investment_10k_cny
    lines.append(_line(defs["total_investment_10k_cny"], total,
                       " + ".join(str(v) for v in invest) + f" = {total}" if invest else ""))
    savings = schema.field("options[].savings")
    implemented = [o for o in document.options if o.status == "implemented"]
    for key, value in c.savings_total.items():
        node = savings.child(key)
        parts = [str(getattr(o.savings, key)) for o in implemented if getattr(o.savings, key, None) is not None]
        lines.append((f"已实施方案{node.label.zh}", value, node.unit.zh if node.unit else "",
                      " + ".join(parts) + f" = {value}" if parts else "", ""))
    indicator_set = VALUE_SETS["indicator"]
    achievement = INDICATOR_COMPUTED[0]
    for ind in c.indicators:
        name = indicator_set.label(ind.indicator) or ind.indicator
        note = _TARGET_REACHED.label({True: "yes", False: "no", None: "unknown"}[ind.achieved]) or ""
        arithmetic = ""
        if ind.index < len(document.indicators) and ind.achievement_pct is not None:
            d = document.indicators[ind.index]
            arithmetic = (f"({d.baseline} − {d.achieved}) ÷ ({d.baseline} − {d.target}) = "
                          f"{fmt.percent_points(ind.achievement_pct, achievement.places)}")
        lines.append(_line(achievement, ind.achievement_pct, arithmetic, note, f"{achievement.label.zh} {name}"))
    if c.deadlines is not None:
        for definition in DEADLINES_COMPUTED:
            lines.append(_line(definition, getattr(c.deadlines, definition.key)))
    line_table = Table("computed.lines", "计算结果", "计算结果", "Computed results", LINE_COLUMNS, tuple(lines))

    option = schema.field("options[]")
    payback, npv, irr = OPTION_COMPUTED
    econ_columns = (
        column_of(option.child("id")),
        column_of(option.child("name")),
        column_of(option.child("investment_10k_cny")),
        column_of(option.child("annual_benefit_10k_cny")),
        column_of(option.child("lifetime_years")),
        computed_column(payback),
        computed_column(npv),
        computed_column(irr),
        Column("arithmetic", "计算过程", "Arithmetic"),
    )
    by_id = {o.id: o for o in document.options}
    econ_rows = []
    for e in c.options:
        o = by_id.get(e.id)
        econ_rows.append((
            e.id,
            o.name if o else None,
            o.investment_10k_cny if o else None,
            o.annual_benefit_10k_cny if o else None,
            o.lifetime_years if o else None,
            e.payback_years,
            e.npv_10k_cny,
            _pct(e.irr, irr),
            e.arithmetic,
        ))
    econ = Table("computed.feasibility", "经济可行性", "中/高费方案经济可行性分析",
                 "Feasibility of medium/high-cost options", _aligned(econ_columns, econ_rows), tuple(econ_rows))
    return (
        Section("feasibility", "经济可行性", "经济可行性", "Economic feasibility", (econ,)),
        Section("computed", "计算结果", "计算结果", "Computed results", (line_table,)),
    )


def _disclosure_computed(schema: KindSchema, document: Any, c: Any) -> tuple[Section, ...]:
    """Return the computed results of a disclosure document: one line per figure, with its arithmetic."""
    lines: list[tuple[Any, ...]] = []
    arithmetic: dict[str, str] = getattr(c, "arithmetic", {})
    sections = {s.key: s.title.zh for s in schema.sections}
    for definition in schema.computed:
        key = definition.key
        if key == "required_sections":
            value: Any = "、".join(sections.get(k, k) for k in c.required_sections)
        elif key in ("due_on", "working_days_elapsed") and isinstance(document, EnvDisclosureAdhoc):
            value = getattr(c, key)
            lines.append(_line(definition, value, c.timing.arithmetic if key == "due_on" else ""))
            continue
        else:
            value = getattr(c, key)
        if definition.unit is not None and definition.unit.code == "percent":
            value = _pct(value, definition)
        lines.append(_line(definition, value, arithmetic.get(key, "")))
    if not isinstance(document, EnvDisclosureAdhoc):
        pollutant = VALUE_SETS["pollutant"]
        for code, ratio in c.permitted_ratio.items():
            lines.append(_line(PERMITTED_RATIO_COMPUTED, _pct(ratio, PERMITTED_RATIO_COMPUTED),
                               arithmetic.get(f"permitted_ratio.{code}", ""), "",
                               f"{pollutant.label(code) or code}{PERMITTED_RATIO_COMPUTED.label.zh}"))
        for definition in HAZARDOUS_WASTE_COMPUTED:
            lines.append(_line(definition, c.hazardous_waste_t[definition.key],
                               arithmetic.get(f"hazardous_waste_t.{definition.key}", "")))
        trigger = VALUE_SETS["adhoc_trigger"]
        adhoc = schema.field("adhoc")
        for t in c.adhoc:
            entry = document.adhoc[t.index] if t.index < len(document.adhoc) else None
            name = trigger.label(entry.trigger) if entry is not None else ""
            lines.append((f"{adhoc.label.zh} 第{t.index + 1}行 {name} 披露期限", t.due_on, "", t.arithmetic, ""))
    note = "、".join(str(y) for y in c.calendar_missing)
    if note:
        lines.append(("工作日历缺失的年度", note, "", "按星期一至星期五计算工作日", ""))
    table = Table("computed.lines", "计算结果", "计算结果", "Computed results", LINE_COLUMNS, tuple(lines))
    return (Section("computed", "计算结果", "计算结果", "Computed results", (table,)),)


def _with_co_benefit_total(sections: tuple[Section, ...], c: CpaComputed) -> tuple[Section, ...]:
    """Add the total of implemented options (computed) as the footer of the co-benefit table."""
    out = []
    for s in sections:
        tables = []
        for t in s.tables:
            if t.key == "options.savings":
                footer: list[object] = []
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


# ------------------------------------------------------------------------------------------ build


class ViewOptions(TypedDict, total=False):
    """Hold the optional inputs of every rendering of a filing: the HTML, the PDF and the Excel filing."""

    #: the names of fuel, process and product codes (``labels_from_reference``)
    labels: CodeLabels | None
    #: the template version (default: the newest of the document's kind)
    template_version: str | None
    #: rule id → title (from the rules catalogue or a version's record), see :func:`build_view`
    rule_titles: Mapping[str, Text] | None


def view_with(document: Document, computed: Computed, findings: Sequence[Finding], meta: RenderMeta,
              version: str, options: ViewOptions) -> FilingView:
    """Return :func:`build_view` of a filing with a renderer's options and the template version it chose."""
    return build_view(document, computed, findings, meta, labels=options.get("labels"), template_version=version,
                      rule_titles=options.get("rule_titles"))


_KindComputed = TypeVar("_KindComputed", GhgComputed, CpaComputed)


def _computed_as(kind: type[_KindComputed], computed: Computed) -> _KindComputed:
    """Return ``computed`` as the results of the document's own kind (``rules.engine.compute`` pairs them)."""
    if not isinstance(computed, kind):
        raise TypeError(f"{type(computed).__name__} given for a document that needs {kind.__name__}")
    return computed


def build_view(
    document: Document,
    computed: Computed,
    findings: Sequence[Finding],
    meta: RenderMeta,
    *,
    labels: CodeLabels | None = None,
    template_version: str = "v1",
    rule_titles: Mapping[str, Text] | None = None,
) -> FilingView:
    """Return the view of one filing: data sections, computed results, findings, version information.

    ``rule_titles`` (rule id → title, from the rules catalogue or a version's record) names the rule of
    an explanation that answers no current finding.
    """
    sha = document_sha256(document)
    if meta.sha256 is not None and meta.sha256 != sha:
        # A copy of record prints the hash of exactly what it shows: never the stored hash of another text.
        raise ValueError(f"the document's SHA-256 is {sha}, not the version's {meta.sha256}")
    schema = schema_of(document.kind)
    if isinstance(document, GhgAnnualReport):
        sections = data_sections(document)
        computed_sections: tuple[Section, ...] = (
            _ghg_computed(schema, document, _computed_as(GhgComputed, computed), labels),)
    elif isinstance(document, CleanProductionAudit):
        audit_computed = _computed_as(CpaComputed, computed)
        sections = _with_co_benefit_total(data_sections(document), audit_computed)
        computed_sections = _cpa_computed(schema, document, audit_computed)
    else:
        sections = data_sections(document)
        computed_sections = _disclosure_computed(schema, document, computed)
    year_node = schema.find("reporting_year")
    year_label = year_node.label.zh if year_node is not None else (
        "收到文书年度" if isinstance(document, EnvDisclosureAdhoc) else "审核年度")
    explanations = dict(document.explanations)
    rows = []
    answered: set[str] = set()
    for f in findings:
        text = explanations.get(f.key)
        if text is not None:
            answered.add(f.key)
        rows.append(FindingRow(
            f.rule, f.severity, severity_name(f.severity), f.path, schema.describe(f.path).zh,
            f.message_zh, f.message_en, f.citation, f.explained, text if text and text.strip() else None,
        ))
    stale = tuple(stale_explanation(schema, k, v, rule_titles) for k, v in sorted(explanations.items())
                  if k not in answered and v.strip())
    return FilingView(
        kind=document.kind,
        kind_zh=kind_name(document.kind),
        kind_en=kind_name(document.kind, "en"),
        schema_version=document.schema_version,
        year=filing_year(document),
        year_label=year_label,
        enterprise_name=document.enterprise.name or "（未填写企业名称）",
        uscc=document.enterprise.uscc,
        meta=meta,
        sha256=sha,
        status_zh=status_name(meta.status),
        template_version=template_version,
        sections=sections,
        computed=computed_sections,
        findings=tuple(rows),
        other_explanations=tuple((e.subject_zh, e.text) for e in stale),
        labels=labels,
        stale_explanations=stale,
    )


def stale_explanation(schema: KindSchema, key: str, text: str,
                      rule_titles: Mapping[str, Text] | None) -> StaleExplanation:
    """Return an explanation that answers no current finding with its rule's title and its path in words."""
    rule, _, path = key.partition("@")
    title = (rule_titles or {}).get(rule)
    where = schema.describe(path) if path else Text("整份文书", "the whole document")
    return StaleExplanation(key, rule, path, title.zh if title else None, title.en if title else None,
                            where.zh, where.en, text)


def describe_path(kind: str, path: str) -> str:
    """Return a document path in Chinese words: ``fuels[0].ncv`` → "化石燃料燃烧 第1行 低位发热量（实测）"."""
    return schema_of(kind).describe(path).zh


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
    for e in view.stale_explanations:
        rows.append((e.rule, None, None, e.path, e.where_zh, f"（当前无对应的发现）{e.title_zh or ''}",
                     e.title_en, None, None, e.text))
    return Table("findings", "审核发现", "审核发现", "Findings", FINDING_COLUMNS, tuple(rows))
