"""Render the PDF copy of record with WeasyPrint — after checking that it can be rendered properly.

Two things make WeasyPrint print a bad or slow PDF without an error, so they are checked first, once
per process, and rendering is refused with a bilingual message when either is missing:

* HarfBuzz's subsetter (Debian ``libharfbuzz-subset0``). Without it WeasyPrint subsets fonts with
  fontTools instead — about 30× slower on a CJK font, with only a log line to say so (ECOSYSTEM.md).
* The CJK font (Debian ``fonts-noto-cjk``, family "Noto Sans CJK SC", found through fontconfig). Without
  it fontconfig substitutes a Latin font and every Chinese character prints as a blank box.

WeasyPrint is imported lazily, so that the web app and the Excel filing do not pay for it.
"""

from __future__ import annotations

import ctypes.util
import datetime as dt
import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from portal.domain.codec import canonical_json
from portal.domain.documents import Document
from portal.domain.findings import Finding

from .html import TEMPLATES_ROOT, latest_template_version, render_view_html, template_dir
from .meta import RenderMeta
from .view import ViewOptions, view_with

if TYPE_CHECKING:
    from .fetcher import AssetURLFetcher
    from .view import Computed

#: the font family the templates ask for first
CJK_FAMILY = "Noto Sans CJK SC"

Problem = tuple[str, str]  # (Chinese, English)

_ready = False  # set once every prerequisite was found; a failed check is repeated on the next call


