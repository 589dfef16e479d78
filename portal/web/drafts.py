"""The filer's section forms of both filing kinds and their live preview.

The GHG annual report and the clean-production audit share the views: :data:`FORMS` says, per kind,
which sections there are and how a section's form is built and merged into the document; the audit's
side panel, timeline and trigger evidence come from :mod:`portal.web.audit_panel`.

Each section saves on its own: parse the form → merge into the draft document → ``save_draft`` with the
revision the page was drawn from → the request commits once → redirect back (PRG). Nothing typed is lost: a refused
save draws the page again from what was posted, a stale save keeps the input and offers a reload, and
draft-form.js keeps a copy in the browser's storage in case the session ends.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from wtforms import FieldList, FormField

from forms import cpa as cpa_forms
from forms import disclosure as disclosure_forms
from forms import ghg as ghg_forms
from forms.doc_fields import (
    attr_name,
    bind_choices,
    describe_errors,
    fill_rows,
    iter_fields,
    line_cap_error,
    number_rows,
    path_to_id,
    renumber_rows,
    section_data,
)
from forms.ghg import SECTIONS, Section, code_choices
from forms.labels import KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS, localized, value_name

from ..calc.results import CpaComputed
from ..domain.codec import format_decimal
from ..domain.disclosure import ADHOC_COMPUTED, ANNUAL_COMPUTED
from ..domain.documents import (
    ADHOC_KIND,
    ANNUAL_KIND,
    CPA_KIND,
    GHG_COMPUTED,
    GHG_KIND,
    CleanProductionAudit,
    Document,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    GhgAnnualReport,
)
from ..domain.fields import ComputedDef
from ..domain.findings import Finding
from ..domain.labels import UNITS
from ..models import Filing
from ..services import checking
from ..services import disclosure as disclosure_service
from ..services import filings as filing_service
from ..services.errors import ServiceError, StaleDraft
from ..services.reference import current_reference
from . import audit_panel
from . import review as review_views
from .access import filing_or_404
from .templating import bilingual, format_number, text_in_language
from .transaction import refused

bp = Blueprint("drafts", __name__)
# filings/_computed.html names an audit's savings and indicators by the field spec, on every page it is on.
bp.add_app_template_global(audit_panel.audit_computed_label, "computed_label")

#: The totals shown beside every section, as declared beside the document (GHG_COMPUTED)
TOTALS: tuple[ComputedDef, ...] = tuple(d for d in GHG_COMPUTED if d.key in (
    "combustion_tco2", "process_tco2", "electricity_tco2", "heat_tco2", "co2_recovered_tco2", "total_tco2",
    "energy_from_inputs_tce", "carbon_intensity"))
_TOTAL = {d.key: d for d in GHG_COMPUTED}


@dataclass(frozen=True)
class KindForms:
    """Hold the section forms of one filing kind: the sections, their form classes, how a form is merged."""

    sections: tuple[Section, ...]
    by_slug: Mapping[str, Section]
    form_class: Callable[[str], type[FlaskForm]]
    apply: Callable[[Any, FlaskForm], Any]


FORMS: dict[str, KindForms] = {
    GHG_KIND: KindForms(ghg_forms.SECTIONS, ghg_forms.SECTION_BY_SLUG, ghg_forms.section_form_class,
                        ghg_forms.apply_section),
    CPA_KIND: KindForms(cpa_forms.SECTIONS, cpa_forms.SECTION_BY_SLUG, cpa_forms.section_form_class,
                        cpa_forms.apply_section),
    ANNUAL_KIND: KindForms(disclosure_forms.ANNUAL_SECTIONS, {s.slug: s for s in disclosure_forms.ANNUAL_SECTIONS},
                           disclosure_forms.annual_form_class, disclosure_forms.apply_disclosure_section),
    ADHOC_KIND: KindForms(disclosure_forms.ADHOC_SECTIONS, {s.slug: s for s in disclosure_forms.ADHOC_SECTIONS},
                          disclosure_forms.adhoc_form_class, disclosure_forms.apply_disclosure_section),
}


# ------------------------------------------------------------------------------------------ helpers


def _editable_filing_or_404(filing_id: int) -> tuple[Filing, KindForms]:
    filing = filing_or_404(filing_id, "edit")
    kind_forms = FORMS.get(filing.kind)
    if kind_forms is None:
        abort(404)
    return filing, kind_forms


class _OpenSection(NamedTuple):
    """What a section's views work on: the filing, its kind's forms, the section, the saved draft, the code choices."""

    filing: Filing
    kind_forms: KindForms
    section: Section
    saved: Document
    choices: dict[str, Any]


def _open_section(filing_id: int, slug: str) -> _OpenSection:
    """Return the section ``slug`` of a filing the current user may edit, with its saved draft (else 404)."""
    filing, kind_forms = _editable_filing_or_404(filing_id)
    section = kind_forms.by_slug.get(slug)
    if section is None:
        abort(404)
    return _OpenSection(filing, kind_forms, section, filing_service.draft_document(filing), _choices())


_CHOICES: dict[int, tuple[Any, dict[str, Any]]] = {}


def _choices() -> dict[str, Any]:
    """Return the code choices of the reference data in force (rebuilt when an administrator corrects it)."""
    ref = current_reference()
    cached = _CHOICES.get(id(ref))
    if cached is None or cached[0] is not ref:
        _CHOICES.clear()
        cached = _CHOICES[id(ref)] = (ref, code_choices(ref.all_fuels(), ref.all_processes(), ref.all_products()))
    return cached[1]


#: Rows of a long table drawn per page: a 5,000-line list (common.MAX_LINES) drawn whole was 27 MB of HTML
#: and 14 s to open (issue 19 item 5: the editor stays responsive at the cap).
PAGE_ROWS = 100


@dataclass(frozen=True)
class RowPage:
    """Say which rows of a section's table a page draws, and which rows of the saved list a save replaces.

    ``start``/``rows``: the slice of the saved list the page was drawn from; a save puts the posted rows in
    its place (rows added or removed on the page included) and leaves every other row as it was, under the
    revision check (the list cannot have moved since the page was drawn).
    """

    attr: str
    total: int
    start: int
    rows: int

    @property
    def number(self) -> int:
        """Return the page's number, from 1."""
        return self.start // PAGE_ROWS + 1

    @property
    def count(self) -> int:
        """Return how many pages the saved list fills (at least 1)."""
        return max(1, -(-self.total // PAGE_ROWS))

    @property
    def other_rows(self) -> int:
        """Return the rows of the list not on this page (they count towards the line cap)."""
        return self.total - self.rows

    def numbers(self) -> list[int | None]:
        """Return the page numbers to link: the first, the last and two each side of this one (None: a gap)."""
        wanted = {1, self.count, *range(self.number - 2, self.number + 3)}
        out: list[int | None] = []
        for n in sorted(n for n in wanted if 1 <= n <= self.count):
            if out and out[-1] is not None and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def _paged_list(sec: Section) -> str | None:
    """Return the section's table drawn a page at a time: its one top-level list (fuels, processes…)."""
    lists = [attr for attr in sec.lists if attr in sec.attrs]
    return lists[0] if len(lists) == 1 else None


def _whole_number(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _page_to_draw(sec: Section, document: Document) -> tuple[RowPage | None, int | None, str | None]:
    """Return the page a GET asks for (``?page=N`` or ``?row=N``), the row to show, and a notice if out of range."""
    attr = _paged_list(sec)
    if attr is None:
        return None, None, None
    total = len(getattr(document, attr))
    count = max(1, -(-total // PAGE_ROWS))
    row = _whole_number(request.args.get("row"))
    notice = None
    if row is not None and total:
        if row < 1 or row > total:
            notice = _("本表共 %(n)s 行，没有第 %(row)s 行。", n=f"{total:,}", row=row)
            row = min(max(row, 1), total)
        number = (row - 1) // PAGE_ROWS + 1
    else:
        row = None
        number = min(max(_whole_number(request.args.get("page")) or 1, 1), count)
    start = (number - 1) * PAGE_ROWS
    return RowPage(attr, total, start, min(PAGE_ROWS, max(total - start, 0))), row, notice


def _posted_page(sec: Section, document: Document) -> RowPage | None:
    """Return the page a POST carries (``page_start``, ``page_rows``); without them, the whole list."""
    attr = _paged_list(sec)
    if attr is None:
        return None
    total = len(getattr(document, attr))
    start = _whole_number(request.form.get("page_start"))
    rows = _whole_number(request.form.get("page_rows"))
    if start is None or rows is None:
        return RowPage(attr, total, 0, total)  # a form posted whole (a client of its own): as before paging
    start = min(start, total)  # out of range only if the list changed since: the save is refused as stale
    return RowPage(attr, total, start, min(rows, total - start))


def _page_form(kind_forms: KindForms, sec: Section, document: Document, revision: int, page: RowPage) -> FlaskForm:
    """Return the section's form holding only the page's rows of its long table, numbered as in the list."""
    form_class = kind_forms.form_class(sec.slug)
    form = form_class(formdata=None, data=section_data(form_class, document, leave_out=page.attr), revision=revision)
    fill_rows(form[page.attr], getattr(document, page.attr)[page.start:page.start + page.rows], page.start)
    return form


def _posted_form(kind_forms: KindForms, sec: Section, page: RowPage | None, formdata: Any = None) -> FlaskForm:
    """Return the section's form from posted data, a page's rows numbered as the page drew them."""
    form = _new_form(kind_forms, sec, formdata=formdata)
    if page is not None and page.start:
        number_rows(form[page.attr], page.start)
    return form


def _merge_page(saved: Document, document: Document, page: RowPage) -> Document:
    """Return ``document`` (the section applied from a page's form) with its table put back in the saved list."""
    rows = getattr(saved, page.attr)
    changes: dict[str, Any] = {page.attr: [*rows[:page.start], *getattr(document, page.attr),
                                           *rows[page.start + page.rows:]]}
    return dataclasses.replace(document, **changes)


def _page_rows(form: FlaskForm, page: RowPage | None) -> range | None:
    """Return the list indices the page draws now (its rows after adds and removals), or None when unpaged."""
    if page is None:
        return None
    return range(page.start, page.start + len(form[page.attr].entries))


def _page_cap_error(form: FlaskForm, page: RowPage | None) -> bool:
    """Refuse a page that would take the whole list past its line cap (common.MAX_LINES), at the table."""
    if page is None:
        return False
    table = form[page.attr]
    message = line_cap_error(table, page.other_rows + len(table.entries))
    if message is None or message in table.errors:
        return False
    table.errors = [*table.errors, message]
    return True


def _validate(form: FlaskForm, page: RowPage | None) -> bool:
    """Validate a section's form, and the line cap of the whole list a page is merged into."""
    valid = bool(form.validate())
    return not _page_cap_error(form, page) and valid


def _other_pages(findings: list[Finding], page: RowPage | None, shown: range | None) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Split findings into those drawn on this page and, per other page, how many there are (with a link)."""
    if page is None or shown is None:
        return findings, []
    pattern = re.compile(rf"^{re.escape(page.attr)}\[(\d+)\]")
    here: list[Finding] = []
    elsewhere: dict[int, int] = defaultdict(int)
    for finding in findings:
        match = pattern.match(finding.path)
        if match is None or int(match.group(1)) in shown:
            here.append(finding)
        else:
            elsewhere[int(match.group(1)) // PAGE_ROWS + 1] += 1
    return here, [{"number": n, "findings": elsewhere[n]} for n in sorted(elsewhere)]


def _text(value: Decimal | None) -> str:
    return "—" if value is None else format(value, "f")


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def _new_form(kind_forms: KindForms, section: Section, *, formdata: Any = None, document: Document | None = None,
              revision: int | None = None) -> FlaskForm:
    form_class = kind_forms.form_class(section.slug)
    if document is not None:
        form = form_class(formdata=None, data=section_data(form_class, document), revision=revision)
    elif formdata is not None:
        form = form_class(formdata=formdata)
    else:
        form = form_class()
    return form


def _template_rows(form: FlaskForm, section: Section, choices: dict[str, Any]) -> dict[str, Any]:
    """Return, per repeatable list, an empty row named ``<list>-__INDEX__-…`` for draft-form.js to clone."""
    out = {}
    for attr in section.lists:  # "fuels", or a table inside a section's object: "pollutants-outlets"
        field = form
        for part in attr.split("-"):
            field = field[part] if not isinstance(field, FormField) else field.form[part]
        row_class = field.unbound_field.args[0]
        row = row_class(formdata=None, prefix=f"{attr}-__INDEX__-")
        bind_choices(row, choices)
        out[attr] = row
    return out


def _defaults(document: Document) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
    """Return the default parameters per code, shown as placeholders (list → code field → code → values).

    Fuels take the defaults of the enterprise's edition (mee-2024 for national-ETS industries, else
    ndrc-2015) — the values used when the filer leaves a measured value empty. An audit has no such
    defaults.
    """
    if not isinstance(document, GhgAnnualReport):
        return {}
    ref = current_reference()
    edition = ref.fuel_edition(document.enterprise.industry_code)
    fuels: dict[str, dict[str, str]] = {}
    for entry in ref.all_fuels():
        if entry.code in fuels:
            continue
        factor = ref.fuel(entry.code, edition)
        if factor is not None:
            fuels[entry.code] = {"ncv": _plain(factor.ncv), "carbon_content": _plain(factor.carbon_content),
                                 "oxidation_rate": _plain(factor.oxidation_rate)}
    processes: dict[str, dict[str, str]] = {}
    for process in ref.all_processes():
        values = {}
        if process.default_factor is not None:
            values["emission_factor"] = _plain(process.default_factor)
        if process.default_purity is not None:
            values["purity"] = _plain(process.default_purity)
        processes[process.code] = values
    return {"fuels": {"fuel": fuels}, "processes": {"process": processes}}


def _placeholders(form: FlaskForm, section: Section, defaults: dict[str, Any]) -> dict[str, str]:
    """Return input id → placeholder (the default a blank measured value will take) for drawn rows."""
    out: dict[str, str] = {}
    for attr in section.lists:
        for code_field, by_code in defaults.get(attr, {}).items():
            for entry in form[attr].entries:
                values = by_code.get(entry.form[attr_name(code_field)].data or "", {})
                for name, value in values.items():
                    out[entry.form[attr_name(name)].id] = _("缺省 %(v)s", v=value)
    return out


def _top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0] if path else ""


def _section_of(path: str, sections: tuple[Section, ...] = SECTIONS) -> str | None:
    top = _top(path)
    for section in sections:
        if top in section.attrs:
            return section.slug
    return None


def _place_findings(
    findings: Iterable[Finding], section: Section, field_ids: set[str]
) -> tuple[dict[str, list[Finding]], list[tuple[Finding, str]]]:
    """Return (input id → findings, [(finding, anchor)]) for the findings about this section's fields."""
    by_id: dict[str, list[Finding]] = defaultdict(list)
    listed: list[tuple[Finding, str]] = []
    for finding in findings:
        if _top(finding.path) not in section.attrs:
            continue
        anchor = path_to_id(finding.path)
        while anchor not in field_ids and "-" in anchor:
            anchor = anchor.rsplit("-", 1)[0]
        by_id[anchor].append(finding)
        listed.append((finding, anchor))
    return by_id, listed


def _finding_counts(findings: Iterable[Finding], sections: tuple[Section, ...]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        slug = _section_of(finding.path, sections)
        if slug is not None:
            counts[slug] += 1
    return counts


def panel(section: Section, document: Document, computed: Any, choices: dict[str, Any],
          rows: range | None = None) -> dict[str, Any]:
    """Return the computed results beside a section: totals, and per line the arithmetic.

    The same structure is drawn by the template and sent by the preview endpoint, so the page and the
    live update never disagree. An audit's panel is drawn by :func:`portal.web.audit_panel.panel`.
    ``rows``: the lines of a paged table drawn on the page (the totals always cover the whole list).
    """
    if isinstance(document, CleanProductionAudit):
        return audit_panel.panel(section.slug, document, computed)
    if isinstance(document, (EnvDisclosureAnnualReport, EnvDisclosureAdhoc)):
        return disclosure_panel(document, computed)
    names = {kind: {c.value: str(c.label) for c in entries} for kind, entries in choices.items()}
    totals = []
    for d in TOTALS:
        value = getattr(computed, d.key)
        totals.append({"key": d.key, "label": str(localized(d.label)), "unit": text_in_language(d.unit),
                       "value": format_number(value), "arithmetic": computed.arithmetic.get(d.key, "")})
    lines: list[dict[str, str]] = []
    slug = section.slug
    if slug == "fuels" and isinstance(document, GhgAnnualReport):
        for r in computed.fuels:
            if rows is not None and r.index not in rows:
                continue
            line = document.fuels[r.index]
            used = _("低位发热量 %(ncv)s%(nd)s；含碳量 %(cc)s%(cd)s；碳氧化率 %(of)s%(od)s",
                     ncv=_text(r.ncv), nd=_("（缺省）") if r.ncv_default else "",
                     cc=_text(r.carbon_content), cd=_("（缺省）") if r.carbon_content_default else "",
                     of=_text(r.oxidation_rate), od=_("（缺省）") if r.oxidation_rate_default else "")
            lines.append({"anchor": f"fuels-{r.index}",
                          "label": f"{r.index + 1}. {line.source or ''} {names['fuel'].get(r.fuel, r.fuel)}".strip(),
                          "value": f"{_text(r.emission_tco2)} tCO2", "detail": used if r.known else "",
                          "arithmetic": r.arithmetic})
    elif slug == "processes" and isinstance(document, GhgAnnualReport):
        for r in computed.processes:
            if rows is not None and r.index not in rows:
                continue
            line = document.processes[r.index]
            lines.append({"anchor": f"processes-{r.index}",
                          "label": f"{r.index + 1}. {line.source or ''} {names['process'].get(r.process, r.process)}".strip(),
                          "value": f"{_text(r.emission_tco2)} tCO2e",
                          "detail": str(value_name("factor_source", r.factor_source)),
                          "arithmetic": r.arithmetic})
    elif slug == "products":
        for r in computed.products:
            if rows is not None and r.index not in rows:
                continue
            level = str(value_name("energy_level", r.level)) if r.level else ""
            lines.append({"anchor": f"products-{r.index}",
                          "label": f"{r.index + 1}. {names['product'].get(r.product, r.product)}",
                          "value": _("单位产品综合能耗 %(v)s kgce", v=_text(r.unit_energy)),
                          "detail": level, "arithmetic": r.arithmetic})
    elif slug == "generating-units":
        for r in computed.generating_units:
            if rows is not None and r.index not in rows:
                continue
            lines.append({"anchor": f"generating_units-{r.index}", "label": f"{r.index + 1}. {r.id}",
                          "value": _("供电排放强度 %(v)s tCO2/MWh", v=_text(r.intensity)),
                          "detail": _("归属本机组的燃烧排放 %(v)s tCO2", v=_text(r.combustion_tco2)),
                          "arithmetic": r.arithmetic})
    elif slug == "energy":
        lines.append({"anchor": "electricity", "label": str(localized(_TOTAL["electricity_tco2"].label)),
                      "value": f"{_text(computed.electricity_tco2)} tCO2",
                      "detail": _("电网排放因子 %(v)s tCO2/MWh（当年官方值 %(o)s）", v=_text(computed.grid_factor),
                                  o=_text(computed.grid_factor_official)),
                      "arithmetic": computed.arithmetic.get("electricity_tco2", "")})
        lines.append({"anchor": "heat", "label": str(localized(_TOTAL["heat_tco2"].label)),
                      "value": f"{_text(computed.heat_tco2)} tCO2",
                      "detail": "", "arithmetic": computed.arithmetic.get("heat_tco2", "")})
    elif slug == "pollutants":
        lines.append({"anchor": "permit-coal_t", "label": _("燃煤消耗量（按燃料计）"), "value": f"{_text(computed.coal_t)} t",
                      "detail": _("与执行报告燃煤量交叉校核"), "arithmetic": computed.arithmetic.get("coal_t", "")})
    elif slug == "declared":
        for key in ("combustion_tco2", "process_tco2", "total_tco2"):
            lines.append({"anchor": f"declared-{key}", "label": str(localized(_TOTAL[key].label)),
                          "value": _("计算值 %(v)s", v=_text(getattr(computed, key))), "detail": "",
                          "arithmetic": computed.arithmetic.get(key, "")})
    return {"totals": totals, "lines": lines}


def disclosure_panel(document: EnvDisclosureAnnualReport | EnvDisclosureAdhoc, computed: Any) -> dict[str, Any]:
    """Return a disclosure's computed figures (ANNUAL_COMPUTED / ADHOC_COMPUTED) for the side panel."""
    defs = ANNUAL_COMPUTED if isinstance(document, EnvDisclosureAnnualReport) else ADHOC_COMPUTED
    arithmetic = getattr(computed, "arithmetic", {})
    totals = []
    for d in defs:
        if d.key == "required_sections":
            continue
        value = getattr(computed, d.key)
        percent = d.unit is UNITS["percent"]
        if percent and value is not None:
            shown = f"{format_number(value * 100, d.places)} %"
        else:
            shown = format_number(value, d.places) if d.places is not None else format_number(value)
        totals.append({"key": d.key, "label": str(localized(d.label)), "unit": "" if percent else
                       text_in_language(d.unit), "value": shown, "arithmetic": arithmetic.get(d.key, "")})
    lines: list[dict[str, str]] = []
    if isinstance(document, EnvDisclosureAnnualReport):
        for timing in computed.adhoc:
            lines.append({"anchor": f"adhoc-{timing.index}", "label": f"{timing.index + 1}.",
                          "value": _("期限 %(d)s", d=timing.due_on.isoformat() if timing.due_on else "—"),
                          "detail": "", "arithmetic": timing.arithmetic})
    return {"totals": totals, "lines": lines}


def prefill_marks(document: Document, enterprise_id: int | None = None) -> dict[str, dict[str, str]]:
    """Return input id → the mark of a value pre-filled from an accepted (else submitted) filing, with its source.

    disclosure-format.md "Pre-fill": every pre-filled value shows where it came from; the filer confirms or
    corrects it, and a changed figure is DSC-003/004/010.
    """
    if not isinstance(document, EnvDisclosureAnnualReport):
        return {}
    out: dict[str, dict[str, str]] = {}
    for key, version in disclosure_service.prefill_sources(document).items():
        filing = version.filing
        mark = {"text": _("预填自：%(kind)s %(year)s 第 %(n)s 版（%(status)s）", kind=str(KIND_LABELS[filing.kind]),
                          year=filing.year, n=version.number, status=str(STATUS_LABELS[filing.status])),
                "url": url_for("filings.version", filing_id=filing.id, number=version.number)}
        for path in disclosure_service.PREFILL_PATHS[key]:
            out[path_to_id(path)] = mark
    rating = disclosure_service.registered_rating(enterprise_id, document.reporting_year) if enterprise_id else None
    management = document.env_management
    if rating is not None and management is not None and management.credit_rating == rating:
        # from the regulators' register (issue 18 item 4): no version to link to
        out[path_to_id(disclosure_service.CREDIT_RATING_PATH)] = {
            "text": _("预填自：环保信用评价登记（%(year)s 年度）", year=rating.year), "url": ""}
    return out


def _findings_json(listed: list[tuple[Finding, str]]) -> list[dict[str, str]]:
    return [{"anchor": anchor, "rule": f.rule, "severity": f.severity, "path": f.path,
             "message": bilingual(f.message_zh, f.message_en)} for f, anchor in listed]


def _attributes(values: dict[str, Any]) -> str:
    """Return HTML attributes (True → bare attribute; None/False → left out), values escaped."""
    out = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        out.append(key if value is True else f'{key}="{escape(value)}"')
    return " ".join(out)


class Controls:
    """Draw inputs with their describedby (help, error, findings) and default placeholders.

    A Python helper rather than a template macro: a 200-row fuels section has 1,400 inputs, and the
    macro-and-html_params path took most of the page's time.
    """

    def __init__(self, field_findings: dict[str, list[Finding]], placeholders: dict[str, str]) -> None:
        self.field_findings = field_findings
        self.placeholders = placeholders

    def describedby(self, field: Any, help_id: str | None = None) -> str:
        """Return the ids describing a field: its help, its error text and its findings."""
        ids = []
        if field.description:
            ids.append(help_id or f"{field.id}-help")
        if field.errors:
            ids.append(f"{field.id}-err")
        if field.id in self.field_findings:
            ids.append(f"{field.id}-find")
        return " ".join(ids)

    def __call__(self, field: Any, small: bool = False, help_id: str | None = None) -> Markup:
        described = self.describedby(field, help_id) or None
        invalid = " is-invalid" if field.errors else ""
        aria = {key: value for key, value in (("aria-describedby", described),
                                              ("aria-invalid", "true" if field.errors else None)) if value}
        if field.type == "BooleanField":
            return Markup(field(**{"class": "form-check-input" + invalid, **aria}))
        if field.type == "ChoiceField":
            return Markup(field(**{"class": ("form-select form-select-sm" if small else "form-select") + invalid, **aria}))
        if field.type == "MultiCheckboxField":  # a list of codes in a table row (an outlet's pollutants)
            return Markup(field(**{"class": "list-unstyled mb-0 small", **aria}))
        values: dict[str, Any] = {
            "class": ("form-control form-control-sm" if small else "form-control") + invalid,
            "id": field.id, "name": field.name, "type": "date" if field.type == "DateInputField" else "text",
            "value": field._value(), **(field.render_kw or {}),
        }
        if field.flags.required:
            values["required"] = True
        if getattr(field.flags, "maxlength", None):
            values["maxlength"] = field.flags.maxlength
        placeholder = self.placeholders.get(field.id)
        if placeholder:
            values["placeholder"] = placeholder
        values["aria-describedby"] = described
        values["aria-invalid"] = "true" if field.errors else None
        return Markup(f"<input {_attributes(values)}>")


def _attach_service_error(form: FlaskForm, error: ServiceError) -> bool:
    """Show a service's refusal at the field it names; return False when no field of the form matches."""
    if not error.field:
        return False
    target = path_to_id(error.field)
    for field in iter_fields(form):
        if field.id == target and not isinstance(field, (FormField, FieldList)):
            field.errors = [*field.errors, bilingual(error.message_zh, error.message_en)]
            return True
    return False


# -------------------------------------------------------------------------------------------- views


@bp.route("/filings/<int:filing_id>/edit")
@login_required
def index(filing_id: int) -> ResponseReturnValue:
    """Open the first section of the forms of the filing's kind."""
    filing, kind_forms = _editable_filing_or_404(filing_id)
    return redirect(url_for(".section", filing_id=filing.id, section=kind_forms.sections[0].slug))


@bp.route("/filings/<int:filing_id>/edit/<section>", methods=["GET", "POST"])
@login_required
def section(filing_id: int, section: str) -> ResponseReturnValue:
    """Show one section of the filing as a form, and save it (保存本节)."""
    filing, kind_forms, sec, saved_document, choices = _open_section(filing_id, section)
    # A submitted draft is read-only until the reviewer returns it (issue 15; services/filings.draft_lock).
    lock = filing_service.draft_lock(filing)
    editable = lock is None
    stale = False
    status = 200
    shown_document = saved_document  # what the side panel computes: the saved draft, or the valid input
    notice: str | None = None

    focus_row: int | None = None
    if request.method == "GET":
        page, focus_row, notice = _page_to_draw(sec, saved_document)
        if page is None:
            form = _new_form(kind_forms, sec, document=saved_document, revision=filing.revision)
        else:
            form = _page_form(kind_forms, sec, saved_document, filing.revision, page)
        bind_choices(form, choices)
    else:
        page = _posted_page(sec, saved_document)
        action = request.form.get("action", "save")
        row_action = re.fullmatch(r"(add|remove):([\w-]+?)(?:-(\d+))?", action)
        if row_action and row_action.group(2) in sec.lists:
            # Without JavaScript: add or remove a row, draw the page again, save nothing.
            verb, attr, index = row_action.groups()
            data = renumber_rows(request.form, attr, add=verb == "add",
                                 drop=int(index) if verb == "remove" and index is not None else None,
                                 start=page.start if page is not None and page.attr == attr else 0)
            form = _posted_form(kind_forms, sec, page, formdata=data)
            bind_choices(form, choices)
            notice = _("行已添加，填写后请点击“保存本节”。") if verb == "add" else _("行已删除，点击“保存本节”后生效。")
        else:
            form = _posted_form(kind_forms, sec, page)
            bind_choices(form, choices)
            if lock is not None:
                notice = bilingual(lock.message_zh, lock.message_en)
                status = 409
            elif form.revision.number is None:
                stale = True  # a save must say which revision it was typed against, or it could overwrite
                status = 409
            elif _validate(form, page):
                document = kind_forms.apply(saved_document, form)
                if page is not None:
                    document = _merge_page(saved_document, document, page)
                shown_document = document
                before = filing.revision
                try:
                    filing_service.save_draft(current_user, filing, document, form.revision.number)
                except StaleDraft as error:
                    refused(error, category=None)
                    stale = True
                    status = 409
                except ServiceError as error:
                    refused(error, category=None)
                    if not _attach_service_error(form, error):
                        notice = bilingual(error.message_zh, error.message_en)
                    status = 422
                else:
                    if filing.revision == before:
                        flash(_("本节没有修改。"), "info")
                    else:
                        flash(_("本节已保存（草稿版本 %(n)s）。", n=filing.revision), "success")
                    return redirect(url_for(".section", filing_id=filing.id, section=sec.slug, saved=1,
                                            page=page.number if page is not None and page.number > 1 else None))
            else:
                status = 422

    outcome = checking.run(shown_document, filing=filing)
    field_ids = {field.id for field in iter_fields(form)}
    shown_rows = _page_rows(form, page)
    on_page, other_pages = _other_pages(outcome.findings, page, shown_rows)
    field_findings, section_findings = _place_findings(on_page, sec, field_ids)
    defaults = _defaults(saved_document)
    here: dict[str, Any] = {"page": page.number} if page is not None and page.number > 1 else {}
    return render_template(
        "drafts/section.html", filing=filing, section=sec, sections=kind_forms.sections, form=form,
        template_rows=_template_rows(form, sec, choices), errors=describe_errors(form), stale=stale,
        notice=notice, editable=editable, lock_message=bilingual(lock.message_zh, lock.message_en) if lock else None,
        page=page, page_size=PAGE_ROWS, other_pages=other_pages, here=here,
        panel=panel(sec, shown_document, outcome.computed, choices, shown_rows),
        panel_is_input=shown_document is not saved_document, field_findings=field_findings,
        field_comments=review_views.field_comments(filing, field_ids),
        section_findings=section_findings, finding_counts=_finding_counts(outcome.findings, kind_forms.sections),
        other_findings=len([f for f in outcome.findings if _section_of(f.path, kind_forms.sections) is None]),
        audit=audit_panel.extras(sec.slug, filing, shown_document, outcome.computed)
        if isinstance(shown_document, CleanProductionAudit) and isinstance(outcome.computed, CpaComputed) else None,
        control=Controls(field_findings, _placeholders(form, sec, defaults)),
        prefill_marks=prefill_marks(saved_document, filing.enterprise_id),
        config={
            "filing": filing.id, "section": sec.slug, "revision": filing.revision,
            "formRevision": form.revision.number,
            "previewUrl": url_for(".preview", filing_id=filing.id, section=sec.slug),
            "loginUrl": url_for("auth.login", next=url_for(".section", filing_id=filing.id, section=sec.slug, **here)),
            "pageStart": page.start if page is not None else None,
            "focus": f"{page.attr}-{focus_row - 1}" if page is not None and focus_row is not None else None,
            "defaults": defaults, "lists": list(sec.lists), "dirty": request.method == "POST",
            "severity": {key: str(label) for key, label in SEVERITY_LABELS.items()},
            "messages": {
                "dirty": _("有未保存的修改"),
                "restore": _("发现本页未保存的输入（%(time)s）。"),
                "restoreStale": _("草稿在此之后已被修改（版本 %(old)s → %(new)s），恢复后请核对再保存。"),
                "restoreButton": _("恢复未保存的输入"),
                "discardButton": _("丢弃"),
                "restored": _("已恢复未保存的输入，请核对后点击“保存本节”。"),
                "previewing": _("正在按当前输入重新计算……"),
                "previewDone": _("按当前输入计算（尚未保存）"),
                "previewInvalid": _("有 %(n)s 处输入需要改正，计算结果未更新。"),
                "sessionExpired": _("登录已过期。您的输入已保存在本浏览器中：请重新登录，回到本页后点击“恢复未保存的输入”。"),
                "previewFailed": _("暂时无法重新计算，请稍后再试。"),
                "details": _("查看计算过程"),
                "row": _("第 %(n)s 行"),
                "removeRow": _("删除第 %(n)s 行"),
                "defaultValue": _("缺省 %(v)s"),
            },
        },
    ), status


@bp.route("/filings/<int:filing_id>/edit/<section>/preview", methods=["POST"])
@login_required
def preview(filing_id: int, section: str) -> ResponseReturnValue:
    """Return the results of the unsaved input of a section (JSON), without saving anything."""
    filing, kind_forms, sec, saved_document, choices = _open_section(filing_id, section)
    page = _posted_page(sec, saved_document)
    form = _posted_form(kind_forms, sec, page)
    bind_choices(form, choices)
    if not _validate(form, page):
        errors = [{"id": field_id, "label": label, "message": message}
                  for field_id, label, message in describe_errors(form)]
        return jsonify({"ok": False, "errors": errors}), 422
    document = kind_forms.apply(saved_document, form)
    if page is not None:
        # A page of a long table: the rest of the list as saved (the totals cover it); the lines and findings
        # sent back are the page's only, so a keystroke never redraws 5,000 lines (issue 19 item 5).
        document = _merge_page(saved_document, document, page)
    outcome = checking.run(document, filing=filing)
    field_ids = {field.id for field in iter_fields(form)}
    shown_rows = _page_rows(form, page)
    on_page, _other = _other_pages(outcome.findings, page, shown_rows)
    _by_id, listed = _place_findings(on_page, sec, field_ids)
    return jsonify({"ok": True, "panel": panel(sec, document, outcome.computed, choices, shown_rows),
                    "findings": _findings_json(listed), "errors": []})


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """Send a filer whose session ended back through the login page to the section (input kept locally)."""
    if request.endpoint not in ("drafts.section", "drafts.preview"):
        return render_template("error.html", code=400, title=_("请求无效"), text=_(
            "页面已过期或表单校验失败（CSRF）。请返回上一页刷新后重新提交，您填写的内容仍在原页面中。")), 400
    path = request.path.removesuffix("/preview")
    if request.endpoint == "drafts.preview":
        return jsonify({"ok": False, "session_expired": True, "errors": []}), 400
    if not current_user.is_authenticated:
        flash(_("登录已过期。您未保存的输入仍保存在本浏览器中，请重新登录后在本页恢复。"), "warning")
        return redirect(url_for("auth.login", next=path))
    flash(_("页面已过期（CSRF 校验失败）。您未保存的输入仍保存在本浏览器中，请在本页恢复后再保存。"), "warning")
    return redirect(path)
