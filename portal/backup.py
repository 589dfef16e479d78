"""Back up and restore the portal's data; prove a restore by re-verifying the audit chain and every version.

What holds the record (issue 16 item 9): the database, and nothing else. A PDF copy of record is not stored:
it is rendered on demand from the version's frozen canonical JSON (hash-checked) with the reference data
as it stood when the version was submitted (README: downloads), so the database dump restores it too. When
files are stored one day, :data:`FILE_FOLDERS` names the settings whose folders a backup copies.

A backup is a folder:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``, as the owner: ``MIGRATION_DATABASE_URL``) or
  ``database.sqlite3`` (the SQLite online backup API: consistent while the portal runs);
- ``files/<setting>/…`` for each configured file folder;
- ``manifest.json``: when, from which schema revision, the audit chain's head and row count, the number
  of versions, and the SHA-256 of every file of the backup.

:func:`restore` refuses a backup whose files do not match the manifest, loads it into an empty database,
and verifies the audit chain (its head must be the manifest's) and every version hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

FILE_FOLDERS: tuple[str, ...] = ()  # settings naming folders of stored files (none yet: PDFs are rendered)
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    """Raise when a backup or restore cannot be done or does not verify."""


def _owner_url(app: Flask) -> sa.engine.URL:
    from .config import normalise_database_url

    raw = app.config.get("MIGRATION_DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    return sa.engine.make_url(normalise_database_url(str(raw)))


def _libpq(url: sa.engine.URL) -> tuple[str, dict[str, str]]:
    """Return a libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


@dataclass(frozen=True)
class Manifest:
    """Hold what a backup says about itself."""

    data: dict[str, Any]

    @property
    def head_id(self) -> int | None:
        """Return the audit chain's last row id at backup time."""
        return self.data["audit"]["head_id"]  # type: ignore[no-any-return]

    @property
    def head_hash(self) -> str:
        """Return the audit chain's head hash at backup time."""
        return self.data["audit"]["head_hash"]  # type: ignore[no-any-return]


def backup(app: Flask, folder: Path) -> Manifest:
    """Write a backup of the app's database (and stored files) into the new or empty ``folder``."""
    from .extensions import db
    from .services.integrity import verify_all

    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty / 目标文件夹不为空")
    url = _owner_url(app)
    with app.app_context():
        report = verify_all()  # the state being saved, for the manifest (a broken chain is saved, and said)
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        db.session.rollback()
    if url.get_backend_name() == "postgresql":
        target = folder / "database.dump"
        conninfo, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
              "--dbname", conninfo], env)
    elif url.get_backend_name() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(url.database))
        try:
            copy = sqlite3.connect(str(target))
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    for setting in FILE_FOLDERS:
        if app.config.get(setting):
            shutil.copytree(app.config[setting], folder / "files" / setting)
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    data = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": url.get_backend_name(),
        "revision": revision,
        "audit": {"rows": report.chain.rows, "head_id": report.chain.head_id, "head_hash": report.chain.head_hash,
                  "verified": report.chain.ok},
        "versions": {"count": report.versions.versions, "verified": report.versions.ok},
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return Manifest(data)


def read_manifest(folder: Path) -> Manifest:
    """Read a backup's manifest and check every file against it."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in {folder}: {error}") from error
    if data.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {data.get('format')!r}")
    for name, digest in data["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} does not match the manifest (changed or missing) / 文件与清单不符")
    return Manifest(data)


def restore(folder: Path, target_url: str, *, app_role: str | None = None, secret_key: str = "restore") -> list[str]:
    """Load the backup in ``folder`` into the empty database at ``target_url`` (as its owner) and verify it.

    Return the verification report's lines; raise :class:`BackupError` when anything does not hold:
    the files, the load, the audit chain (and its head against the manifest) or a version hash. With
    ``app_role``, the application's role gets its grants on the restored tables (PostgreSQL).
    """
    from . import create_app
    from .config import normalise_database_url
    from .extensions import db
    from .services.integrity import verify_all

    manifest = read_manifest(folder)
    url = sa.engine.make_url(normalise_database_url(target_url))
    kind = url.get_backend_name()
    if kind != manifest.data["database"]:
        raise BackupError(f"a {manifest.data['database']} backup cannot be restored into {kind}")
    if kind == "postgresql":
        conninfo, env = _libpq(url)
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        engine.dispose()
        if tables:
            raise BackupError(f"the target database is not empty ({len(tables)} tables) / 目标数据库不为空")
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              "--dbname", conninfo, str(folder / "database.dump")], env)
    else:
        target = Path(str(url.database))
        if target.exists() and target.stat().st_size:
            raise BackupError(f"{target} exists / 目标文件已存在")
        shutil.copyfile(folder / "database.sqlite3", target)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
                      "MIGRATION_DATABASE_URL": None, "SECRET_KEY": secret_key, "JOB_QUEUE": "immediate"})
    with app.app_context():
        if app_role and kind == "postgresql":
            from .dbroles import grant_app_role

            with db.engine.begin() as connection:
                grant_app_role(connection, app_role)
        report = verify_all()
        db.session.rollback()
        db.engine.dispose()
    lines = report.lines()
    if not report.ok:
        raise BackupError("\n".join(lines))
    if (report.chain.head_id, report.chain.head_hash) != (manifest.head_id, manifest.head_hash):
        raise BackupError(f"the restored audit chain ends at #{report.chain.head_id}, the backup's at "
                          f"#{manifest.head_id} / 恢复后的审计链末端与备份清单不符")
    if report.versions.versions != manifest.data["versions"]["count"]:
        raise BackupError("the restored database has a different number of versions than the backup")
    return lines
