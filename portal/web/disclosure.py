"""The public disclosure pages (办法第二十一条: 供社会公众免费查询), open without login.

``/disclosure`` searches the published annual reports and ad-hoc disclosures; ``/disclosure/<uscc>/<year>``
shows the annual report in force with its sections in the 准则's order, its public PDF, the earlier versions
(superseded, with their change notes) and the year's ad-hoc disclosures. Only published versions, and only
their public part (:func:`portal.services.disclosure.public_document`): anything unpublished is the same 404
as a page that does not exist. Pages carry an entity tag over what they show (304 when unchanged); the PDF
of a version never changes, so it is cacheable for a day.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from forms.labels import language as current_language

from ..domain.disclosure import ADHOC_KIND
from ..models import Enterprise
from ..services import disclosure as service
from ..services import exports as export_service

bp = Blueprint("disclosure", __name__)

_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_REGION = re.compile(r"\d{2,6}")
#: public PDFs rendered in this process, by version hash (a version never changes)
_PDF_CACHE: dict[str, bytes] = {}
_PDF_CACHE_SIZE = 64


def _viewer_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


def _conditional(tag: str, build: Any, *, public_max_age: int = 300) -> Response:
    """Answer 304 when the client holds ``tag``; else the built response with the tag and cache headers.

    Anonymous pages may be kept by shared caches for a few minutes; a signed-in user's page names the user
    in its header, so it is private to the browser (and revalidated by its tag).
    """
    cache_control = (f"public, max-age={public_max_age}" if not current_user.is_authenticated
                     else "private, no-cache")
    if tag in request.if_none_match:
        response = Response(status=304)
    else:
        response = build()
        if not isinstance(response, Response):
            response = Response(response)
    response.set_etag(tag)
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


def _int_arg(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 4 else None


@bp.route("/disclosure")
def search() -> ResponseReturnValue:
    """Search the published disclosures by name, USCC, region and year (no login)."""
    name = (request.args.get("name") or "").strip()[:100]
    uscc = (request.args.get("uscc") or "").strip().upper()[:18]
    region = (request.args.get("region") or "").strip()[:6]
    year = _int_arg("year")
    problems = []
    if uscc and not _USCC.fullmatch(uscc):
        problems.append(_("统一社会信用代码应为 18 位数字或大写字母"))
    if region and not _REGION.fullmatch(region):
        problems.append(_("行政区划代码应为 2 至 6 位数字（省 2 位、市 4 位、县 6 位）"))
    if request.args.get("year") and year is None:
        problems.append(_("年度应为四位数字"))
    asked = bool(name or uscc or region or year)
    rows: list[service.SearchRow] = []
    more = False
    if not problems:
        rows, more = service.search(name=name or None, uscc=uscc or None, region=region or None, year=year)
    tag = service.etag("search", name, uscc, region, year, current_language(), _viewer_key(),
                       *[(r.filing_id, r.versions) for r in rows])
    return _conditional(tag, lambda: render_template(
        "disclosure/search.html", rows=rows, more=more, asked=asked, problems=problems,
        q={"name": name, "uscc": uscc, "region": region, "year": year or ""}, ADHOC_KIND=ADHOC_KIND))


def _enterprise_or_404(uscc: str) -> Enterprise:
    if not _USCC.fullmatch(uscc):
        abort(404)
    enterprise = service.enterprise_by_uscc(uscc)
    if enterprise is None:
        abort(404)
    return enterprise


@bp.route("/disclosure/<uscc>/<int:year>")
def annual(uscc: str, year: int) -> ResponseReturnValue:
    """Show the published annual report of an enterprise and year: in force, superseded, ad-hoc (no login)."""
    enterprise = _enterprise_or_404(uscc)
    published = service.annual_versions(enterprise, year)
    adhoc = [(f, service.adhoc_versions(enterprise, year, f.id)) for f in service.adhoc_filings(enterprise, year)]
    if not published and not adhoc:
        abort(404)  # nothing published: the same answer as an enterprise or year that does not exist
    tag = service.etag("annual", uscc, year, current_language(), _viewer_key(),
                       *[p.version.sha256 for p in published], *[v.version.sha256 for _f, vs in adhoc for v in vs])

    def build() -> str:
        current = published[0] if published else None
        docview = (export_service.document_view(service.public_document(current.document))
                   if current is not None else None)
        pdf_urls = {p.version.number: url_for(".annual_pdf", uscc=enterprise.uscc, year=year, number=p.version.number)
                    for p in published}
        return render_template("disclosure/annual.html", enterprise=enterprise, year=year, published=published,
                               current=current, docview=docview, adhoc=adhoc, pdf_urls=pdf_urls,
                               CHINESE_NUMERALS=service.SECTION_NUMERALS)

    return _conditional(tag, build)


@bp.route("/disclosure/<uscc>/<int:year>/adhoc/<int:filing_id>")
def adhoc(uscc: str, year: int, filing_id: int) -> ResponseReturnValue:
    """Show one published ad-hoc disclosure (no login)."""
    enterprise = _enterprise_or_404(uscc)
    published = service.adhoc_versions(enterprise, year, filing_id)
    if not published:
        abort(404)
    tag = service.etag("adhoc", filing_id, current_language(), _viewer_key(), *[p.version.sha256 for p in published])

    def build() -> str:
        current = published[0]
        pdf_urls = {p.version.number: url_for(".adhoc_pdf", uscc=enterprise.uscc, year=year, filing_id=filing_id,
                                              number=p.version.number) for p in published}
        return render_template("disclosure/adhoc.html", enterprise=enterprise, year=year, published=published,
                               current=current, filing_id=filing_id, pdf_urls=pdf_urls,
                               CHINESE_NUMERALS=service.SECTION_NUMERALS,
                               docview=export_service.document_view(service.public_document(current.document)))

    return _conditional(tag, build)


def _pdf(published: list[service.PublishedVersion], number: int, name: str) -> Response:
    found = next((p for p in published if p.version.number == number), None)
    if found is None:
        abort(404)
    version = found.version

    def build() -> Response:
        data = _PDF_CACHE.get(version.sha256)
        if data is None:
            data = service.public_pdf(version)
            if len(_PDF_CACHE) >= _PDF_CACHE_SIZE:
                _PDF_CACHE.pop(next(iter(_PDF_CACHE)))
            _PDF_CACHE[version.sha256] = data
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{name}"', "X-Content-SHA256": version.sha256})

    return _conditional(f"pdf-{version.sha256[:40]}", build, public_max_age=86400)


@bp.route("/disclosure/<uscc>/<int:year>/v<int:number>.pdf")
def annual_pdf(uscc: str, year: int, number: int) -> ResponseReturnValue:
    """Download the public PDF of a published version of an annual report (no login)."""
    enterprise = _enterprise_or_404(uscc)
    return _pdf(service.annual_versions(enterprise, year), number, f"disclosure-{uscc}-{year}-v{number}.pdf")


@bp.route("/disclosure/<uscc>/<int:year>/adhoc/<int:filing_id>/v<int:number>.pdf")
def adhoc_pdf(uscc: str, year: int, filing_id: int, number: int) -> ResponseReturnValue:
    """Download the public PDF of a published version of an ad-hoc disclosure (no login)."""
    enterprise = _enterprise_or_404(uscc)
    return _pdf(service.adhoc_versions(enterprise, year, filing_id), number,
                f"adhoc-{uscc}-{year}-{filing_id}-v{number}.pdf")
