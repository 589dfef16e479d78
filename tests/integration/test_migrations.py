"""Migrations build the whole schema from empty, go down and up again, and match the models (no drift)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db


@pytest.fixture()
def scratch_app(database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """Return an app on a fresh empty database of the same kind as the suite's."""
    if database_url.startswith("postgresql"):
        name = f"portal_mig_{uuid.uuid4().hex[:10]}"
        server = sa.engine.make_url(database_url)
        admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        admin, name, url = None, None, "sqlite:///" + str(tmp_path / "scratch.sqlite3")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


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
