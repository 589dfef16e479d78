"""Write the bulk-upload workbook of one kind: blank, or filled with documents (``portal xlsx``).

The layout comes from ``portal.domain.sheets.workbook_spec`` — the columns are never listed here. One
header row per sheet (Chinese name, field code, unit); dropdowns (data validation) on every coded column,
the long code lists on the hidden sheet ``_lists``; the kind and template version on the hidden sheet
``_meta``, which the reader checks. Values are written by ``xlsx.put``: numbers as numbers from the exact
Decimal, dates as dates, text never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from portal.domain import codes as code_tables
from portal.domain.documents import Document
from portal.domain.labels import ValueSet, kind_name
from portal.domain.sheets import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    Column,
    Sheet,
    WorkbookSpec,
    workbook_spec,
)
from portal.importers.normalise import dropdown_entry

from .printing import set_up_printing
from .xlsx import put

#: code list name → [(code, Chinese name, English name)] for fuel, process and product (reference data)
CodeLists = Mapping[str, Sequence[tuple[str, str, str]]]

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")
_KEY_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="top")
_SPARE_ROWS = 1000  # rows below the data that still get the dropdowns
_INLINE_LIMIT = 250  # Excel refuses an inline list longer than 255 characters

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("本工作簿用于批量上传申报数据，每个工作簿只含一种文书，可包含多家企业、多个年度。",
     "This workbook uploads filings in bulk: one kind of document per workbook, any number of enterprises and years."),
    ("每张表的前两列“统一社会信用代码”和“年度”指明数据属于哪一份文书；“基本信息”表每份文书一行。",
     "The first two columns of every sheet (USCC and year) say which document a row belongs to; the sheet "
     "基本信息 has one row per document."),
    ("表头第一行为中文名称，第二行为字段代码（请勿修改），第三行为单位；带 * 的列必填。",
     "Each header holds the Chinese name, the field code (do not change it) and the unit; columns marked * are required."),
    ("编码列请从下拉列表中选择；多选列（如类别）用逗号分隔多个代码；是/否列填写“是”或“否”。",
     "Choose coded values from the dropdowns; separate several codes with commas; yes/no columns take 是 or 否."),
    ("请只填写数值或文本，不要使用公式；日期格式为 YYYY-MM-DD。",
     "Enter plain values, not formulas; dates as YYYY-MM-DD."),
    ("上传时整本工作簿要么全部导入，要么全部不导入；有错误时会返回标注了错误的同一工作簿，改正后重新上传即可。",
     "A workbook is imported all or nothing; on errors you get the same workbook back with the errors marked — "
     "correct it and upload it again."),
    ("同一文件重复上传不会重复导入。", "Uploading the same file again imports nothing twice."),
)


def _value_at(root: Any, path: Sequence[str]) -> Any:
    for name in path:
        if root is None:
            return None
        root = getattr(root, name)
    return root


def _cell(ws: Worksheet, row: int, column: int, col: Column, value: Any) -> None:
    if col.type in ("choices", "texts"):
        value = ", ".join(value) or None
    put(ws.cell(row=row, column=column), value, year=col.type == "int")


def _rows(sheet: Sheet, document: Document) -> Iterable[list[Any]]:
    """Yield the value rows (without keys) one document puts on one sheet (a nested list's: parent line first)."""
    if sheet.attr is None:
        yield [_value_at(document, c.path) for c in sheet.columns]
        return
    value = getattr(document, sheet.attr)
    if isinstance(value, dict):
        yield from ([key, text] for key, text in value.items())
    elif sheet.parent is not None:
        rest = sheet.path[len(sheet.parent.path):]
        for line, parent in enumerate(_value_at(document, sheet.parent.path) or (), 1):
            for item in _value_at(parent, rest) or ():
                yield [line, *(_value_at(item, c.path) for c in sheet.columns)]
    elif sheet.repeated:
        for item in _value_at(document, sheet.path) or ():
            yield [_value_at(item, c.path) for c in sheet.columns]
    elif value is not None:
        yield [_value_at(document, c.path) for c in sheet.columns]


class _Lists:
    """Fill the hidden ``_lists`` sheet, one column per code list, and hand out their ranges."""

    def __init__(self, ws: Worksheet, code_lists: CodeLists) -> None:
        self.ws = ws
        self.code_lists = code_lists
        self.ranges: dict[str, str] = {}

    def range_of(self, name: str, entries: Sequence[tuple[str, str, str]]) -> str:
        """Return the range of the list's dropdown entries: "烟煤（bituminous）" (the name first, issue 20 item 10).

        Three columns per list: the code, the bilingual name, and the entry the dropdown shows — the
        Chinese name with the code after it, which the reader turns back into the code
        (``importers.normalise.dropdown_code``).
        """
        if name not in self.ranges:
            column = 3 * len(self.ranges) + 1
            self.ws.cell(row=1, column=column, value=name)
            self.ws.cell(row=1, column=column + 1, value=f"{name} 名称 / name")
            self.ws.cell(row=1, column=column + 2, value=f"{name} 下拉 / dropdown")
            for row, (code, zh, en) in enumerate(entries, start=2):
                self.ws.cell(row=row, column=column, value=code).data_type = "s"
                self.ws.cell(row=row, column=column + 1, value=f"{zh} / {en}" if en and en != zh else zh)
                self.ws.cell(row=row, column=column + 2, value=dropdown_entry(code, zh)).data_type = "s"
            letter = get_column_letter(column + 2)
            self.ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(len(entries), 1) + 1}"
        return self.ranges[name]

    def entries(self, column: Column) -> Sequence[tuple[str, str, str]]:
        if column.codes == "region":
            return [(r.code, r.name, r.name) for r in code_tables.regions()]
        if column.codes == "industry":
            return [(i.code, i.name, i.name) for i in code_tables.industries()]
        if column.codes is not None:
            return self.code_lists.get(column.codes, ())
        values = _value_set(column)
        return [(c.value, c.zh, c.en) for c in values] if values is not None else [(c, c, c) for c in column.choices]


