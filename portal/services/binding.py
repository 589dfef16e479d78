"""What binds a version to what was certified and what was reviewed (issue 15 item 1).

A version is made from a certification (services/filings.py); a reviewer who opens a version records the
SHA-256 of the text shown (:func:`record_read`). The review page puts the two side by side
(:func:`binding_of`): the hash certified and the hashes read, so a decision taken on another text than
the one certified shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Certification, Filing, FilingVersion, User, VersionRead
from . import audit
from .access import require_review
from .errors import Conflict
from .versions import version_of


def record_read(actor: User, filing: Filing, number: int, sha256: str) -> VersionRead:
    """Record that a reviewer opened version ``number`` and was shown the text hashing to ``sha256``.

    The hash is the one the page displayed; it must be the version's (a page drawn from another version
    is refused with 409, and nothing is recorded).
    """
    require_review(actor, filing)
    version = version_of(filing, number)
    digest = (sha256 or "").strip().lower()
    if digest != version.sha256:
        raise Conflict(f"所阅读的 SHA-256 与版本 {number} 的（{version.sha256}）不一致，请刷新页面",
                       f"the SHA-256 read differs from version {number}'s ({version.sha256}); reload the page",
                       field="sha256")
    read = VersionRead(version_id=version.id, reader_id=actor.id, sha256=digest)
    db.session.add(read)
    db.session.flush()
    audit.record(actor, "version.read", "filing_version", version.id,
                 after={"filing_id": filing.id, "number": number, "sha256": digest})
    return read


@dataclass(frozen=True)
class ReadRow:
    """Hold one reviewer's reading of a version of the filing."""

    number: int
    reader: str
    reader_id: int
    sha256: str
    read_at: object  # aware datetime
    matches: bool  # the hash read is the one certified for the version shown


@dataclass(frozen=True)
class Binding:
    """Hold the certified hash of a version and every reviewer's reading of the filing's versions."""

    version: FilingVersion
    certification: Certification | None  # None: a version submitted before certifications were recorded
    certified_sha256: str
    certified_revision: int | None
    reads: list[ReadRow]

    def read_by(self, user_id: int) -> bool:
        """Return whether the user has recorded reading this very version."""
        return any(r.reader_id == user_id and r.number == self.version.number for r in self.reads)

    @property
    def mismatched(self) -> list[ReadRow]:
        """Return the reads of this version whose hash is not the certified one (none, unless tampered)."""
        return [r for r in self.reads if r.number == self.version.number and not r.matches]


def binding_of(version: FilingVersion) -> Binding:
    """Return the certification of ``version`` and the reads of every version of its filing, newest first."""
    cert = db.session.scalar(select(Certification).where(
        Certification.filing_id == version.filing_id, Certification.version_number == version.number))
    certified = cert.sha256 if cert is not None else version.sha256
    rows = db.session.execute(
        select(VersionRead, FilingVersion.number).join(FilingVersion, FilingVersion.id == VersionRead.version_id)
        .where(FilingVersion.filing_id == version.filing_id).order_by(VersionRead.id.desc())
    ).all()
    reads = [ReadRow(number, read.reader.name, read.reader_id, read.sha256, read.read_at,
                     number == version.number and read.sha256 == certified) for read, number in rows]
    return Binding(version, cert, certified, cert.revision if cert is not None else None, reads)
