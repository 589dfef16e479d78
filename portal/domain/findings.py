"""Findings: what a rule reports about a document."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")


@dataclass(frozen=True, slots=True)
class Finding:
    """Hold one finding: rule id, severity, field path, bilingual message and citation.

    ``path`` is the field path in the canonical document (``fuels[2].ncv``) or "" for the document as a
    whole. ``key`` is how the filer's explanation is stored in ``explanations`` (filing-format.md):
    ``RULE-ID@path``, or ``RULE-ID`` for a finding about the whole document.
    """

    rule: str
    severity: Severity
    path: str
    message_zh: str
    message_en: str
    citation: str
    explained: bool = False

    @property
    def key(self) -> str:
        """Return the explanation key of this finding."""
        return f"{self.rule}@{self.path}" if self.path else self.rule

    def as_dict(self) -> dict[str, object]:
        """Return the finding as printed by ``portal check``: every field, in declaration order."""
        return dataclasses.asdict(self)