def _value_set(column: Column) -> ValueSet | None:
    """Return the closed value set of a choice column (its item's, for a list of choices)."""
    node = column.node
    if node is None:
        return None
    return node.children[0].values if node.kind == "list" else node.values


def _validation(col: Column, lists: _Lists) -> DataValidation | None:
    if col.type == "bool":
        return DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    if col.type == "choice" or (col.codes is not None):
        entries = lists.entries(col)
        if not entries:
            return None
        # the dropdown shows names (烟煤（bituminous）), never bare codes (issue 20 item 10)
        inline = ",".join(dropdown_entry(code, zh) for code, zh, _ in entries)
        if col.type == "choice" and len(inline) <= _INLINE_LIMIT and "," not in "".join(zh for _, zh, _ in entries):
            formula = f'"{inline}"'
        else:
            formula = lists.range_of(col.codes or col.code, entries)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = "请从下拉列表中选择 / choose a value from the list"
        dv.errorStyle = "warning"  # a code typed by hand (bituminous) is read too
        dv.showErrorMessage = True
        return dv
    return None


def _write_sheet(ws: Worksheet, spec: WorkbookSpec, sheet: Sheet, documents: Sequence[Document], lists: _Lists) -> None:
    columns = (*spec.keys, *sheet.lead, *sheet.columns)
    for index, col in enumerate(columns, start=1):
        header = col.header()
        if not col.optional:
            first, rest = header.split("\n", 1)
            header = f"{first} *\n{rest}"
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = _HEAD_FONT
        cell.fill = _KEY_FILL if index <= len(spec.keys) else _HEAD_FILL
        cell.alignment = _HEAD_ALIGN
        note = "\n".join(t for t in (col.en + (f" ({col.unit_en})" if col.unit_en else ""), col.help_zh, col.help_en) if t)
        cell.comment = Comment(note, "portal", width=240, height=80)
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = 20 if index == 1 else 14
        if col.type == "str":
            # Text columns stay text when typed into: an 18-digit USCC or a phone number keeps its digits.
            dimension.number_format = "@"
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "C2"
    set_up_printing(ws, header_rows=1, columns=len(columns))  # A4, fit to width (issue 15: was 58 pages)
    row = 2
    for document in documents:
        keys = spec.key_values(document)
        for values in _rows(sheet, document):
            for index, (col, value) in enumerate(zip(columns, [*keys, *values], strict=True), start=1):
                _cell(ws, row, index, col, value)
            row += 1
    last = row - 1 + _SPARE_ROWS
    for index, col in enumerate(columns, start=1):
        dv = _validation(col, lists)
        if dv is not None:
            letter = get_column_letter(index)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)


