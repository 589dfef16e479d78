"""Demo data: enterprises in both provinces, one user per role, and the worked examples as drafts."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import select

from .domain.codec import canonical_json, document_from_json
from .extensions import db
from .models import Enterprise, Filing, User
from .services import accounts

DEMO_PASSWORD = "portal-demo-2024"

ENTERPRISES = [
    dict(uscc="91360700MA38P2K51K", name="江西赣峰水泥有限公司", region_code="360700", industry_code="3011",
         permit_number="91360700MA38P2K51K001P", address="江西省赣州市章贡区水西镇", legal_representative="刘建国",
         contact_name="王敏", contact_phone="0797-8123456", is_key_emitter=True, is_key_pollutant_discharger=True),
    dict(uscc="91360100705512345U", name="江西洪都特钢股份有限公司", region_code="360104", industry_code="3120",
         is_key_emitter=True, is_key_pollutant_discharger=True, is_listed=True),
    dict(uscc="91360400MA3AB1234U", name="九江浔阳玻璃有限公司", region_code="360402", industry_code="3041",
         is_key_emitter=False, is_key_pollutant_discharger=True),
    dict(uscc="913201001345678904", name="南京江宁热电有限公司", region_code="320115", industry_code="4412",
         is_key_emitter=True, is_key_pollutant_discharger=True),
    dict(uscc="91320500MA1XY23459", name="苏州吴中光电玻璃有限公司", region_code="320506", industry_code="3041",
         is_key_emitter=False, is_key_pollutant_discharger=True),
    # Added for the dashboard: a second cement plant in Jiangxi and a steel works in Jiangsu.
    dict(uscc="91360300MA39PX2Q1P", name="萍乡安源水泥有限公司", region_code="360302", industry_code="3011",
         is_key_emitter=True, is_key_pollutant_discharger=True),
    dict(uscc="91320400MA1WJ8K3X4", name="常州新北钢铁有限公司", region_code="320411", industry_code="3120",
         is_key_emitter=True, is_key_pollutant_discharger=True),
]

# (email, name, fields, memberships as (uscc, role))
USERS = [
    # 三权分立: one administrator of each kind, and a second security administrator to approve the first's
    # role and signatory requests (and vice versa).
    ("admin@demo.cn", "系统管理员", {"admin_role": "system"}, []),
    ("security@demo.cn", "安全管理员", {"admin_role": "security"}, []),
    ("security2@demo.cn", "安全管理员（复核）", {"admin_role": "security"}, []),
    ("audit@demo.cn", "审计管理员", {"admin_role": "audit"}, []),
    ("filer@demo.cn", "王敏", {}, [("91360700MA38P2K51K", "filer"), ("91360100705512345U", "filer")]),
    ("signatory@demo.cn", "刘建国", {}, [("91360700MA38P2K51K", "signatory"),
                                                 ("91360700MA38P2K51K", "filer")]),
    ("filer-js@demo.cn", "陈静", {}, [("913201001345678904", "filer"), ("91320500MA1XY23459", "filer"),
                                                  ("913201001345678904", "signatory")]),
    ("reviewer-jx@demo.cn", "江西省厅审核员", {"reviewer_scope": "36"}, []),
    ("reviewer-ganzhou@demo.cn", "赣州市局审核员", {"reviewer_scope": "3607"}, []),
    ("reviewer-js@demo.cn", "江苏省厅审核员", {"reviewer_scope": "32"}, []),
    ("signatory-more@demo.cn", "赵立", {}, [("91360100705512345U", "signatory"), ("91360400MA3AB1234U", "signatory"),
                                           ("91320500MA1XY23459", "signatory"), ("91360300MA39PX2Q1P", "signatory"),
                                           ("91320400MA1WJ8K3X4", "signatory")]),
]

EXAMPLE_DRAFTS = [("ghg-jx-cement-2024.json", 2024), ("cpa-jx-cement-2023.json", 2023)]


def seed_demo() -> int:
    """Create whatever demo record is missing; return how many were created. Flushes, never commits."""
    created = 0
    by_uscc: dict[str, Enterprise] = {}
    for fields in ENTERPRISES:
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == fields["uscc"]))
        if enterprise is None:
            enterprise = accounts.create_enterprise(None, **fields)
            created += 1
        by_uscc[enterprise.uscc] = enterprise
    for email, name, roles, memberships in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            # The demo's password is published, not an initial password someone set for a real person: the demo
            # users are not asked to change it (reviewers and administrators still set up a second factor).
            user = accounts.create_user(None, email=email, name=name, password=DEMO_PASSWORD,
                                        must_change_password=False, **roles)
            created += 1
        for uscc, role in memberships:
            accounts.add_membership(None, user, by_uscc[uscc], role)
    for filename, year in EXAMPLE_DRAFTS:
        text = resources.files("portal.demo_data").joinpath(filename).read_text("utf-8")
        document = document_from_json(text)
        enterprise = by_uscc[document.enterprise.uscc or ""]
        exists = db.session.scalar(select(Filing.id).where(
            Filing.enterprise_id == enterprise.id, Filing.kind == document.kind, Filing.year == year))
        if exists is None:
            db.session.add(Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind=document.kind, year=year,
                                  status="draft", draft_json=canonical_json(document)))
            created += 1
    db.session.flush()
    return created + _seed_dashboard_versions(by_uscc)


# Submitted versions so that every dashboard chart has data: (uscc, kind, year, status, changes to the
# worked example). Product figures are chosen to fall at, between and beyond the levels of reference-data.md §4:
# cement 72,000 tce / 750,000 t = 96 kgce/t (标杆 100), glass 7.5 and 10.5 kgce/重量箱 (标杆 8, 基准 12),
# pig iron 680,000 tce / 1,900,000 t = 357.9 kgce/t (标杆 361); BOF steel 5 kgce/t (worse than 基准 −10: energy
# cannot be typed negative, so a BOF line never reaches the negative 标杆).
def _products(*items: tuple[str, int, int | None, int | None, bool]) -> list[dict[str, object]]:
    return [{"product": code, "output": output, "capacity": capacity, "energy_tce": energy, "primary": primary,
             "new_capacity": False, "capacity_replacement_ref": None}
            for code, output, capacity, energy, primary in items]


DASHBOARD_VERSIONS: list[tuple[str, str, int, str, dict[str, object]]] = [
    ("91360700MA38P2K51K", "ghg_annual_report", 2023, "accepted", {}),
    ("91360300MA39PX2Q1P", "ghg_annual_report", 2024, "accepted", {
        "scale": "0.6", "products": _products(("cement_clinker", 750000, 800000, 72000, True))}),
    ("91360100705512345U", "ghg_annual_report", 2024, "submitted", {
        "scale": "1.2", "processes": [], "products": _products(
            ("bof_steel", 1800000, 2000000, 9000, True), ("eaf_steel", 400000, 500000, 24000, False),
            ("pig_iron", 1900000, 2000000, 680000, False))}),
    ("91360400MA3AB1234U", "ghg_annual_report", 2024, "accepted", {
        "scale": "0.1", "processes": [], "products": _products(("flat_glass", 4000000, 4500000, 30000, True))}),
    ("913201001345678904", "ghg_annual_report", 2024, "accepted", {
        "scale": "1.5", "processes": [], "products": _products(("electricity", 3000000, None, None, True))}),
    ("91320500MA1XY23459", "ghg_annual_report", 2024, "submitted", {
        "scale": "0.08", "processes": [], "products": _products(("flat_glass", 2000000, 2000000, 21000, True))}),
    ("91320400MA1WJ8K3X4", "ghg_annual_report", 2024, "accepted", {
        "scale": "2", "processes": [], "products": _products(
            ("bof_steel", 3000000, 3200000, None, True), ("eaf_steel", 800000, 900000, 48000, False))}),
    ("91360400MA3AB1234U", "clean_production_audit", 2023, "accepted", {
        "audit_type": "mandatory", "triggers": ["high_energy"], "listed_on": "2023-01-15",
        "info_published_on": "2023-02-10"}),
    ("91360100705512345U", "clean_production_audit", 2023, "submitted", {
        "audit_type": "mandatory", "triggers": ["double_exceed"], "listed_on": "2023-01-10",
        "info_published_on": "2023-03-01"}),
]


def _demo_document(enterprise: Enterprise, kind: str, year: int, changes: dict[str, object]) -> str:
    """Return the worked example of ``kind`` rewritten for the enterprise and year, as canonical JSON."""
    import dataclasses
    import json
    from decimal import Decimal

    from .services.filings import profile_of

    name = "ghg-jx-cement-2024.json" if kind == "ghg_annual_report" else "cpa-jx-cement-2023.json"
    data = json.loads(resources.files("portal.demo_data").joinpath(name).read_text("utf-8"))
    changes = dict(changes)
    scale = Decimal(str(changes.pop("scale", "1")))
    data["enterprise"] = json.loads(json.dumps(dataclasses.asdict(profile_of(enterprise))))
    if kind == "ghg_annual_report":
        data["reporting_year"] = year
        for line in data["fuels"]:
            line["consumption"] = float((Decimal(str(line["consumption"])) * scale).quantize(Decimal("0.01")))
        data["energy_total_tce"] = None
        data["declared"] = {}
    else:
        data["permit_number"] = enterprise.permit_number
    data.update(changes)
    return canonical_json(document_from_json(json.dumps(data)))


def _seed_dashboard_versions(by_uscc: dict[str, Enterprise]) -> int:
    """Add the demo filings with submitted or accepted versions (idempotent); return how many were added."""
    import datetime as dt

    from .domain.codec import dumps, sha256_text
    from .models import FilingVersion, Membership
    from .rules import RULES_VERSION
    from .services import checking, records, renders
    from .services.filings import CERTIFICATION_STATEMENT_EN, CERTIFICATION_STATEMENT_ZH

    created = 0
    for uscc, kind, year, status, changes in DASHBOARD_VERSIONS:
        enterprise = by_uscc[uscc]
        if db.session.scalar(select(Filing.id).where(Filing.enterprise_id == enterprise.id, Filing.kind == kind,
                                                     Filing.year == year)) is not None:
            continue
        signatory_id = db.session.scalar(select(Membership.user_id).where(
            Membership.enterprise_id == enterprise.id, Membership.role == "signatory").order_by(Membership.id))
        text = _demo_document(enterprise, kind, year, changes)
        document = document_from_json(text)
        # An audit is filed after its implementation phase (the example's ends mid-2024), a report by 31 March.
        submitted_at = dt.datetime(year + (1 if kind == "ghg_annual_report" else 2), 3, 10, 2, 0, tzinfo=dt.UTC)
        outcome = checking.run(document, filing_date=submitted_at.date(), submitted=True)
        filing = Filing(enterprise=enterprise, enterprise_id=enterprise.id, kind=kind, year=year, status=status,
                        draft_json=text, current_version=1, last_submitted_at=submitted_at,
                        accepted_at=submitted_at + dt.timedelta(days=7) if status == "accepted" else None)
        db.session.add(filing)
        db.session.flush()
        version = FilingVersion(
            filing=filing, filing_id=filing.id, number=1, canonical_json=text, sha256=sha256_text(text),
            computed_json=dumps(outcome.computed.check_block()),
            findings_json=dumps([f.as_dict() for f in outcome.findings]), rules_version=RULES_VERSION,
            certified_by_id=signatory_id,
            certification_statement=CERTIFICATION_STATEMENT_ZH + "\n" + CERTIFICATION_STATEMENT_EN,
            submitted_at=submitted_at,
        )
        db.session.add(version)
        db.session.flush()
        # As a submission does: the frozen record the copies print from, and the jobs that render them
        # (`portal seed-demo` hands the jobs to the queue once committed).
        records.freeze(version, document, outcome, filing_date=submitted_at.date())
        signatory = db.session.get(User, signatory_id)
        if signatory is not None:
            renders.queue_version_files(signatory, version)
        created += 1
    db.session.flush()
    # Written here, not through submit(): derive the queue's counts and the dashboard's figures the same way.
    from .services import version_facts

    version_facts.refresh()
    return created
