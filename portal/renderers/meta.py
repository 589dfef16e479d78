"""What a rendered filing says about itself besides the document: status, version, signature, hash."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from portal.domain import formatting as fmt

_SHA256 = re.compile(r"[0-9a-f]{64}")



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
