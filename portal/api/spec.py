"""Declare each API operation once: the URL rule it answers and its OpenAPI description, side by side.

:func:`operation` registers a view on the blueprint *and* records what the OpenAPI document says of it
(summary, parameters, body, responses, the token scope it needs). The document is built from these records
(:mod:`.openapi`), so an operation cannot exist without being described, nor be described without existing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

#: a Flask converter in a rule: ``<int:filing_id>`` → ``{filing_id}`` with an integer schema
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Param:
    """Describe one query or header parameter."""

    name: str
    where: str  # "query" or "header"
    schema: Mapping[str, Any]
    description: str
    required: bool = False

    def as_openapi(self) -> dict[str, Any]:
        """Return the OpenAPI parameter object."""
        return {"name": self.name, "in": self.where, "required": self.required, "description": self.description,
                "schema": dict(self.schema)}


@dataclass(frozen=True)
class Operation:
    """Hold one operation: method, rule, endpoint, and what the OpenAPI document says of it."""

    method: str
    rule: str  # the Flask rule under /api/v1
    endpoint: str
    summary: str
    tag: str
    scope: str | None  # token scope needed: "read", "write", or None (public)
    params: tuple[Param, ...]
    body: Mapping[str, Any] | None  # the requestBody object
    responses: Mapping[str, Any]  # status → response object (problems are added by the builder)
    description: str = ""
    idempotent_post: bool = False
    extra_problems: tuple[int, ...] = field(default=())

    @property
    def path(self) -> str:
        """Return the OpenAPI path template (``/filings/{filing_id}``)."""
        return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    def path_params(self) -> list[dict[str, Any]]:
        """Return the path parameters, typed by their converters."""
        out = []
        for converter, name in _CONVERTER.findall(self.rule):
            schema: dict[str, Any] = ({"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if converter == "int"
                                      else {"type": "string", "maxLength": 100})
            out.append({"name": name, "in": "path", "required": True, "schema": schema})
        return out


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, tag: str, scope: str | None,
              responses: Mapping[str, Any], params: Sequence[Param] = (), body: Mapping[str, Any] | None = None,
              description: str = "", problems: Sequence[int] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated view for ``method rule`` and record its description for the OpenAPI document."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = view.__name__
        OPERATIONS.append(Operation(method=method, rule=rule, endpoint=endpoint, summary=summary, tag=tag,
                                    scope=scope, params=tuple(params), body=body, responses=responses,
                                    description=description or (view.__doc__ or "").strip(),
                                    idempotent_post=method == "POST", extra_problems=tuple(problems)))
        bp.add_url_rule(rule, endpoint, view, methods=[method])
        return view

    return decorate


def json_body(schema: Mapping[str, Any], *, required: bool = True, description: str = "") -> dict[str, Any]:
    """Return a requestBody of JSON ``schema``."""
    return {"required": required, "description": description,
            "content": {"application/json": {"schema": dict(schema)}}}


def json_response(schema: Mapping[str, Any], description: str, headers: Mapping[str, Any] | None = None
                  ) -> dict[str, Any]:
    """Return a response object of JSON ``schema``."""
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": dict(schema)}}}
    if headers:
        out["headers"] = dict(headers)
    return out


def file_response(mimetype: str, description: str) -> dict[str, Any]:
    """Return a response object of a binary file."""
    return {"description": description, "content": {mimetype: {"schema": {"type": "string",
                                                                          "contentMediaType": mimetype}}}}


def ref(name: str) -> dict[str, str]:
    """Return a reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}
