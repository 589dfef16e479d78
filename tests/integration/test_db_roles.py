"""PostgreSQL roles (portal/dbroles.py): the app's role cannot rewrite history — no TRUNCATE, UPDATE or DELETE
on audit_log and filing_version, no DDL (so no dropping their triggers) — while the owner migrates."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.dbroles import APPEND_ONLY_TABLES, app_role_problems, grant_app_role

INSUFFICIENT_PRIVILEGE = "42501"
MUST_BE_OWNER = "42501"  # "must be owner of table": the same SQLSTATE


@pytest.fixture()
def app_role_url(app: Flask, database_url: str, owner_database_url: str) -> Iterator[str]:
    """Return a URL connecting as the app's role on the migrated suite database: the suite's own role when it
    runs as one (.ci/run), else a temporary role made for this test (needs a superuser or CREATEROLE owner)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("database roles are PostgreSQL's")
    app_url, owner_url = sa.engine.make_url(database_url), sa.engine.make_url(owner_database_url)
    if app_url.username != owner_url.username:
        yield database_url
        return
    role = f"portal_test_app_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
    with owner.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        grant_app_role(conn, role)
    try:
        yield app_url.set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with owner.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        owner.dispose()


STATEMENTS = {
    "TRUNCATE": "TRUNCATE {table}",
    "UPDATE": "UPDATE {table} SET {key} = {key}",
    "DELETE": "DELETE FROM {table}",
    "DROP TRIGGER": "DROP TRIGGER {table}_immutable ON {table}",
    "DISABLE TRIGGER": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TABLE": "DROP TABLE {table}",
}


KEYS = {"version_record": "version_id"}


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("what", list(STATEMENTS))
def test_the_app_role_cannot_rewrite_history(app_role_url: str, table: str, what: str) -> None:
    engine = sa.create_engine(app_role_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as refused:
            # version_record's key is its version's id (one record per version)
            conn.exec_driver_sql(STATEMENTS[what].format(table=table, key=KEYS.get(table, "id")))
        assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, refused.value
    finally:
        engine.dispose()


def test_the_app_role_may_read_and_append_but_create_nothing(app_role_url: str, owner_database_url: str) -> None:
    engine = sa.create_engine(app_role_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
            assert conn.exec_driver_sql("SELECT has_table_privilege('audit_log', 'INSERT')").scalar() is True
            assert conn.exec_driver_sql("SELECT has_table_privilege('filing', 'UPDATE')").scalar() is True
            assert conn.exec_driver_sql("SELECT has_table_privilege('alembic_version', 'UPDATE')").scalar() is False
            with pytest.raises(sa.exc.DBAPIError) as refused:
                conn.exec_driver_sql("CREATE TABLE mischief (id int)")
            assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE
    finally:
        engine.dispose()
    owner = sa.create_engine(owner_database_url, poolclass=sa.pool.NullPool)
    try:
        with owner.connect() as conn:
            role = sa.engine.make_url(app_role_url).username
            assert app_role_problems(conn, role) == []
            assert app_role_problems(conn, sa.engine.make_url(owner_database_url).username)  # the owner is not one
    finally:
        owner.dispose()


def test_portal_db_grant_app_role_grants_and_reports_nothing_left(app: Flask, app_role_url: str) -> None:
    role = sa.engine.make_url(app_role_url).username
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", role])
    assert result.exit_code == 0, result.output
    assert f"GRANT SELECT, INSERT ON public.audit_log TO {role}" in result.output
    assert f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.filing TO {role}" in result.output
    assert "warning" not in result.output
