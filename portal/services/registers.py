"""The registers the plans ask regulators to keep (issue 18 item 4): the 两高 project ledger and credit ratings.

- The 两高 project ledger (《江西省碳达峰实施意见》二（四）"建立'两高'项目清单台账"): every product line
  with new capacity of the latest submitted GHG report on which PLN-013 fired (a high-energy industry),
  with its capacity, energy, unit energy and where it stands against the benchmark (the computed results
  frozen with the version), and its capacity-replacement reference. Read from the versions, never retyped.
- The 环保信用评价 grade per enterprise and year (江苏方案 第（二十三）条 "深化环保信用动态评价"; 江西"十四五"
  规划 "健全环境治理信用体系"), entered or imported from .xlsx by a reviewer of the enterprise's region,
  audited; shown beside the filing, in the queue and on the review page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..auth.permissions import in_scope
from ..domain.labels import VALUE_SETS
from ..extensions import db
from ..models import CREDIT_GRADES, CreditRating, Enterprise, Filing, FilingVersion, RuleHit, User
from . import audit
from .access import require_reviewer
from .errors import NotFound, ServiceError

LEDGER_RULE = "PLN-013"
MAX_IMPORT_ROWS = 5000
IMPORT_BYTES = 5 * 1024 * 1024


# ------------------------------------------------------------------------------------ credit ratings


def grade_label(grade: str | None, language: str = "zh") -> str:
    """Return a grade's name from the code list (labels.VALUE_SETS["credit_grade"]), "" for none."""
    if not grade:
        return ""
    choice = VALUE_SETS["credit_grade"].get(grade)
    if choice is None:
        return grade
    return choice.en if language == "en" else choice.zh


def _grade_code(text: str) -> str | None:
    """Return the grade code of a cell: the code itself, or its Chinese or English name (or its colour)."""
    text = (text or "").strip()
    for choice in VALUE_SETS["credit_grade"]:
        names = {choice.value, choice.zh, choice.en, choice.zh.split("（")[0], choice.en.split(" (")[0]}
        if text in names or text.lower() in {n.lower() for n in names}:
            return choice.value
    return None


def _require_scope(actor: User | None, enterprise: Enterprise) -> None:
    if actor is not None and not (actor.reviewer_scope and in_scope(actor.reviewer_scope, enterprise.region_code)):
        raise NotFound()


def set_rating(actor: User | None, enterprise: Enterprise, year: int | None, grade: str, issuer: str = "",
               *, source: str = "entered") -> CreditRating:
    """Enter (or replace) an enterprise's credit grade of a year; audited with the grade before."""
    _require_scope(actor, enterprise)
    if year is None or not 2000 <= year <= 2100:
        raise ServiceError("评价年度应在 2000–2100 之间", "the year rated must be between 2000 and 2100", field="year")
    if grade not in CREDIT_GRADES:
        raise ServiceError("评价等级无效", "unknown credit grade", field="grade")
    issuer = (issuer or "").strip()
    if len(issuer) > 200:
        raise ServiceError("评价机关不能超过 200 字", "the issuer is longer than 200 characters", field="issuer")
    row = db.session.scalar(select(CreditRating).where(CreditRating.enterprise_id == enterprise.id,
                                                       CreditRating.year == year))
    before = {"grade": row.grade, "issuer": row.issuer} if row is not None else None
    if row is None:
        row = CreditRating(enterprise_id=enterprise.id, year=year, grade=grade)
        db.session.add(row)
    row.grade, row.issuer, row.source = grade, issuer or None, source
    row.entered_by_id = actor.id if actor else None
    row.entered_at = dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "credit_rating.set", "enterprise", enterprise.id, before=before,
                 after={"year": year, "grade": grade, "issuer": issuer or None, "source": source})
    return row


@dataclass(frozen=True)
class RatingRowError:
    """Describe one refused row of a credit-rating workbook."""

    row: int
    message_zh: str
    message_en: str


