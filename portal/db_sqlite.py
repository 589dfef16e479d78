"""SQLite settings for the embedded mode: foreign keys on, WAL, and correct transaction handling.

Writers take the write lock when their transaction begins (issue 20 item 14). In WAL mode a transaction that
began deferred, read, and then tries to write after another connection committed cannot take the lock at all:
SQLite answers "database is locked" at once, whatever the busy timeout (its snapshot is stale). A page save
during an import's store phase failed that way, and so did the import when a page save slipped in between
its reads and its writes. So a thread that means to write says so (:func:`intend_writes`: a mutating request,
a job's claim and its store phase); its transactions then begin with ``BEGIN IMMEDIATE``, which waits its turn
(the busy timeout) and never fails on a stale snapshot. Reads still begin deferred and never wait.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: whether this thread's (context's) next transactions will write: BEGIN IMMEDIATE rather than BEGIN
_WRITES: ContextVar[bool] = ContextVar("portal_sqlite_writes", default=False)

#: how long a writer waits for another's write lock before giving up (ms): above the longest store phase
BUSY_TIMEOUT_MS = 15000


def intend_writes(on: bool = True) -> None:
    """Begin this thread's next transactions with ``BEGIN IMMEDIATE`` (``on``) or a deferred ``BEGIN``."""
    _WRITES.set(on)


def writes_intended() -> bool:
    """Return whether this thread's next transaction begins with ``BEGIN IMMEDIATE``."""
    return _WRITES.get()


def configure_sqlite(engine: Engine) -> None:
    """Turn on foreign keys, WAL and a busy timeout, and let SQLAlchemy own BEGIN (for SAVEPOINTs)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; SQLAlchemy emits BEGIN instead
        # (the recipe in SQLAlchemy's SQLite dialect documentation).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FOREIGN KEY constraints unless told, per connection
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _WRITES.get() else "BEGIN")
