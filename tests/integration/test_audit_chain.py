"""The hash-chained audit log: written at commit, seen by its own transaction, kept on rollback when durable,
verified by ``portal audit verify`` — which names the first row an owner edited behind the portal's back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from portal.models import AuditEntry
from portal.services import audit
from portal.services.audit import GENESIS_HASH, row_hash, verify_chain
from tests.helpers import scratch_database


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_entries_are_chained_and_carry_where_from(world) -> None:  # type: ignore[no-untyped-def]
    token = audit.bind_request("203.0.113.7", "Mozilla/5.0 (X11) Test\x00")
    try:
        audit.record(world.users["admin"], "test.one", "user", 1, after={"n": 1})
        audit.record(None, "test.two", "user", None, result="failure")
    finally:
        audit.unbind_request(token)
    db.session.commit()
    one, two = _entries("test.one") + _entries("test.two")
    assert (one.ip, one.user_agent, one.result) == ("203.0.113.7", "Mozilla/5.0 (X11) Test", "success")
    assert (two.actor_id, two.result) == (None, "failure")
    assert two.prev_hash == one.row_hash and two.id > one.id
    # the hash covers the row: recomputed from the stored columns, it is the stored hash
    stored = db.session.execute(sa.select(AuditEntry.__table__).where(AuditEntry.id == two.id)).mappings().one()
    assert row_hash(stored) == two.row_hash
    report = verify_chain()
    assert report.ok and report.head_id == two.id and report.head_hash == two.row_hash
    assert report.rows == db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_the_first_row_links_to_the_genesis_hash(world) -> None:  # type: ignore[no-untyped-def]
    first = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id).limit(1)).one()
    assert first.prev_hash == GENESIS_HASH


def test_a_transaction_sees_its_own_entries_before_commit(world) -> None:  # type: ignore[no-untyped-def]
    audit.record(None, "test.pending", "user", None)
    assert [e.action for e in _entries("test.pending")] == ["test.pending"]  # written when read


def test_a_rolled_back_savepoint_drops_its_entries_but_keeps_durable_ones(world) -> None:  # type: ignore[no-untyped-def]
    audit.record(None, "test.outer", "user", None)
    nested = db.session.begin_nested()
    audit.record(None, "test.inner", "user", None)
    audit.record(None, "test.inner_durable", "user", None, durable=True, result="failure")
    assert len(_entries("test.inner")) == 1  # sealed inside the savepoint…
    nested.rollback()  # …and rolled back with it
    db.session.commit()
    assert len(_entries("test.outer")) == 1
    assert _entries("test.inner") == []
    assert len(_entries("test.inner_durable")) == 1  # written again by the commit
    assert verify_chain().ok


def test_durable_entries_survive_the_rollback_of_the_request(world) -> None:  # type: ignore[no-untyped-def]
    audit.record(None, "test.plain", "user", None)
    audit.record(None, "test.durable", "user", None, durable=True, result="failure")
    world.users["nobody"].name = "changed"
    db.session.flush()
    db.session.rollback()  # the view's rollback: the durable entry stays pending…
    assert audit.commit_durable(db.session()) is True  # …and the teardown hook commits it
    assert audit.commit_durable(db.session()) is False  # nothing left
    assert _entries("test.plain") == [] and len(_entries("test.durable")) == 1
    assert db.session.get(type(world.users["nobody"]), world.users["nobody"].id).name == "nobody"
    # and a request that never committed: the teardown hook's commit_durable rolls back, then commits them
    audit.record(None, "test.durable2", "user", None, durable=True)
    world.users["nobody"].name = "changed again"
    assert audit.commit_durable(db.session()) is True
    assert len(_entries("test.durable2")) == 1
    assert db.session.get(type(world.users["nobody"]), world.users["nobody"].id).name == "nobody"


def test_a_failed_login_is_audited_with_address_agent_and_result(client, world) -> None:  # type: ignore[no-untyped-def]
    client.post("/login", data={"email": "filer_a@test.cn", "password": "wrong-password-1"},
                headers={"User-Agent": "probe/1.0"}, environ_base={"REMOTE_ADDR": "198.51.100.23"})
    entry = _entries("auth.login_failed")[-1]
    assert (entry.entity_id, entry.ip, entry.user_agent, entry.result) == (
        world.users["filer_a"].id, "198.51.100.23", "probe/1.0", "failure")


# ------------------------------------------------------------------------ tampering, on a scratch database

@pytest.fixture()
def scratch(owner_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh database migrated and seeded as its owner, everything committed."""
    with scratch_database(owner_database_url, tmp_path, "portal_chain") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
        with app.app_context():
            upgrade()
            from tests.helpers import build_world

            build_world()
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _tamper(app: Flask, statement: str) -> None:
    """Change audit rows as a database owner could: with the immutability trigger out of the way."""
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_immutable")
            connection.exec_driver_sql(statement)
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_immutable")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            connection.exec_driver_sql(statement)


def _verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_editing_an_audit_row_breaks_portal_audit_verify(scratch: Flask) -> None:
    code, output = _verify(scratch)
    assert code == 0, output
    assert "audit chain holds" in output and "version hashes hold: 0 versions" in output
    with scratch.app_context():
        target = db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "membership.add")
                                   .order_by(AuditEntry.id).limit(1))
    _tamper(scratch, f"UPDATE audit_log SET after_json = '{{\"role\": \"filer\"}}' WHERE id = {target}")
    code, output = _verify(scratch)
    assert code == 1
    assert f"audit chain broken at row #{target}" in output and "the row was changed" in output


def test_deleting_an_audit_row_breaks_the_link_of_the_next(scratch: Flask) -> None:
    with scratch.app_context():
        ids = db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)).all()
    _tamper(scratch, f"DELETE FROM audit_log WHERE id = {ids[3]}")
    code, output = _verify(scratch)
    assert code == 1 and f"broken at row #{ids[4]}" in output and "prev_hash does not match" in output


def test_an_altered_version_is_named(scratch: Flask) -> None:
    from portal.services import filings

    with scratch.app_context():
        from portal.models import Filing, User

        filing = db.session.scalars(sa.select(Filing).order_by(Filing.id)).first()
        signatory = db.session.scalar(sa.select(User).where(User.email == "signatory_a@test.cn"))
        version = filings.submit(signatory, filing, password="correct-horse-battery", certified=True)
        db.session.commit()
        version_id = version.id
    assert _verify(scratch)[0] == 0
    with scratch.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE filing_version DISABLE TRIGGER filing_version_immutable")
        else:
            connection.exec_driver_sql("DROP TRIGGER filing_version_no_update")
        connection.exec_driver_sql("UPDATE filing_version SET canonical_json = canonical_json || ' '")
    code, output = _verify(scratch)
    assert code == 1 and f"filing_version #{version_id} does not match its SHA-256" in output


def test_concurrent_writers_keep_one_chain(scratch: Flask) -> None:
    """Eight threads, each committing 15 transactions of 1–3 entries: one unbroken chain of 8 × 30 rows."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with scratch.app_context():
                    for k in range(1 + (i % 3)):
                        audit.record(None, "test.concurrent", "writer", n, after={"i": i, "k": k})
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with scratch.app_context():
        assert len(_entries("test.concurrent")) == 8 * (5 * (1 + 2 + 3))
        report = verify_chain()
        assert report.ok, report.broken
