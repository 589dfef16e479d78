"""Check the records that must never change: the audit chain and every submitted version's hash.

``portal audit verify`` runs both (and so does ``portal restore`` after restoring a backup): issue 16 items 5
and 9 — an edited audit row, or a version whose canonical JSON no longer hashes to its SHA-256, is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.codec import sha256_text
from ..extensions import db
from ..models import FilingVersion
from .audit import ChainReport, verify_chain


@dataclass(frozen=True)
class VersionReport:
    """Hold the outcome of rehashing every submitted version: how many, and the first that fails."""

    versions: int
    broken_id: int | None = None

    @property
    def ok(self) -> bool:
        """Return whether every version's JSON still hashes to its SHA-256."""
        return self.broken_id is None


def verify_versions(*, batch: int = 500) -> VersionReport:
    """Rehash every version's canonical JSON in id order; return the first whose hash does not match."""
    table = FilingVersion.__table__
    count, last = 0, 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.canonical_json, table.c.sha256)
            .where(table.c.id > last).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return VersionReport(count)
        for version_id, text, digest in rows:
            if sha256_text(text) != digest:
                return VersionReport(count, version_id)
            count += 1
        last = rows[-1][0]


@dataclass(frozen=True)
class IntegrityReport:
    """Hold both checks."""

    chain: ChainReport
    versions: VersionReport

    @property
    def ok(self) -> bool:
        """Return whether the chain and every version hold."""
        return self.chain.ok and self.versions.ok

    def lines(self) -> list[str]:
        """Return the report as bilingual lines for the command line."""
        chain, versions = self.chain, self.versions
        out = []
        if chain.broken is None:
            out.append(f"审计链完好 / audit chain holds: {chain.rows} rows, head #{chain.head_id} {chain.head_hash}")
        else:
            out.append(f"审计链在第 #{chain.broken.row_id} 行断开 / audit chain broken at row #{chain.broken.row_id}: "
                       f"{chain.broken.reason_zh} / {chain.broken.reason_en}")
        if versions.broken_id is None:
            out.append(f"提交版本哈希完好 / version hashes hold: {versions.versions} versions")
        else:
            out.append(f"提交版本 #{versions.broken_id} 的内容与其 SHA-256 不符 / filing_version #{versions.broken_id} "
                       "does not match its SHA-256")
        return out


def verify_all() -> IntegrityReport:
    """Check the audit chain and every version."""
    return IntegrityReport(verify_chain(), verify_versions())
