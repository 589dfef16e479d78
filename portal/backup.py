"""Back up and restore the portal's data; prove a restore by re-verifying the audit chain, every version and object.

What holds the record (issue 16 item 9): the database, and the object store (``STORAGE_URL``: the signed PDF
copies of record and Excel filings rendered at submission, and any other file :mod:`portal.services.files`
keeps). A backup takes both.

A backup is a folder:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``, as the owner: ``MIGRATION_DATABASE_URL``) or
  ``database.sqlite3`` (the SQLite online backup API: consistent while the portal runs);
- ``objects/<sha256>``: every object the database records, read back through the store and checked against
  its hash (an object missing from the store or damaged there is named in the manifest, not copied);
- ``manifest.json``: when, from which schema revision, the audit chain's head and row count, the number
  of versions and objects, and the SHA-256 of every file of the backup.

:func:`restore` refuses a backup whose files do not match the manifest, loads it into an empty database,
puts the objects into the target's store, and verifies the audit chain (its head must be the manifest's),
every version hash and every recorded object.
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

OBJECTS = "objects"
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
        head_id: int | None = self.data["audit"]["head_id"]
        return head_id

    @property
    def head_hash(self) -> str:
        """Return the audit chain's head hash at backup time."""
        head_hash: str = self.data["audit"]["head_hash"]
        return head_hash


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
    objects = _copy_objects(app, folder / OBJECTS)
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    data = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": url.get_backend_name(),
        "revision": revision,
        "audit": {"rows": report.chain.rows, "head_id": report.chain.head_id, "head_hash": report.chain.head_hash,
                  "verified": report.chain.ok},
        "versions": {"count": report.versions.versions, "verified": report.versions.ok},
        "objects": objects,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return Manifest(data)


def _copy_objects(app: Flask, target: Path) -> dict[str, Any]:
    """Copy every recorded object out of the app's store into ``target``; return the manifest's account of them."""
    from .extensions import db
    from .models import StoredObject
    from .services import files

    copied, missing = 0, []
    with app.app_context():
        for key in db.session.scalars(sa.select(StoredObject.key).order_by(StoredObject.key)):
            try:
                data = files.get(key)  # checked against its SHA-256 and size
            except files.StorageError:
                missing.append(key)
                continue
            target.mkdir(parents=True, exist_ok=True)
            (target / key).write_bytes(data)
            copied += 1
        db.session.rollback()
    return {"count": copied, "missing": missing}


def _restore_objects(folder: Path) -> list[str]:
    """Put the backup's objects into the current app's store; return what does not hold after (empty: all well).

    Each recorded object must then be in the store with its hash; one the backup lacked (missing at backup
    time, as its manifest says) is reported, never invented.
    """
    from .extensions import db
    from .models import StoredObject
    from .services import files

    recorded = {row.key: row for row in db.session.scalars(sa.select(StoredObject))}
    source = folder / OBJECTS
    for path in sorted(source.iterdir()) if source.is_dir() else ():
        row = recorded.get(path.name)
        if row is not None:
            files.store().put(path.read_bytes(), content_type=row.content_type, frozen=row.frozen)
    problems = []
    for key in recorded:
        try:
            files.get(key)
        except files.StorageError as error:
            problems.append(f"object {key}: {error.message_en}")
    return problems


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


def restore(folder: Path, target_url: str, *, app_role: str | None = None, secret_key: str = "restore",
            storage_url: str | None = None) -> list[str]:
    """Load the backup in ``folder`` into the empty database at ``target_url`` (as its owner) and verify it.

    Return the verification report's lines; raise :class:`BackupError` when anything does not hold:
    the files, the load, the audit chain (and its head against the manifest), a version hash or a recorded
    object. The objects go into the store at ``storage_url`` (None: the default, ``<instance>/storage``).
    With ``app_role``, the application's role gets its grants on the restored tables (PostgreSQL).
    """
    from . import create_app
    from .config import normalise_database_url
    from .extensions import db
    from .models import StoredObject
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
                      "MIGRATION_DATABASE_URL": None, "SECRET_KEY": secret_key, "JOB_QUEUE": "immediate",
                      **({"STORAGE_URL": storage_url} if storage_url is not None else {})})
    with app.app_context():
        if app_role and kind == "postgresql":
            from .dbroles import grant_app_role

            with db.engine.begin() as connection:
                grant_app_role(connection, app_role)
        report = verify_all()
        object_problems = _restore_objects(folder)
        objects = len(db.session.scalars(sa.select(StoredObject.key)).all())
        db.session.rollback()
        db.engine.dispose()
    lines = report.lines()
    if not report.ok:
        raise BackupError("\n".join(lines))
    if object_problems:
        raise BackupError("\n".join(object_problems))
    lines.append(f"stored objects hold: {objects} objects (SHA-256 checked) / 存储对象核验通过：{objects} 个")
    if (report.chain.head_id, report.chain.head_hash) != (manifest.head_id, manifest.head_hash):
        raise BackupError(f"the restored audit chain ends at #{report.chain.head_id}, the backup's at "
                          f"#{manifest.head_id} / 恢复后的审计链末端与备份清单不符")
    if report.versions.versions != manifest.data["versions"]["count"]:
        raise BackupError("the restored database has a different number of versions than the backup")
    return lines
