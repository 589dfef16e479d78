"""Turn the rows of an upload workbook into canonical documents, or into errors naming each bad cell.

Pure: the caller reads the file (``reader.read_upload``) and passes the sheets' rows and the reference
code lists. Every value goes through ``normalise`` (``converter``: types in one place), then the assembled
JSON-like data through the strict codec (``codec.parse_document``), so a workbook is held to exactly the
rules a JSON upload is. Coded values are re-validated here: Excel's dropdowns are advice, not a check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from portal.domain import codes as code_tables
from portal.domain.codec import DocumentError, parse_document
from portal.domain.documents import ADHOC_KIND, CPA_KIND, KINDS, Document, filing_year
from portal.domain.schema import Field, leaf_check, normalise_text, normalised, validate
from portal.domain.sheets import (
    ERROR_COLUMN_CODE,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    SUMMARY_SHEET,
    TEMPLATE_VERSION,
    Column,
    Sheet,
    WorkbookSpec,
    workbook_spec,
)

from .guard import FORMULA_EN, FORMULA_ZH
from .normalise import CellValueError, converter, is_blank, to_text

Rows = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class CellError:
    """Name one problem: the sheet, the 1-based row and column (None: the whole row / sheet), the message."""

    sheet: str
    row: int | None
    column: int | None
    message_zh: str
    message_en: str
    #: the column's field label (Chinese, English) and the value as the cell held it, for the result page
    #: (filled by :func:`with_cells`; None where the error names no cell)
    label_zh: str | None = None
    label_en: str | None = None
    value: str | None = None

    def where(self) -> str:
        """Return "sheet!B7" (or the sheet / row alone) for messages."""
        if self.row is None:
            return self.sheet
        if self.column is None:
            return f"{self.sheet} 第{self.row}行"
        return f"{self.sheet}!{column_letter(self.column)}{self.row}"

    def describe(self) -> str:
        """Return the one-line bilingual description used on stderr."""
        return f"{self.where()}: {self.message_zh} / {self.message_en}"


def with_cells(kind: str | None, sheets: Mapping[str, Rows], errors: Sequence[CellError]) -> list[CellError]:
    """Return ``errors`` with each cell's field label and value filled in (row, column, label, value, message).

    One place for what the result page lists beside each message (issue 20 item 1).
    """
    spec = workbook_spec(kind) if kind is not None else None
    out: list[CellError] = []
    for error in errors:
        rows = sheets.get(error.sheet)
        if error.row is None or error.column is None or not rows or spec is None:
            out.append(error)
            continue
        sheet = spec.sheet(error.sheet)
        header = _header_codes(rows[0]) if rows else []
        code = header[error.column - 1] if error.column <= len(header) else None
        by_code = {c.code: c for c in (*spec.keys, *(sheet.lead if sheet else ()), *(sheet.columns if sheet else ()))}
        column = by_code.get(code) if code else None
        row = rows[error.row - 1] if error.row <= len(rows) else []
        raw = row[error.column - 1] if error.column <= len(row) else None
        value = None if is_blank(raw) else _shown_value(raw)
        out.append(dataclasses.replace(error, label_zh=column.zh if column else None,
                                       label_en=column.en if column else None, value=value))
    return out


def _shown_value(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        text = str(int(raw))
    elif isinstance(raw, float):
        text = repr(raw)
    else:
        text = str(raw)
    return text if len(text) <= 60 else text[:59] + "…"


def column_letter(number: int) -> str:
    """Return the Excel letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class ParsedDocument:
    """Hold one document read from a workbook, with where it came from."""

    uscc: str
    year: int
    document: Document
    row: int  # its row on the document sheet
    #: the extra key of a kind with many documents per enterprise and year (an ad-hoc disclosure's 文号)
    number: str | None = None


@dataclass(frozen=True)
class DocumentKey:
    """Name one document row of a workbook: its enterprise, year and row on the document sheet."""

    uscc: str
    year: int
    row: int
    doc_key: str = ""  # an ad-hoc disclosure's 文号: one filing per legal document (services.filings.doc_key_of)


