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
]

# (email, name, fields, memberships as (uscc, role))
USERS = [
    ("admin@demo.cn", "系统管理员", {"is_admin": True}, []),
    ("filer@demo.cn", "王敏", {}, [("91360700MA38P2K51K", "filer"), ("91360100705512345U", "filer")]),
    ("signatory@demo.cn", "刘建国", {}, [("91360700MA38P2K51K", "signatory"),
                                                 ("91360700MA38P2K51K", "filer")]),
    ("filer-js@demo.cn", "陈静", {}, [("913201001345678904", "filer"), ("91320500MA1XY23459", "filer"),
                                                  ("913201001345678904", "signatory")]),
    ("reviewer-jx@demo.cn", "江西省厅审核员", {"reviewer_scope": "36"}, []),
    ("reviewer-ganzhou@demo.cn", "赣州市局审核员", {"reviewer_scope": "3607"}, []),
    ("reviewer-js@demo.cn", "江苏省厅审核员", {"reviewer_scope": "32"}, []),
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
    for email, name, fields, memberships in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(None, email=email, name=name, password=DEMO_PASSWORD, **fields)
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
    return created
