"""The filing view of the disclosure documents: sections in the 准则's order, 本年度无 marks, nested lists."""

from __future__ import annotations

from pathlib import Path

from portal.domain.codec import document_from_json
from portal.domain.disclosure import CarbonSection, EnvDisclosureAnnualReport
from portal.reference import default_reference
from portal.renderers import RenderMeta, build_view
from portal.rules import check_document

EXAMPLE = Path(__file__).resolve().parents[2] / "tests" / "examples" / "disclosure-jx-cement-2024.json"


def view_of(document: EnvDisclosureAnnualReport):  # type: ignore[no-untyped-def]
    outcome = check_document(document, default_reference())
    return build_view(document, outcome.computed, outcome.findings, RenderMeta())


def example() -> EnvDisclosureAnnualReport:
    document = document_from_json(EXAMPLE.read_bytes())
    assert isinstance(document, EnvDisclosureAnnualReport)
    return document


def test_the_sections_in_the_formats_order_with_their_headings() -> None:
    view = view_of(example())
    assert [s.title_zh for s in view.sections] == [
        "企业与披露主体", "关键环境信息提要", "企业基本信息", "企业环境管理信息", "污染物产生、治理与排放信息", "碳排放信息",
        "生态环境应急信息", "生态环境违法信息", "本年度临时环境信息依法披露情况", "法律法规规定的其他环境信息",
        "强制性清洁生产审核信息", "融资及所投项目环境信息"]


def test_none_and_absent_sections_are_marked() -> None:
    document = example()
    document.carbon = CarbonSection(none=True)
    document.financing = None
    document.adhoc = []
    sections = {s.key: s for s in view_of(document).sections}
    assert sections["carbon"].none and not sections["carbon"].absent
    assert sections["adhoc"].none  # an empty list is 本年度无
    assert sections["other"].none  # the example's other information is {"none": true}
    assert sections["financing"].absent and not sections["financing"].none
    assert not sections["pollutants"].none and not sections["pollutants"].absent


def test_every_table_has_columns_and_nested_lines_name_their_parent() -> None:
    view = view_of(example())
    tables = {t.key: t for s in view.sections for t in s.tables}
    assert all(t.columns for t in tables.values())  # an object holding only lists has no empty record
    assert "financing" not in tables and "financing.items" in tables
    receivers = tables["pollutants.hazardous_waste.receivers"]
    assert [c.zh for c in receivers.columns] == ["序号", "废物代码", "废物名称", "接收单位", "危险废物经营许可证编号"]
    assert [row[0] for row in receivers.rows] == [1, 1, 2]  # the line of the waste each receiver takes
    projects = tables["financing.items.projects"]
    assert [row[-3] for row in projects.rows] == ["1#熟料线余热发电增效改造", "窑尾SNCR脱硝优化"]
