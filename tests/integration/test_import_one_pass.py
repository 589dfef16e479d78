"""An upload is refused with every error of every sheet in one pass, each at its cell (issue 20 items 1, 4)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook

from portal.domain.codec import document_from_json
from portal.importers import FormulaCells, check_upload, read_upload
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.services.imports import import_workbook
from tests.helpers import USCC_B, example_text

GHG = document_from_json(example_text("ghg-jx-cement-2024.json"))


def _column(ws, code: str) -> int:  # type: ignore[no-untyped-def]
    return [str(c.value).split("\n")[1] for c in ws[1]].index(code) + 1


def _bad_workbook() -> bytes:
    """Return two documents (A 2021, B 2021) with five kinds of error on four sheets."""
    documents = [dataclasses.replace(GHG, reporting_year=2021),
                 dataclasses.replace(GHG, reporting_year=2021,
                                     enterprise=dataclasses.replace(GHG.enterprise, uscc=USCC_B))]
    data = render_upload_workbook(GHG.kind, documents, code_lists=code_lists_from_reference(default_reference()))
    book = load_workbook(io.BytesIO(data))
    fuels = book["化石燃料燃烧"]
    fuels.cell(row=2, column=_column(fuels, "consumption"), value="十二")  # not a number
    fuels.cell(row=3, column=_column(fuels, "consumption"), value=-5)  # out of bounds
    fuels.cell(row=4, column=_column(fuels, "oxidation_rate"), value=1.5)  # out of bounds (document B)
    power = book["电力"]
    power.cell(row=2, column=_column(power, "electricity.purchased_mwh"), value="=1+1")  # a formula
    permit = book["排污许可"]
    permit.cell(row=3, column=_column(permit, "permit.coal_t"), value=1e26)  # implausible
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_error_of_every_sheet_in_one_pass(world) -> None:  # type: ignore[no-untyped-def]
    data = _bad_workbook()
    outcome = import_workbook(world.users["filer_a"], data, "bad.xlsx")
    assert not outcome.ok
    found = {(e.sheet, e.row, e.column): e.message_zh for e in outcome.errors}
    book = load_workbook(io.BytesIO(data))
    fuels, power, permit = book["化石燃料燃烧"], book["电力"], book["排污许可"]
    expected = {
        ("电力", 2, _column(power, "electricity.purchased_mwh")): "此单元格含有公式",
        ("化石燃料燃烧", 2, _column(fuels, "consumption")): "应为数值",
        ("化石燃料燃烧", 3, _column(fuels, "consumption")): "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）",
        ("化石燃料燃烧", 4, _column(fuels, "oxidation_rate")): "碳氧化率应大于 0 且不大于 1（填报 1.5）",
        ("排污许可", 3, _column(permit, "permit.coal_t")): "执行报告燃煤量应不小于 0 且不大于 1,000,000,000（填报 1E+26）",
        ("基本信息", 3, 1): f"统一社会信用代码 {USCC_B} 不是您可以申报的企业",  # B is not filer A's
    }
    for where, message in expected.items():
        assert where in found and found[where].startswith(message), (where, found.get(where), found)
    assert len(outcome.errors) == len(expected), [e.describe() for e in outcome.errors]
    # each error names its field and the value as typed (the result page lists them in columns)
    cells = {(e.sheet, e.row, e.column): (e.label_zh, e.value) for e in outcome.errors}
    assert cells[("化石燃料燃烧", 2, _column(fuels, "consumption"))] == ("消耗量", "十二")
    assert cells[("化石燃料燃烧", 4, _column(fuels, "oxidation_rate"))] == ("碳氧化率", "1.5")
    assert cells[("排污许可", 3, _column(permit, "permit.coal_t"))] == ("执行报告燃煤量", "1e+26")


def test_a_formula_names_the_sheet_the_filer_sees() -> None:
    data = _bad_workbook()
    with pytest.raises(FormulaCells) as caught:
        check_upload(data)
    assert "工作表“电力”的单元格 C2" in caught.value.message_zh, caught.value.message_zh
    assert "sheet 'electricity'" not in caught.value.message_en and "sheet5" not in caught.value.message_en
    assert "'电力'" in caught.value.message_en
    # the reader still reads it, handing the formula cells on to be reported with the others
    assert read_upload(data).formulas == [("电力", "C2")]


def test_a_value_chosen_from_a_dropdown_is_read_as_its_code(world) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 10: the template's dropdowns show 无烟煤（anthracite）; the reader stores the code."""
    document = dataclasses.replace(GHG, reporting_year=2020)
    data = render_upload_workbook(GHG.kind, [document], code_lists=code_lists_from_reference(default_reference()))
    book = load_workbook(io.BytesIO(data))
    fuels = book["化石燃料燃烧"]
    fuels.cell(row=2, column=_column(fuels, "fuel"), value="无烟煤（anthracite）")
    main = book["基本信息"]
    main.cell(row=2, column=_column(main, "enterprise.region_code"), value="赣州市（360700）")
    out = io.BytesIO()
    book.save(out)
    outcome = import_workbook(world.users["filer_a"], out.getvalue(), "names.xlsx")
    assert outcome.ok, [e.describe() for e in outcome.errors]
    from portal.extensions import db
    from portal.models import Filing

    stored = document_from_json(db.session.get(Filing, outcome.filings[0][0]).draft_json)
    assert stored.fuels[0].fuel == "anthracite" and stored.enterprise.region_code == "360700"
