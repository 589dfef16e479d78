"""The copy of record as an archive and as a page (issue 15): PDF/A-3b (PDFBox Preflight, tests/pdfa.py),
tagged, XMP metadata, the canonical JSON embedded in every PDF (drafts too); every table within A4 on a
fully filled report (pdftotext -bbox), wide tables on landscape pages, one number format per column, the
cover title in one piece, long explanations that break across pages with their header, a signature and
seal block. Checked on real PDFs with poppler (pdftotext, pdfinfo, pdfdetach)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portal.domain.codec import canonical_json, document_sha256
from portal.domain.documents import CPA_KIND, GHG_KIND
from portal.renderers import RenderMeta, html_to_pdf, template_dir
from portal.renderers.signing import embedded_document, sign_pdf
from portal.renderers.signing_key import self_signed_identity
from tests import pdfa
from tests.fill import fully_filled
from tests.unit.test_renderers_pdf import SUBMITTED, load, pdf_text, render

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo", "pdfdetach")),
    reason="poppler-utils is not installed",
)
needs_preflight = pytest.mark.skipif(not pdfa.available(), reason="PDFBox Preflight: install-system-packages test")

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4
PHRASE = "本单位水泥熟料产量较上年下降主要由于二号窑停产检修，排放量相应减少。"


@pytest.fixture(scope="module")
def ghg_pdf() -> bytes:
    """Return the unsigned copy of the GHG worked example, submitted."""
    return render(load(GHG_KIND))


@pytest.fixture(scope="module")
def filled() -> dict[str, bytes]:
    """Return the PDFs of both kinds with every field filled wide."""
    return {kind: render(fully_filled(kind)) for kind in (GHG_KIND, CPA_KIND)}


def write(data: bytes, tmp_path: Path, name: str = "copy.pdf") -> Path:
    """Write ``data`` to a file and return its path."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pages_with_words(data: bytes, tmp_path: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Return (width, height, words) of each page; a word is (xMin, yMin, xMax, yMax, text) in points."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(write(data, tmp_path)), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words = [(float(w.get("xMin", 0)), float(w.get("yMin", 0)), float(w.get("xMax", 0)), float(w.get("yMax", 0)),
                  w.text or "") for w in page.iter(f"{XHTML}word")]
        pages.append((float(page.get("width", 0)), float(page.get("height", 0)), words))
    return pages


def overflows(data: bytes, tmp_path: Path) -> list[str]:
    """Return words printed outside the page's 15 mm side margins, or over another word on the same line."""
    found = []
    for number, (width, _, words) in enumerate(pages_with_words(data, tmp_path), 1):
        for x0, _, x1, _, text in words:
            if x0 < 15 * MM - 1 or x1 > width - 15 * MM + 1:
                found.append(f"page {number}: {text!r} at x {x0:.0f}–{x1:.0f} of {width:.0f}")
        for i, (x0, y0, x1, y1, text) in enumerate(words):
            for u0, v0, u1, v1, other in words[i + 1:]:
                if min(x1, u1) - max(x0, u0) > 1 and min(y1, v1) - max(y0, v0) > 1:
                    found.append(f"page {number}: {text!r} overlaps {other!r}")
    return found


# ---------------------------------------------------------------------------------------- archival


@needs_preflight
@pytest.mark.parametrize("kind", [GHG_KIND, CPA_KIND])
def test_the_copy_of_record_is_pdf_a_3b_signed_or_not(kind: str, tmp_path: Path) -> None:
    unsigned = render(load(kind))
    assert pdfa.problems(write(unsigned, tmp_path, "unsigned.pdf")) == []
    signed = sign_pdf(unsigned, self_signed_identity("pdfa"))
    assert pdfa.problems(write(signed, tmp_path, "signed.pdf")) == []  # the signature keeps it PDF/A-3b


@needs_preflight
def test_a_draft_is_pdf_a_3b_too(tmp_path: Path) -> None:
    assert pdfa.problems(write(render(load(GHG_KIND), RenderMeta()), tmp_path)) == []


