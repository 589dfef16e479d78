"""Bulk upload in a real browser: template → fill → upload → annotated workbook → corrected upload, both kinds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, serve_portal

pytestmark = pytest.mark.e2e


def _download(page, link_name: str) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    return Path(info.value.path()).read_bytes()


def _upload(page, base: str, data: bytes, name: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(base + "/uploads/")
    page.get_by_label("填好的上传工作簿（.xlsx）").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data})
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state("networkidle")
    return page.content()


def _saved(book) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Serve a portal of this module's own: the filled template holds only drafts still editable (issue 15: a
    submitted draft is read-only until returned), so the demo's GHG draft must not have been submitted by
    the review-cycle test sharing the session's server."""
    with serve_portal(tmp_path_factory.mktemp("e2e-uploads")) as url:
        yield url


def test_ghg_template_error_workbook_and_corrected_upload(page, own_server: str) -> None:  # type: ignore[no-untyped-def]
    live_server = own_server
    login(page, live_server, "filer@demo.cn")
    page.goto(live_server + "/uploads/")
    filled = load_workbook(io.BytesIO(_download(page, "下载含草稿的模板")))
    fuels = filled["化石燃料燃烧"]
    original = fuels["E2"].value
    assert original is not None
    fuels["E2"] = "一百吨"  # not a number
    content = _upload(page, live_server, _saved(filled), "ghg.xlsx")
    assert "有错误，未导入" in content and "化石燃料燃烧!E2" in content
    annotated = load_workbook(io.BytesIO(_download(page, "下载标注了错误的工作簿")))
    assert annotated.sheetnames[0] == "错误汇总" and "应为数值" in annotated["化石燃料燃烧"]["E2"].comment.text
    annotated["化石燃料燃烧"]["E2"] = original  # corrected (back to the demo value: other tests read it)
    content = _upload(page, live_server, _saved(annotated), "ghg-fixed.xlsx")
    assert "已导入" in content and "有错误" not in content


def test_audit_template_round_trips_through_the_browser(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "filer@demo.cn")
    page.goto(live_server + "/uploads/")
    links = page.get_by_role("link", name="下载含草稿的模板")
    with page.expect_download() as info:
        links.nth(1).click()  # the second row: 清洁生产审核
    data = Path(info.value.path()).read_bytes()
    book = load_workbook(io.BytesIO(data))
    assert book["_meta"]["B1"].value == "clean_production_audit"
    assert book["基本信息"].max_row >= 2  # the demo audit draft is in it
    content = _upload(page, live_server, data, "cpa.xlsx")
    assert "已导入" in content and "未变" in content
    content = _upload(page, live_server, data, "cpa-again.xlsx")
    assert "重复上传" in content
