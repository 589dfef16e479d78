"""What a rendered filing says about itself besides the document: status, version, signature, hash."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from portal.domain import formatting as fmt

_SHA256 = re.compile(r"[0-9a-f]{64}")



@dataclass(frozen=True, slots=True)
class AttachmentLine:
    """Hold one evidence attachment a version holds, as its copy of record lists it (issue 18 item 2)."""

    filename: str
    sha256: str
    size: int
    target_zh: str  # what it is attached to: 整份申报, a section, a line
    uploaded_by: str
    uploaded_at: dt.datetime

    @property
    def size_text(self) -> str:
        """Return the size in KB with one decimal ("12.3 KB")."""
        return f"{fmt.number(round(self.size / 1024, 1), 1)} KB"

    @property
    def uploaded_at_text(self) -> str:
        """Return the upload time in China Standard Time."""
        return fmt.datetime(self.uploaded_at)


@dataclass(frozen=True, slots=True)
class VerificationFindingLine:
    """Hold one 不符合项 as the verification statement prints it."""

    field_zh: str
    body: str
    response: str | None
    closed: bool
    version: int
    evidence: str | None  # the cited attachment's name and SHA-256


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationStatement:
    """Hold the accepted verification of a version: who verified, the totals and their difference (issue 18)."""

    body: str
    verifier: str
    concluded_at: dt.datetime
    accepted_by: str | None
    accepted_at: dt.datetime | None
    version: int
    reported_tco2: int | None
    verified_tco2: int
    conclusion: str
    checklist: tuple[tuple[str, str, str], ...] = ()  # (item, result, note) in Chinese
    findings: tuple[VerificationFindingLine, ...] = ()

    @property
    def difference(self) -> int | None:
        """Return verified − reported in tCO₂ (None without a reported total)."""
        return None if self.reported_tco2 is None else self.verified_tco2 - self.reported_tco2

    @property
    def reported_text(self) -> str:
        """Return the reported total with thousands separators."""
        return "—" if self.reported_tco2 is None else fmt.number(self.reported_tco2)

    @property
    def verified_text(self) -> str:
        """Return the verified total with thousands separators."""
        return fmt.number(self.verified_tco2)

    @property
    def difference_text(self) -> str:
        """Return the difference with its sign and, when the reported total is not 0, its percentage."""
        diff = self.difference
        if diff is None:
            return "—"
        sign = "+" if diff > 0 else ""
        text = sign + fmt.number(diff)
        if self.reported_tco2:
            text += f"（{sign}{fmt.percent(Decimal(diff) / Decimal(self.reported_tco2))}）"
        return text

    @property
    def concluded_at_text(self) -> str:
        """Return the time of the conclusion in China Standard Time."""
        return fmt.datetime(self.concluded_at)

    @property
    def accepted_at_text(self) -> str:
        """Return the time of the acceptance in China Standard Time, or "—"."""
        return fmt.datetime(self.accepted_at) if self.accepted_at else "—"


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderMeta:
    """Hold the facts about a filing version that the PDF and Excel filings print beside the document.

    For a submitted version every field comes from the frozen ``FilingVersion`` row (its number, the time
    it was submitted, the signatory, the stored SHA-256 and certification statement, the rules version).
    For a draft, ``draft`` is true, the version number and signature are absent, and ``sha256`` is left
    out. The renderer always prints the hash of the canonical form of the document it is given; when
    ``sha256`` is set, it refuses to render a document that does not match it.
    """

    status: str = "draft"  # models.filings.FILING_STATUSES
    version: int | None = None  # version number (1, 2, …); None for a draft
    submitted_at: dt.datetime | None = None  # aware; printed in China Standard Time
    signatory: str | None = None  # name of the person who certified and submitted
    sha256: str | None = None  # the version's stored SHA-256 (lower-case hex), checked against the document
    certification_statement: str | None = None  # as stored with the version; None for a draft
    #: prints the 草稿 watermark on every page; None (the default) means "status is draft"
    draft: bool | None = None
    rules_version: str | None = None  # rules catalogue version the findings come from
    #: the evidence attachments the version holds (name and SHA-256 printed); none for a draft
    attachments: tuple[AttachmentLine, ...] = ()
    #: the accepted verification (核查) of the version: printed only on the copy with the verification statement
    verification: VerificationStatement | None = None

    def __post_init__(self) -> None:
        if self.draft is None:
            object.__setattr__(self, "draft", self.status == "draft")
        # The hash is printed inside a CSS string (the page footer): only a strict hex digest may get there.
        if self.sha256 is not None and not _SHA256.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 lower-case hexadecimal characters")
        if self.submitted_at is not None and self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must be timezone-aware (UTC)")
        if self.version is not None and self.version < 1:
            raise ValueError("version numbers start at 1")

    @property
    def submitted_at_text(self) -> str | None:
        """Return the submission time in China Standard Time, to the minute, or None."""
        if self.submitted_at is None:
            return None
        return fmt.datetime(self.submitted_at) + "（北京时间）"
