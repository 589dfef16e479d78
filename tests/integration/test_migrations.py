"""Migrations build the whole schema from empty, go down and up again, and match the models (no drift)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from tests.helpers import scratch_database


@pytest.fixture()
def scratch_url(owner_database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Return a fresh empty database of the same kind as the suite's (the owner's), dropped afterwards."""
    with scratch_database(owner_database_url, tmp_path, "portal_mig") as url:
        yield url


@pytest.fixture()
def scratch_app(scratch_url: str) -> Iterator[Flask]:
    """Return an app on a fresh empty database of the same kind as the suite's."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url})
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app: Flask) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_up_down_up_and_no_drift(scratch_app: Flask) -> None:
    with scratch_app.app_context():
        upgrade()
    tables = _tables(scratch_app)
    assert set(db.metadata.tables) <= tables
    with scratch_app.app_context():
        downgrade(revision="base")
    assert _tables(scratch_app) == set()
    with scratch_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_0008_chains_the_existing_audit_rows_and_keeps_existing_tokens(scratch_app: Flask) -> None:
    """Rows written before the chain existed are chained by the migration; a token issued before still works."""
    from portal.domain.codec import sha256_text
    from portal.services import tokens
    from portal.services.audit import verify_chain

    with scratch_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO user_account (id, email, name, password_hash, session_token, active, is_admin, "
                "api_token_hash) VALUES (1, 'old@test.cn', 'old', 'x', 'a1', true, false, "
                f"'{sha256_text('an-old-token')}')")
            for i, action in enumerate(("user.create", "auth.login", "filing.create"), start=1):
                conn.exec_driver_sql(
                    "INSERT INTO audit_log (id, actor_id, action, entity_type, entity_id, after_json) "
                    f"VALUES ({i}, 1, '{action}', 'user', 1, '{{\"n\":{i}}}')")
        upgrade()
        report = verify_chain()
        assert report.ok and report.rows == 3 and report.head_id == 3
        check = tokens.verify("an-old-token", scope="write")
        assert check.token is not None and check.token.user.email == "old@test.cn"
        assert check.token.name == "迁移的令牌 / migrated token"
        db.session.rollback()
        downgrade(revision="0007")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT api_token_hash FROM user_account").scalar() == sha256_text("an-old-token")


def test_0009_makes_every_administrator_a_system_administrator_and_back(scratch_app: Flask) -> None:
    """The one administrator of before becomes a system administrator (README: Security); going down, any
    administrator role becomes the old flag again."""
    with scratch_app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            for i, (email, admin) in enumerate((("boss@test.cn", True), ("clerk@test.cn", False)), start=1):
                conn.exec_driver_sql(
                    "INSERT INTO user_account (id, email, name, password_hash, session_token, active, is_admin) "
                    f"VALUES ({i}, '{email}', 'n', 'x', 't{i}', true, {'true' if admin else 'false'})")
        upgrade(revision="0009")
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT email, admin_role, must_change_password FROM user_account ORDER BY id").all()
        assert [tuple(r) for r in rows] == [("boss@test.cn", "system", False), ("clerk@test.cn", None, False)]
        with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.exec_driver_sql("UPDATE user_account SET admin_role = 'root' WHERE id = 2")
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE user_account SET admin_role = 'audit' WHERE id = 2")
        downgrade(revision="0008")
        with db.engine.connect() as conn:
            flags = conn.exec_driver_sql("SELECT email, is_admin FROM user_account ORDER BY id").all()
        assert [tuple(r) for r in flags] == [("boss@test.cn", True), ("clerk@test.cn", True)]