_REFERENCE_HEAD = ("字段说明：工作表 Sheet", "字段代码 Code", "中文名称", "English name", "单位 Unit", "必填 Required",
                   "可选值 / 说明 Values / notes")


def _column_reference(guide: Worksheet, spec: WorkbookSpec) -> None:
    """Append the table of every column: sheet, code, names in both languages, unit, required, values."""
    guide.append([])
    guide.append(list(_REFERENCE_HEAD))
    for cell in guide[guide.max_row]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
    for sheet in spec.sheets:
        for col in (*spec.keys, *sheet.lead, *sheet.columns):
            if col.choices:
                notes = ", ".join(col.choices) + ("（可填多个，用逗号分隔 / several, comma-separated）" if col.type == "choices" else "")
            elif col.codes:
                notes = f"见下拉列表 / see the dropdown ({col.codes})"
            else:
                notes = " / ".join(t for t in (col.help_zh, col.help_en) if t) or _TYPE_NOTES.get(col.type, "")
            guide.append([sheet.title, col.code, col.zh, col.en, col.unit, "是" if not col.optional else "", notes])


_TYPE_NOTES = {"bool": "是 / 否", "date": "YYYY-MM-DD", "int": "整数 / whole number",
               "texts": "可填多个，用逗号分隔 / several, comma-separated"}


def render_upload_workbook(kind: str, documents: Sequence[Document] = (), *, code_lists: CodeLists | None = None) -> bytes:
    """Return the upload workbook of ``kind`` (xlsx bytes), filled with ``documents`` (all of that kind)."""
    spec = workbook_spec(kind)
    if any(d.kind != kind for d in documents):
        raise ValueError(f"every document must be of kind {kind}")
    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS_SHEET
    guide.append([f"{kind_name(kind)} 批量上传模板", f"{kind_name(kind, 'en')} — upload template"])
    guide["A1"].font = guide["B1"].font = Font(bold=True, size=12)
    for zh, en in INSTRUCTIONS:
        guide.append([zh, en])
    guide.append([])
    guide.append(["工作表", "Sheet"])
    for sheet in spec.sheets:
        guide.append([sheet.title, sheet.title_en])
    for line in guide.iter_rows():
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _column_reference(guide, spec)
    guide.column_dimensions["A"].width = 70
    guide.column_dimensions["B"].width = 70
    set_up_printing(guide, columns=len(_REFERENCE_HEAD))
    lists_ws = book.create_sheet(LISTS_SHEET)
    lists = _Lists(lists_ws, code_lists or {})
    for sheet in spec.sheets:
        _write_sheet(book.create_sheet(sheet.title), spec, sheet, documents, lists)
    book.move_sheet(lists_ws, offset=len(book.sheetnames))
    lists_ws.sheet_state = "hidden"
    meta = book.create_sheet(META_SHEET)
    for key, value in (("kind", kind), ("template_version", TEMPLATE_VERSION), ("schema_version", "1")):
        meta.append([key, value])
        meta.cell(row=meta.max_row, column=2).data_type = "s"
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def code_lists_from_reference(ref: Any) -> dict[str, list[tuple[str, str, str]]]:
    """Return the fuel, process and product code lists of a reference (duck-typed ``all_fuels()`` …)."""
    fuels: dict[str, tuple[str, str, str]] = {}
    for fuel in ref.all_fuels():
        fuels.setdefault(fuel.code, (fuel.code, fuel.name_zh, fuel.name_en))
    variants: dict[str, tuple[str, str, str]] = {}
    for product in ref.all_products():
        for level in product.levels:
            if level.variant:  # a band code may be shared by two products: listed once, named by both
                code, zh, en = variants.get(level.variant, (level.variant, "", ""))
                variants[level.variant] = (code, "；".join(x for x in (zh, f"{product.name_zh} {level.name_zh}") if x),
                                           "; ".join(x for x in (en, f"{product.name_en} {level.name_en}") if x))
    return {
        "fuel": list(fuels.values()),
        "process": [(p.code, p.name_zh, p.name_en) for p in ref.all_processes()],
        "product": [(p.code, p.name_zh, p.name_en) for p in ref.all_products()],
        "variant": list(variants.values()),
    }
