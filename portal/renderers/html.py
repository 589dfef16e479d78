"""Render the filing HTML from the versioned templates in ``report_templates/pdf/<kind>/<version>/``.

A released template version is never edited (ARCHITECTURE.md): a layout change is a new ``vN`` folder,
and a stored version can be re-rendered with the template it was first printed with. Every value is
escaped by Jinja's autoescape; only our own labels pass through the ``chem`` filter, which adds
``<sub>`` to chemical formulas (Noto Sans CJK has no U+2082 "₂", so CO₂ is written CO<sub>2</sub>).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import jinja2
from markupsafe import Markup, escape

import report_templates
from portal.domain.documents import KINDS, Document
from portal.domain.findings import Finding

from .formatting import display
from .layout import TableLayout, layout_table
from .meta import RenderMeta
from .view import Column, FilingView, Table, ViewOptions, view_with

if TYPE_CHECKING:
    from .view import Computed

#: the report_templates package: every file the PDF may load lives under it
TEMPLATES_ROOT = Path(report_templates.__file__).resolve().parent
PDF_TEMPLATES = TEMPLATES_ROOT / "pdf"
TEMPLATE_NAME = "report.html"

_VERSION = re.compile(r"v([1-9][0-9]*)")
_FORMULA = re.compile(r"(?<![A-Z])(CO|SO|NH|CH|N)([2-4])(?![0-9])")


#: section numbers (一、二、…)
CHINESE_NUMERALS = (
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
)  # fmt: skip


class TemplateNotFound(LookupError):
    """Raise when a kind has no template of the requested version."""


def template_versions(kind: str) -> list[str]:
    """Return the template versions of ``kind``, oldest first (``["v1", "v2"]``)."""
    if kind not in KINDS:
        raise TemplateNotFound(f"unknown filing kind {kind!r}")
    base = PDF_TEMPLATES / kind
    found = (
        [
            p.name
            for p in base.iterdir()
            if p.is_dir() and _VERSION.fullmatch(p.name) and (p / TEMPLATE_NAME).is_file()
        ]
        if base.is_dir()
        else []
    )
    return sorted(found, key=lambda name: int(name[1:]))


def latest_template_version(kind: str) -> str:
    """Return the newest template version of ``kind``: what a new filing is printed with."""
    versions = template_versions(kind)
    if not versions:
        raise TemplateNotFound(f"no PDF template for {kind}")
    return versions[-1]


def template_dir(kind: str, version: str) -> Path:
    """Return the folder of one template version (checked: no path can be smuggled in)."""
    if version not in template_versions(kind):
        raise TemplateNotFound(f"no PDF template {kind}/{version}")
    return PDF_TEMPLATES / kind / version


def chem(text: Any) -> Markup:
    """Escape ``text`` and write the digits of chemical formulas as subscripts (CO2 → CO<sub>2</sub>)."""
    if text is None:
        return Markup("")
    return Markup(_FORMULA.sub(r"\1<sub>\2</sub>", str(escape(text))))


def _header(column: Column) -> Markup:
    label = chem(column.zh)
    if len(column.zh) <= 4:
        label = Markup('<span class="nw">') + label + Markup("</span>")
    if column.unit:
        label += Markup('<span class="unit">（') + chem(column.unit) + Markup("）</span>")
    return label


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PDF_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters["chem"] = chem
    env.filters["header"] = _header
    env.globals["CHINESE_NUMERALS"] = CHINESE_NUMERALS
    return env


def render_view_html(view: FilingView) -> str:
    """Render the HTML of a built :class:`FilingView` with its template version."""
    template_dir(view.kind, view.template_version)  # validates kind and version
    template = _environment().get_template(f"{view.kind}/{view.template_version}/{TEMPLATE_NAME}")

    def text(column: Column, value: Any) -> str:
        return display(column, value, view.labels)

    def layout(table: Table) -> TableLayout:  # v2 and later: column widths and orientation
        return layout_table(table, text)

    return template.render(v=view, text=text, layout=layout)


def render_filing_html(document: Document, computed: Computed, findings: Sequence[Finding], meta: RenderMeta,
                       **options: Unpack[ViewOptions]) -> str:
    """Return the HTML of the PDF copy of record of one filing.

    ``computed`` and ``findings`` are what ``portal.rules.check_document`` returns for ``document``;
    ``labels`` names fuel, process and product codes (``labels_from_reference``); ``template_version``
    defaults to the newest version of the document's kind.
    """
    version = options.get("template_version") or latest_template_version(document.kind)
    return render_view_html(view_with(document, computed, findings, meta, version, options))