@dataclass
class ParsedWorkbook:
    """Hold what a workbook held: its documents, or the errors that stop the import, and its row count.

    ``keys`` names every document row read, even when errors stop the import: the caller checks the
    enterprises and years of them all in the same pass as the cells (issue 20 item 1).
    """

    kind: str | None
    documents: list[ParsedDocument] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    rows: int = 0
    keys: list[DocumentKey] = field(default_factory=list)


@dataclass
class _Draft:
    row: int
    data: dict[str, Any]
    #: (path prefix, sheet, row, {column: (index, value)}) per row read — turned into cells only for an error
    #: message (the row's own dict of values, kept as it is rather than copied for every row)
    rows: list[tuple[str, str, int, dict[Column, tuple[int, Any]]]] = field(default_factory=list)


def read_kind(sheets: Mapping[str, Rows]) -> tuple[str | None, CellError | None]:
    """Return the kind named by the hidden metadata sheet, or an error when it is missing or unknown."""
    meta = {to_text(r[0], strip=True): r[1] for r in sheets.get(META_SHEET, ()) if len(r) >= 2 and not is_blank(r[0])}
    kind, version = meta.get("kind"), meta.get("template_version")
    if kind not in KINDS:
        return None, CellError(META_SHEET, None, None, "不是本平台的上传模板（缺少模板元数据）；请先下载模板",
                               "not an upload template of this portal (no template metadata); download the template first")
    if version is None or to_text(version, strip=True) != TEMPLATE_VERSION:
        return None, CellError(META_SHEET, None, None, f"模板版本 {version} 已不再使用；请下载最新模板",
                               f"template version {version} is no longer read; download the current template")
    return str(kind), None


