"""Read submitted versions: the frozen document behind its hash, a filing's versions, the year before.

The bottom of the filing services: checking, filings, review, version_facts and exports read versions
through this module, and it imports none of them (it used to be spread over filings, checking and review,
which imported each other in a circle).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from ..domain.codec import document_from_json, sha256_text
from ..domain.documents import Document
from ..extensions import db
from ..models import Filing, FilingVersion
from .errors import NotFound, ServiceError


def version_document(version: FilingVersion) -> Document:
    """Return a submitted version's frozen document after verifying its hash."""
    if sha256_text(version.canonical_json) != version.sha256:
        raise ServiceError("版本内容与其哈希值不符，拒绝使用", "the version does not match its hash; refusing to use it")
    return document_from_json(version.canonical_json)


def find_version(filing_id: int, number: int) -> FilingVersion | None:
    """Return submitted version ``number`` of the filing, if any."""
    return db.session.scalar(
        select(FilingVersion).where(FilingVersion.filing_id == filing_id, FilingVersion.number == number))


def version_of(filing: Filing, number: int) -> FilingVersion:
    """Return version ``number`` of the filing, or raise NotFound."""
    version = find_version(filing.id, number)
    if version is None:
        raise NotFound()
    return version


def current_version(filing: Filing) -> FilingVersion:
    """Return the filing's latest submitted version, or raise NotFound for a draft never submitted."""
    return version_of(filing, filing.current_version)


def previous_accepted(filing: Filing) -> FilingVersion | None:
    """Return the latest version of the enterprise's accepted filing of the same kind for the year before."""
    previous = db.session.scalar(
        select(Filing).where(
            Filing.enterprise_id == filing.enterprise_id, Filing.kind == filing.kind,
            Filing.year == filing.year - 1, Filing.status == "accepted",
        )
    )
    if previous is None or not previous.versions:
        return None
    return previous.versions[-1]


def summary_values(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the queue's counts of a version's findings (as stored in ``findings_json``) and its rule ids.

    Written once per version by ``services.version_facts`` (at submit, or by its explicit ``refresh`` for
    versions written by other channels).
    """
    counts = {"error": 0, "warning": 0, "notice": 0}
    unexplained = 0
    rules: set[str] = set()
    for finding in findings:
        counts[finding["severity"]] += 1
        rules.add(finding["rule"])
        if finding["severity"] == "warning" and not finding.get("explained"):
            unexplained += 1
    return {"errors": counts["error"], "warnings": counts["warning"], "notices": counts["notice"],
            "unexplained": unexplained, "rule_ids": " ".join(sorted(rules))}