@needs_preflight
def test_the_validator_fails_what_is_not_pdf_a(tmp_path: Path) -> None:
    plain = html_to_pdf("<p>正文</p>", base_dir=template_dir(GHG_KIND, "v1"))  # no archival facts
    found = pdfa.problems(write(plain, tmp_path))
    assert any("part 3" in p for p in found) and any(p.startswith("1.") or "XMP" in p for p in found)


def test_the_validator_checks_what_part_3_adds() -> None:
    data = render(load(GHG_KIND))
    assert pdfa.part3_problems(data) == []
    # An embedded file without /Params /ModDate is not a conforming associated file (ISO 19005-3 6.8).
    assert pdfa.part3_problems(_without_moddate(data)) == ["embedded file document.json has no /Params /ModDate (6.8)"]


def _without_moddate(data: bytes) -> bytes:
    import io
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyhanko.pdf_utils.generic import NameObject
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    spec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    stream_ref = spec.raw_get("/EF").raw_get("/F")
    params = stream_ref.get_object()["/Params"]
    del params[NameObject("/ModDate")]
    writer.mark_update(stream_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_every_pdf_embeds_its_canonical_document(tmp_path: Path) -> None:
    document = load(GHG_KIND)
    for meta in (RenderMeta(), SUBMITTED):  # a draft and a submitted version
        path = write(render(document, meta), tmp_path)
        listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
        assert "document.json" in listing
        out = tmp_path / "document.json"
        subprocess.run(["pdfdetach", "-savefile", "document.json", "-o", str(out), str(path)], check=True)
        assert hashlib.sha256(out.read_bytes()).hexdigest() == document_sha256(document)
        assert out.read_bytes() == canonical_json(document).encode("utf-8")
        assert embedded_document(path.read_bytes()) == out.read_bytes()


def test_xmp_metadata_names_title_enterprise_year_kind_and_hash(ghg_pdf: bytes, tmp_path: Path) -> None:
    xmp = subprocess.run(["pdfinfo", "-meta", str(write(ghg_pdf, tmp_path))], capture_output=True, text=True,
                         check=True).stdout
    sha = document_sha256(load(GHG_KIND))
    assert "江西赣峰水泥有限公司 2024 温室气体排放年度报告" in xmp  # dc:title
    assert "<portal:enterprise>江西赣峰水泥有限公司</portal:enterprise>" in xmp
    assert "<portal:year>2024</portal:year>" in xmp and "<portal:kind>ghg_annual_report</portal:kind>" in xmp
    assert f"<portal:sha256>{sha}</portal:sha256>" in xmp and "<portal:version>1</portal:version>" in xmp
    assert 'pdfaid:part="3"' in xmp and "<pdfaSchema:prefix>portal</pdfaSchema:prefix>" in xmp
    info = subprocess.run(["pdfinfo", str(write(ghg_pdf, tmp_path))], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and f"sha256:{sha}" in info  # Keywords


def test_the_pdf_is_tagged_with_headings_and_tables(ghg_pdf: bytes, tmp_path: Path) -> None:
    tree = subprocess.run(["pdfinfo", "-struct", str(write(ghg_pdf, tmp_path))], capture_output=True, text=True,
                          check=True).stdout
    for tag in ("Document", "H1", "H2", "Table", "TR", "TH", "TD", "P"):
        assert re.search(rf"^\s*{tag}\b", tree, re.MULTILINE), tag
    # Reading order: the cover title first, then the sections in their printed order.
    headings = re.findall(r"^\s*(H[12])\b", tree, re.MULTILINE)
    assert headings[0] == "H1" and headings[1:] == ["H2"] * (len(headings) - 1) and len(headings) >= 10


# ---------------------------------------------------------------------------------------- legible


def test_no_table_runs_off_the_page_of_a_fully_filled_report(filled: dict[str, bytes], tmp_path: Path) -> None:
    for kind, data in filled.items():
        assert overflows(data, tmp_path) == [], kind


def test_the_check_sees_the_table_that_ran_off_the_page_in_v1(tmp_path: Path) -> None:
    found = overflows(render(fully_filled(GHG_KIND), template_version="v1"), tmp_path)
    assert any("of 595" in line for line in found)  # the 14-column parameters table, as the issue saw it


def test_wide_tables_print_on_landscape_pages(ghg_pdf: bytes, tmp_path: Path) -> None:
    pages = pages_with_words(ghg_pdf, tmp_path)
    texts = pdf_text(ghg_pdf, tmp_path)
    landscape = [i for i, (w, h, _) in enumerate(pages) if w > h]
    assert landscape and all("化石燃料燃烧计算参数" in texts[i] for i in landscape)
    assert all(w < h for i, (w, h, _) in enumerate(pages) if i not in landscape)


def test_after_a_landscape_table_the_next_section_is_portrait_again(filled: dict[str, bytes],
                                                                    tmp_path: Path) -> None:
    data = filled[CPA_KIND]
    sizes = [(w, h) for w, h, _ in pages_with_words(data, tmp_path)]
    texts = pdf_text(data, tmp_path)
    co_benefits = next(i for i, t in enumerate(texts) if "减污降碳协同效益" in t and "已实施方案合计" in t)
    reviews = next(i for i, t in enumerate(texts) if "评估与验收" in t and "Assessment" in t)
    assert sizes[co_benefits][0] > sizes[co_benefits][1]  # the co-benefit table is too wide for portrait
    assert "第 1 部分，共 2 部分" in texts[co_benefits]  # and, filled wide, split in column groups
    assert sizes[reviews][0] < sizes[reviews][1]


def test_a_number_column_prints_one_format(ghg_pdf: bytes, tmp_path: Path) -> None:
    text = "\n".join(pdf_text(ghg_pdf, tmp_path))
    # NCV 22.8 (measured) beside the default 42.652: padded, never rounded; activity data in its declared
    # two places (the view gives each column its decimals; the PDF prints them).
    assert "22.800" in text and "42.652" in text
    assert "3,648,000.00" in text and "5,118.24" in text


def test_the_cover_title_extracts_in_one_piece(ghg_pdf: bytes, tmp_path: Path) -> None:
    cover = pdf_text(ghg_pdf, tmp_path)[0]
    assert "温室气体排放年度报告" in cover.splitlines()
    assert "温 室" not in cover


def test_the_certification_page_has_a_signature_and_seal_block(ghg_pdf: bytes, tmp_path: Path) -> None:
    last = pdf_text(ghg_pdf, tmp_path)[-1]
    assert "真实性承诺" in last and "签署人（签字）" in last and "单位（盖章）" in last and "日期" in last


@pytest.mark.parametrize("length", [2_500, 10_000])
def test_a_long_explanation_breaks_across_pages_under_its_header(length: int, tmp_path: Path) -> None:
    document = load(GHG_KIND)
    text = (PHRASE * (length // len(PHRASE) + 1))[:length]
    document.explanations = {"DSC-001": text}
    pages = pdf_text(render(document), tmp_path)
    start = next(i for i, p in enumerate(pages) if "审核发现及企业说明" in p)
    assert "DSC-001" in pages[start]  # the heading is not left alone on its page
    continued = [p for p in pages[start + 1:] if PHRASE[:10] in p]
    assert continued, "a long explanation continues on the next page"
    for page in continued:
        assert "序号" in page and "依据" in page  # the header row repeats
    printed = "".join("".join(p.split()) for p in pages[start:])
    assert text[-200:] in printed  # nothing is cut


def test_every_template_version_still_renders_with_its_own_layout(tmp_path: Path) -> None:
    v1 = pdf_text(render(load(GHG_KIND), template_version="v1"), tmp_path)
    assert "签署人（签字）" not in "\n".join(v1)  # a released version is never changed
