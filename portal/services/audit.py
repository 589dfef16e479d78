"""Write the append-only, hash-chained audit log (issue 16 item 5: tamper evidence).

Every entry carries the SHA-256 of the entry before it (``prev_hash``) and its own (``row_hash``, over all
its columns and ``prev_hash``), so changing, deleting or inserting a row anywhere but at the end breaks
the chain that :func:`verify_chain` (``portal audit verify``) walks.

**When rows are written.** A chain needs the previous row's hash, so appending must be serialised: two
transactions reading the same head would fork it. Entries are therefore kept on the session by
:func:`record` and written, chained, at commit (``before_commit``) under a lock — on PostgreSQL the
transaction-scoped advisory lock :data:`CHAIN_LOCK_KEY`, held only from then until the commit ends; on
SQLite the database's single write lock, which a transaction holding a stale snapshot cannot take (it
fails rather than fork the chain). Taking the lock at the end, not at the first entry, keeps it short and
never leaves a transaction holding it while it waits for a row lock (no deadlock with another writer). A
query of the audit log inside the transaction writes the pending entries first, so a transaction always
sees its own entries.

**Durable entries.** A failed sign-in, a wrong signing password or a refused token must be on record even
when the request that saw it is rolled back (the submit service raises after a wrong password; the views
roll back). ``record(..., durable=True)`` keeps such an entry across a rollback: it is written by the
next commit of the session, and the web layer commits leftovers when a request ends
(:func:`commit_durable`, called from a ``teardown_request`` hook).

**Where from.** The web layer binds the client's address and user agent to the request's context
(:func:`bind_request`); every entry recorded meanwhile carries them. Services never read ``request``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping, TextClause, event, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

from ..db import table_of
from ..domain.codec import dumps
from ..extensions import db
from ..models import AUDIT_RESULTS, AuditEntry, User

GENESIS_HASH = "0" * 64
#: pg_advisory_xact_lock key serialising appends to the chain ("audit" as a number: any constant would do).
CHAIN_LOCK_KEY = 0x61756469
USER_AGENT_MAX = 300
_BUFFER = "portal_audit_pending"


# ------------------------------------------------------------------------------------- request context

@dataclass(frozen=True)
class RequestInfo:
    """Hold where a request came from, as the audit log records it."""

    ip: str | None
    user_agent: str | None


_request_info: ContextVar[RequestInfo | None] = ContextVar("portal_audit_request", default=None)


def bind_request(ip: str | None, user_agent: str | None) -> Token[RequestInfo | None]:
    """Make entries recorded from now on (in this context) carry ``ip`` and ``user_agent``."""
    agent = (user_agent or "").replace("\x00", "")[:USER_AGENT_MAX] or None
    return _request_info.set(RequestInfo(ip=(ip or None) and ip[:45], user_agent=agent))


def unbind_request(token: Token[RequestInfo | None]) -> None:
    """Forget the request bound by :func:`bind_request` (worker threads serve many requests)."""
    _request_info.reset(token)


def current_request() -> RequestInfo | None:
    """Return the request info bound to this context, or None outside a request (CLI, jobs)."""
    return _request_info.get()


# ------------------------------------------------------------------------------------------ recording

@dataclass(eq=False)
class _Pending:
    row: dict[str, Any]
    durable: bool
    recorded_in: SessionTransaction | None
    sealed_in: SessionTransaction | None = None


def _buffer(session: Session) -> list[_Pending]:
    buffer: list[_Pending] = session.info.setdefault(_BUFFER, [])
    return buffer


def _innermost(session: Session) -> SessionTransaction | None:
    # An entry belongs to a transaction: begin the session's now if nothing has (a request that only records,
    # then fails, must see its entry dropped by the rollback — a rollback with no transaction fires no event).
    if not session.in_transaction():
        session.begin()
    return session.get_nested_transaction() or session.get_transaction()


def _row(actor_id: int | None, action: str, entity_type: str, entity_id: int | None, before: Any, after: Any,
         result: str, at: dt.datetime) -> dict[str, Any]:
    if result not in AUDIT_RESULTS:
        raise ValueError(f"unknown audit result {result!r}")
    where = current_request()
    return {
        "at": at, "actor_id": actor_id, "action": action, "entity_type": entity_type, "entity_id": entity_id,
        "before_json": None if before is None else dumps(before),
        "after_json": None if after is None else dumps(after),
        "ip": where.ip if where else None, "user_agent": where.user_agent if where else None, "result": result,
    }


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: Any = None,
    after: Any = None,
    result: str = "success",
    durable: bool = False,
    at: dt.datetime | None = None,
) -> None:
    """Append an audit entry: who (actor), what (action on entity), result, before and after as JSON.

    The entry is written, chained, when the session commits. ``durable=True`` keeps it even if this
    transaction rolls back (failed sign-ins and other refusals): see the module docstring. ``at`` is when it
    happened (default: now).
    """
    session = db.session()
    row = _row(actor.id if actor is not None else None, action, entity_type, entity_id, before, after, result,
               at or dt.datetime.now(dt.UTC))
    _buffer(session).append(_Pending(row, durable, _innermost(session)))


def record_download(actor: User | None, what: str, entity_type: str, entity_id: int | None, **details: Any) -> None:
    """Record that ``actor`` downloaded ``what`` (``download.<what>``): durably, since a download is a GET,
    which commits nothing else (issue 16 item 5: exports and downloads are on record)."""
    record(actor, f"download.{what}", entity_type, entity_id, after=details or None, durable=True)


def record_many(actor: User | None, action: str, entity_type: str,
                entries: Sequence[tuple[int | None, Any, Any]]) -> None:
    """Append one audit entry per (entity id, before, after), all of one action, written in one INSERT.

    For a bulk import's thousand "filing.create" entries: no ORM objects (about 0.05 s of CPU per 1,000
    entries, issue 7 item 5).
    """
    if not entries:
        return
    session = db.session()
    actor_id = actor.id if actor is not None else None
    now = dt.datetime.now(dt.UTC)
    txn = _innermost(session)
    _buffer(session).extend(
        _Pending(_row(actor_id, action, entity_type, entity_id, before, after, "success", now), False, txn)
        for entity_id, before, after in entries
    )


# ------------------------------------------------------------------------------------------- chaining

def _at_text(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they are UTC by construction (db.UTCDateTime)
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: Mapping[str, Any] | RowMapping) -> str:
    """Return the SHA-256 of an audit row: its id, every column and the previous row's hash, as JSON.

    Frozen: migration 0008 holds a copy to chain the rows that existed before, and a change here would
    break every existing chain.
    """
    payload = [row["id"], _at_text(row["at"]), row["actor_id"], row["action"], row["entity_type"],
               row["entity_id"], row["before_json"], row["after_json"], row["ip"], row["user_agent"],
               row["result"], row["prev_hash"]]
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _allocate_ids(connection: Any, head_id: int | None, n: int) -> list[int]:
    if connection.dialect.name == "postgresql":
        # From the table's sequence, under the chain lock: ids grow in chain order.
        ids = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, :n)"),
            {"n": n},
        ).scalars().all()
        return sorted(int(i) for i in ids)
    start = (head_id or 0) + 1  # SQLite: rowids are max + 1 anyway; the write lock is ours
    return list(range(start, start + n))


def seal(session: Session) -> int:
    """Write the session's pending entries, chained after the current head; return how many."""
    pending = [p for p in session.info.get(_BUFFER, ()) if p.sealed_in is None]
    if not pending:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # Take SQLite's write lock before reading the head (an INSERT of no row takes it, waiting up to the busy
        # timeout): reading first and then writing would fail outright whenever another writer committed in
        # between. A transaction that has read before still may (SQLite's rule for every read-then-write).
        connection.execute(text("INSERT INTO audit_log SELECT * FROM audit_log WHERE 0"))
    table = table_of(AuditEntry)
    head = connection.execute(select(table.c.id, table.c.row_hash).order_by(table.c.id.desc()).limit(1)).first()
    previous = head.row_hash if head is not None else GENESIS_HASH
    rows = []
    for entry, row_id in zip(pending, _allocate_ids(connection, head.id if head else None, len(pending)),
                             strict=True):
        row = {**entry.row, "id": row_id, "prev_hash": previous}
        row["row_hash"] = previous = row_hash(row)
        rows.append(row)
    connection.execute(insert(table), rows)
    where = _innermost(session)
    for entry in pending:
        entry.sealed_in = where
    return len(rows)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    if transaction is None:  # recorded before the session began its transaction: it belongs to the outermost
        return ancestor.parent is None
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _forget(session: Session, ended: SessionTransaction) -> None:
    """Drop entries of a transaction that ended without commit; keep durable ones, to be written again."""
    entries = session.info.get(_BUFFER)
    if not entries:
        return
    kept = []
    for entry in entries:
        if _within(entry.sealed_in, ended):
            entry.sealed_in = None  # its row went with the rollback
        if entry.durable or not _within(entry.recorded_in, ended):
            if entry.durable and _within(entry.recorded_in, ended):
                entry.recorded_in = None  # belongs to the next outermost transaction
            kept.append(entry)
    entries[:] = kept


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the end: seal once, at the end
        seal(session)


