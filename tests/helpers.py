"""Builders shared by integration and functional tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import Enterprise, Filing, User
from portal.services import accounts

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parent.parent
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"

USCC_A = "91360700MA38P2K51K"  # the worked example's cement plant, Jiangxi 360700
USCC_B = "913201001345678904"  # a Jiangsu thermal power plant, 320115


@dataclass
class World:
    """Hold the enterprises, users and filings every access test starts from."""

    a: Enterprise
    b: Enterprise
    users: dict[str, User]
    filing_a: Filing
    filing_b: Filing


def example_text(name: str) -> str:
    """Return the text of a worked example."""
    return (EXAMPLES / name).read_text("utf-8")


def build_world() -> World:
    """Create enterprise A (JX) and B (JS), users of every role, and a GHG draft for each."""
    a = accounts.create_enterprise(None, uscc=USCC_A, name="江西赣峰水泥有限公司", region_code="360700",
                                   industry_code="3011", permit_number="91360700MA38P2K51K001P", is_key_emitter=True,
                                   is_key_pollutant_discharger=True)
    b = accounts.create_enterprise(None, uscc=USCC_B, name="南京江宁热电有限公司", region_code="320115",
                                   industry_code="4412", is_key_emitter=True)
    spec = {
        # 三权分立 (issue 16 item 7): "admin" is the system administrator; two security administrators (one asks,
        # the other approves) and the audit administrator.
        "admin": {"admin_role": "system"}, "security": {"admin_role": "security"},
        "security2": {"admin_role": "security"}, "auditor": {"admin_role": "audit"},
        "filer_a": {}, "signatory_a": {}, "filer_b": {}, "signatory_b": {},
        "reviewer_jx": {"reviewer_scope": "36"}, "reviewer_ganzhou": {"reviewer_scope": "3607"},
        "reviewer_nanchang": {"reviewer_scope": "3601"}, "reviewer_js": {"reviewer_scope": "32"},
        "nobody": {},
    }
    users = {key: accounts.create_user(None, email=f"{key}@test.cn", name=key, password=PASSWORD,
                                       must_change_password=False, **fields)
             for key, fields in spec.items()}
    accounts.add_membership(None, users["filer_a"], a, "filer")
    accounts.add_membership(None, users["signatory_a"], a, "signatory")
    accounts.add_membership(None, users["filer_b"], b, "filer")
    accounts.add_membership(None, users["signatory_b"], b, "signatory")
    doc_a = document_from_json(example_text("ghg-jx-cement-2024.json"))
    filing_a = Filing(enterprise=a, enterprise_id=a.id, kind="ghg_annual_report", year=2024, status="draft",
                      draft_json=canonical_json(doc_a))
    from portal.services.filings import new_document

    filing_b = Filing(enterprise=b, enterprise_id=b.id, kind="ghg_annual_report", year=2024, status="draft",
                      draft_json=canonical_json(new_document(b, "ghg_annual_report", 2024)))
    db.session.add_all([filing_a, filing_b])
    db.session.flush()
    return World(a=a, b=b, users=users, filing_a=filing_a, filing_b=filing_b)


def fingerprint(exclude: tuple[str, ...] = ()) -> str:
    """Return a hash of every row of every table (but ``exclude``): equal before and after means nothing was
    written."""
    import hashlib

    from sqlalchemy import select

    db.session.flush()  # Core SELECTs of tables do not autoflush: count what the session holds, too
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in exclude:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{[tuple(map(repr, row)) for row in rows]}".encode())
    return digest.hexdigest()


@contextmanager
def scratch_database(server_url: str, folder: Path, prefix: str = "portal_scratch") -> Iterator[str]:
    """Yield the URL of a fresh empty database of the kind of ``server_url``, dropped afterwards.

    On PostgreSQL the database is created by ``server_url``'s user (the suite's owner role: it needs
    CREATEDB) and belongs to it; on SQLite it is a new file in ``folder``.
    """
    if not server_url.startswith("postgresql"):
        yield "sqlite:///" + str(folder / f"{prefix}-{uuid.uuid4().hex[:8]}.sqlite3")
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = sa.engine.make_url(server_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def render_version_files(version) -> list[int]:  # type: ignore[no-untyped-def]
    """Run the render jobs a submission queued (JOB_QUEUE=immediate: each runs inside this call)."""
    from portal.jobs import get_queue
    from portal.services import renders

    ids = renders.queued_jobs(version)
    for job_id in ids:
        get_queue().enqueue(job_id)
    return ids


def draft_pdf(client, filing_id: int):  # type: ignore[no-untyped-def]
    """Ask for a draft's PDF as the page does (a job, run at once in tests) and download it from the job."""
    response = client.post(f"/filings/{filing_id}/draft.pdf")
    if response.status_code != 302:
        return response
    job_page = response.headers["Location"]
    return client.get(job_page.rstrip("/") + "/file")


#: A minimal well-formed one-page PDF (a lab report stand-in for evidence attachments, issue 18).
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
