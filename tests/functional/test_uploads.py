"""The bulk-upload pages: templates (blank and with drafts), upload, result page, error workbook."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from portal.domain.codec import document_from_json
from portal.extensions import db
from portal.models import Filing
from tests.conftest import login
from tests.helpers import USCC_A


def _post(client, data: bytes, name: str = "upload.xlsx"):  # type: ignore[no-untyped-def]
    return client.post("/uploads/", data={"workbook": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_page_offers_both_templates_and_the_form(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get("/uploads/").get_data(as_text=True)
    assert "批量上传" in page and 'type="file"' in page and "<label" in page
    assert "/uploads/template/ghg_annual_report.xlsx" in page and "/uploads/template/clean_production_audit.xlsx?filled=1" in page
    assert "您还没有上传过工作簿" in page  # the empty state


def test_filled_template_holds_the_users_drafts_only(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = client.get("/uploads/template/ghg_annual_report.xlsx?filled=1")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    keys = [(r[0].value, r[1].value) for r in book["基本信息"].iter_rows(min_row=2) if r[0].value]
    assert keys == [(USCC_A, 2024)]  # enterprise B's draft is not filer_a's
    blank = load_workbook(io.BytesIO(client.get("/uploads/template/clean_production_audit.xlsx").data))
    assert blank["_meta"]["B1"].value == "clean_production_audit" and blank["基本信息"].max_row == 1
    assert client.get("/uploads/template/nonsense.xlsx").status_code == 404


def test_template_fill_upload_error_workbook_then_corrected_upload(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    book = load_workbook(io.BytesIO(client.get("/uploads/template/ghg_annual_report.xlsx?filled=1").data))
    ws = book["化石燃料燃烧"]
    ws["E2"] = "lots"  # consumption: not a number
    bad = io.BytesIO()
    book.save(bad)
    response = _post(client, bad.getvalue(), "mine.xlsx")
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "有错误，未导入" in result and "化石燃料燃烧!E2" in result and "errors.xlsx" in result
    record_url = response.headers["Location"]
    annotated = client.get(record_url + "/errors.xlsx")
    assert annotated.status_code == 200
    fixed_book = load_workbook(io.BytesIO(annotated.data))
    assert fixed_book.sheetnames[0] == "错误汇总" and fixed_book["化石燃料燃烧"]["E2"].comment is not None
    fixed_book["化石燃料燃烧"]["E2"] = 150000
    fixed = io.BytesIO()
    fixed_book.save(fixed)
    response = _post(client, fixed.getvalue(), "mine-fixed.xlsx")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入" in page and "已更新" in page and f"/filings/{world.filing_a.id}" in page
    document = document_from_json(db.session.get(Filing, world.filing_a.id).draft_json)
    assert str(document.fuels[0].consumption) == "150000"
    # the same corrected file again: nothing is done twice
    again = client.get(_post(client, fixed.getvalue(), "again.xlsx").headers["Location"]).get_data(as_text=True)
    assert "重复上传" in again


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = _post(client, b"%PDF-1.4 not a workbook", "x.xlsx")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件被拒绝" in page and "不是 Excel 工作簿" in page


def test_missing_file_is_a_form_error(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = client.post("/uploads/", data={}, content_type="multipart/form-data", follow_redirects=True)
    assert "请选择要上传的工作簿" in response.get_data(as_text=True)
