"""A version's frozen record: written at submission, rendered from forever, compared with today's rules.

Issue 15 item 5. :func:`freeze` stores, beside the version, what its copy of record prints besides the
document (``calc/record.py``). :func:`render_inputs` gives the renderers a version's document, results,
findings and names — from the record when there is one; for a version submitted before records existed,
by recomputing with the reference data as it stood at submission, refused if that no longer reproduces
the stored totals, and saying so (``frozen=False``). :func:`today_view` is the reviewer's separate,
explicit "what would today's rules say": today's code and reference data on the frozen document, with the
differences in figures and findings — never the record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..calc.record import RECORD_FORMAT, RecordFormatError, VersionRecord, dump_record, load_record
from ..domain.codec import dumps, sha256_text
from ..domain.documents import Document
from ..domain.findings import Finding
from ..domain.labels import Text
from ..extensions import db
from ..models import FilingVersion, ReferenceCorrection
from ..models import VersionRecord as RecordRow
from .errors import ServiceError
from .versions import version_document


def rule_titles(rule_ids: Iterable[str]) -> dict[str, Text]:
    """Return the title of each rule id the catalogue knows (unknown ids are left out)."""
    from ..rules import get_rule

    out: dict[str, Text] = {}
    for rule_id in sorted(set(rule_ids)):
        try:
            found = get_rule(rule_id)
        except KeyError:
            continue
        if found is not None:
            out[rule_id] = Text(found.title_zh, found.title_en)
    return out


def titles_for(document: Document, findings: Iterable[Finding]) -> dict[str, Text]:
    """Return the titles of the rules the findings and the document's explanations name."""
    ids = {f.rule for f in findings} | {key.partition("@")[0] for key in document.explanations}
    return rule_titles(ids)


def reference_stamp(moment: dt.datetime, edition: str | None) -> dict[str, Any]:
    """Return which reference data a computation used: the time, the last correction applied, the edition."""
    newest = db.session.scalar(select(func.max(ReferenceCorrection.id))) or 0
    return {"as_of": moment.astimezone(dt.UTC).isoformat(), "corrections_through": newest,
            "fuel_edition": edition}


def freeze(version: FilingVersion, document: Document, outcome: Any, *, filing_date: dt.date) -> RecordRow:
    """Store the record of a version being submitted: what its copy of record will print, forever."""
    from ..renderers import labels_from_reference, latest_template_version
    from ..rules import RULES_VERSION
    from .reference import current_reference

    computed = outcome.computed
    record = VersionRecord(
        kind=document.kind, computed=computed, findings=tuple(outcome.findings),
        labels=labels_from_reference(current_reference(), document, getattr(computed, "edition", None)),
        rule_titles=titles_for(document, outcome.findings), rules_version=RULES_VERSION,
        template_version=latest_template_version(document.kind),
        reference=reference_stamp(version.submitted_at, getattr(computed, "edition", None)),
        filing_date=filing_date,
    )
    return _store(version, record, "submission")


def _store(version: FilingVersion, record: VersionRecord, origin: str) -> RecordRow:
    text = dump_record(record)
    row = RecordRow(version_id=version.id, format=RECORD_FORMAT, record_json=text, sha256=sha256_text(text),
                    origin=origin)
    db.session.add(row)
    db.session.flush()
    return row


def record_of(version: FilingVersion) -> VersionRecord | None:
    """Return the version's frozen record after checking its hash, or None for a version without one."""
    row = db.session.get(RecordRow, version.id) if version.id is not None else None
    if row is None:
        return None
    if sha256_text(row.record_json) != row.sha256:
        raise ServiceError("版本的存档记录与其哈希值不符，拒绝使用", "the version's record does not match its hash; "
                           "refusing to use it")
    try:
        return load_record(row.record_json)
    except RecordFormatError as exc:
        raise ServiceError(f"无法读取版本的存档记录（{exc}），请联系管理员",
                           f"cannot read the version's record ({exc}); contact the administrator") from None


