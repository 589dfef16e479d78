"""PostgreSQL roles: the owner migrates; the application's role reads and writes, but cannot rewrite history.

Issue 16 item 5: the app must not be able to ``TRUNCATE audit_log`` or drop the immutability trigger of
``filing_version``. So the tables belong to an owner role that runs the migrations
(``PORTAL_MIGRATION_DATABASE_URL``), and the app connects (``DATABASE_URL``) as a role that

- may SELECT, INSERT, UPDATE and DELETE the working tables,
- may only SELECT and INSERT :data:`APPEND_ONLY_TABLES` — no UPDATE, DELETE or TRUNCATE (the triggers of
  migration 0001/0008 stop UPDATE and DELETE even for the owner; privileges stop TRUNCATE and keep the app
  from dropping a trigger),
- may only SELECT :data:`READ_ONLY_TABLES`,
- owns nothing and may create nothing (no DDL: without ownership it can neither ALTER nor DROP a table, and
  CREATE on the schema is revoked from PUBLIC).

:func:`grant_app_role` sets exactly that; it is idempotent and runs at the end of every migration when the
two URLs name different users (``migrations/env.py``), and on demand as ``portal db grant-app-role ROLE``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

APPEND_ONLY_TABLES = ("audit_log", "filing_version", "version_record", "version_read")
READ_ONLY_TABLES = ("alembic_version",)
WRITE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _quote(connection: Any, name: str) -> str:
    return str(connection.dialect.identifier_preparer.quote(name))


def table_privileges(table: str) -> tuple[str, ...]:
    """Return the privileges the app role gets on ``table``."""
    if table in APPEND_ONLY_TABLES:
        return ("SELECT", "INSERT")
    if table in READ_ONLY_TABLES:
        return ("SELECT",)
    return WRITE_PRIVILEGES


def grant_app_role(connection: Any, role: str, schema: str = "public") -> list[str]:
    """Give ``role`` exactly the app's privileges on every table of ``schema``; return the statements run."""
    if connection.dialect.name != "postgresql":
        raise RuntimeError("database roles exist on PostgreSQL only / 仅 PostgreSQL 有数据库角色")
    exists = connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        raise RuntimeError(f"no such role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD '…')"
                           f" / 角色 {role!r} 不存在，请先创建")
    r, s = _quote(connection, role), _quote(connection, schema)
    database = _quote(connection, connection.execute(sa.text("SELECT current_database()")).scalar())
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",  # PostgreSQL < 15 let everyone create tables there
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
    ]
    tables = sa.inspect(connection).get_table_names(schema=schema)
    for table in sorted(tables):
        statements.append(f"GRANT {', '.join(table_privileges(table))} ON {s}.{_quote(connection, table)} TO {r}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
    for statement in statements:
        connection.exec_driver_sql(statement)
    return statements


def app_role_problems(connection: Any, role: str, schema: str = "public") -> list[str]:
    """Return what ``role`` may do that the app's role must not (empty when it is as restricted as it should be)."""
    problems = []
    attrs = connection.execute(
        sa.text("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).first()
    if attrs is None:
        return [f"role {role!r} does not exist"]
    for flag, name in zip(attrs, ("SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS"), strict=True):
        if flag:
            problems.append(f"{role} has {name}")
    if connection.execute(sa.text("SELECT has_schema_privilege(:r, :s, 'CREATE')"), {"r": role, "s": schema}).scalar():
        problems.append(f"{role} may CREATE in schema {schema}")
    owned = connection.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s AND tableowner = :r"), {"s": schema, "r": role}
    ).scalars().all()
    problems.extend(f"{role} owns table {t} (may ALTER, DROP or TRUNCATE it)" for t in owned)
    for table in APPEND_ONLY_TABLES:
        for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
            allowed = connection.execute(sa.text("SELECT has_table_privilege(:r, :t, :p)"),
                                         {"r": role, "t": f"{schema}.{table}", "p": privilege}).scalar()
            if allowed:
                problems.append(f"{role} has {privilege} on {table}")
    return problems
