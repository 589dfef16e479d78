"""Test the PDF copy of record: it renders, its text extracts, the CJK font is embedded, and nothing
outside the project's own assets can be fetched — neither through a document value nor a template.

Needs poppler-utils (pdftotext, pdffonts), installed by scripts/install-system-packages.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from portal.domain.codec import document_from_json, document_sha256
from portal.domain.documents import ADHOC_KIND, ANNUAL_KIND, CPA_KIND, GHG_KIND, KINDS
from portal.reference import default_reference
from portal.renderers import (
    PdfPrerequisiteError,
    RenderMeta,
    check_pdf_prerequisites,
    html_to_pdf,
    labels_from_reference,
    latest_template_version,
    render_pdf,
    template_dir,
    template_versions,
)
from portal.renderers import pdf as pdf_module
from portal.renderers.fetcher import AssetRefused, AssetURLFetcher
from portal.renderers.html import TEMPLATES_ROOT
from portal.rules import check_document

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
EXAMPLE_OF = {GHG_KIND: EXAMPLES / "ghg-jx-cement-2024.json", CPA_KIND: EXAMPLES / "cpa-jx-cement-2023.json",
              # the disclosure kinds' worked examples live with the tests (issue 17)
              ANNUAL_KIND: ROOT / "tests" / "examples" / "disclosure-jx-cement-2024.json",
              ADHOC_KIND: ROOT / "tests" / "examples" / "adhoc-jx-cement-2024-penalty.json"}
FILED_ON = dt.date(2025, 3, 20)

SUBMITTED = RenderMeta(
    status="submitted",
    version=1,
    submitted_at=dt.datetime(2025, 3, 20, 6, 30, tzinfo=dt.UTC),
    signatory="刘建国",
    certification_statement="本单位郑重承诺：所报送的数据和材料真实、完整、准确。",
    draft=False,
    rules_version="v1",
)


def load(kind: str) -> Any:
    """Return the worked example of a kind."""
    return document_from_json(EXAMPLE_OF[kind].read_bytes())


def render(document: Any, meta: RenderMeta = SUBMITTED, **kwargs: Any) -> bytes:
    """Check a document as the portal does and render its PDF."""
    ref = default_reference()
    outcome = check_document(document, ref, filing_date=FILED_ON, today=FILED_ON)
    labels = labels_from_reference(ref, document)
    return render_pdf(document, outcome.computed, outcome.findings, meta, labels=labels, **kwargs)


def pdf_text(data: bytes, tmp_path: Path) -> list[str]:
    """Return the text of each page (pdftotext -raw keeps the spaces of "第 1 页 共 N 页")."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_fonts(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """Return pdffonts' table: name, type, emb, ... for each font."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()[2:]
    fonts = []
    for line in lines:
        # name, type (may hold spaces), encoding, emb, sub, uni, object, id
        m = re.match(r"(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert m, line
        fonts.append({"name": m[1], "type": m[2], "emb": m[4]})
    return fonts


@pytest.fixture(scope="module")
def ghg_pdf() -> bytes:
    """Return the PDF of the GHG worked example, submitted."""
    return render(load(GHG_KIND))


@pytest.fixture
def listener() -> Iterator[tuple[int, socket.socket]]:
    """Listen on a free local port, to prove that nothing connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)  # rendering is synchronous: a connection would already be waiting
    yield server.getsockname()[1], server
    server.close()


def assert_no_connection(server: socket.socket) -> None:
    """Fail if anything connected to the listener."""
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return
    conn.close()
    pytest.fail("the renderer connected to a URL it must never fetch")


# ------------------------------------------------------------------------------------------ smoke


def test_the_prerequisites_are_installed_here() -> None:
    check_pdf_prerequisites()


@pytest.mark.parametrize(("kind", "version"), [(k, v) for k in KINDS for v in template_versions(k)])
def test_each_template_version_renders_a_pdf(kind: str, version: str) -> None:
    data = render(load(kind), template_version=version)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_rendering_logs_no_weasyprint_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render(load(GHG_KIND))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


# ---------------------------------------------------------------------------------- text and fonts


def test_ghg_pdf_text_extracts(ghg_pdf: bytes, tmp_path: Path) -> None:
    pages = pdf_text(ghg_pdf, tmp_path)
    text = "\n".join(pages)
    sha = document_sha256(load(GHG_KIND))
    assert "江西赣峰水泥有限公司" in text
    assert "1,067,866" in text  # total_tco2, with thousands separators
    assert "346681.84 + 371.51 = 347053.35" in text  # line-by-line arithmetic
    assert "温室气体排放年度报告" in text and "刘建国" in text
    n = len(pages)
    assert n >= 4
    for number, page in enumerate(pages, 1):
        assert f"第 {number} 页 共 {n} 页" in page
        assert sha in page  # the hash of the canonical document on every page
    assert "草稿" not in text


def test_ghg_pdf_embeds_the_cjk_font(ghg_pdf: bytes, tmp_path: Path) -> None:
    fonts = pdf_fonts(ghg_pdf, tmp_path)
    assert any("CJK" in f["name"] and f["emb"] == "yes" for f in fonts), fonts
    assert all(f["emb"] == "yes" for f in fonts), fonts  # nothing left to the reader's machine


def test_cpa_pdf_prints_co_benefits_and_feasibility(tmp_path: Path) -> None:
    text = "\n".join(pdf_text(render(load(CPA_KIND)), tmp_path))
    assert "减污降碳协同效益" in text and "已实施方案合计" in text
    assert "157.46" in text and "875.46" in text and "14.82" in text  # NPV 万元, IRR %
    assert "1,840.00" in text  # total investment


def test_draft_pdf_carries_the_watermark_on_every_page(tmp_path: Path) -> None:
    pages = pdf_text(render(load(GHG_KIND), RenderMeta()), tmp_path)
    for page in pages:
        assert "草稿 DRAFT" in page  # running header
        assert page.count("草") >= 2  # and the rotated watermark, extracted a character at a time


# ---------------------------------------------------------------------------------- no fetching


def test_document_values_cannot_make_weasyprint_fetch(
    listener: tuple[int, socket.socket], tmp_path: Path
) -> None:
    port, server = listener
    document = load(GHG_KIND)
    document.enterprise.address = '<img src="file:///etc/passwd">'
    document.fuels[0].source = f"http://127.0.0.1:{port}/x.png"
    document.fuels[1].source = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
    document.explanations = {
        "GHG-014": f'<object data="file:///etc/shadow"></object>url(http://127.0.0.1:{port}/)'
    }
    fetcher = AssetURLFetcher()
    data = render(document, url_fetcher=fetcher)
    css = (template_dir(GHG_KIND, latest_template_version(GHG_KIND)) / "report.css").as_uri()
    shared = (TEMPLATES_ROOT / "pdf" / "_shared" / "v2" / "report.css").as_uri()
    assert fetcher.requested == [css, shared]  # the stylesheets, and nothing a filer typed
    assert fetcher.refused == []
    assert_no_connection(server)
    text = "\n".join(pdf_text(data, tmp_path))
    assert '<img src="file:///etc/passwd">' in text  # printed as text
    assert "root:x:0:0" not in text


HOSTILE = [
    '<img src="{url}">',
    '<link rel="stylesheet" href="{url}">',
    "<style>@import url({url});</style>",
    '<p style="background: url({url})">x</p>',
    "<style>@font-face {{ font-family: x; src: url({url}); }} p {{ font-family: x; }}</style><p>x</p>",
    '<link rel="attachment" href="{url}">',
    '<object data="{url}"></object>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}" width="10" height="10"/></svg>',
]


@pytest.mark.parametrize("markup", HOSTILE)
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:{port}/x",
        "https://127.0.0.1:{port}/x",
        "ftp://127.0.0.1:{port}/x",
        "../../../../../../etc/passwd",
        "gopher://127.0.0.1:{port}/x",
    ],
)
def test_a_template_cannot_fetch_anything_but_project_assets(
    markup: str, url: str, listener: tuple[int, socket.socket]
) -> None:
    port, server = listener
    target = url.format(port=port)
    html = f"<!DOCTYPE html><html><body><p>正文</p>{markup.format(url=target)}</body></html>"
    fetcher = AssetURLFetcher()
    with pytest.raises(AssetRefused):
        html_to_pdf(html, base_dir=template_dir(GHG_KIND, "v1"), url_fetcher=fetcher)
    # WeasyPrint asked for the URL; the fetcher refused it, and nothing was read or connected to.
    assert fetcher.refused and fetcher.refused == fetcher.requested
    assert_no_connection(server)


def test_a_refused_fetch_stops_rendering() -> None:
    fetcher = AssetURLFetcher()
    with pytest.raises(AssetRefused, match="etc/passwd"):
        html_to_pdf(
            '<img src="file:///etc/passwd">', base_dir=template_dir(GHG_KIND, "v1"), url_fetcher=fetcher
        )
    assert fetcher.refused == ["file:///etc/passwd"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "file://otherhost/share/x.css",
        (TEMPLATES_ROOT / "pdf" / "ghg_annual_report" / "v1").as_uri() + "/../../../../../etc/passwd",
        TEMPLATES_ROOT.as_uri() + "/missing.css",
        TEMPLATES_ROOT.as_uri(),  # a folder, not a file
        "javascript:alert(1)",
        "about:blank",
        "data:text/plain",  # malformed: no comma
    ],
)
def test_the_fetcher_refuses_everything_else(url: str) -> None:
    fetcher = AssetURLFetcher()
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_project_files_and_data_uris() -> None:
    fetcher = AssetURLFetcher()
    css = template_dir(GHG_KIND, "v1") / "report.css"
    response = fetcher.fetch(css.as_uri())
    assert response.read() == css.read_bytes() and response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()
    assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"
    assert fetcher.refused == []


def test_the_fetcher_does_not_follow_links_out_of_its_roots(tmp_path: Path) -> None:
    root = tmp_path / "assets"
    root.mkdir()
    (root / "ok.css").write_text("p{}")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.css").symlink_to(secret)
    fetcher = AssetURLFetcher(roots=[root])
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p{}"
    with pytest.raises(AssetRefused):
        fetcher.fetch((root / "link.css").as_uri())


def test_html_to_pdf_only_resolves_against_template_folders(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="report_templates"):
        html_to_pdf("<p>x</p>", base_dir=tmp_path)


# -------------------------------------------------------------------------------- prerequisites


@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Forget that the prerequisites were found, so the next rendering checks again."""
    monkeypatch.setattr(pdf_module, "_ready", False)
    return monkeypatch


def test_rendering_refuses_to_start_without_the_harfbuzz_subsetter(unchecked: pytest.MonkeyPatch) -> None:
    real = pdf_module._import_weasyprint_ffi

    def without_subsetter() -> tuple[object, object, object, object]:
        ffi, fontconfig, harfbuzz, _ = real()
        return ffi, fontconfig, harfbuzz, None  # what WeasyPrint holds when libharfbuzz-subset is missing

    unchecked.setattr(pdf_module, "_import_weasyprint_ffi", without_subsetter)
    import weasyprint

    def no_rendering(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendering started")

    unchecked.setattr(weasyprint, "HTML", no_rendering)
    with pytest.raises(PdfPrerequisiteError) as error:
        render(load(GHG_KIND))
    assert "libharfbuzz-subset0" in str(error.value)
    assert "缺少 HarfBuzz 字体子集库" in error.value.message_zh
    assert "30× slower" in error.value.message_en
    assert pdf_module._ready is False  # checked again next time


def test_rendering_refuses_to_start_without_the_cjk_font(unchecked: pytest.MonkeyPatch) -> None:
    unchecked.setattr(pdf_module, "_matched_family", lambda family: "DejaVu Sans")
    with pytest.raises(PdfPrerequisiteError, match="fonts-noto-cjk"):
        check_pdf_prerequisites()
