"""One document model: every field of every kind shows with one Chinese label and unit everywhere.

A fully filled document (tests/full_documents.py) is shown on the filing page, printed in the PDF copy of
record (read back with poppler's pdftotext), written as the Excel filing and as the upload template; for
every leaf field of the schema the test finds its label and unit — the schema's — in all four. The
disclosure kinds are checked in both workbooks; their filing page and PDF (a template of their own, not
yet written) come with the web part of issue 17.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook

from portal.domain.codec import canonical_json
from portal.domain.disclosure import ADHOC_KIND, ANNUAL_KIND
from portal.domain.documents import CPA_KIND, GHG_KIND, KINDS
from portal.domain.schema import Field, schema_of
from portal.extensions import db
from portal.models import Filing
from portal.reference import default_reference
from portal.renderers import RenderMeta, labels_from_reference, render_pdf, render_xlsx
from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from portal.rules import check_document
from tests.conftest import login
from tests.full_documents import full_document


def _fields(kind: str) -> list[Field]:
    """Return the leaf fields a filing prints in its data sections (not the kind and schema version)."""
    # The explanations (finding key → text) print with the findings, not as a field.
    return [n for n in schema_of(kind).root.leaves()
            if not (n.fixed and n.kind == "constant") and not n.path.startswith("explanations")]


def _expected(node: Field) -> tuple[str, str | None]:
    return node.label.zh, f"（{node.unit.zh}）" if node.unit is not None else None


# ------------------------------------------------------------------------------------------ the four views


def _page_labels(client, world, kind: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Return the texts of the filing page's table headings (th, dt) for a draft holding the full document."""
    document = full_document(kind)
    year = 2023
    filing = Filing(enterprise=world.a, enterprise_id=world.a.id, kind=kind, year=year, status="draft",
                    draft_json=canonical_json(document))
    db.session.add(filing)
    db.session.flush()
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    section = tree.get_element_by_id("document")
    return {unescape(" ".join(e.text_content().split())) for e in section.iter("th", "dt")}


def _pdf_blocks(kind: str) -> list[tuple[str, float, float, float, float, int]]:
    """Return the text blocks of the PDF (text with lines joined, x0, y0, x1, y1, page)."""
    document = full_document(kind)
    ref = default_reference()
    outcome = check_document(document, ref)
    pdf = render_pdf(document, outcome.computed, outcome.findings, RenderMeta(), labels=labels_from_reference(ref, document))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(pdf)
        xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
    blocks = []
    for page_number, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S), 1):
        for attrs, body in re.findall(r"<block ([^>]*)>(.*?)</block>", page, re.S):
            box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
            words = re.findall(r"<word[^>]*>(.*?)</word>", body)
            blocks.append(("".join(unescape(w) for w in words), float(box["xMin"]), float(box["yMin"]),
                           float(box["xMax"]), float(box["yMax"]), page_number))
    return blocks


def _excel_headers(kind: str) -> set[str]:
    document = full_document(kind)
    ref = default_reference()
    outcome = check_document(document, ref)
    data = render_xlsx(document, outcome.computed, outcome.findings, RenderMeta(), labels=labels_from_reference(ref, document))
    book = load_workbook(io.BytesIO(data))
    return {str(cell.value) for ws in book.worksheets for cell in ws[2] if cell.value is not None}


def _template_headers(kind: str) -> set[tuple[str, str | None]]:
    data = render_upload_workbook(kind, [full_document(kind)], code_lists=code_lists_from_reference(default_reference()))
    book = load_workbook(io.BytesIO(data))
    out = set()
    for ws in book.worksheets:
        for cell in ws[1]:
            lines = str(cell.value or "").split("\n")
            if len(lines) >= 2:
                unit = lines[2][1:-1] if len(lines) > 2 else None
                out.add((lines[0].removesuffix(" *"), f"（{unit}）" if unit else None))  # * marks a required column
    return out


# ------------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("kind", [GHG_KIND, CPA_KIND])
def test_every_field_has_one_label_and_unit_on_the_page_in_the_pdf_and_both_workbooks(client, world, kind) -> None:  # type: ignore[no-untyped-def]
    page = _page_labels(client, world, kind)
    blocks = _pdf_blocks(kind)
    texts = {b[0] for b in blocks}
    excel = _excel_headers(kind)
    template = _template_headers(kind)
    missing: list[str] = []
    for node in _fields(kind):
        label, unit = _expected(node)
        heading = label + (unit or "")
        where = []
        if heading not in page:
            where.append("page")
        if heading not in excel:
            where.append("excel filing")
        if node.path not in ("reporting_year", "enterprise.uscc") and (label, unit) not in template:
            where.append("upload template")  # the keys are the template's own first two columns
        # The PDF: the label is a text block; its unit, when it has one, is the block just below it.
        # (pdftotext separates words by blank space, which the blocks' text leaves out)
        if label.replace(" ", "") not in texts:
            where.append("pdf")
        elif unit is not None and not any(
            u[0] == unit.replace(" ", "") and u[5] == b[5] and u[1] < b[3] and b[1] < u[3] and 0 <= u[2] - b[4] < 20
            for b in blocks if b[0] == label.replace(" ", "") for u in blocks
        ):
            where.append("pdf unit")
        if where:
            missing.append(f"{node.path} {heading}: {', '.join(where)}")
    assert missing == []


@pytest.mark.parametrize("kind", [ANNUAL_KIND, ADHOC_KIND])
def test_every_disclosure_field_has_one_label_and_unit_in_both_workbooks(kind: str) -> None:
    excel = _excel_headers(kind)
    template = _template_headers(kind)
    missing: list[str] = []
    for node in _fields(kind):
        label, unit = _expected(node)
        heading = label + (unit or "")
        where = []
        # the prefill is the portal's record of its sources: carried by the upload workbook (a workbook
        # checks as its JSON does), shown by the web part with its marks, never printed in the filing
        if not node.path.startswith("prefill") and heading not in excel:
            where.append("excel filing")
        if node.path not in ("reporting_year", "enterprise.uscc") and (label, unit) not in template:
            where.append("upload template")
        if where:
            missing.append(f"{node.path} {heading}: {', '.join(where)}")
    assert missing == []


def test_a_field_has_exactly_one_definition() -> None:
    """Every path of every kind is one node of the schema; no other module declares a label for it."""
    for kind in KINDS:
        paths = [n.path for n in schema_of(kind).root.walk()]
        assert len(paths) == len(set(paths))
    root = Path(__file__).resolve().parents[2]
    # a second label table would spell a field's Chinese label next to its code: look for one outside
    # the declarations (documents.py) and the label catalogue (labels.py)
    offenders = []
    for path in [*root.joinpath("portal").rglob("*.py"), *root.joinpath("forms").rglob("*.py")]:
        if path.name in ("documents.py", "disclosure.py", "common.py", "labels.py") and path.parent.name == "domain":
            continue
        text = path.read_text("utf-8")
        for code, label in (("consumption", "消耗量"), ("total_tco2", "排放总量"), ("so2_t", "二氧化硫"),
                            ("implemented", "已实施"), ("bituminous", "烟煤"), ("accepted", "已通过")):
            if re.search(rf'["\']{code}["\']\s*[:,]\s*(_l\()?["\']{label}', text):
                offenders.append(f"{path.relative_to(root)}: {code} → {label}")
    assert offenders == []