def import_ratings(actor: User, content: bytes) -> tuple[int, list[RatingRowError]]:
    """Import credit grades from .xlsx (columns: USCC, year, grade, issuer; a header row first).

    All or nothing: any refused row refuses the file, each named by its row. An enterprise outside the
    importer's scope is reported as unknown, as one that does not exist.
    """
    from openpyxl import load_workbook

    require_reviewer(actor)
    if len(content) > IMPORT_BYTES:
        raise ServiceError("文件超过 5 MB", "the file is larger than 5 MB", field="file")
    if not content.startswith(b"PK"):
        raise ServiceError("请上传 .xlsx 文件", "upload an .xlsx file", field="file")
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2, max_row=MAX_IMPORT_ROWS + 1, max_col=4, values_only=True))
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        raise ServiceError("无法读取该 .xlsx 文件", "the .xlsx file cannot be read", field="file") from None
    errors: list[RatingRowError] = []
    parsed: list[tuple[Enterprise, int, str, str]] = []
    for number, values in enumerate(rows, start=2):
        uscc, year, grade, issuer = (list(values) + [None] * 4)[:4]
        if uscc is None and year is None and grade is None:
            continue
        uscc_text = str(uscc or "").strip().upper()
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc_text)) if uscc_text else None
        if enterprise is None or not in_scope(actor.reviewer_scope, enterprise.region_code):
            errors.append(RatingRowError(number, f"第 {number} 行 A 列：统一社会信用代码 {uscc_text or '（空）'} 不是审核范围内的企业",
                                       f"row {number}, column A: USCC {uscc_text or '(empty)'} is not an enterprise "
                                       "in your scope"))
            continue
        try:
            year_int = int(str(year).strip())
        except ValueError:
            year_int = 0
        if not 2000 <= year_int <= 2100:
            errors.append(RatingRowError(number, f"第 {number} 行 B 列：评价年度 {year} 无效（2000–2100）",
                                       f"row {number}, column B: year {year} is invalid (2000–2100)"))
            continue
        code = _grade_code(str(grade or ""))
        if code is None:
            errors.append(RatingRowError(number, f"第 {number} 行 C 列：评价等级“{grade}”无效（绿、蓝、黄、红、黑）",
                                       f"row {number}, column C: grade {grade!r} is invalid (green, blue, yellow, "
                                       "red, black)"))
            continue
        parsed.append((enterprise, year_int, code, str(issuer or "").strip()[:200]))
    if errors:
        return 0, errors
    for enterprise, year_int, code, issuer in parsed:
        set_rating(actor, enterprise, year_int, code, issuer, source="imported")
    return len(parsed), []


def ratings_of(enterprise_id: int) -> list[CreditRating]:
    """Return an enterprise's credit ratings, newest year first."""
    return list(db.session.scalars(select(CreditRating).where(CreditRating.enterprise_id == enterprise_id)
                                   .order_by(CreditRating.year.desc())))


def rating_in_force(enterprise_id: int, year: int) -> CreditRating | None:
    """Return the newest rating of ``year`` or before: the grade that stood for a filing of that year."""
    return db.session.scalar(select(CreditRating).where(CreditRating.enterprise_id == enterprise_id,
                                                        CreditRating.year <= year)
                             .order_by(CreditRating.year.desc()).limit(1))


def ratings_in_scope(scope: str, year: int | None = None, limit: int = 1000) -> list[CreditRating]:
    """Return the ratings of enterprises in a region scope (optionally of one year), by region and name."""
    stmt = (select(CreditRating).join(Enterprise, Enterprise.id == CreditRating.enterprise_id)
            .where(Enterprise.in_region_scope(scope)))
    if year is not None:
        stmt = stmt.where(CreditRating.year == year)
    return list(db.session.scalars(stmt.order_by(CreditRating.year.desc(), Enterprise.region_code, Enterprise.name)
                                   .limit(limit)))


# -------------------------------------------------------------------------------------------- ledger


@dataclass(frozen=True)
class LedgerRow:
    """Hold one new or expanded high-energy project (a product line with new capacity) of the ledger."""

    filing_id: int
    version: int
    enterprise: str
    uscc: str
    region_code: str
    industry_code: str
    year: int
    product: str
    capacity: Decimal | None
    output: Decimal | None
    energy_tce: Decimal | None
    unit_energy: Decimal | None
    level_unit: str
    level: str | None  # benchmark / between / worse_than_baseline / None (not comparable)
    replacement_ref: str | None
    equipment_efficiency: str | None


@dataclass(frozen=True)
class LedgerFilters:
    """Hold the ledger's filters (all optional)."""

    region: str = ""
    industry: str = ""
    year: int | None = None
    level: str = ""  # a level code, or "none" for not comparable


