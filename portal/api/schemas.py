"""The JSON Schemas of the API's own objects (enterprises, filings, versions, jobs …); documents come from
the document model (:mod:`.openapi`)."""

from __future__ import annotations

from typing import Any

from ..domain.documents import KINDS, WEB_KINDS
from ..models import FILING_STATUSES
from .spec import ref

_STR = {"type": "string"}
_INT = {"type": "integer"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_FINDING = {
    "type": "object",
    "required": ["rule", "severity", "path", "message_zh", "message_en"],
    "properties": {"rule": _STR, "severity": {"enum": ["error", "warning", "notice"]}, "path": _STR,
                   "message_zh": _STR, "message_en": _STR,
                   "key": {"type": "string", "description": "The key its explanation is stored under"}},
}


def _page(item: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": ref(item)},
                           "next_cursor": {"type": ["string", "null"],
                                           "description": "Pass as ?cursor= for the next page; null on the last."}}}


SCHEMAS: dict[str, Any] = {
    "Finding": _FINDING,
    "Enterprise": {
        "type": "object",
        "required": ["id", "uscc", "name", "region_code", "industry_code"],
        "properties": {"id": _INT, "uscc": _STR, "name": _STR, "region_code": _STR, "industry_code": _STR,
                       "permit_number": {"type": ["string", "null"]}, "address": {"type": ["string", "null"]},
                       "is_key_emitter": {"type": "boolean"}, "is_key_pollutant_discharger": {"type": "boolean"},
                       "is_listed": {"type": "boolean"}},
    },
    "EnterpriseList": _page("Enterprise"),
    "Filing": {
        "type": "object",
        "required": ["id", "enterprise_id", "kind", "year", "status", "current_version"],
        "properties": {"id": _INT, "enterprise_id": _INT, "enterprise_name": _STR, "uscc": _STR,
                       "kind": {"enum": list(KINDS)}, "year": _INT, "status": {"enum": list(FILING_STATUSES)},
                       "current_version": _INT,
                       "revision": {"type": ["integer", "null"],
                                    "description": "The draft's revision (its strong ETag); members of the "
                                                   "enterprise only"},
                       "last_submitted_at": _TIME, "accepted_at": _TIME, "updated_at": _TIME},
    },
    "FilingList": _page("Filing"),
    "NewFiling": {
        "type": "object", "required": ["enterprise_id", "kind", "year"], "additionalProperties": False,
        "properties": {"enterprise_id": {"type": "integer", "minimum": 1},
                       "kind": {"enum": list(WEB_KINDS)},
                       "year": {"type": "integer", "minimum": 2000, "maximum": 2100}},
    },
    "Draft": {
        "type": "object", "required": ["filing_id", "revision", "sha256"],
        "properties": {"filing_id": _INT, "revision": _INT, "sha256": _STR, "document": ref("Document"),
                       "computed": {"type": "object"}, "findings": {"type": "array", "items": ref("Finding")}},
    },
    "CheckResult": {
        "type": "object", "required": ["kind", "computed", "findings", "ok"],
        "description": "The output of `portal check` for the document, and whether it has no error finding.",
        "properties": {"kind": _STR, "computed": {"type": "object"},
                       "findings": {"type": "array", "items": ref("Finding")}, "ok": {"type": "boolean"},
                       "revision": {"type": ["integer", "null"]}},
    },
    "Submission": {
        "type": "object", "required": ["password", "certified"], "additionalProperties": False,
        "properties": {"password": {"type": "string", "maxLength": 200,
                                    "description": "The signatory's password, entered again (re-authentication)."},
                       "certified": {"type": "boolean",
                                     "description": "The signatory accepts the certification statement."}},
    },
    "Version": {
        "type": "object", "required": ["filing_id", "number", "sha256", "submitted_at"],
        "properties": {"filing_id": _INT, "number": _INT, "sha256": _STR, "submitted_at": _TIME,
                       "rules_version": _STR, "certification_statement": {"type": ["string", "null"]},
                       "document": ref("Document"), "computed": {"type": "object"},
                       "findings": {"type": "array", "items": ref("Finding")},
                       "files": {"type": "object", "additionalProperties": _STR}},
    },
    "VersionList": {"type": "object", "required": ["items"],
                    "properties": {"items": {"type": "array", "items": ref("Version")}}},
    "FileState": {
        "type": "object", "required": ["status"],
        "description": "The file is being rendered: retry after Retry-After seconds.",
        "properties": {"status": _STR, "percent": _INT, "message_zh": _STR, "message_en": _STR},
    },
    "Findings": {
        "type": "object", "required": ["revision", "findings", "explanations"],
        "properties": {"revision": _INT, "findings": {"type": "array", "items": ref("Finding")},
                       "explanations": {"type": "object", "additionalProperties": _STR},
                       "stale_explanations": {"type": "array", "items": _STR}},
    },
    "ExplanationsPatch": {
        "type": "object", "additionalProperties": {"type": ["string", "null"], "maxLength": 2000},
        "description": "Finding key → explanation; null removes one (JSON merge patch, RFC 7396).",
    },
    "Comment": {
        "type": "object", "required": ["id", "version", "target_type", "visibility", "body"],
        "properties": {"id": _INT, "version": _INT, "target_type": _STR, "target": _STR, "visibility": _STR,
                       "body": _STR, "author": _STR, "created_at": _TIME,
                       "answer": {"type": ["string", "null"]}, "answered_at": _TIME},
    },
    "CommentList": {"type": "object", "required": ["items"],
                    "properties": {"items": {"type": "array", "items": ref("Comment")}}},
    "NewComment": {
        "type": "object", "required": ["body"], "additionalProperties": False,
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 4000},
                       "target_type": {"enum": ["filing", "finding", "field"], "default": "filing"},
                       "target": {"type": "string", "maxLength": 200, "default": ""},
                       "visibility": {"enum": ["filer", "internal"], "default": "filer"}},
    },
    "ImportJob": {
        "type": "object", "required": ["id", "status"],
        "properties": {"id": _INT, "status": _STR, "final": {"type": "boolean"}, "percent": _INT,
                       "filename": _STR, "result": {"type": "object"},
                       "error_zh": {"type": ["string", "null"]}, "error_en": {"type": ["string", "null"]},
                       "error_workbook": {"type": ["string", "null"]}},
    },
    "QueueRow": {
        "type": "object", "required": ["filing_id", "kind", "year", "status"],
        "properties": {"filing_id": _INT, "kind": _STR, "year": _INT, "enterprise": _STR, "region_code": _STR,
                       "industry_code": _STR, "status": _STR, "submitted_at": _TIME,
                       "deadline": {"type": ["string", "null"], "format": "date"}, "overdue": {"type": "boolean"},
                       "errors": {"type": ["integer", "null"]}, "warnings": {"type": ["integer", "null"]},
                       "notices": {"type": ["integer", "null"]}},
    },
    "QueuePage": {
        "type": "object", "required": ["items", "total", "page", "pages"],
        "properties": {"items": {"type": "array", "items": ref("QueueRow")}, "total": _INT, "page": _INT,
                       "pages": _INT},
    },
}
