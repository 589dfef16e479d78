"""The sheets and columns of the bulk-upload workbook, derived from the document dataclasses.

No column is listed by hand: :func:`workbook_spec` reads the kind's field tree (``schema.schema_of``), the
same tree that builds the web forms and the PDF, so a field added to ``documents.py`` appears in the
template, the reader and the error workbook without another edit.

Layout of a workbook of one kind (many documents, keyed by (uscc, year) on every sheet):

* the document sheet "基本信息": one row per document — the enterprise profile and the top-level scalars;
* one sheet per other section of the document: a nested object (电力, 热力, 排污许可 …) has at most one row
  per document, a list (化石燃料燃烧, 清洁生产方案 …) one row per line; nested objects inside a section
  (``phases.preparation.start``, ``savings.co2_t``) are flattened into dotted column codes;
* a ``list[Literal]`` (toxic.categories …) is one cell of comma-separated codes;
* ``explanations`` (finding key → text) is a two-column sheet.

The year key is the reporting year of a GHG report, and for an audit the year its filing is keyed by
(``documents.filing_year``: the year the preparation phase started, else the year after the baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from .documents import GHG_KIND
from .schema import Field, schema_of

#: Bump when the layout changes in a way an older template could not be read (kept in the metadata sheet).
TEMPLATE_VERSION = "1"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
INSTRUCTIONS_SHEET = "说明"
SUMMARY_SHEET = "错误汇总"
#: header code of the column the error workbook adds to every sheet (ignored when a corrected copy is read)
ERROR_COLUMN_CODE = "_errors"

ColumnType = Literal["decimal", "int", "bool", "date", "str", "choice", "choices"]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: columns are built once per kind
class Column:
    """Describe one column: where its value goes in the document and what it may hold."""

    path: tuple[str, ...]  # attribute path from the sheet's root object (document, or the list item)
    zh: str
    en: str
    unit: str | None
    type: ColumnType
    choices: tuple[str, ...] = ()  # the Literal values of a choice / choices column
    codes: str | None = None  # the reference code list (fuel, process, product, region, industry)
    optional: bool = True  # admits an empty cell (→ None, or the field's default)
    help_zh: str | None = None
    help_en: str | None = None
    node: Field | None = None  # the schema node (None for the key columns)

    @property
    def unit_en(self) -> str | None:
        """Return the unit as English text prints it."""
        return self.node.unit.en if self.node is not None and self.node.unit is not None else self.unit

    @property
    def code(self) -> str:
        """Return the column's code, printed in its header and used to find it again on upload."""
        return ".".join(self.path)

    def header(self) -> str:
        """Return the header text: Chinese name, code and unit, one per line."""
        unit = f"\n[{self.unit}]" if self.unit else ""
        return f"{self.zh}\n{self.code}{unit}"


@dataclass(frozen=True)
class Sheet:
    """Describe one sheet: its title, the document attribute it holds and its columns (after the keys)."""

    attr: str | None  # None: the document sheet; else the top-level attribute (fuels, electricity …)
    title: str
    title_en: str
    repeated: bool  # one row per list item (else at most one row per document)
    columns: tuple[Column, ...]
    optional_object: bool = False  # ``X | None``: a sheet row with every cell empty means None


@dataclass(frozen=True)
class WorkbookSpec:
    """Describe the workbook of one kind: its key columns and its sheets, document sheet first."""

    kind: str
    keys: tuple[Column, Column]
    sheets: tuple[Sheet, ...]

    def sheet(self, title: str) -> Sheet | None:
        """Return the sheet of that title, if any."""
        return next((s for s in self.sheets if s.title == title), None)


_COLUMN_TYPES: dict[str, ColumnType] = {
    "number": "decimal", "integer": "int", "boolean": "bool", "date": "date", "text": "str", "code": "str",
    "choice": "choice",
}


def _column(path: tuple[str, ...], node: Field) -> Column:
    """Return the column of a leaf node (or a list of leaves: codes in one cell)."""
    leaf = node.children[0] if node.is_scalar_list else node
    column_type: ColumnType = "choices" if node.is_scalar_list else _COLUMN_TYPES[node.kind]
    choices = leaf.values.values if leaf.values is not None else ()
    return Column(
        path=path, zh=node.label.zh, en=node.label.en, unit=node.unit.zh if node.unit else None,
        type=column_type, choices=choices, codes=leaf.codes, optional=not node.required or node.nullable,
        help_zh=node.help.zh if node.help else None, help_en=node.help.en if node.help else None, node=node,
    )


def _columns(node: Field, prefix: tuple[str, ...] = ()) -> list[Column]:
    """Return the columns of an object node, nested objects flattened into dotted codes."""
    out: list[Column] = []
    for child in node.children:
        if child.kind == "object":
            out.extend(_columns(child, (*prefix, child.name)))
        else:
            out.append(_column((*prefix, child.name), child))
    return out


#: Fields the workbook does not carry as columns: constants of the kind, and the keys themselves.
_NOT_COLUMNS = {("kind",), ("schema_version",), ("reporting_year",), ("enterprise", "uscc")}


@cache
def workbook_spec(kind: str) -> WorkbookSpec:
    """Return the workbook layout of a document kind (built once from the kind's schema)."""
    root = schema_of(kind).root
    year_zh, year_en = ("报告年度", "Reporting year") if kind == GHG_KIND else ("申报年度（审核开始年份）", "Filing year")
    keys = (
        Column(("uscc",), "统一社会信用代码", "Unified social credit code", None, "str", optional=False),
        Column(("year",), year_zh, year_en, None, "int", optional=False),
    )
    main: list[Column] = []
    sheets: list[Sheet] = []
    for child in root.children:
        if child.name == "enterprise":
            # The profile shares the document sheet: the key uscc is its first column, and one wide row
            # per enterprise reads better than a sheet of its own.
            main.extend(c for c in _columns(child, ("enterprise",)) if c.path not in _NOT_COLUMNS)
        elif child.kind == "object":
            sheets.append(Sheet(child.name, child.label.zh, child.label.en, False, tuple(_columns(child, (child.name,))),
                                optional_object=child.nullable))
        elif child.kind == "list" and child.item.kind == "object":
            sheets.append(Sheet(child.name, child.label.zh, child.label.en, True, tuple(_columns(child.item))))
        elif child.kind == "map":
            key = Column(("key",), "问题编号", "Finding key", None, "str", optional=False)
            text = Column(("text",), "说明", "Explanation", None, "str", optional=False, node=child.item)
            sheets.append(Sheet(child.name, child.label.zh, child.label.en, True, (key, text)))
        elif (child.name,) not in _NOT_COLUMNS:
            main.append(_column((child.name,), child))
    document_sheet = Sheet(None, "基本信息", "Document", False, tuple(main))
    spec = WorkbookSpec(kind, keys, (document_sheet, *sheets))
    titles = [s.title for s in spec.sheets]
    if len(set(titles)) != len(titles) or any(len(t) > 31 for t in titles):
        raise ValueError(f"sheet titles must be unique and at most 31 characters: {titles}")
    return spec