def _set(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for name in path[:-1]:
        data = data.setdefault(name, {})
    data[path[-1]] = value


def _header_codes(header: Sequence[Any]) -> list[str | None]:
    """Return each header cell's column code (its second line; the whole text for a one-line header)."""
    out: list[str | None] = []
    for cell in header:
        if is_blank(cell):
            out.append(None)
            continue
        text = cell if isinstance(cell, str) else to_text(cell)
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        out.append(lines[1] if len(lines) >= 2 else lines[0])
    return out


def _map_columns(spec: WorkbookSpec, sheet: Sheet, header: Sequence[Any], errors: list[CellError]) -> dict[int, Column]:
    by_code = {c.code: c for c in (*spec.keys, *sheet.lead, *sheet.columns)}
    mapped: dict[int, Column] = {}
    for index, code in enumerate(_header_codes(header)):
        if code is None or code == ERROR_COLUMN_CODE:
            continue
        column = by_code.get(code)
        if column is None:
            errors.append(CellError(sheet.title, 1, index + 1, f"未知的列“{code}”（表头第二行应为字段代码）",
                                    f"unknown column '{code}' (the second line of a header is the field code)"))
        elif column in mapped.values():
            errors.append(CellError(sheet.title, 1, index + 1, f"列“{code}”重复", f"column '{code}' appears twice"))
        else:
            mapped[index] = column
    for column in (*spec.keys, *sheet.lead, *sheet.columns):
        if not column.optional and column not in mapped.values():
            errors.append(CellError(sheet.title, 1, None, f"缺少必填列“{column.zh}”（{column.code}）",
                                    f"the required column '{column.en}' ({column.code}) is missing"))
    return mapped


def _code_problem(column: Column, value: str, code_lists: Mapping[str, frozenset[str]]) -> tuple[str, str] | None:
    if column.codes == "region":
        known = code_tables.region(value) is not None
    elif column.codes == "industry":
        known = code_tables.industry_known(value)
    elif column.codes is not None and column.codes in code_lists:
        known = value in code_lists[column.codes]
    else:
        return None
    if known:
        return None
    return (f"代码“{value}”不在{column.zh}代码表中（请从下拉列表选择）",
            f"code '{value}' is not in the {column.en} code list (choose from the dropdown)")


def parse_workbook(sheets: Mapping[str, Rows], code_lists: Mapping[str, frozenset[str]], *,
                   progress: Callable[[int, int], None] | None = None, checking: bool = False) -> ParsedWorkbook:
    """Return the documents a workbook holds, or every error found in it (all cells are checked).

    Every error of every sheet is reported in one pass (issue 20 item 1): a formula, a cell that is not
    of its column's type, a value outside its field's bounds, a missing row, and what the document as a
    whole does not admit — the filer corrects them all at once, not round after round.

    ``progress(rows done, rows in all)`` is called every 1,000 rows and at the end (for a progress bar).
    Values outside their field's bounds are refused, as every input channel refuses them; with
    ``checking`` (``portal check``) those that a rule reports (GHG-002/003) are left to the rules, so a
    workbook checks exactly as the JSON documents it was written from.
    """
    kind, problem = read_kind(sheets)
    if kind is None:
        return ParsedWorkbook(None, errors=[problem] if problem else [])
    spec = workbook_spec(kind)
    result = ParsedWorkbook(kind)
    for title, ref in getattr(sheets, "formulas", ()):  # UploadSheets: the cells the guard found
        row, column = _cell_position(ref)
        result.errors.append(CellError(title, row, column, f"此单元格含有公式；{FORMULA_ZH}",
                                       f"this cell holds a formula: {FORMULA_EN}"))
    total = sum(max(len(sheets.get(s.title, ())) - 1, 0) for s in spec.sheets)
    done = 0
    drafts: dict[tuple[Any, ...], _Draft] = {}
    for sheet in spec.sheets:
        rows = sheets.get(sheet.title)
        if rows is None:
            if sheet.attr is None:
                result.errors.append(CellError(sheet.title, None, None, f"缺少工作表“{sheet.title}”",
                                               f"the sheet '{sheet.title}' ({sheet.title_en}) is missing"))
                return result
            continue  # a section sheet deleted by the filer holds nothing
        if not rows:
            continue
        columns = _map_columns(spec, sheet, rows[0], result.errors)
        codes = _header_codes(rows[0])
        headless = [i for i, code in enumerate(codes) if code is None]
        plan = _SheetPlan.build(spec, sheet, columns)
        width_read = len(codes)
        seen: set[tuple[Any, ...]] = set()
        for offset, raw in enumerate(rows[1:]):
            number = offset + 2
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done, total)
            width = len(raw)
            # A value under no header would be silently dropped: say so instead (never lose data).
            if headless or width > width_read:
                for i in (*headless, *range(width_read, width)):
                    if i < width and not is_blank(raw[i]):
                        result.errors.append(CellError(sheet.title, number, i + 1, "此列没有表头，其中的数据无法导入",
                                                       "this column has no header: its data cannot be imported"))
            # calamine hands empty cells back as "": test that first, then what is_blank tests (inlined: a
            # function call per cell costs more than the test itself, ~270,000 cells)
            cells = {i: v for i in plan.indexes
                     if i < width and (v := raw[i]) != "" and v is not None and (not isinstance(v, str) or v.strip())}
            if not cells:
                continue
            result.rows += 1
            _read_row(spec, sheet, plan, number, cells, drafts, seen, code_lists, result.errors, checking)
    if progress is not None:
        progress(total, total)
    _check_other_sheets(spec, sheets, result.errors)
    result.keys = [DocumentKey(key[0], key[1], draft.row, str(key[2]).strip()[:100] if len(key) > 2 else "")
                   for key, draft in drafts.items()]
    # Each document is assembled and validated even when cells were refused, so that what only the whole
    # document shows is reported in the same pass; an error that merely follows from a refused cell of
    # the same row (its value is missing from the document) is not repeated.
    reported = {(e.sheet, e.row, e.column, e.message_zh) for e in result.errors}
    bad_rows = {(e.sheet, e.row) for e in result.errors}
    for key, draft in drafts.items():
        _finish(spec, key, draft, result, checking=checking, reported=reported, bad_rows=bad_rows)
    if result.errors:
        result.documents = []  # nothing is imported from a workbook with errors
    return result


