"""The upload workbook: spec derived from the dataclasses, template layout, types, round trip, ``portal check``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from portal.cli import main
from portal.domain.codec import canonical_json, document_from_json
from portal.domain.documents import FuelLine, GhgAnnualReport
from portal.domain.fields import field_info
from portal.domain.sheets import workbook_spec
from portal.importers import parse_workbook, read_upload
from portal.importers.normalise import CellValueError, to_bool, to_date, to_decimal, to_int, to_text
from portal.reference import default_reference
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from tests.helpers import EXAMPLES

GHG_PATH = EXAMPLES / "ghg-jx-cement-2024.json"
CPA_PATH = EXAMPLES / "cpa-jx-cement-2023.json"
CODE_LISTS = code_lists_from_reference(default_reference())
CODE_SETS = {k: frozenset(c for c, _, _ in v) for k, v in CODE_LISTS.items()}


def _load(path: Path):  # type: ignore[no-untyped-def]
    return document_from_json(path.read_bytes())


def _validations(ws) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return the first cell of each data validation's range → its list formula."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}


def _round_trip(documents):  # type: ignore[no-untyped-def]
    data = render_upload_workbook(documents[0].kind, documents, code_lists=CODE_LISTS)
    return parse_workbook(read_upload(data), CODE_SETS)


# ------------------------------------------------------------------------------------------ spec


def test_columns_come_from_the_field_declarations() -> None:
    spec = workbook_spec("ghg_annual_report")
    fuels = next(s for s in spec.sheets if s.attr == "fuels")
    declared = [f.name for f in dataclasses.fields(FuelLine)]
    assert [c.code for c in fuels.columns] == declared
    consumption = next(c for c in fuels.columns if c.code == "consumption")
    info = field_info(next(f for f in dataclasses.fields(FuelLine) if f.name == "consumption"))
    assert info.unit is not None
    assert (consumption.zh, consumption.unit, consumption.optional) == (info.label.zh, info.unit.zh, False)
    assert consumption.header() == f"消耗量\nconsumption\n[{info.unit}]"
    fuel = next(c for c in fuels.columns if c.code == "fuel")
    assert fuel.codes == "fuel"
    titles = [s.title for s in spec.sheets]
    assert titles[0] == "基本信息" and "化石燃料燃烧" in titles and "情况说明" in titles
    main_codes = [c.code for c in spec.sheets[0].columns]
    assert "enterprise.name" in main_codes and "enterprise.uscc" not in main_codes  # uscc is the key
    audit = workbook_spec("clean_production_audit")
    options = next(s for s in audit.sheets if s.attr == "options")
    assert "savings.co2_t" in [c.code for c in options.columns]
    assert next(c for c in options.columns if c.code == "status").choices == ("proposed", "feasible", "implemented", "dropped")


def test_template_has_instructions_dropdowns_hidden_lists_and_metadata() -> None:
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", code_lists=CODE_LISTS)))
    assert book.sheetnames[0] == "说明"
    guide = book["说明"]
    assert "批量上传" in guide["A1"].value and "upload template" in guide["B1"].value
    assert book["_lists"].sheet_state == "hidden" and book["_meta"].sheet_state == "hidden"
    assert [[c.value for c in r] for r in book["_meta"].iter_rows()][:2] == [["kind", "ghg_annual_report"],
                                                                            ["template_version", "1"]]
    fuels = book["化石燃料燃烧"]
    assert fuels["A1"].value.startswith("统一社会信用代码 *\nuscc") and fuels["C1"].value.startswith("排放源\nsource")
    formulas = _validations(fuels)
    assert formulas["D2"].startswith("'_lists'!$") and len(CODE_LISTS["fuel"]) > 10
    lists = book["_lists"]
    column = formulas["D2"].split("!")[1].split(":")[0].replace("$", "")[:-1]
    shown = [lists[f"{column}{r}"].value for r in range(2, len(CODE_LISTS["fuel"]) + 2)]
    # the dropdown shows the name with the code after it, never a bare code (issue 20 item 10)
    assert shown == [f"{zh}（{c}）" for c, zh, _ in CODE_LISTS["fuel"]]
    assert "烟煤（bituminous）" in shown
    boilers = book["锅炉"]
    bdv = _validations(boilers)
    assert bdv["D2"] == '"燃煤（coal）,燃气（gas）,燃油（oil）,生物质（biomass）,电（electric）"' and bdv["G2"] == '"是,否"'
    main_sheet = book["基本信息"]
    mdv = _validations(main_sheet)
    assert mdv["D2"].startswith("'_lists'!$")  # region codes: a long list on the hidden sheet


# ------------------------------------------------------------------------------------ round trip


@pytest.mark.parametrize("path", [GHG_PATH, CPA_PATH], ids=["ghg", "cpa"])
def test_round_trip_gives_the_identical_canonical_document(path: Path) -> None:
    document = _load(path)
    parsed = _round_trip([document])
    assert parsed.errors == []
    (only,) = parsed.documents
    assert canonical_json(only.document) == canonical_json(document)
    assert only.document == document


def test_many_documents_per_workbook_keyed_by_uscc_and_year() -> None:
    ghg = _load(GHG_PATH)
    other = dataclasses.replace(ghg, reporting_year=2023, fuels=ghg.fuels[:1], co2_recovered_t=Decimal("12.3"),
                                explanations={"GHG-004@fuels[0].ncv": "实测值 / measured"})
    parsed = _round_trip([ghg, other])
    assert parsed.errors == [] and [(p.year, p.row) for p in parsed.documents] == [(2024, 2), (2023, 3)]
    assert [canonical_json(p.document) for p in parsed.documents] == [canonical_json(ghg), canonical_json(other)]
    assert parsed.documents[1].document.co2_recovered_t == Decimal("12.3")  # not 12.300000000000000710…


@pytest.mark.parametrize("path", [GHG_PATH, CPA_PATH], ids=["ghg", "cpa"])
def test_portal_check_on_the_workbook_equals_check_on_the_json(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "upload.xlsx"
    made = CliRunner().invoke(main, ["xlsx", str(path), "-o", str(out)])
    assert made.exit_code == 0, made.stderr
    on_json = CliRunner().invoke(main, ["check", str(path), "--json"])
    on_xlsx = CliRunner().invoke(main, ["check", str(out), "--json"])
    assert on_xlsx.exit_code == on_json.exit_code == 0, on_xlsx.stderr
    (from_json,), (from_xlsx,) = json.loads(on_json.stdout), json.loads(on_xlsx.stdout)
    assert from_xlsx["computed"] == from_json["computed"]
    assert from_xlsx["findings"] == from_json["findings"]
    assert from_xlsx["kind"] == from_json["kind"] and from_xlsx["uscc"] == "91360700MA38P2K51K"


def test_portal_check_names_each_bad_cell_and_exits_2(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", [_load(GHG_PATH)], code_lists=CODE_LISTS)))
    book["化石燃料燃烧"]["D2"] = "coal_from_the_moon"  # not in the fuel code list (Excel does not enforce)
    book["锅炉"].append(["91360700MA38P2K51K", 2024, "B1", "peat"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert any("化石燃料燃烧!D2" in line and "coal_from_the_moon" in line and "code list" in line for line in lines)
    assert any("锅炉!D2" in line and "peat" in line and "expected one of" in line for line in lines)


def test_xlsx_refuses_documents_of_two_kinds(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["xlsx", str(GHG_PATH), str(CPA_PATH), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "one kind" in result.stderr


def test_cells_typed_by_hand_are_read_as_the_filer_means_them() -> None:
    ghg = _load(GHG_PATH)
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", [ghg], code_lists=CODE_LISTS)))
    ws = book["化石燃料燃烧"]
    ws["E2"] = "１６０,０００"  # full-width digits with grouping, typed as text: NFKC folds them
    book["发电机组"].append(["91360700MA38P2K51K", "2024", "G1", "coal", None, "是", "2019年7月1日"])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_workbook(read_upload(out.getvalue()), CODE_SETS)
    assert parsed.errors == []
    document = parsed.documents[0].document
    assert isinstance(document, GhgAnnualReport)
    assert document.fuels[0].consumption == Decimal("160000")
    unit = document.generating_units[0]
    assert (unit.self_owned, unit.commissioned, unit.capacity_mw) == (True, dt.date(2019, 7, 1), None)


# ------------------------------------------------------------------------------ normalisation


def test_floats_become_the_decimal_they_show() -> None:
    assert to_decimal(12.3) == Decimal("12.3") and str(to_decimal(12.3)) == "12.3"
    assert to_decimal(0.1 + 0.2) == Decimal("0.30000000000000004")  # what the float really holds
    assert to_decimal(2304000.0) == Decimal(2304000)
    assert to_decimal("1,234.5") == Decimal("1234.5") and to_decimal(" -３ ") == Decimal(-3)
    for bad in ("12,34", "1e5", "NaN", True, float("inf")):
        with pytest.raises(CellValueError):
            to_decimal(bad)


def test_ints_booleans_dates_and_text() -> None:
    assert to_int(2024.0) == 2024 and to_int("2024") == 2024
    with pytest.raises(CellValueError) as caught:
        to_int(2024.5)
    assert "整数" in caught.value.message_zh and "whole number" in caught.value.message_en
    assert (to_bool("是"), to_bool("否"), to_bool("TRUE"), to_bool(0.0), to_bool(True)) == (True, False, True, False, True)
    with pytest.raises(CellValueError):
        to_bool("maybe")
    assert to_date(dt.datetime(2024, 1, 5)) == dt.date(2024, 1, 5) == to_date("2024/1/5") == to_date("2024年1月5日")
    with pytest.raises(CellValueError):
        to_date(dt.datetime(2024, 1, 5, 8, 30))
    with pytest.raises(CellValueError):
        to_date("2024-02-30")
    assert to_text(13800000000.0) == "13800000000" and to_text(1.5) == "1.5"


def test_data_the_template_has_no_place_for_is_reported_not_dropped() -> None:
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", [_load(GHG_PATH)], code_lists=CODE_LISTS)))
    fuels = book["化石燃料燃烧"]
    fuels.cell(row=2, column=fuels.max_column + 2, value=42)  # a value under no header
    book.create_sheet("我的草稿").append(["备注", 1])  # a sheet of the filer's own, with data
    book.create_sheet("空白表")  # an empty extra sheet is harmless
    out = io.BytesIO()
    book.save(out)
    errors = parse_workbook(read_upload(out.getvalue()), CODE_SETS).errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("化石燃料燃烧", 2, fuels.max_column), ("我的草稿", None, None)]
    assert "没有表头" in errors[0].message_zh and "no header" in errors[0].message_en
    assert "不属于模板" in errors[1].message_zh and "not part of the template" in errors[1].message_en


def test_the_annotator_and_the_reader_agree_on_the_sheet_and_column_they_add() -> None:
    from portal.domain import sheets
    from portal.importers import annotate

    assert (annotate.SUMMARY_SHEET, annotate.ERROR_COLUMN_CODE) == (sheets.SUMMARY_SHEET, sheets.ERROR_COLUMN_CODE)


def test_instructions_list_every_column_in_both_languages() -> None:
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", code_lists=CODE_LISTS)))
    rows = [[c.value for c in r] for r in book["说明"].iter_rows()]
    reference = {(r[0], r[1]): r for r in rows if len(r) > 2 and r[2] and r[0] in book.sheetnames}
    assert reference[("化石燃料燃烧", "consumption")][2:6] == ["消耗量", "Consumption", "t 或 万Nm³", "是"]
    assert reference[("锅炉", "fuel")][6] == "coal, gas, oil, biomass, electric"
    assert reference[("电力", "electricity.grid_factor")][6] == "留空则使用当年官方因子 / leave empty to use the official factor of the year"
    spec = workbook_spec("ghg_annual_report")
    assert len(reference) == sum(len(s.columns) + 2 for s in spec.sheets)
    assert book["化石燃料燃烧"]["E1"].comment.text.startswith("Consumption (t or 10⁴ Nm³)")


def test_an_18_digit_code_typed_as_a_number_is_refused_not_garbled() -> None:
    with pytest.raises(CellValueError) as caught:
        to_text(913201001345678904.0)
    assert "文本" in caught.value.message_zh and "format the cell as Text" in caught.value.message_en
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", code_lists=CODE_LISTS)))
    assert book["基本信息"].column_dimensions["A"].number_format == "@"  # typed codes stay text


def test_an_explanation_given_twice_is_an_error() -> None:
    ghg = dataclasses.replace(_load(GHG_PATH), explanations={"GHG-004": "一"})
    book = load_workbook(io.BytesIO(render_upload_workbook("ghg_annual_report", [ghg], code_lists=CODE_LISTS)))
    book["情况说明"].append(["91360700MA38P2K51K", 2024, "GHG-004", "二"])
    out = io.BytesIO()
    book.save(out)
    errors = parse_workbook(read_upload(out.getvalue()), CODE_SETS).errors
    assert [(e.sheet, e.row) for e in errors] == [("情况说明", 3)] and "GHG-004" in errors[0].message_en
