"""Keep files in the object store and record them: size, SHA-256, media type, and whether they are frozen.

The one way in and out of :mod:`portal.storage` for the rest of the portal (rendered copies of record
today, evidence attachments next): :func:`put` stores bytes under their hash and records them,
:func:`get` gives them back after checking the hash, :func:`delete` refuses a frozen object. The store
is the app's ``STORAGE_URL`` (README "Copy of record": storage), opened once per process.
"""

from __future__ import annotations

import hashlib
import threading

from ..extensions import current_flask_app, db
from ..models import StoredObject
from ..storage import ObjectMissing, ObjectStore, StorageError, content_key, open_store
from .errors import Conflict, ServiceError

_EXTENSION = "portal.object_store"
_lock = threading.Lock()

__all__ = ["ObjectMissing", "StorageError", "delete", "exists", "get", "put", "record_of", "store"]


def store() -> ObjectStore:
    """Return the app's object store (``STORAGE_URL``; empty → ``<instance>/storage``), opened once."""
    app = current_flask_app()
    url = str(app.config.get("STORAGE_URL") or "")
    cached = app.extensions.get(_EXTENSION)
    if cached is not None and cached[0] == url:
        store: ObjectStore = cached[1]
        return store
    with _lock:
        opened = open_store(url, app.instance_path)
        app.extensions[_EXTENSION] = (url, opened)
        return opened


def record_of(key: str) -> StoredObject | None:
    """Return the database's record of a stored object, or None."""
    return db.session.get(StoredObject, key)


def put(data: bytes, *, content_type: str, frozen: bool = False) -> StoredObject:
    """Store ``data`` (idempotent: the key is its SHA-256) and record it; a frozen object stays frozen.

    The bytes are written before the record is flushed: a record never names an object the store lacks.
    If the transaction rolls back, an unrecorded object is left behind — harmless, and the next put of the
    same bytes records it.
    """
    key = store().put(data, content_type=content_type, frozen=frozen)
    row = db.session.get(StoredObject, key)
    if row is None:
        row = StoredObject(key=key, sha256=key, size=len(data), content_type=content_type[:100], frozen=frozen)
        db.session.add(row)
    elif frozen and not row.frozen:
        row.frozen = True
    db.session.flush()
    return row


def get(key: str) -> bytes:
    """Return a recorded object's bytes, checked against its SHA-256 (a damaged object is refused)."""
    row = record_of(key)
    if row is None:
        raise ObjectMissing(f"没有记录对象 {key}", f"no object {key} is recorded")
    data = store().get(key)
    if len(data) != row.size or hashlib.sha256(data).hexdigest() != row.sha256:
        raise StorageError(f"存储的对象 {key} 已损坏（大小或哈希值不符）",
                           f"the stored object {key} is damaged (size or hash differs)")
    return data


def exists(key: str) -> bool:
    """Return whether the object is recorded and present in the store."""
    return record_of(key) is not None and store().exists(key)


def delete(key: str) -> None:
    """Delete an object that is not frozen; a frozen one (a copy of record, evidence) is refused (409)."""
    row = record_of(key)
    if row is None:
        raise ServiceError(f"没有记录对象 {key}", f"no object {key} is recorded")
    if row.frozen:
        raise Conflict("此文件是存档记录的一部分，不能删除", "this file is part of a record and cannot be deleted")
    store().delete(key)
    db.session.delete(row)
    db.session.flush()


def key_of(data: bytes) -> str:
    """Return the key ``data`` is (or would be) stored under."""
    return content_key(data)
