"""Published disclosures (办法第二十一条 供社会公众免费查询), the pre-fill of a new annual draft, and the
regulator's disclosure figures (disclosure-format.md "Publication", "Pre-fill"; issue 17 part 2).

A disclosure is published when its signatory submits it (no prior approval): every frozen version of a
disclosure filing is published, the latest is in force and the earlier ones are *superseded*. Nothing
else of the filing is public — never the draft, the findings, the explanations, the pre-fill, the
reviewer's comments or the contact person. Everything here reads; nothing writes but :func:`prefill_draft`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast, get_args

from sqlalchemy import func, select

from ..calc.results import CpaComputed, GhgComputed
from ..domain.codec import document_from_json
from ..domain.common import Enterprise as EnterpriseProfile
from ..domain.disclosure import (
    ADHOC_KIND,
    ANNUAL_KIND,
    CreditGrade,
    EnvDisclosureAdhoc,
    EnvDisclosureAnnualReport,
    EnvManagement,
    Prefill,
)
from ..domain.disclosure import CreditRating as DisclosedRating
from ..domain.documents import CPA_KIND, GHG_KIND, CleanProductionAudit, Document, GhgAnnualReport
from ..extensions import db
from ..models import Enterprise, Filing, FilingVersion
from ..reference import ReferenceData
from ..renderers.html import CHINESE_NUMERALS

DISCLOSURE_KINDS = (ANNUAL_KIND, ADHOC_KIND)
#: the numerals the public page numbers its sections with, as the PDF does (一、二、…)
SECTION_NUMERALS = CHINESE_NUMERALS
#: at most this many rows on a search page (a search names what it looks for)
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class PublishedVersion:
    """Hold one published version: its row, its document made public, and whether a later one replaced it."""

    version: FilingVersion
    document: EnvDisclosureAnnualReport | EnvDisclosureAdhoc
    superseded: bool

    @property
    def disclosed_on(self) -> dt.date | None:
        """Return the publication date the version carries."""
        return self.document.disclosed_on


def public_document(document: Document) -> Document:
    """Return the document as the public may see it: no explanations, no pre-fill, no contact person.

    The version's own JSON keeps them (the copy of record); the public pages and PDF show this instead.
    """
    enterprise: EnterpriseProfile = replace(document.enterprise, contact_name=None, contact_phone=None)
    public = replace(document, enterprise=enterprise, explanations={})
    if isinstance(public, EnvDisclosureAnnualReport):
        public = replace(public, prefill=Prefill())
    return public


def public_pdf(version: FilingVersion) -> bytes:
    """Return the public PDF of a published version: its sections only (template ``disclosure_v1``), no
    findings, explanations, pre-fill or contact person, and no embedded JSON (the copy of record's holds them).

    It prints the version's own SHA-256 (the hash the copy of record and the filing page show).
    """
    from ..renderers import labels_from_reference
    from ..renderers.html import render_view_html, template_dir
    from ..renderers.meta import RenderMeta
    from ..renderers.pdf import html_to_pdf
    from ..renderers.view import build_view
    from ..rules import check_document
    from .reference import current_reference

    document = public_document(document_from_json(version.canonical_json))
    ref = current_reference()
    computed = check_document(document, ref).computed
    meta = RenderMeta(status=version.filing.status if version.number == version.filing.current_version
                      else "returned", version=version.number, submitted_at=version.submitted_at)
    view = build_view(document, computed, (), meta, labels=labels_from_reference(ref, document))
    view = replace(view, sha256=version.sha256)
    return html_to_pdf(render_view_html(view), base_dir=template_dir(view.kind, view.template_version))


def _published(filing: Filing) -> list[PublishedVersion]:
    out = []
    for version in filing.versions:  # ordered by number
        document = document_from_json(version.canonical_json)
        assert isinstance(document, (EnvDisclosureAnnualReport, EnvDisclosureAdhoc))
        out.append(PublishedVersion(version, document, version.number != filing.current_version))
    return list(reversed(out))  # the version in force first


def enterprise_by_uscc(uscc: str) -> Enterprise | None:
    """Return the enterprise registered under ``uscc`` (exact), or None."""
    return db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc.strip().upper()))


def annual_versions(enterprise: Enterprise, year: int) -> list[PublishedVersion]:
    """Return the published versions of the enterprise's annual report of ``year``, the one in force first."""
    filing = db.session.scalar(select(Filing).where(
        Filing.enterprise_id == enterprise.id, Filing.kind == ANNUAL_KIND, Filing.year == year,
        Filing.current_version >= 1))
    return _published(filing) if filing is not None else []


def adhoc_filings(enterprise: Enterprise, year: int) -> list[Filing]:
    """Return the enterprise's published ad-hoc disclosures of ``year`` (the year the document was received)."""
    return list(db.session.scalars(select(Filing).where(
        Filing.enterprise_id == enterprise.id, Filing.kind == ADHOC_KIND, Filing.year == year,
        Filing.current_version >= 1).order_by(Filing.id)))


def adhoc_versions(enterprise: Enterprise, year: int, filing_id: int) -> list[PublishedVersion]:
    """Return the published versions of one ad-hoc disclosure of the enterprise and year (empty: none such)."""
    for filing in adhoc_filings(enterprise, year):
        if filing.id == filing_id:
            return _published(filing)
    return []


@dataclass(frozen=True)
class SearchRow:
    """Hold one published disclosure found by the public search."""

    name: str
    uscc: str
    region_code: str
    year: int
    kind: str
    filing_id: int
    versions: int
    disclosed_on: dt.date | None


def search(*, name: str | None = None, uscc: str | None = None, region: str | None = None,
           year: int | None = None, limit: int = SEARCH_LIMIT) -> tuple[list[SearchRow], bool]:
    """Return the published disclosures matching every criterion given, and whether more were left off.

    ``name`` is a substring of the enterprise's name, ``uscc`` exact, ``region`` a prefix of the region code
    (province 36, city 3607, county 360702), ``year`` the reporting year (an ad-hoc report's year of receipt).
    """
    query = (select(Filing, Enterprise).join(Enterprise, Filing.enterprise_id == Enterprise.id)
             .where(Filing.kind.in_(DISCLOSURE_KINDS), Filing.current_version >= 1))
    if name:
        query = query.where(Enterprise.name.contains(name, autoescape=True))
    if uscc:
        query = query.where(Enterprise.uscc == uscc.strip().upper())
    if region:
        query = query.where(Enterprise.region_code.startswith(region, autoescape=True))
    if year is not None:
        query = query.where(Filing.year == year)
    query = query.order_by(Filing.year.desc(), Enterprise.name, Filing.kind, Filing.id).limit(limit + 1)
    rows = db.session.execute(query).all()
    out = []
    for filing, enterprise in rows[:limit]:
        latest = filing.versions[-1]
        document = document_from_json(latest.canonical_json)
        out.append(SearchRow(enterprise.name, enterprise.uscc, enterprise.region_code, filing.year, filing.kind,
                             filing.id, filing.current_version, getattr(document, "disclosed_on", None)))
    return out, len(rows) > limit


def etag(*parts: Any) -> str:
    """Return a strong entity tag over the parts (version hashes, language, who asks)."""
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


# ------------------------------------------------------------------------------------------ pre-fill


SourceDoc = TypeVar("SourceDoc", GhgAnnualReport, CleanProductionAudit)
SourceComp = TypeVar("SourceComp", GhgComputed, CpaComputed)


def _source_version(enterprise_id: int, kind: str, year: int) -> FilingVersion | None:
    """Return the accepted version of (enterprise, kind, year), else the latest submitted one, else None."""
    filing = db.session.scalar(select(Filing).where(
        Filing.enterprise_id == enterprise_id, Filing.kind == kind, Filing.year == year, Filing.current_version >= 1))
    if filing is None:
        return None
    return filing.versions[-1]


def _audit_version(enterprise_id: int, year: int) -> FilingVersion | None:
    """Return the mandatory audit that concerns ``year``: accepted first, then the latest submitted."""
    filings = db.session.scalars(select(Filing).where(
        Filing.enterprise_id == enterprise_id, Filing.kind == CPA_KIND, Filing.current_version >= 1,
        Filing.year <= year + 1).order_by((Filing.status == "accepted").desc(), Filing.year.desc())).all()
    for filing in filings:
        document = document_from_json(filing.versions[-1].canonical_json)
        if isinstance(document, CleanProductionAudit) and document.audit_type == "mandatory":
            return filing.versions[-1]
    return None


@dataclass(frozen=True)
class PrefillSource:
    """Hold which version a pre-fill copied from: kind, year, number, status and hash (shown on each mark)."""

    kind: str
    year: int
    number: int
    status: str
    sha256: str
    filing_id: int


@dataclass(frozen=True)
class _Read(Generic[SourceDoc, SourceComp]):
    """Hold a source version of the pre-fill as read: its document and results."""

    version: FilingVersion
    document: SourceDoc
    computed: SourceComp | None

    @property
    def source(self) -> PrefillSource:
        """Return which version this is, as the pre-fill's marks name it."""
        filing = self.version.filing
        return PrefillSource(filing.kind, filing.year, self.version.number, filing.status, self.version.sha256,
                             self.version.filing_id)


def _read_source(version: FilingVersion | None, document_type: type[SourceDoc], computed_type: type[SourceComp],
                 ref: ReferenceData) -> _Read[SourceDoc, SourceComp] | None:
    """Return a source version's document and its results, or None when there is none of ``document_type``."""
    from ..rules import check_document

    if version is None:
        return None
    document = document_from_json(version.canonical_json)
    if not isinstance(document, document_type):
        return None
    computed = check_document(document, ref).computed
    return _Read(version, document, computed if isinstance(computed, computed_type) else None)


def prefill_from_filings(document: EnvDisclosureAnnualReport, enterprise_id: int) -> tuple[
        EnvDisclosureAnnualReport, tuple[str, ...], list[PrefillSource]]:
    """Return the draft pre-filled from the enterprise's GHG report and mandatory audit of the year.

    The sources are the accepted versions, else the latest submitted (disclosure-format.md "Pre-fill"); the
    previous year's GHG report gives the ETS's previous actual emissions. Returns the document, the paths
    filled and the sources.
    """
    from ..calc.disclosure import apply_prefill, derive_prefill
    from .reference import current_reference

    ref = current_reference()
    year = document.reporting_year
    ghg = _read_source(_source_version(enterprise_id, GHG_KIND, year), GhgAnnualReport, GhgComputed, ref)
    audit = _read_source(_audit_version(enterprise_id, year), CleanProductionAudit, CpaComputed, ref)
    sources = ([ghg.source] if ghg else []) + ([audit.source] if audit else [])
    paths: tuple[str, ...] = ()
    if ghg is not None or audit is not None:
        previous = (_read_source(_source_version(enterprise_id, GHG_KIND, year - 1), GhgAnnualReport, GhgComputed, ref)
                    if ghg is not None else None)
        values = derive_prefill(ghg=ghg.document if ghg else None, ghg_computed=ghg.computed if ghg else None,
                                ghg_sha256=ghg.version.sha256 if ghg else None,
                                previous_computed=previous.computed if previous else None,
                                audit=audit.document if audit else None,
                                audit_computed=audit.computed if audit else None,
                                audit_sha256=audit.version.sha256 if audit else None)
        document, paths = apply_prefill(document, values), tuple(values.paths)
    rated = with_credit_rating(document, enterprise_id)
    if rated is not document:
        document, paths = rated, (*paths, CREDIT_RATING_PATH)
    return document, paths, sources


#: the disclosure's 环保信用评价, copied from the regulators' register (issue 18 item 4)
CREDIT_RATING_PATH = "env_management.credit_rating.grade"


def registered_rating(enterprise_id: int, year: int) -> DisclosedRating | None:
    """Return the credit grade in force for the reporting year, from the regulators' register, as disclosed."""
    from .registers import rating_in_force

    rating = rating_in_force(enterprise_id, year)
    if rating is None or rating.grade not in get_args(CreditGrade):
        return None
    return DisclosedRating(grade=cast(CreditGrade, rating.grade), year=rating.year, issuer=rating.issuer)


def with_credit_rating(document: EnvDisclosureAnnualReport, enterprise_id: int) -> EnvDisclosureAnnualReport:
    """Return the document with the register's credit grade in 企业环境管理信息 (the same object if unchanged).

    江苏方案 第（二十三）条 and 江西"十四五"规划 keep the 环保信用评价 with the regulators: the enterprise
    discloses the grade they gave, so the portal copies it rather than have it retyped. A section the filer
    marked 本年度无 is left alone.
    """
    rating = registered_rating(enterprise_id, document.reporting_year)
    management = document.env_management
    if rating is None or (management is not None and management.none):
        return document
    management = management or EnvManagement()
    if management.credit_rating == rating:
        return document
    return replace(document, env_management=replace(management, credit_rating=rating))


def prefill_sources(document: EnvDisclosureAnnualReport) -> dict[str, FilingVersion]:
    """Return the versions the document's ``prefill`` names (by hash): "ghg" and "audit" where found."""
    out: dict[str, FilingVersion] = {}
    for key, record in (("ghg", document.prefill.ghg), ("audit", document.prefill.audit)):
        if record is None:
            continue
        version = db.session.scalar(select(FilingVersion).where(FilingVersion.sha256 == record.sha256).limit(1))
        if version is not None:
            out[key] = version
    return out


def with_published_adhoc(document: EnvDisclosureAnnualReport, enterprise_id: int) -> EnvDisclosureAnnualReport:
    """Return the annual draft listing the enterprise's published ad-hoc reports of its year (第十二条(七)).

    Each published ad-hoc report gives one line (:func:`portal.calc.disclosure.adhoc_record`); lines the
    filer typed for other documents are kept after them.
    """
    from ..calc.disclosure import adhoc_record

    filings = db.session.scalars(select(Filing).where(
        Filing.enterprise_id == enterprise_id, Filing.kind == ADHOC_KIND, Filing.year == document.reporting_year,
        Filing.current_version >= 1).order_by(Filing.id)).all()
    records = []
    for filing in filings:
        published = document_from_json(filing.versions[-1].canonical_json)
        if isinstance(published, EnvDisclosureAdhoc):
            records.append(adhoc_record(published))
    if not records:
        return document
    numbers = {r.document_number for r in records}
    kept = [r for r in document.adhoc if r.document_number not in numbers]
    return replace(document, adhoc=[*records, *kept])


PREFILL_PATHS: dict[str, tuple[str, ...]] = {
    "ghg": ("carbon.direct_tco2", "carbon.indirect_tco2", "carbon.biogenic_tco2", "carbon.facilities",
            "carbon.ets.actual_tco2", "carbon.ets.previous_actual_tco2", "pollutants.totals",
            "pollutants.exceeded_standards", "basic_info.products", "env_management.permits"),
    "audit": ("audit.reasons", "audit.listed_on", "audit.status", "audit.assessment", "audit.acceptance",
              "audit.options", "audit.investment_10k_cny", "audit.savings"),
}


# ---------------------------------------------------------------------------------- regulator figures


@dataclass(frozen=True)
class QueueRow:
    """Hold one enterprise's annual disclosure of a year as the regulator's disclosure queue lists it."""

    enterprise: Enterprise
    filing: Filing | None
    disclosed_on: dt.date | None
    days_late: int | None
    required: int
    filed: int


def annual_disclosure_rows(enterprises: Sequence[Enterprise], year: int, today: dt.date) -> list[QueueRow]:
    """Return, per enterprise obliged to disclose, its annual report of ``year``: completeness and lateness."""
    from ..calc.disclosure import required_sections

    due = dt.date(year + 1, 3, 15)  # reference-data.md §5 (the deadline parameter holds the same date)
    ids = [e.id for e in enterprises]
    filings = {f.enterprise_id: f for f in db.session.scalars(select(Filing).where(
        Filing.kind == ANNUAL_KIND, Filing.year == year, Filing.enterprise_id.in_(ids)))} if ids else {}
    out = []
    for enterprise in enterprises:
        filing = filings.get(enterprise.id)
        disclosed_on = days_late = None
        required = filed = 0
        if filing is not None and filing.current_version >= 1:
            document = document_from_json(filing.versions[-1].canonical_json)
            assert isinstance(document, EnvDisclosureAnnualReport)
            disclosed_on = document.disclosed_on
            keys = required_sections(document)
            required = len(keys)
            filed = sum(1 for k in keys if k == "adhoc" or getattr(document, k) is not None)
            if disclosed_on is not None:
                days_late = max((disclosed_on - due).days, 0)
        elif today > due:
            days_late = (today - due).days
        out.append(QueueRow(enterprise, filing, disclosed_on, days_late, required, filed))
    return out


def obliged_enterprises(scope: str | None, *, everywhere: bool = False) -> list[Enterprise]:
    """Return the enterprises in the region scope that must disclose (办法第七条): key dischargers, listed.

    The city's 披露企业名单 is not held by the portal; the enterprise register's flags stand for it (U).
    """
    query = select(Enterprise).where(
        (Enterprise.is_key_pollutant_discharger.is_(True)) | (Enterprise.is_listed.is_(True)))
    if not everywhere:
        if not scope:
            return []  # no scope, no subjects (never "everything")
        query = query.where(Enterprise.in_region_scope(scope))
    return list(db.session.scalars(query.order_by(Enterprise.region_code, Enterprise.name)))


@dataclass(frozen=True)
class OnTime:
    """Hold how many of the subjects obliged to disclose a year's report did so by the deadline."""

    year: int
    subjects: int
    on_time: int
    late: int

    @property
    def share(self) -> Decimal | None:
        """Return on_time / subjects (4 decimals), None without subjects."""
        if not self.subjects:
            return None
        return (Decimal(self.on_time) / Decimal(self.subjects)).quantize(Decimal("0.0001"))


def on_time_share(rows: Sequence[QueueRow], year: int) -> OnTime:
    """Return the share of subjects that published the year's annual report by 15 March (days_late 0)."""
    on_time = sum(1 for r in rows if r.disclosed_on is not None and r.days_late == 0)
    late = sum(1 for r in rows if r.disclosed_on is not None and (r.days_late or 0) > 0)
    return OnTime(year, len(rows), on_time, late)


def published_count() -> int:
    """Return how many disclosure filings have a published version."""
    return db.session.scalar(select(func.count()).select_from(Filing).where(
        Filing.kind.in_(DISCLOSURE_KINDS), Filing.current_version >= 1)) or 0
