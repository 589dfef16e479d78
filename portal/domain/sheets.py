"""The sheets and columns of the bulk-upload workbook, derived from the document dataclasses.

No column is listed by hand: :func:`workbook_spec` reads the kind's field tree (``schema.schema_of``), the
same tree that builds the web forms and the PDF, so a field added to ``documents.py`` appears in the
template, the reader and the error workbook without another edit.

Layout of a workbook of one kind (many documents, keyed by (uscc, year) on every sheet):

* the document sheet "基本信息": one row per document — the enterprise profile and the top-level scalars;
* one sheet per other top-level field (a section of the disclosure report, 电力, 排污许可 …): a nested
  object has at most one row per document, a list (化石燃料燃烧, 清洁生产方案 …) one row per line; nested
  objects inside it (``phases.preparation.start``, ``savings.co2_t``, ``carbon.ets.surrender.ccer_t``) are
  flattened into dotted column codes; a row holding only the keys says the object is there (its fields
  empty) — an absent object has no row;
* a list of objects inside an object (``pollutants.outlets``) is a sheet of its own, one row per line, in
  the order of the lines; its sheet follows its object's;
* a list of objects inside the *lines* of a list (``pollutants.hazardous_waste[].receivers``,
  ``financing.items[].projects``) is a sheet of its own whose rows name their parent line in the column
  ``_line`` (所属行号: the 1-based line of the parent sheet, counted per document) — a design choice: one
  flat sheet per list keeps every row a row, and the parent's line number is what a filer sees there;
* a list of codes (toxic.categories …) is one cell of comma-separated codes; a list of free identifiers
  (facilities[].outlets: outlet codes) likewise, as text (an identifier may not hold a comma or a space);
* ``explanations`` (finding key → text) is a two-column sheet.

The year key is the reporting year of a report, for an audit the year its filing is keyed by
(``documents.filing_year``: the year the preparation phase started, else the year after the baseline),
and for an ad-hoc disclosure the year its legal document was received. An enterprise files many ad-hoc
disclosures a year, so that kind has a third key on every sheet: the legal document's number (文号).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from .disclosure import ADHOC_KIND, ANNUAL_KIND
from .documents import CPA_KIND, GHG_KIND, filing_year
from .schema import Field, schema_of

#: Bump when the layout changes in a way an older template could not be read (kept in the metadata sheet).
TEMPLATE_VERSION = "1"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
INSTRUCTIONS_SHEET = "说明"
SUMMARY_SHEET = "错误汇总"
#: header code of the column the error workbook adds to every sheet (ignored when a corrected copy is read)
ERROR_COLUMN_CODE = "_errors"

#: header code of the column naming the parent line of a nested list's row (所属行号)
LINE_COLUMN_CODE = "_line"

ColumnType = Literal["decimal", "int", "bool", "date", "str", "choice", "choices", "texts"]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: columns are built once per kind
class Column:
    """Describe one column: where its value goes in the document and what it may hold."""

    path: tuple[str, ...]  # attribute path from the sheet's root object (document, or the list item)
    zh: str
    en: str
    unit: str | None
    type: ColumnType
    choices: tuple[str, ...] = ()  # the Literal values of a choice / choices column ("texts": free codes)
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


@dataclass(frozen=True, eq=False)
class Sheet:
    """Describe one sheet: its title, what of the document it holds, and its columns (after the keys)."""

    attr: str | None  # None: the document sheet; else the top-level attribute (fuels, electricity, pollutants …)
    title: str
    title_en: str
    repeated: bool  # one row per list item (else at most one row per document)
    columns: tuple[Column, ...]
    optional_object: bool = False  # ``X | None``: a sheet row with every cell empty means None
    #: the attribute path from the document to the list or object the sheet holds (("fuels",),
    #: ("pollutants", "outlets")); for a list in the lines of another (``parent``) it starts with that list's
    path: tuple[str, ...] = ()
    #: the sheet of the list whose lines hold this sheet's list (rows name their parent line: ``line``)
    parent: Sheet | None = None
    line: Column | None = None  # the parent-line column (所属行号) of such a sheet

    @property
    def lead(self) -> tuple[Column, ...]:
        """Return the columns between the keys and the data: the parent line, for a nested list."""
        return (self.line,) if self.line is not None else ()


@dataclass(frozen=True)
class WorkbookSpec:
    """Describe the workbook of one kind: its key columns and its sheets, document sheet first.

    ``keys`` are (uscc, year) and, for a kind with many documents per enterprise and year (the ad-hoc
    disclosure), a third: the column of the document attribute that tells them apart.
    """

    kind: str
    keys: tuple[Column, ...]
    sheets: tuple[Sheet, ...]

    def sheet(self, title: str) -> Sheet | None:
        """Return the sheet of that title, if any."""
        return next((s for s in self.sheets if s.title == title), None)

    def key_values(self, document: Any) -> list[Any]:
        """Return the key cells of a document: uscc, year and the extra keys' values."""
        values: list[Any] = [document.enterprise.uscc, filing_year(document)]
        for column in self.keys[2:]:
            value: Any = document
            for name in column.path:
                value = None if value is None else getattr(value, name)
            values.append(value)
        return values


_COLUMN_TYPES: dict[str, ColumnType] = {
    "number": "decimal", "integer": "int", "boolean": "bool", "date": "date", "text": "str", "code": "str",
    "choice": "choice",
}