class PdfPrerequisiteError(RuntimeError):
    """Raise when this machine cannot render a correct PDF at normal speed; says what to install."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        self.message_zh = "无法生成 PDF：" + "；".join(zh for zh, _ in self.problems)
        self.message_en = "cannot render PDF: " + "; ".join(en for _, en in self.problems)
        super().__init__(f"{self.message_zh} / {self.message_en}")

    def describe(self) -> str:
        """Return the one-line bilingual message shown to an operator."""
        return str(self)


def _import_weasyprint_ffi() -> tuple[Any, Any, Any, Any]:
    """Return WeasyPrint's cffi handles: their attributes are the C libraries' functions, typed by none."""
    with warnings.catch_warnings():
        # WeasyPrint 70 warns (DeprecationWarning) at import when the subsetter is missing; we report it.
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint.text.ffi import ffi, fontconfig, harfbuzz, harfbuzz_subset
    return ffi, fontconfig, harfbuzz, harfbuzz_subset


def _harfbuzz_subset_problem() -> Problem | None:
    """Return why WeasyPrint would not subset fonts with HarfBuzz, or None — decided exactly as it does."""
    try:
        _, _, harfbuzz, harfbuzz_subset = _import_weasyprint_ffi()
    except (ImportError, OSError) as exc:
        return (
            f"WeasyPrint 无法加载其依赖的系统库（{exc}）",
            f"WeasyPrint cannot load its system libraries ({exc})",
        )
    if harfbuzz_subset is None:
        found = ctypes.util.find_library("harfbuzz-subset")
        return (
            "缺少 HarfBuzz 字体子集库 libharfbuzz-subset（Debian/Ubuntu 请安装 libharfbuzz-subset0）；"
            "缺少该库时 WeasyPrint 会改用 fontTools，中文 PDF 生成速度慢约 30 倍且不会报错",
            "WeasyPrint cannot load HarfBuzz's subsetter libharfbuzz-subset (Debian/Ubuntu: apt-get install "
            "libharfbuzz-subset0); without it WeasyPrint silently falls back to fontTools, about 30× slower "
            f"on CJK fonts (find_library: {found!r})",
        )
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return (
            "HarfBuzz 版本低于 4.1.0，WeasyPrint 不会使用其字体子集功能，请升级 libharfbuzz",
            "HarfBuzz is older than 4.1.0, so WeasyPrint will not use its subsetter: upgrade libharfbuzz",
        )
    return None


def _matched_family(family: str) -> str | None:
    """Return the family fontconfig actually serves for ``family`` (what Pango will get), or None."""
    ffi, fontconfig, _, _ = _import_weasyprint_ffi()
    fc = fontconfig
    config = fc.FcInitLoadConfigAndFonts()
    if config == ffi.NULL:
        return None
    pattern = fc.FcPatternCreate()
    try:
        fc.FcPatternAddString(pattern, b"family", family.encode())
        fc.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fc.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fc.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return None
        try:
            out = ffi.new("FcChar8 **")
            if fc.FcPatternGetString(match, b"family", 0, out) != 0:  # FcResultMatch
                return None
            name: bytes = ffi.string(out[0])
            return name.decode("utf-8", "replace")
        finally:
            fc.FcPatternDestroy(match)
    finally:
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)


def _cjk_font_problem() -> Problem | None:
    """Return why the CJK font the templates use is not available, or None."""
    try:
        family = _matched_family(CJK_FAMILY)
    except (ImportError, OSError) as exc:
        family = None
        detail = str(exc)
    else:
        detail = f"fontconfig gives {family!r}"
    if family is not None and family.casefold() == CJK_FAMILY.casefold():
        return None
    return (
        f"未找到中文字体 {CJK_FAMILY}（Debian/Ubuntu 请安装 fonts-noto-cjk），否则中文将无法显示",
        f"the CJK font {CJK_FAMILY} is not installed (Debian/Ubuntu: apt-get install fonts-noto-cjk); "
        f"Chinese text would print as blank boxes ({detail})",
    )


def check_pdf_prerequisites() -> None:
    """Raise :class:`PdfPrerequisiteError` unless HarfBuzz's subsetter and the CJK font are available.

    Call it at start-up (``portal render``, the app factory, the job worker) to fail early; every PDF
    rendering calls it too. A successful check is remembered for the life of the process.
    """
    global _ready
    if _ready:
        return
    problems = [p for p in (_harfbuzz_subset_problem(), _cjk_font_problem()) if p is not None]
    if problems:
        raise PdfPrerequisiteError(problems)
    _ready = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivalFacts:
    """Hold what a copy of record states about itself (XMP) and carries inside it (its canonical JSON).

    Every PDF the portal renders — drafts included — is PDF/A-3b, tagged, and embeds the canonical JSON of
    the document it shows as an associated file (``document.json``, AFRelationship /Source): the printed
    text and the data it was printed from travel together, and ``verify_pdf`` hashes the embedded JSON.
    """

    title: str
    kind: str
    kind_zh: str
    year: int | None
    enterprise: str
    uscc: str | None
    sha256: str
    status: str
    version: int | None
    template: str  # "ghg_annual_report/v2"
    document_json: bytes  # canonical JSON, UTF-8: hashes to ``sha256``
    #: creation time written into the metadata and the attachment; None = now (drafts)
    created: dt.datetime | None = None

    def __post_init__(self) -> None:
        if hashlib.sha256(self.document_json).hexdigest() != self.sha256:
            # The hash printed on every page must be the hash of the document inside the file.
            raise ValueError("the embedded document does not hash to the stated SHA-256")


def html_to_pdf(html: str, *, base_dir: Path, url_fetcher: AssetURLFetcher | None = None,
                archival: ArchivalFacts | None = None) -> bytes:
    """Return the PDF of ``html``, resolving relative URLs against ``base_dir`` with the locked-down fetcher.

    With ``archival`` the PDF is a tagged PDF/A-3b with XMP metadata and the canonical JSON embedded
    (``render_pdf`` always passes it); without, a plain PDF (tests of the templates' sandbox).

    Raise :class:`~portal.renderers.fetcher.AssetRefused` when the HTML or its stylesheets ask for anything
    but ``data:`` URIs and files under ``report_templates`` — rendering stops rather than print a copy of
    record with a resource silently missing.
    """
    check_pdf_prerequisites()
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    from .archival import archival_options
    from .fetcher import AssetRefused, AssetURLFetcher

    base = base_dir.resolve()
    if not base.is_relative_to(TEMPLATES_ROOT):
        raise ValueError("the base folder of a filing template must be under report_templates/")
    fetcher = url_fetcher if url_fetcher is not None else AssetURLFetcher()
    refused_before = len(fetcher.refused)
    try:
        document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render()
        pdf: bytes
        if archival is None:
            pdf = document.write_pdf()
        else:
            options = archival_options(document, archival)
            pdf = document.write_pdf(**options)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise AssetRefused(str(cause) if cause is not None else str(exc)) from None
    if len(fetcher.refused) > refused_before:
        # WeasyPrint swallows every error inside SVG images; the fetch was refused, and so is the PDF.
        raise AssetRefused(f"refused to fetch {fetcher.refused[refused_before][:200]!r}")
    return pdf


def render_pdf(document: Document, computed: Computed, findings: Sequence[Finding], meta: RenderMeta, *,
               url_fetcher: AssetURLFetcher | None = None, **options: Unpack[ViewOptions]) -> bytes:
    """Return the PDF copy of record of one filing (see ``render_filing_html`` for the arguments), unsigned.

    The PDF is tagged PDF/A-3b with XMP metadata (title, enterprise, year, kind, hash) and embeds the
    document's canonical JSON; a submitted version's copy is then signed with ``signing.sign_pdf``.
    Refuses to start (:class:`PdfPrerequisiteError`) when HarfBuzz's subsetter or the CJK font is missing.
    """
    check_pdf_prerequisites()
    version = options.get("template_version") or latest_template_version(document.kind)
    view = view_with(document, computed, findings, meta, version, options)
    html = render_view_html(view)
    facts = ArchivalFacts(
        title=view.title, kind=view.kind, kind_zh=view.kind_zh, year=view.year, enterprise=view.enterprise_name,
        uscc=view.uscc, sha256=view.sha256, status=meta.status, version=meta.version,
        template=f"{view.kind}/{version}", document_json=canonical_json(document).encode("utf-8"),
        created=meta.submitted_at,
    )
    return html_to_pdf(html, base_dir=template_dir(view.kind, version), url_fetcher=url_fetcher, archival=facts)
