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
