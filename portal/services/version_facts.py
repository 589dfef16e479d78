"""Derive each submitted version's facts once: the dashboard's figures and the review queue's summary.

A version is immutable, so what is derived from it never goes stale. ``record`` derives a version when
``filings.submit`` freezes it; ``refresh`` derives, in bulk, every version that some other channel wrote
(the demo seed, scripts, databases older than this step, emptied by migration 0007). ``refresh`` is an
explicit step, never a side effect of reading: the demo seed runs it, ``portal derive-facts`` runs it, and
``portal serve`` and ``portal worker`` run it when they start. The queue and the dashboard only read (a GET
writes nothing); a version not derived yet shows "—" in the queue and is left out of the charts until then.
A version has its ``version_metric`` row if and only if it has been derived, so "is anything missing?" is
one query of two indexed max() values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    ExplanationVerdict,
    Filing,
    FilingVersion,
    QueueSummary,
    RuleHit,
    VersionMetric,
    VersionProductMetric,
)
from .dashboard import extract_metrics
from .versions import summary_values

_CHUNK = 2000  # rows per bulk INSERT: well under SQLite's 32,766 bound parameters


@dataclass(frozen=True)
class _Version:
    """Hold what deriving needs of one version (a row, not an ORM object: refresh reads thousands)."""

    id: int
    filing_id: int
    number: int
    kind: str
    canonical_json: str
    computed_json: str
    findings_json: str
    current: bool  # whether it is the filing's current version (the queue shows only that one)


def record(version: FilingVersion, kind: str) -> None:
    """Derive the facts of a version just frozen by ``submit`` (flushes)."""
    _derive([_Version(version.id, version.filing_id, version.number, kind, version.canonical_json,
                      version.computed_json, version.findings_json, current=True)])


def missing() -> bool:
    """Return whether some version has not been derived yet: two primary-key max() look-ups.

    Versions are only ever appended (ids rise), and deriving a version always writes its metric row,
    so when the newest version has its row nothing is missing.
    """
    newest, derived = db.session.execute(select(
        select(func.max(FilingVersion.id)).scalar_subquery(),
        select(func.max(VersionMetric.version_id)).scalar_subquery(),
    )).one()
    return newest is not None and newest != derived


def refresh() -> int:
    """Derive every version that has not been derived yet; return how many (flushes)."""
    if not missing():
        return 0
    rows = db.session.execute(
        select(FilingVersion.id, FilingVersion.filing_id, FilingVersion.number, Filing.kind,
               FilingVersion.canonical_json, FilingVersion.computed_json, FilingVersion.findings_json,
               (FilingVersion.number == Filing.current_version).label("current"))
        .join(Filing, Filing.id == FilingVersion.filing_id)
        .where(~exists().where(VersionMetric.version_id == FilingVersion.id))
        .order_by(FilingVersion.id)
    ).all()
    _derive([_Version(*row) for row in rows])
    return len(rows)


def refresh_safely() -> int:
    """Refresh, tolerating a concurrent request that derived the same versions first."""
    if not missing():  # the common case costs no savepoint
        return 0
    try:
        with db.session.begin_nested():
            return refresh()
    except IntegrityError:
        return 0  # another process derived them: its rows are identical (versions are immutable)


def _derive(versions: Sequence[_Version]) -> None:
    """Insert the metric rows of ``versions`` and the queue summary of each current one lacking it."""
    if not versions:
        return
    metric_rows: list[dict[str, Any]] = []
    product_rows: list[dict[str, Any]] = []
    for v in versions:
        metric, products = extract_metrics(v.kind, json.loads(v.canonical_json), json.loads(v.computed_json))
        metric_rows.append({"version_id": v.id, "filing_id": v.filing_id, "number": v.number, **metric})
        product_rows.extend({"version_id": v.id, **p} for p in products)
    _insert(VersionMetric, metric_rows)
    _insert(VersionProductMetric, product_rows)
    _summarise([v for v in versions if v.current])
    db.session.flush()


def _summarise(versions: Sequence[_Version]) -> None:
    """Write the queue summary and rule hits of each version, unless its filing already has them.

    A summary of the same version is kept: it may carry the reviewer's rejections since (``rejected``).
    A summary of an older version is replaced, as ``submit`` does.
    """
    if not versions:
        return
    filing_ids = [v.filing_id for v in versions]
    have: dict[int, int] = {}
    for chunk in _chunks(filing_ids):
        have.update(db.session.execute(select(QueueSummary.filing_id, QueueSummary.version_number)
                                       .where(QueueSummary.filing_id.in_(chunk))).tuples().all())
    todo = [v for v in versions if have.get(v.filing_id) != v.number]
    if not todo:
        return
    stale = [v.filing_id for v in todo if v.filing_id in have]
    for chunk in _chunks(stale):
        db.session.execute(delete(RuleHit).where(RuleHit.filing_id.in_(chunk)))
        db.session.execute(delete(QueueSummary).where(QueueSummary.filing_id.in_(chunk)))
    rejected = _rejected_counts(todo)
    summary_rows: list[dict[str, Any]] = []
    hit_rows: list[dict[str, Any]] = []
    for v in todo:
        values = summary_values(json.loads(v.findings_json))
        summary_rows.append({"filing_id": v.filing_id, "version_number": v.number,
                             "rejected": rejected.get((v.filing_id, v.number), 0), **values})
        hit_rows.extend({"filing_id": v.filing_id, "rule_id": rule} for rule in sorted(set(values["rule_ids"].split())))
    # Core DELETE/INSERT bypass the identity map: drop loaded copies of these filings' summaries so the
    # next ORM read (the review page, a test) sees the new rows.
    replaced = set(stale)
    for obj in [o for o in db.session.identity_map.values()
                if isinstance(o, QueueSummary | RuleHit) and o.filing_id in replaced]:
        db.session.expunge(obj)
    _insert(QueueSummary, summary_rows)
    _insert(RuleHit, hit_rows)


def _rejected_counts(versions: Sequence[_Version]) -> dict[tuple[int, int], int]:
    """Return the reviewer's rejected explanations per (filing, version): zero for a version just frozen."""
    keys = [(v.filing_id, v.number) for v in versions]
    out: dict[tuple[int, int], int] = {}
    for chunk in _chunks(keys, 500):
        out.update(((f, n), c) for f, n, c in db.session.execute(
            select(ExplanationVerdict.filing_id, ExplanationVerdict.version_number, func.count())
            .where(tuple_(ExplanationVerdict.filing_id, ExplanationVerdict.version_number).in_(chunk),
                   ExplanationVerdict.verdict == "rejected")
            .group_by(ExplanationVerdict.filing_id, ExplanationVerdict.version_number)))
    return out


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
