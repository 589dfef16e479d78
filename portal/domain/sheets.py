"""The sheets and columns of the bulk-upload workbook, derived from the document dataclasses.

No column is listed by hand: :func:`workbook_spec` walks the field declarations of ``documents.py`` (type
hints plus ``info(zh, en, unit, codes=...)``), the same declarations that build the web forms, so a field
added there appears in the template, the reader and the error workbook without another edit.

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

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal, get_args, get_origin

from .documents import DOCUMENT_TYPES, GHG_KIND
from .fields import field_info

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


def _optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != len(get_args(tp)):
            return True, args[0]
    return False, tp


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _scalar(path: tuple[str, ...], f: dataclasses.Field[Any], tp: Any) -> Column:
    info = field_info(f)
    optional, tp = _optional(tp)
    optional = optional or _has_default(f)
    common = {"path": path, "zh": info.zh, "en": info.en, "unit": info.unit, "optional": optional,
              "help_zh": info.help_zh, "help_en": info.help_en}
    if get_origin(tp) is Literal:
        return Column(**common, type="choice", choices=tuple(str(a) for a in get_args(tp)))
    if get_origin(tp) is list:
        (item,) = get_args(tp)
        return Column(**common, type="choices", choices=tuple(str(a) for a in get_args(item)))
    kinds: dict[Any, ColumnType] = {Decimal: "decimal", int: "int", bool: "bool", dt.date: "date", str: "str"}
    if tp not in kinds:
        raise TypeError(f"no column type for {tp!r} at {'.'.join(path)}")  # a programming error
    return Column(**common, type=kinds[tp], codes=info.codes)


def _columns(cls: type, prefix: tuple[str, ...] = ()) -> list[Column]:
    """Return the columns of a dataclass, nested dataclasses flattened into dotted codes."""
    hints = typing.get_type_hints(cls)
    out: list[Column] = []
    for f in dataclasses.fields(cls):
        _, tp = _optional(hints[f.name])
        if dataclasses.is_dataclass(tp):
            out.extend(_columns(tp, (*prefix, f.name)))  # type: ignore[arg-type]
        else:
            out.append(_scalar((*prefix, f.name), f, hints[f.name]))
    return out


#: Fields the workbook does not carry as columns: constants of the kind, and the keys themselves.
_NOT_COLUMNS = {("kind",), ("schema_version",), ("reporting_year",), ("enterprise", "uscc")}


@cache
def workbook_spec(kind: str) -> WorkbookSpec:
    """Return the workbook layout of a document kind (built once from the dataclasses)."""
    doc_cls = DOCUMENT_TYPES[kind]
    hints = typing.get_type_hints(doc_cls)
    year_zh, year_en = ("报告年度", "Reporting year") if kind == GHG_KIND else ("申报年度（审核开始年份）", "Filing year")
    keys = (
        Column(("uscc",), "统一社会信用代码", "Unified social credit code", None, "str", optional=False),
        Column(("year",), year_zh, year_en, None, "int", optional=False),
    )
    main: list[Column] = []
    sheets: list[Sheet] = []
    for f in dataclasses.fields(doc_cls):
        optional, tp = _optional(hints[f.name])
        info = field_info(f)
        if f.name == "enterprise":
            # The profile shares the document sheet: the key uscc is its first column, and one wide row
            # per enterprise reads better than a sheet of its own.
            main.extend(c for c in _columns(tp, ("enterprise",)) if c.path not in _NOT_COLUMNS)
        elif dataclasses.is_dataclass(tp):
            sheets.append(Sheet(f.name, info.zh, info.en, False, tuple(_columns(tp, (f.name,))),  # type: ignore[arg-type]
                                optional_object=optional))
        elif get_origin(tp) is list and dataclasses.is_dataclass(get_args(tp)[0]):
            sheets.append(Sheet(f.name, info.zh, info.en, True, tuple(_columns(get_args(tp)[0]))))
        elif get_origin(tp) is dict:
            key = Column(("key",), "问题编号", "Finding key", None, "str", optional=False)
            text = Column(("text",), "说明", "Explanation", None, "str", optional=False)
            sheets.append(Sheet(f.name, info.zh, info.en, True, (key, text)))
        elif (f.name,) not in _NOT_COLUMNS:
            main.append(_scalar((f.name,), f, hints[f.name]))
    document_sheet = Sheet(None, "基本信息", "Document", False, tuple(main))
    spec = WorkbookSpec(kind, keys, (document_sheet, *sheets))
    titles = [s.title for s in spec.sheets]
    if len(set(titles)) != len(titles) or any(len(t) > 31 for t in titles):
        raise ValueError(f"sheet titles must be unique and at most 31 characters: {titles}")
    return spec
