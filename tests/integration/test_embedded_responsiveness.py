"""Embedded mode (SQLite, WAL): web writes during an import's store phase wait their turn and succeed, and
so does the import (issue 20 item 14).

Before: a transaction that began deferred, read, and then wrote after another connection committed got
"database is locked" at once (a stale WAL snapshot ignores the busy timeout): page saves during a bulk import
answered 500 and the import itself failed when a page save slipped in between its reads and its writes.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from portal import create_app
from portal.db_sqlite import intend_writes
from portal.extensions import db

N = 150  # enterprises in the workbook: an import of a few seconds on the 2-core CI machine


@pytest.fixture()
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app on a fresh migrated SQLite file (the embedded mode), with the test users, committed."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/embedded.sqlite3",
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "JOB_QUEUE": "embedded",
                      "JOB_QUEUE_FILE": str(tmp_path / "queue.sqlite3"), "LOGIN_RATE_LIMIT": "10000/minute"})
    with app.app_context():
        upgrade()
        from tests.helpers import build_world

        build_world()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_writer_that_read_first_waits_for_the_lock_instead_of_failing(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        db.session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        db.session.commit()
    holding = threading.Event()

    def other_writer() -> None:
        with sqlite_app.app_context():
            intend_writes(True)
            try:
                db.session.execute(text("INSERT INTO scratch VALUES (1)"))
                holding.set()
                time.sleep(0.5)
                db.session.commit()
            finally:
                intend_writes(False)

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)
    with sqlite_app.app_context():
        intend_writes(True)  # as every mutating request does (web.transaction)
        try:
            started = time.perf_counter()
            assert db.session.execute(text("SELECT count(*) FROM scratch")).scalar_one() == 1  # after the wait
            db.session.execute(text("INSERT INTO scratch VALUES (2)"))
            db.session.commit()
            waited = time.perf_counter() - started
        finally:
            intend_writes(False)
    thread.join()
    assert 0.2 < waited < 5  # it waited for the other commit (0.5 s after it took the lock), then wrote
    with sqlite_app.app_context():
        assert db.session.execute(text("SELECT x FROM scratch ORDER BY x")).scalars().all() == [1, 2]


def _workbook(count: int) -> bytes:
    from portal.domain.codec import document_from_json
    from portal.reference import default_reference
    from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
    from tests.helpers import example_text

    base = document_from_json(example_text("ghg-jx-cement-2024.json"))
    docs = [dataclasses.replace(base, enterprise=dataclasses.replace(base.enterprise, uscc=uscc, permit_number=None))
            for uscc in _usccs(count)]
    return render_upload_workbook("ghg_annual_report", docs, code_lists=code_lists_from_reference(default_reference()))


def test_page_saves_during_an_embedded_import_succeed_and_so_does_the_import(sqlite_app: Flask) -> None:
    from portal.jobs.runner import run_job
    from portal.models import Enterprise, Filing, Job, User
    from portal.services import jobs
    from tests.helpers import PASSWORD

    data = _workbook(N)
    with sqlite_app.app_context():
        # The workbook's enterprises must exist to be imported; an administrator may import for any.
        db.session.add_all([Enterprise(uscc=f"{u}", name=f"企业{i}", region_code="360700", industry_code="3011")
                            for i, u in enumerate(_usccs(N))])
        admin = db.session.scalar(select(User).where(User.email == "admin@test.cn"))
        job_id = jobs.submit_upload(admin, "import_workbook", "bulk.xlsx", data).id
        filing_id = db.session.scalar(select(Filing.id).order_by(Filing.id))  # enterprise A's draft
        db.session.commit()
    client = sqlite_app.test_client()
    assert client.post("/login", data={"email": "filer_a@test.cn", "password": PASSWORD}).status_code == 302
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (run_job(sqlite_app, job_id), finished.set()))
    worker.start()
    answers: list[int] = []
    n = 0
    while not finished.is_set() or n < 3:
        with sqlite_app.app_context():
            revision = db.session.get(Filing, filing_id).revision  # type: ignore[union-attr]
            db.session.remove()
        response = client.post(f"/filings/{filing_id}/explanations",
                               data={"revision": str(revision), "explain:XCK-004@energy_total_tce": f"说明 {n}"})
        answers.append(response.status_code)
        n += 1
    worker.join()
    with sqlite_app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        assert (job.status, job.error_en) == ("done", None)
        assert db.session.scalar(select(db.func.count(Filing.id)).where(Filing.year == 2024)) >= N
    assert len(answers) > 3 and set(answers) == {302}, answers


def _usccs(count: int) -> list[str]:
    from portal.domain.codes import USCC_ALPHABET, uscc_check_character

    out = []
    for n in range(count):
        body = "".join(USCC_ALPHABET[int(c)] for c in f"9136070{n:010d}")
        out.append(body + (uscc_check_character(body) or "0"))
    return out
