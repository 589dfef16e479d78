"""Freeze what a submitted version prints — results, findings, names, editions — as versioned JSON.

Issue 15 item 5 ("a record that outlives the code"): a version used to re-render only if today's calc code
and reference data reproduced its stored totals. A record holds instead everything the copy of record is
printed from besides the document itself — the full computed results (every line, its arithmetic and the
source of each parameter), the findings, the names of the codes used, the rule titles, the rules version,
the reference edition and the template — so that a version renders from it, the same, forever.

The format is self-describing: every dataclass is written with its class name (``"$type"``), decimals and
dates are tagged (``{"$decimal": "1.50"}``, ``{"$date": "2025-01-01"}``) so that no number goes through a
float. Decoding accepts only the result classes listed in :data:`RESULT_TYPES`. A field added to a result
class later (with a default) decodes from an old record with its default; a record naming a field the
class no longer has is refused (:class:`RecordFormatError`), since dropping it would print less than was
certified — whoever removes a field writes the conversion and raises :data:`RECORD_FORMAT`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from portal.domain.findings import Finding
from portal.domain.labels import Text

from . import results

#: the version of the record format written today (decoders accept every format listed in READABLE_FORMATS)
RECORD_FORMAT = 1
READABLE_FORMATS = (1,)

#: the classes a record may contain, by the name it is written under
RESULT_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        results.GhgComputed, results.FuelLineResult, results.ProcessLineResult, results.ProductResult,
        results.GeneratingUnitResult, results.CpaComputed, results.OptionEconomics,
        results.IndicatorAchievement, results.AuditDeadlines,
        # the disclosure kinds (issue 17 part 2)
        results.AnnualDisclosureComputed, results.AdhocDisclosureComputed, results.AdhocTiming,
    )
}


class RecordFormatError(ValueError):
    """Raise when a stored record cannot be read back exactly (unknown format, class or field)."""


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """Hold what a submitted version prints besides its document, as frozen at submission."""

    kind: str
    computed: Any  # results.GhgComputed | results.CpaComputed
    findings: tuple[Finding, ...]
    labels: dict[str, dict[str, Text]]  # code list → code → name (renderers.labels.CodeLabels)
    rule_titles: dict[str, Text]  # rule id → title, for every rule a finding or an explanation names
    rules_version: str
    template_version: str  # the report template the version's copy of record is printed with
    reference: dict[str, Any]  # {"as_of": ISO time, "corrections_through": id, "fuel_edition": …}
    filing_date: dt.date  # the date the date-dependent rules judged the filing at (its submission day)
    format: int = RECORD_FORMAT


# ------------------------------------------------------------------------------------------ encoding


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        raise TypeError("datetimes are not part of computed results")
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if RESULT_TYPES.get(name) is not type(value):
            raise TypeError(f"{name} is not a result class a record may hold")
        out: dict[str, Any] = {"$type": name}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("record maps have text keys")
        if any(k.startswith("$") for k in value):
            raise TypeError("record map keys may not start with $")
        return {k: _encode(v) for k, v in value.items()}
    raise TypeError(f"cannot record a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        raise RecordFormatError(f"unexpected value {value!r}")
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if "$type" in value:
        cls = RESULT_TYPES.get(value["$type"])
        if cls is None:
            raise RecordFormatError(f"unknown result class {value['$type']!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(value) - names - {"$type"}
        if unknown:
            raise RecordFormatError(f"{cls.__name__} has no field(s) {sorted(unknown)}: the record needs converting")
        return cls(**{k: _decode(v) for k, v in value.items() if k != "$type"})
    return {k: _decode(v) for k, v in value.items()}


def _texts(names: Mapping[str, Text]) -> dict[str, list[str]]:
    return {key: [text.zh, text.en] for key, text in sorted(names.items())}


def dump_record(record: VersionRecord) -> str:
    """Return the record as canonical JSON (keys sorted, no white space, UTF-8 text)."""
    data = {
        "format": RECORD_FORMAT,
        "kind": record.kind,
        "computed": _encode(record.computed),
        "findings": [f.as_dict() for f in record.findings],
        "labels": {codes: _texts(names) for codes, names in sorted(record.labels.items())},
        "rule_titles": _texts(record.rule_titles),
        "rules_version": record.rules_version,
        "template_version": record.template_version,
        "reference": record.reference,
        "filing_date": record.filing_date.isoformat(),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_record(text: str) -> VersionRecord:
    """Return the record stored as ``text`` (:func:`dump_record`), exactly as it was frozen."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RecordFormatError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
        raise RecordFormatError(f"unknown record format {data.get('format') if isinstance(data, dict) else data!r}")
    computed = _decode(data["computed"])
    if not isinstance(computed, (results.GhgComputed, results.CpaComputed)):
        raise RecordFormatError("the record holds no computed results")
    return VersionRecord(
        kind=data["kind"],
        computed=computed,
        findings=tuple(Finding(**item) for item in data["findings"]),
        labels={codes: {code: Text(*pair) for code, pair in names.items()} for codes, names in data["labels"].items()},
        rule_titles={rule: Text(*pair) for rule, pair in data["rule_titles"].items()},
        rules_version=data["rules_version"],
        template_version=data["template_version"],
        reference=dict(data["reference"]),
        filing_date=dt.date.fromisoformat(data["filing_date"]),
        format=data["format"],
    )