@event.listens_for(Session, "after_commit")
def _clear_after_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_BUFFER, None)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    _forget(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without commit or rollback (session.close()): as a rollback
        _forget(session, transaction)


@event.listens_for(Session, "do_orm_execute")
def _seal_before_reading(state: ORMExecuteState) -> None:
    entries = state.session.info.get(_BUFFER)
    if entries and any(e.sealed_in is None for e in entries) and _reads_audit_log(state.statement):
        seal(state.session)


def _reads_audit_log(statement: Any) -> bool:
    if isinstance(statement, TextClause):
        return "audit_log" in statement.text
    try:
        tables = find_tables(statement, include_aliases=True, include_joins=True, include_selects=True)
    except Exception:  # noqa: BLE001 - an unusual construct: sealing early is always safe
        return True
    return AuditEntry.__table__ in tables


def commit_durable(session: Session) -> bool:
    """Commit the durable entries a request left uncommitted (it rolled back, or never committed).

    Whatever else the session holds uncommitted is rolled back first, as it would be at the end of the
    request anyway. Return whether anything was committed.
    """
    entries = session.info.get(_BUFFER)
    if not entries or not any(e.durable for e in entries):
        return False
    session.rollback()
    if not session.info.get(_BUFFER):
        return False
    session.commit()
    return True


# ----------------------------------------------------------------------------------------- verifying

@dataclass(frozen=True)
class BrokenLink:
    """Say where the chain first breaks and why."""

    row_id: int
    reason_zh: str
    reason_en: str


@dataclass
class ChainReport:
    """Hold the outcome of walking the chain: rows checked, the head, and the first break if any."""

    rows: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS_HASH
    broken: BrokenLink | None = field(default=None)

    @property
    def ok(self) -> bool:
        """Return whether every row checked out."""
        return self.broken is None


def _chain_rows(batch: int) -> Iterator[RowMapping]:
    table = table_of(AuditEntry)
    last = None
    while True:
        query = select(table).order_by(table.c.id).limit(batch)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = db.session.execute(query).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def verify_chain(*, batch: int = 2000) -> ChainReport:
    """Walk the audit log in id order; return the first row whose hash or link does not hold, if any."""
    report = ChainReport()
    previous = GENESIS_HASH
    for row in _chain_rows(batch):
        if row["prev_hash"] != previous:
            report.broken = BrokenLink(
                row["id"], "prev_hash 与前一行的哈希不符：前面有行被删除、插入或修改",
                "prev_hash does not match the row before: a row before it was deleted, inserted or changed")
            return report
        if row_hash(row) != row["row_hash"]:
            report.broken = BrokenLink(row["id"], "本行内容与其哈希不符：本行被修改",
                                       "the row does not match its hash: the row was changed")
            return report
        previous = row["row_hash"]
        report.rows += 1
        report.head_id, report.head_hash = row["id"], previous
    return report