# ---------------------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderInputs:
    """Hold what a version's copy of record is printed from, and whether it came from the frozen record."""

    document: Document
    computed: Any
    findings: tuple[Finding, ...]
    labels: dict[str, dict[str, Text]]
    rule_titles: dict[str, Text]
    template_version: str | None  # None: the latest (a version without a record)
    meta: Any  # renderers.RenderMeta
    #: False for a version submitted before records existed: recomputed with the reference data of its day
    frozen: bool


LEGACY_NOTE_ZH = "此版本提交时尚未保存完整的存档记录：副本按提交时的参考数据重新计算生成，结果与存储的结果一致"
LEGACY_NOTE_EN = ("this version was submitted before full records were kept: its copy is recomputed with the "
                  "reference data of its submission, which reproduces the stored results")


def version_meta(version: FilingVersion) -> Any:
    """Return the render metadata of a version: its status, number, time, signatory, hash, statement."""
    from ..renderers import RenderMeta

    filing = version.filing
    # An earlier version was necessarily returned (a resubmission follows a return): print that, not the
    # status of the filing as a whole.
    status = filing.status if version.number == filing.current_version else "returned"
    return RenderMeta(
        status=status, version=version.number, submitted_at=version.submitted_at,
        signatory=version.certified_by.name, sha256=version.sha256,
        certification_statement=version.certification_statement, rules_version=version.rules_version,
        attachments=attachment_lines(version),
    )


def attachment_lines(version: FilingVersion) -> tuple[Any, ...]:
    """Return the evidence the version holds, as its copy of record lists it: name, target, size, SHA-256."""
    from ..domain.verification import target_label
    from ..renderers.meta import AttachmentLine
    from . import attachments

    rows = attachments.of_version(version.filing, version.number)
    if not rows:
        return ()
    document = version_document(version)
    return tuple(AttachmentLine(a.filename, a.sha256, a.size, target_label(document, a.target_type, a.target).zh,
                                a.uploaded_by.name, a.uploaded_at) for a in rows)


def render_inputs(version: FilingVersion) -> RenderInputs:
    """Return what the version's copy of record is printed from (document hash verified first).

    From its frozen record when it has one: today's calc code and reference data play no part. Without
    (versions submitted before records existed), recomputed with the reference data of its submission and
    refused if that no longer gives the stored totals — a copy of record must not print other figures.
    """
    document = version_document(version)  # verifies the SHA-256 first
    record = record_of(version)
    if record is not None:
        return RenderInputs(document, record.computed, record.findings, record.labels, record.rule_titles,
                            record.template_version, version_meta(version), True)
    computed, ref = _recompute_as_submitted(version, document)
    from ..renderers import labels_from_reference

    findings = tuple(Finding(**item) for item in json.loads(version.findings_json))
    return RenderInputs(document, computed, findings, labels_from_reference(ref, document),
                        titles_for(document, findings), None, version_meta(version), False)


def _recompute_as_submitted(version: FilingVersion, document: Document) -> tuple[Any, Any]:
    from ..rules import check_document
    from .reference import reference_as_of

    ref = reference_as_of(version.submitted_at)
    outcome = check_document(document, ref, filing_date=version.submitted_at.date(), submitted=True)
    if dumps(outcome.computed.check_block()) != version.computed_json:
        # The arithmetic is deterministic: a difference means the code or the data under it changed, and a
        # copy of record must not print figures other than those certified.
        raise ServiceError(
            "此版本没有存档记录，按提交时的参考数据重新计算的结果与该版本存储的结果不一致，拒绝生成存档副本，请联系管理员",
            "this version has no record, and recomputing it with the reference data of its submission does not "
            "give the stored results; refusing to print a copy of record — contact the administrator",
        )
    return outcome.computed, ref


