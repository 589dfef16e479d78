"""The upload workbook of the disclosure kinds: nested lists, ``none`` sections, the ad-hoc key — round trips."""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from portal.domain.codec import canonical_json, document_from_json
from portal.domain.disclosure import (
    ADHOC_KIND,
    ANNUAL_KIND,
    CarbonSection,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    OtherSection,
)
from portal.domain.sheets import LINE_COLUMN_CODE, workbook_spec
from portal.importers import ParsedWorkbook, parse_workbook, read_upload
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from tests.full_documents import full_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "examples"
CODE_LISTS = code_lists_from_reference(default_reference())
CODES = {k: frozenset(c for c, _, _ in v) for k, v in CODE_LISTS.items()}


def annual() -> EnvDisclosureAnnualReport:
    document = document_from_json((EXAMPLES / "disclosure-jx-cement-2024.json").read_bytes())
    assert isinstance(document, EnvDisclosureAnnualReport)
    return document


def adhoc() -> EnvDisclosureAdhoc:
    document = document_from_json((EXAMPLES / "adhoc-jx-cement-2024-penalty.json").read_bytes())
    assert isinstance(document, EnvDisclosureAdhoc)
    return document


def workbook(kind: str, documents: list[Any]) -> bytes:
    return render_upload_workbook(kind, documents, code_lists=CODE_LISTS)


def parsed(data: bytes) -> ParsedWorkbook:
    return parse_workbook(read_upload(data), CODES)


def round_trip(kind: str, documents: list[Any]) -> list[Any]:
    result = parsed(workbook(kind, documents))
    assert result.errors == [], [e.describe() for e in result.errors]
    return [p.document for p in result.documents]


def edited(data: bytes, sheets: str | tuple[str, ...], row: int, column: int, value: Any) -> bytes:
    """Return the workbook with one cell of one or several sheets set (None empties it)."""
    book = load_workbook(io.BytesIO(data))
    for sheet in (sheets,) if isinstance(sheets, str) else sheets:
        book[sheet].cell(row=row, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ layout


def test_a_sheet_per_section_and_per_list_each_list_after_its_object() -> None:
    titles = [s.title for s in workbook_spec(ANNUAL_KIND).sheets]
    assert titles[:4] == ["基本信息", "关键环境信息提要", "企业基本信息", "主要产品及产量"]
    assert titles.index("污染物产生、治理与排放信息") < titles.index("排放口") < titles.index("危险废物") \
        < titles.index("危险废物流向") < titles.index("碳排放信息")
    assert titles.index("融资情况") < titles.index("融资所投项目")
    assert titles[-2:] == ["预填数据来源", "情况说明"]


def test_a_list_in_the_lines_of_a_list_names_its_parent_line() -> None:
    spec = workbook_spec(ANNUAL_KIND)
    receivers = spec.sheet("危险废物流向")
    projects = spec.sheet("融资所投项目")
    assert receivers is not None and projects is not None
    assert receivers.parent is spec.sheet("危险废物") and projects.parent is spec.sheet("融资情况")
    assert receivers.line is not None and receivers.line.code == LINE_COLUMN_CODE and not receivers.line.optional
    assert receivers.path == ("pollutants", "hazardous_waste", "receivers")
    outlets = spec.sheet("排放口")
    assert outlets is not None and outlets.parent is None and outlets.line is None
    data = workbook(ANNUAL_KIND, [annual()])
    sheet = load_workbook(io.BytesIO(data))["危险废物流向"]
    assert [str(c.value).split("\n")[1] for c in sheet[1]] == ["uscc", "year", "_line", "name", "licence_number"]
    # the HW08 line (1) has two receivers, the HW49 line (2) one
    assert [(r[2], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        (1, "江西绿洁环保科技有限公司"), (1, "赣州市危废处置中心有限公司"), (2, "江西绿洁环保科技有限公司")]


def test_lists_of_codes_and_of_identifiers_are_one_cell() -> None:
    data = workbook(ANNUAL_KIND, [annual()])
    book = load_workbook(io.BytesIO(data))
    outlets = list(book["排放口"].iter_rows(min_row=2, values_only=True))
    assert outlets[0][7] == "so2, nox, pm, heavy_metals"
    facilities = list(book["污染防治设施"].iter_rows(min_row=2, values_only=True))
    assert facilities[1][5] == "DA001, DA002"


def test_the_adhoc_kind_is_keyed_by_enterprise_year_and_document_number() -> None:
    spec = workbook_spec(ADHOC_KIND)
    assert [c.code for c in spec.keys] == ["uscc", "year", "document.number"]
    document_sheet = spec.sheet("法律文书")
    assert document_sheet is not None and "document.number" not in [c.code for c in document_sheet.columns]


# ------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("kind", [ANNUAL_KIND, ADHOC_KIND])
def test_every_field_round_trips_byte_for_byte(kind: str) -> None:
    document = full_document(kind)  # every field filled, every list two lines (lists in lines too)
    (again,) = round_trip(kind, [document])
    assert canonical_json(again) == canonical_json(document)


def test_the_examples_round_trip() -> None:
    assert [canonical_json(d) for d in round_trip(ANNUAL_KIND, [annual()])] == [canonical_json(annual())]
    assert [canonical_json(d) for d in round_trip(ADHOC_KIND, [adhoc()])] == [canonical_json(adhoc())]


def test_none_absent_and_empty_sections_round_trip() -> None:
    document = annual()
    document.carbon = CarbonSection(none=True)
    document.other = OtherSection()  # present, nothing in it
    document.financing = None
    document.audit = None
    document.adhoc = []
    (again,) = round_trip(ANNUAL_KIND, [document])
    assert again.carbon == CarbonSection(none=True) and again.other == OtherSection()
    assert again.financing is None and again.audit is None and again.adhoc == []
    assert canonical_json(again) == canonical_json(document)


def test_many_documents_of_one_enterprise_keep_their_own_nested_lines() -> None:
    first = annual()
    second = annual()
    second.reporting_year = 2023
    assert second.pollutants is not None
    second.pollutants.hazardous_waste = list(reversed(second.pollutants.hazardous_waste))
    second.pollutants.hazardous_waste[0].receivers = []
    again = round_trip(ANNUAL_KIND, [first, second])
    assert [canonical_json(d) for d in again] == [canonical_json(first), canonical_json(second)]


def test_two_adhoc_reports_of_one_enterprise_and_year() -> None:
    first = adhoc()
    second = copy.deepcopy(first)
    second.trigger = "permit_renewed"
    second.document.number = "91360700MA38P2K51K001P"
    second.document.date = second.document.received_on = dt.date(2024, 6, 14)
    second.details = type(second.details)(permit_type="pollutant_discharge", valid_until=dt.date(2029, 6, 13))
    result = parsed(workbook(ADHOC_KIND, [first, second]))
    assert result.errors == []
    assert [(p.year, p.number) for p in result.documents] == [(2024, "赣市环罚〔2024〕45号"),
                                                               (2024, "91360700MA38P2K51K001P")]
    assert [canonical_json(p.document) for p in result.documents] == [canonical_json(first), canonical_json(second)]


# -------------------------------------------------------------------------------------- bad cells


def test_a_parent_line_that_does_not_exist() -> None:
    data = edited(workbook(ANNUAL_KIND, [annual()]), "危险废物流向", 4, 3, 3)
    errors = parsed(data).errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("危险废物流向", 4, 3)]
    assert "所属危险废物行号 3 不存在" in errors[0].message_zh and "has 2 line(s)" in errors[0].message_en


def test_a_missing_parent_line() -> None:
    data = edited(workbook(ANNUAL_KIND, [annual()]), "融资所投项目", 2, 3, None)
    errors = parsed(data).errors
    assert any(e.sheet == "融资所投项目" and e.row == 2 and "缺少所属融资情况行号" in e.message_zh for e in errors)


def test_a_parent_line_that_is_not_a_number() -> None:
    data = edited(workbook(ANNUAL_KIND, [annual()]), "危险废物流向", 2, 3, "一")
    errors = parsed(data).errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("危险废物流向", 2, 3)]
    assert "整数" in errors[0].message_zh