LEVELS = ("benchmark", "between", "worse_than_baseline")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def ledger(scope: str, filters: LedgerFilters = LedgerFilters()) -> list[LedgerRow]:
    """Return the ledger of a region scope: each new-capacity line of the latest versions PLN-013 fired on."""
    stmt = (select(Filing, FilingVersion)
            .join(Enterprise, Enterprise.id == Filing.enterprise_id)
            .join(RuleHit, (RuleHit.filing_id == Filing.id) & (RuleHit.rule_id == LEDGER_RULE))
            .join(FilingVersion, (FilingVersion.filing_id == Filing.id)
                  & (FilingVersion.number == Filing.current_version))
            .where(Enterprise.in_region_scope(scope)))
    if filters.region and in_scope(scope, filters.region):
        stmt = stmt.where(Enterprise.in_region_scope(filters.region))
    elif filters.region and not in_scope(filters.region, scope):
        return []
    if filters.industry:
        stmt = stmt.where(Enterprise.industry_code.startswith(filters.industry, autoescape=True))
    if filters.year is not None:
        stmt = stmt.where(Filing.year == filters.year)
    rows: list[LedgerRow] = []
    for filing, version in db.session.execute(stmt.order_by(Filing.year.desc(), Enterprise.region_code,
                                                            Enterprise.name, Filing.id)).tuples():
        document = json.loads(version.canonical_json)
        computed = json.loads(version.computed_json).get("products", {})
        enterprise = document.get("enterprise", {})
        for line in document.get("products", []):
            if not line.get("new_capacity"):
                continue
            result = computed.get(line["product"], {})
            level = result.get("level")
            if filters.level and (level or "none") != filters.level:
                continue
            rows.append(LedgerRow(
                filing_id=filing.id, version=version.number, enterprise=enterprise.get("name", filing.enterprise.name),
                uscc=enterprise.get("uscc", filing.enterprise.uscc),
                region_code=enterprise.get("region_code", filing.enterprise.region_code),
                industry_code=enterprise.get("industry_code", filing.enterprise.industry_code), year=filing.year,
                product=line["product"], capacity=_decimal(line.get("capacity")), output=_decimal(line.get("output")),
                energy_tce=_decimal(line.get("energy_tce")), unit_energy=_decimal(result.get("unit_energy")),
                level_unit=result.get("level_unit") or "kgce", level=level,
                replacement_ref=line.get("capacity_replacement_ref"),
                equipment_efficiency=line.get("equipment_efficiency"),
            ))
    return rows


def ledger_xlsx(rows: list[LedgerRow], headers: list[str], product_name: Any, level_name: Any) -> bytes:
    """Return the ledger as an .xlsx workbook: one row per project, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "两高项目台账"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r.enterprise, r.uscc, r.region_code, r.industry_code, r.year, product_name(r.product),
                      None if r.capacity is None else float(r.capacity),
                      None if r.output is None else float(r.output),
                      None if r.energy_tce is None else float(r.energy_tce),
                      None if r.unit_energy is None else float(r.unit_energy), r.level_unit,
                      level_name(r.level), r.replacement_ref or "", r.version])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMN", (28, 22, 10, 8, 8, 16, 14, 14, 14, 12, 10, 14, 28, 8), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------- beside every filing


@dataclass(frozen=True)
class FilingFacts:
    """Hold what the regulator's registers say beside a filing: its due date in force and the credit grade."""

    due: dt.date | None
    extended: bool
    extension_reason: str | None
    rating: CreditRating | None
    assigned_to: str | None


def filing_facts(filing: Filing) -> FilingFacts:
    """Return the due date in force (an extension for this enterprise first) and the credit grade of a filing."""
    from ..models import DeadlineExtension
    from .deadlines import ghg_due_date

    extension = db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.enterprise_id == filing.enterprise_id, DeadlineExtension.kind == filing.kind,
        DeadlineExtension.year == filing.year))
    standard = ghg_due_date(filing.year) if filing.kind == "ghg_annual_report" else None
    assignee = db.session.get(User, filing.assigned_to_id) if filing.assigned_to_id else None
    return FilingFacts(due=extension.due_on if extension is not None else standard, extended=extension is not None,
                       extension_reason=extension.reason if extension is not None else None,
                       rating=rating_in_force(filing.enterprise_id, filing.year),
                       assigned_to=assignee.name if assignee is not None else None)
