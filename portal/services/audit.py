"""Write the append-only audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert

from ..domain.codec import dumps
from ..extensions import db
from ..models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append an audit entry: who (actor), what (action on entity), before and after as JSON."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before_json=None if before is None else dumps(before),
        after_json=None if after is None else dumps(after),
    )
    db.session.add(entry)
    return entry


def record_many(actor: User | None, action: str, entity_type: str,
                entries: Sequence[tuple[int | None, Any, Any]]) -> None:
    """Append one audit entry per (entity id, before, after), all of one action, in one INSERT.

    For a bulk import's thousand "filing.create" entries: the same rows :func:`record` would write, without
    building a thousand ORM objects (about 0.05 s of CPU per 1,000 entries, issue 7 item 5).
    """
    if not entries:
        return
    actor_id = actor.id if actor is not None else None
    db.session.execute(insert(AuditEntry), [
        {"actor_id": actor_id, "action": action, "entity_type": entity_type, "entity_id": entity_id,
         "before_json": None if before is None else dumps(before),
         "after_json": None if after is None else dumps(after)}
        for entity_id, before, after in entries
    ])