def _cell_position(ref: str) -> tuple[int | None, int | None]:
    """Return the 1-based (row, column) of a cell reference "C2" (None, None when unreadable)."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if not letters.isalpha() or not digits:
        return None, None
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return int(digits), number


def _cell_problem(node: Field | None, value: Any, checking: bool) -> tuple[str, str] | None:
    """Return why a converted cell value may not be held by its field (check_value: every channel's check)."""
    if node is None or node.kind not in ("number", "integer", "text", "code"):
        return None
    check = leaf_check(node)  # cached per node: a comparison for a number in bounds
    if check is None:
        return None
    found = check(normalise_text(value) if isinstance(value, str) else value)
    if found is None:
        return None
    message, rule = found
    if checking and rule is not None:
        return None  # portal check: the rule reports it (GHG-002/003)
    return message.zh, message.en


#: sheets a workbook may hold besides the spec's: the instructions, the hidden lists and metadata, and the
#: summary of an error workbook being uploaded again after correction
_KNOWN_SHEETS = {INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET, SUMMARY_SHEET}


def _check_other_sheets(spec: WorkbookSpec, sheets: Mapping[str, Rows], errors: list[CellError]) -> None:
    """Report a sheet the template does not have when it holds data (it would not be imported)."""
    for title, rows in sheets.items():
        if title in _KNOWN_SHEETS or spec.sheet(title) is not None:
            continue
        if any(not is_blank(v) for row in rows for v in row):
            errors.append(CellError(title, None, None, f"工作表“{title}”不属于模板，其中的数据不会被导入；请将数据移到对应的表中或删除此表",
                                    f"the sheet '{title}' is not part of the template and its data would not be "
                                    "imported; move the data to the right sheet or delete this sheet"))


@dataclass
class _SheetPlan:
    """Hold what every row of one sheet needs, worked out once from its header (not once per row)."""

    columns: Mapping[int, Column]  # header position → column
    indexes: tuple[int, ...]  # the positions read, in order
    convert: dict[int, Callable[[Any], Any]]  # position → the column's cell converter
    #: the sheet's required columns, each with its position (None: the header lacks it)
    required: tuple[tuple[Column, int | None], ...]
    key_indexes: tuple[int | None, ...]  # the position of each key column (None: the header lacks it)
    line_index: int | None  # the position of the parent-line column of a nested list's sheet

    @classmethod
    def build(cls, spec: WorkbookSpec, sheet: Sheet, columns: Mapping[int, Column]) -> _SheetPlan:
        position = {column: i for i, column in columns.items()}
        return cls(columns, tuple(columns), {i: converter(c) for i, c in columns.items()},
                   tuple((c, position.get(c)) for c in sheet.columns if not c.optional),
                   tuple(position.get(k) for k in spec.keys), position.get(sheet.line) if sheet.line else None)


def _read_row(spec: WorkbookSpec, sheet: Sheet, plan: _SheetPlan, number: int, cells: Mapping[int, Any],
              drafts: dict[tuple[Any, ...], _Draft], seen: set[tuple[Any, ...]],
              code_lists: Mapping[str, frozenset[str]], errors: list[CellError], checking: bool = False) -> None:
    columns, convert = plan.columns, plan.convert
    values: dict[Column, tuple[int, Any]] = {}
    for index, raw in cells.items():
        column = columns[index]
        try:
            value = convert[index](raw)
        except CellValueError as exc:
            errors.append(CellError(sheet.title, number, index + 1, exc.message_zh, exc.message_en))
            continue
        if column.codes and (problem := _code_problem(column, value, code_lists)):
            errors.append(CellError(sheet.title, number, index + 1, *problem))
            continue
        if column.node is not None and (problem := _cell_problem(column.node, value, checking)):
            # at the cell, in the same pass as the types (the value is kept: the document still parses)
            errors.append(CellError(sheet.title, number, index + 1, *problem))
        values[column] = (index, value)
    if any(k not in values for k in spec.keys):
        # a key cell that is present but wrong has its own error already; say "missing" only when empty
        for k, key_index in zip(spec.keys, plan.key_indexes, strict=True):
            if k not in values and key_index not in cells:
                zh, en = ("统一社会信用代码", "the unified social credit code") if k is spec.keys[0] else (k.zh, f"the {k.en.lower()}")
                errors.append(CellError(sheet.title, number, _index_of(columns, k), f"缺少{zh}", f"{en} is missing"))
        return
    key = tuple(values.pop(k)[1].strip() if k.type == "str" else values.pop(k)[1] for k in spec.keys)
    shown = "，".join(str(v) for v in key)
    if sheet.attr is None:
        if key in drafts:
            what_zh, what_en = ("同一企业和年度", "the same enterprise and year") if len(key) == 2 else (
                "同一企业、年度和文号", "the same enterprise, year and document number")
            errors.append(CellError(sheet.title, number, None,
                                    f"{what_zh}（{shown}）出现两次，首次在第 {drafts[key].row} 行",
                                    f"{what_en} ({shown.replace('，', ', ')}) appears twice; first on row "
                                    f"{drafts[key].row}"))
            return
        drafts[key] = _Draft(number, {})
    elif key not in drafts:
        number_zh, number_en = (f"、文号 {key[2]}", f" and document {key[2]}") if len(key) > 2 else ("", "")
        errors.append(CellError(sheet.title, number, None,
                                f"“基本信息”表中没有企业 {key[0]} 的 {key[1]} 年度{number_zh}行",
                                f"the sheet 基本信息 has no row for enterprise {key[0]} and year {key[1]}{number_en}"))
        return
    draft = drafts[key]
    if sheet.repeated:
        assert sheet.attr is not None
        located = _items_of(sheet, draft.data, values, cells, plan, number, errors)
        if located is None:
            return
        items, where = located
        prefix = f"{where}[{len(items)}]"
        target: dict[str, Any] = {}
        items.append(target)
    else:
        if sheet.attr is not None and key in seen:
            number_zh, number_en = (f"（文号 {key[2]}）", f" (document {key[2]})") if len(key) > 2 else ("", "")
            errors.append(CellError(sheet.title, number, None, f"企业 {key[0]} 的 {key[1]} 年度{number_zh}在本表只能有一行",
                                    f"enterprise {key[0]}, year {key[1]}{number_en} may have only one row on this sheet"))
            return
        seen.add(key)
        prefix, target = "", draft.data
    if sheet.attr is not None and not sheet.repeated and sheet.attr not in target:
        target[sheet.attr] = {}  # an optional object whose row exists is present, even with empty cells
    for column, position in plan.required:  # a column maps to one position at most (_map_columns)
        if position not in cells:
            errors.append(CellError(sheet.title, number, _index_of(columns, column), f"“{column.zh}”为必填项",
                                    f"'{column.en}' is required"))
    for column, (_, value) in values.items():
        path = column.path
        if len(path) == 1:
            target[path[0]] = value
        else:
            _set(target, path, value)
    draft.rows.append((prefix or sheet.attr or "", sheet.title, number, values))


def _items_of(sheet: Sheet, data: dict[str, Any], values: dict[Column, tuple[int, Any]], cells: Mapping[int, Any],
              plan: _SheetPlan, number: int, errors: list[CellError]) -> tuple[list[Any], str] | None:
    """Return the list a row of a repeated sheet appends to, and its path; None (with an error) when none fits.

    A list directly under the document or an object (``fuels``, ``pollutants.outlets``) is created as the
    first row needs it; a list in the lines of another (``…hazardous_waste[].receivers``) belongs to the
    parent line its row names (``_line``), which must exist.
    """
    if sheet.parent is None:
        node = data
        for name in sheet.path[:-1]:
            node = node.setdefault(name, {})
        return node.setdefault(sheet.path[-1], []), ".".join(sheet.path)
    assert sheet.line is not None
    line = values.pop(sheet.line, (None, None))[1]
    if line is None:
        if plan.line_index not in cells:  # a line cell present but wrong has its own error already
            errors.append(CellError(sheet.title, number, None if plan.line_index is None else plan.line_index + 1,
                                    f"缺少{sheet.line.zh}", f"the {sheet.line.en.lower()} is missing"))
        return None
    parents: Any = data
    for name in sheet.parent.path:
        parents = parents.get(name) if isinstance(parents, dict) else None
    if not isinstance(parents, list) or not 1 <= line <= len(parents):
        count = len(parents) if isinstance(parents, list) else 0
        errors.append(CellError(sheet.title, number, None if plan.line_index is None else plan.line_index + 1,
                                f"{sheet.line.zh} {line} 不存在（该企业在“{sheet.parent.title}”表中共 {count} 行）",
                                f"{sheet.line.en} {line} does not exist (the enterprise has {count} line(s) on the "
                                f"sheet {sheet.parent.title})"))
        return None
    node = parents[line - 1]
    rest = sheet.path[len(sheet.parent.path):]
    for name in rest[:-1]:
        node = node.setdefault(name, {})
    return node.setdefault(rest[-1], []), f"{'.'.join(sheet.parent.path)}[{line - 1}].{'.'.join(rest)}"


def _index_of(columns: Mapping[int, Column], column: Column) -> int | None:
    return next((i + 1 for i, c in columns.items() if c is column), None)


def _finish(spec: WorkbookSpec, key: tuple[Any, ...], draft: _Draft, result: ParsedWorkbook, *,  # noqa: C901
            checking: bool, reported: set[tuple[str, int | None, int | None, str]] | None = None,
            bad_rows: set[tuple[str, int | None]] | None = None) -> None:
    kind = spec.kind
    uscc, year = key[0], key[1]
    data = draft.data
    if isinstance(data.get("explanations"), list):  # the sheet's (key, text) rows are one object
        explanations: dict[str, str] = {}
        for i, e in enumerate(data["explanations"]):
            if e.get("key") in explanations:
                title, row, _ = _cell_of(draft, f"explanations[{i}]")
                result.errors.append(CellError(title, row, None, f"问题编号“{e['key']}”的说明出现两次",
                                               f"the finding key '{e['key']}' is explained twice"))
                return
            explanations[e.get("key")] = e.get("text")
        data["explanations"] = explanations
    data.update(kind=kind, schema_version=1)
    data.setdefault("enterprise", {})["uscc"] = uscc
    if kind not in (CPA_KIND, ADHOC_KIND):  # the reports: the year key is the reporting year
        data["reporting_year"] = year
    for column, value in zip(spec.keys[2:], key[2:], strict=True):  # the extra keys are document values
        _set(data, column.path, value)
    try:
        document = normalised(parse_document(data))
    except DocumentError as exc:
        sheet, row, at = _cell_of(draft, exc.path)
        if bad_rows is None or (sheet, row) not in bad_rows:  # else it follows from a cell refused already
            result.errors.append(CellError(sheet, row, at or None, exc.message_zh, exc.message_en))
        return
    violations = [v for v in validate(document) if not checking or v.rule is None]
    for violation in violations:
        sheet, row, at = _cell_of(draft, violation.path)
        if reported is not None and (sheet, row, at or None, violation.message.zh) in reported:
            continue  # refused at its cell already
        result.errors.append(CellError(sheet, row, at or None, violation.message.zh, violation.message.en))
    if violations:
        return
    derived = filing_year(document)
    if derived is not None and derived != year:
        why_zh, why_en = ("收到法律文书的年份，未填收到日期则为文书日期的年份", "the year the legal document was received, "
                          "else the year of its date") if kind == ADHOC_KIND else (
            "审核准备阶段开始年份，或基准年的下一年", "the year the preparation phase started, or the year after the baseline")
        result.errors.append(CellError("基本信息", draft.row, 2, f"申报年度应为 {derived}（{why_zh}）",
                                       f"the filing year must be {derived} ({why_en})"))
        return
    result.documents.append(ParsedDocument(uscc, year, document, draft.row, *key[2:]))


def _cell_of(draft: _Draft, path: str) -> tuple[str, int, int]:
    """Return the cell a codec error path points at: the exact cell, else its row, else the document row."""
    cells: dict[str, tuple[str, int, int]] = {}
    for prefix, title, number, values in draft.rows:
        cells.setdefault(prefix, (title, number, 0))
        for column, (index, _) in values.items():
            code = column.code if not prefix or column.path[0] == prefix else f"{prefix}.{column.code}"
            cells[code] = (title, number, index + 1)
    candidate = path
    while candidate:
        if candidate in cells:
            return cells[candidate]
        candidate = candidate.rsplit(".", 1)[0] if "." in candidate else candidate.split("[", 1)[0] if "[" in candidate else ""
        if candidate in cells:
            return cells[candidate]
    return ("基本信息", draft.row, 0)
