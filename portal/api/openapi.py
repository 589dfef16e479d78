"""Build the OpenAPI 3.1 document of ``/api/v1`` from the code: operations from :mod:`.spec`, documents from
the document model.

The schema of each filing kind is derived from its field tree (``domain/schema.py`` — the tree the strict
decoder, the forms, the workbook and the PDF are derived from): types, required keys, nullability, bounds,
text lengths, value sets, constants and the line cap of each list (``max_items``). JSON Schema 2020-12 is
OpenAPI 3.1's own dialect, so nothing is translated by hand and a field added to ``documents.py`` appears
here with no further code. Labels and units become titles and descriptions, in Chinese and English.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from ..domain.documents import KINDS
from ..domain.schema import Field, schema_of
from . import limits
from .problems import MIMETYPE, TYPES, catalogue
from .spec import OPERATIONS, ref

_PROBLEM_STATUSES = {
    "read": (400, 401, 403, 404, 405, 406, 413, 422, 429),
    "write": (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429),
}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _nullable(schema: dict[str, Any], node: Field) -> dict[str, Any]:
    if not node.nullable:
        return schema
    if "type" in schema and "enum" not in schema and "const" not in schema:
        kind = schema["type"]
        schema["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def field_schema(node: Field) -> dict[str, Any]:  # noqa: C901 - one branch per kind of value
    """Return the JSON Schema of one node of a document's field tree."""
    out: dict[str, Any]
    if node.kind == "object":
        properties = {c.name: field_schema(c) for c in node.children}
        out = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [c.name for c in node.children if c.required]
        if required:
            out["required"] = required
    elif node.kind == "list":
        out = {"type": "array", "items": field_schema(node.children[0])}
        if node.max_items is not None:
            out["maxItems"] = node.max_items
    elif node.kind == "map":
        out = {"type": "object", "additionalProperties": field_schema(node.children[0])}
    elif node.kind in ("number", "integer"):
        out = {"type": "number" if node.kind == "number" else "integer"}
        bounds = node.bounds
        if bounds is not None:
            if bounds.low is not None:
                out["exclusiveMinimum" if bounds.low_open else "minimum"] = _number(bounds.low)
            if bounds.high is not None:
                out["exclusiveMaximum" if bounds.high_open else "maximum"] = _number(bounds.high)
    elif node.kind == "boolean":
        out = {"type": "boolean"}
    elif node.kind == "date":
        out = {"type": "string", "format": "date"}
    elif node.kind in ("text", "code"):
        out = {"type": "string"}
        if node.max_length is not None:
            out["maxLength"] = node.max_length
        if node.codes:
            out["description"] = f"code list: {node.codes}"
    elif node.kind == "choice":
        assert node.values is not None
        out = {"enum": list(node.values.values)}
    elif node.kind == "constant":
        out = {"const": node.constant}
    else:  # pragma: no cover - schema.py admits no other kind
        raise TypeError(node.kind)
    if node.path and node.label.zh:
        title = f"{node.label.zh} / {node.label.en}"
        if node.unit is not None:
            title += f" ({node.unit.en})"
        out.setdefault("title", title)
    return _nullable(out, node)


def document_schema_name(kind: str) -> str:
    """Return the component name of a kind's document schema."""
    return "Document_" + kind


@cache
def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for kind in KINDS:
        root = schema_of(kind).root
        schema = field_schema(root)
        schema["title"] = kind
        schemas[document_schema_name(kind)] = schema
    schemas["Document"] = {
        "oneOf": [ref(document_schema_name(k)) for k in KINDS],
        "discriminator": {"propertyName": "kind",
                          "mapping": {k: f"#/components/schemas/{document_schema_name(k)}" for k in KINDS}},
        "description": f"A canonical document (filing-format.md). Each list holds at most {limits.MAX_LINES:,} lines.",
    }
    schemas["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details; title and detail in the language of Accept-Language.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "enum": [t["type"] for t in catalogue()]},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "detail_zh": {"type": "string"},
            "detail_en": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["path", "message_zh", "message_en"],
                "properties": {"path": {"type": "string"}, "message_zh": {"type": "string"},
                               "message_en": {"type": "string"}}}},
            "limit": {"type": "object", "required": ["name", "value"],
                      "properties": {"name": {"type": "string"}, "value": {"type": "integer"}}},
        },
    }
    from .schemas import SCHEMAS

    schemas.update(SCHEMAS)
    return schemas


def _problem_response(status: int) -> dict[str, Any]:
    titles = sorted({t.title_en for t in TYPES.values() if t.status == status}) or ["Error"]
    return {"description": "; ".join(titles), "content": {MIMETYPE: {"schema": ref("Problem")}}}


def build(server_url: str = "/api/v1") -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of every registered operation."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        responses: dict[str, Any] = dict(op.responses)
        statuses = set(_PROBLEM_STATUSES["write" if op.method in ("POST", "PUT", "PATCH") else "read"])
        statuses |= set(op.extra_problems)
        if op.scope is None:
            statuses -= {401, 403}
        for status in sorted(statuses):
            responses.setdefault(str(status), _problem_response(status))
        responses.setdefault("500", _problem_response(500))
        parameters = op.path_params() + [p.as_openapi() for p in op.params]
        if op.method == "POST":
            parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "description": "Send the same key with the same request to get the same answer once "
                                              "more instead of acting twice (kept per user).",
                               "schema": {"type": "string", "minLength": 1, "maxLength": 200}})
        entry: dict[str, Any] = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag],
                                 "responses": responses}
        if op.description:
            entry["description"] = op.description
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = dict(op.body)
        if op.scope is None:
            entry["security"] = []
        else:
            entry["security"] = [{"bearer": [op.scope]}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "减污降碳协同申报平台 API / Pollution and carbon reduction filing portal API",
            "version": "1.0.0",
            "description": (
                "Token-authenticated JSON API over the portal's filings. Errors are RFC 9457 problems "
                "(application/problem+json). Limits: request body "
                f"{_mb('API_MAX_BODY_BYTES')}, {limits.MAX_LINES:,} lines per list, "
                f"{limits.MAX_PAGE_SIZE} items per page. Rate limits per token are told in RateLimit-* headers."
            ),
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token (ptk_…) of read or write scope."}},
        },
    }


def _mb(setting: str) -> str:
    from flask import current_app

    return f"{int(current_app.config[setting]) / (1024 * 1024):g} MB"