def backfill(limit: int | None = None) -> tuple[int, list[int]]:
    """Write records for versions submitted before records existed, where recomputing reproduces them.

    Returns (records written, ids of versions left without one because recomputing no longer gives their
    stored results — those keep refusing to render, as before). ``portal records backfill`` calls it.
    """
    from ..renderers import labels_from_reference, latest_template_version

    missing = select(FilingVersion).where(~select(RecordRow.version_id).where(
        RecordRow.version_id == FilingVersion.id).exists()).order_by(FilingVersion.id)
    if limit is not None:
        missing = missing.limit(limit)
    written, refused = 0, []
    for version in db.session.scalars(missing).all():
        document = version_document(version)
        try:
            computed, ref = _recompute_as_submitted(version, document)
        except ServiceError:
            refused.append(version.id)
            continue
        findings = tuple(Finding(**item) for item in json.loads(version.findings_json))
        edition = getattr(computed, "edition", None)
        record = VersionRecord(
            kind=document.kind, computed=computed, findings=findings,
            labels=labels_from_reference(ref, document, edition), rule_titles=titles_for(document, findings),
            rules_version=version.rules_version, template_version=latest_template_version(document.kind),
            reference={"as_of": version.submitted_at.astimezone(dt.UTC).isoformat(),
                       "corrections_through": None, "fuel_edition": edition, "backfilled": True},
            filing_date=version.submitted_at.date(),
        )
        _store(version, record, "backfill")
        written += 1
    return written, refused


# ------------------------------------------------------------------------------- today's rules


@dataclass(frozen=True)
class FigureChange:
    """Hold one computed figure that today's code and reference data give differently."""

    path: str
    recorded: Any
    today: Any


@dataclass(frozen=True)
class TodayView:
    """Hold what today's rules say about a frozen version, beside what its record says."""

    version: FilingVersion
    figures: list[FigureChange]
    figures_compared: int
    gone: list[dict[str, Any]]  # findings of the record that today's rules no longer report
    new: list[dict[str, Any]]  # findings today's rules report that the record does not hold
    changed: list[tuple[dict[str, Any], dict[str, Any]]]  # same rule and path, other severity or message
    recomputed_at: dt.datetime
    reference: dict[str, Any]
    rules_version: str
    recorded_rules_version: str
    frozen: bool
    errors: list[str] = field(default_factory=list)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def _finding_key(f: Mapping[str, Any]) -> str:
    return f"{f['rule']}@{f['path']}" if f.get("path") else str(f["rule"])


def today_view(version: FilingVersion) -> TodayView:
    """Recompute the frozen document with today's code and reference data and compare with the record.

    Not the record: nothing is stored, and the page says so. The date-dependent rules judge the filing at
    its submission date, as they did then; the previous year's accepted report is today's.
    """
    from ..rules import RULES_VERSION
    from . import checking

    document = version_document(version)
    outcome = checking.run(document, filing=version.filing,
                           filing_date=version.submitted_at.astimezone(checking.CHINA_TZ).date(), submitted=True)
    recorded = _flatten(json.loads(version.computed_json, parse_float=Decimal))
    today = _flatten(json.loads(dumps(outcome.computed.check_block()), parse_float=Decimal))
    figures = [FigureChange(path, recorded.get(path), today.get(path))
               for path in sorted(set(recorded) | set(today)) if recorded.get(path) != today.get(path)]
    stored = {_finding_key(f): f for f in json.loads(version.findings_json)}
    now = {f.key: f.as_dict() for f in outcome.findings}
    changed = [(stored[k], now[k]) for k in stored.keys() & now.keys()
               if (stored[k]["severity"], stored[k]["message_zh"]) != (now[k]["severity"], now[k]["message_zh"])]
    moment = dt.datetime.now(dt.UTC)
    return TodayView(
        version=version, figures=figures, figures_compared=len(set(recorded) | set(today)),
        gone=[stored[k] for k in sorted(stored.keys() - now.keys())],
        new=[now[k] for k in sorted(now.keys() - stored.keys())],
        changed=sorted(changed, key=lambda pair: _finding_key(pair[0])),
        recomputed_at=moment, reference=reference_stamp(moment, getattr(outcome.computed, "edition", None)),
        rules_version=RULES_VERSION, recorded_rules_version=version.rules_version,
        frozen=db.session.get(RecordRow, version.id) is not None,
    )