def test_an_unknown_code_in_a_list_of_codes_names_the_cell() -> None:
    data = edited(workbook(ANNUAL_KIND, [annual()]), "排放口", 2, 8, "so2, mercury")
    errors = parsed(data).errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("排放口", 2, 8)] and "mercury" in errors[0].message_zh


def test_a_codec_error_in_a_nested_line_points_at_its_cell() -> None:
    # a receiver without its name (required): the error names the receivers sheet, row and column
    data = edited(workbook(ANNUAL_KIND, [annual()]), "危险废物流向", 3, 4, None)
    errors = parsed(data).errors
    assert [(e.sheet, e.row) for e in errors] == [("危险废物流向", 3)]


def test_the_same_adhoc_document_twice() -> None:
    data = workbook(ADHOC_KIND, [adhoc(), adhoc()])
    errors = parsed(data).errors
    first = errors[0]
    assert (first.sheet, first.row) == ("基本信息", 3)
    assert "同一企业、年度和文号" in first.message_zh and "赣市环罚〔2024〕45号" in first.message_zh
    # and each of its other sheets says it holds one row per document
    assert {(e.sheet, e.row) for e in errors[1:]} == {("法律文书", 3), ("事项详情", 3)}
    assert all("文号 赣市环罚〔2024〕45号" in e.message_zh for e in errors[1:])


def test_an_adhoc_year_that_is_not_the_year_received() -> None:
    data = edited(workbook(ADHOC_KIND, [adhoc()]), ("基本信息", "法律文书", "事项详情"), 2, 2, 2025)
    errors = parsed(data).errors
    assert any("申报年度应为 2024" in e.message_zh and "received" in e.message_en for e in errors)
