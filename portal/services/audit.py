"""Write the append-only audit log."""

from __future__ import annotations

from typing import Any

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
