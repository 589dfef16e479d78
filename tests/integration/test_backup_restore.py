"""Backups (portal/backup.py): dump a seeded database, restore it into a fresh one, and prove the audit chain and
every version hash still verify; a tampered backup or a non-empty target is refused (issue 16 item 9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from portal.models import AuditEntry, FilingVersion
from portal.services import filings
from tests.conftest import PASSWORD
from tests.helpers import build_world, render_version_files, scratch_database


@pytest.fixture()
def source(owner_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A database with the test world, a submitted version and its audit entries, all committed."""
    with scratch_database(owner_database_url, tmp_path, "portal_bk_src") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "JOB_QUEUE": "immediate",
                          "STORAGE_URL": f"file://{tmp_path / 'source-store'}"})
        with app.app_context():
            upgrade()
            world = build_world()
            db.session.commit()
            version = filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
            db.session.commit()
            render_version_files(version)  # the signed PDF and the Excel filing, into the source's store
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def target_url(owner_database_url: str, tmp_path: Path) -> Iterator[str]:
    with scratch_database(owner_database_url, tmp_path, "portal_bk_dst") as url:
        yield url


def _facts(url: str) -> tuple[int, str, list[str]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(AuditEntry.__table__)).scalar_one()
        head = conn.execute(sa.select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
        hashes = list(conn.execute(sa.select(FilingVersion.sha256).order_by(FilingVersion.id)).scalars())
    engine.dispose()
    return count, head, hashes


def test_backup_then_restore_into_a_fresh_database_verifies(source: Flask, target_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    result = source.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    expected = _facts(source.config["SQLALCHEMY_DATABASE_URI"])
    assert manifest["audit"]["rows"] == expected[0] and manifest["audit"]["head_hash"] == expected[1]
    assert manifest["versions"] == {"count": 1, "verified": True}
    assert manifest["objects"] == {"count": 2, "missing": []}  # the version's signed PDF and its Excel filing
    database = "database.dump" if manifest["database"] == "postgresql" else "database.sqlite3"
    objects = sorted(p.name for p in (folder / "objects").iterdir())
    assert set(manifest["files"]) == {database, *(f"objects/{key}" for key in objects)}

    from portal.cli import main

    store = tmp_path / "restored-store"
    restored = source.test_cli_runner().invoke(main, ["restore", str(folder), "--database-url", target_url,
                                                      "--storage-url", f"file://{store}"])
    assert restored.exit_code == 0, restored.output
    assert "audit chain holds" in restored.output and "version hashes hold: 1 versions" in restored.output
    assert "stored objects hold: 2 objects" in restored.output
    assert sorted(p.name for p in store.rglob("*") if p.is_file()) == objects  # the same bytes, under their hashes
    assert _facts(target_url) == expected
    # and the restored database answers portal audit verify on its own
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": target_url})
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    with app.app_context():
        db.engine.dispose()


def test_a_tampered_backup_and_a_non_empty_target_are_refused(source: Flask, target_url: str, tmp_path: Path) -> None:
    from portal.backup import BackupError, backup, restore

    folder = tmp_path / "backup"
    backup(source, folder)
    with pytest.raises(BackupError, match="not empty"):
        backup(source, folder)
    dump = next(p for p in folder.iterdir() if p.name.startswith("database."))
    original = dump.read_bytes()
    dump.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(BackupError, match="does not match the manifest"):
        restore(folder, target_url)
    dump.write_bytes(original)
    restore(folder, target_url, storage_url=f"file://{tmp_path / 'restored-store'}")
    with pytest.raises(BackupError, match="not empty|exists"):
        restore(folder, target_url, storage_url=f"file://{tmp_path / 'restored-store'}")


def test_an_object_missing_from_the_store_is_named_by_the_backup_and_refused_by_the_restore(
        source: Flask, target_url: str, tmp_path: Path) -> None:
    from portal.backup import BackupError, restore

    lost = next(p for p in (tmp_path / "source-store").rglob("*") if p.is_file())
    lost.chmod(0o600)  # a frozen object is read-only; an operator's slip removes it anyway
    lost.unlink()
    folder = tmp_path / "backup"
    result = source.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 1 and f"object missing or damaged in the store: {lost.name}" in result.output
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["objects"] == {"count": 1, "missing": [lost.name]}
    with pytest.raises(BackupError, match=f"object {lost.name}"):
        restore(folder, target_url, storage_url=f"file://{tmp_path / 'restored-store'}")