def _column(path: tuple[str, ...], node: Field) -> Column:
    """Return the column of a leaf node (or a list of leaves: codes in one cell)."""
    leaf = node.children[0] if node.is_scalar_list else node
    if node.is_scalar_list:
        column_type: ColumnType = "choices" if leaf.values is not None else "texts"
    else:
        column_type = _COLUMN_TYPES[node.kind]
    choices = leaf.values.values if leaf.values is not None else ()
    return Column(
        path=path, zh=node.label.zh, en=node.label.en, unit=node.unit.zh if node.unit else None,
        type=column_type, choices=choices, codes=leaf.codes, optional=not node.required or node.nullable,
        help_zh=node.help.zh if node.help else None, help_en=node.help.en if node.help else None, node=node,
    )


def _columns(node: Field, prefix: tuple[str, ...] = (), skip: frozenset[tuple[str, ...]] = frozenset()) -> list[Column]:
    """Return the columns of an object node, nested objects flattened into dotted codes (lists left out)."""
    # a list of objects is a sheet of its own (_list_sheets)
    return [_column(path, child) for child, path in _flattened(node, prefix)
            if not _is_object_list(child) and path not in skip]


def _flattened(node: Field, path: tuple[str, ...]) -> Iterator[tuple[Field, tuple[str, ...]]]:
    """Yield the children of an object node with their paths, in order, nested objects' children in place."""
    for child in node.children:
        here = (*path, child.name)
        if child.kind == "object":
            yield from _flattened(child, here)
        else:
            yield child, here


def _is_object_list(node: Field) -> bool:
    return node.kind == "list" and not node.is_scalar_list


def _list_sheets(node: Field, path: tuple[str, ...], parent: Sheet | None = None) -> list[Sheet]:
    """Return the sheets of the lists of objects under object ``node`` (at ``path``), each before its children.

    ``path`` is the attribute path of ``node``: from the document for a section, from the parent list's
    path for an object inside a parent list's line.
    """
    out: list[Sheet] = []
    for child, here in _flattened(node, path):
        if _is_object_list(child):
            line = None
            if parent is not None:
                line = Column((LINE_COLUMN_CODE,), f"所属{parent.title}行号", f"Line of {parent.title_en}", None, "int",
                              optional=False, help_zh=f"本行所属的“{parent.title}”表中的行号（同一企业、年度内从 1 起数）",
                              help_en=f"the line of the sheet {parent.title} this row belongs to (counted from 1 "
                                      "per enterprise and year)")
            sheet = Sheet(here[0], child.label.zh, child.label.en, True, tuple(_columns(child.item)), path=here,
                          parent=parent, line=line)
            out.append(sheet)
            out.extend(_list_sheets(child.item, here, sheet))
    return out


#: Fields the workbook does not carry as columns: constants of the kind, and the keys themselves.
_NOT_COLUMNS = {("kind",), ("schema_version",), ("reporting_year",), ("enterprise", "uscc")}

#: the year key's names, by kind
_YEAR_NAMES = {
    GHG_KIND: ("报告年度", "Reporting year"),
    CPA_KIND: ("申报年度（审核开始年份）", "Filing year"),
    ANNUAL_KIND: ("报告年度", "Reporting year"),
    ADHOC_KIND: ("年度（收到法律文书的年份）", "Year (the legal document received)"),
}
#: the third key of the kinds that file many documents per enterprise and year: the document attribute
_EXTRA_KEYS = {ADHOC_KIND: ("document", "number")}


@cache
def workbook_spec(kind: str) -> WorkbookSpec:
    """Return the workbook layout of a document kind (built once from the kind's schema)."""
    root = schema_of(kind).root
    year_zh, year_en = _YEAR_NAMES[kind]
    keys: tuple[Column, ...] = (
        Column(("uscc",), "统一社会信用代码", "Unified social credit code", None, "str", optional=False),
        Column(("year",), year_zh, year_en, None, "int", optional=False),
    )
    skip = frozenset(_NOT_COLUMNS)
    if kind in _EXTRA_KEYS:
        path = _EXTRA_KEYS[kind]
        node = root
        for name in path:
            node = node.child(name)
        keys += (Column(path, node.label.zh, node.label.en, None, "str", optional=False, node=node),)
        skip |= {path}
    main: list[Column] = []
    sheets: list[Sheet] = []
    for child in root.children:
        if child.name == "enterprise":
            # The profile shares the document sheet: the key uscc is its first column, and one wide row
            # per enterprise reads better than a sheet of its own.
            main.extend(c for c in _columns(child, ("enterprise",)) if c.path not in skip)
        elif child.kind == "object":
            sheets.append(Sheet(child.name, child.label.zh, child.label.en, False,
                                tuple(_columns(child, (child.name,), skip)), optional_object=child.nullable,
                                path=(child.name,)))
            sheets.extend(_list_sheets(child, (child.name,)))
        elif child.kind == "list" and child.item.kind == "object":
            sheet = Sheet(child.name, child.label.zh, child.label.en, True, tuple(_columns(child.item)),
                          path=(child.name,))
            sheets.append(sheet)
            sheets.extend(_list_sheets(child.item, (child.name,), sheet))
        elif child.kind == "map":
            key = Column(("key",), "问题编号", "Finding key", None, "str", optional=False)
            text = Column(("text",), "说明", "Explanation", None, "str", optional=False, node=child.item)
            sheets.append(Sheet(child.name, child.label.zh, child.label.en, True, (key, text), path=(child.name,)))
        elif (child.name,) not in skip:
            main.append(_column((child.name,), child))
    document_sheet = Sheet(None, "基本信息", "Document", False, tuple(main))
    spec = WorkbookSpec(kind, keys, (document_sheet, *sheets))
    titles = [s.title for s in spec.sheets]
    if len(set(titles)) != len(titles) or any(len(t) > 31 for t in titles):
        raise ValueError(f"sheet titles must be unique and at most 31 characters: {titles}")
    return spec
