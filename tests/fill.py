"""Fill every field of a document with wide values: the worst case for the PDF's tables.

Walks the dataclasses of the canonical document by their type hints (no field list to keep in step):
every optional value gets a value, every list gets three items, every number has nine integer digits and
six decimals, every free text is long, and every choice list holds every choice.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from portal.domain.codec import canonical_json, document_from_json

WIDE_DECIMAL = Decimal("987654321.123456")
WIDE_INT = 123456789
LONG_TEXT = "企业填报的很长的一段文字说明用于检验表格在页面内换行" * 2
ITEMS = 3


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _codes(field: dataclasses.Field[Any]) -> str | None:
    meta = field.metadata.get("info") if field.metadata else None
    return getattr(meta, "codes", None)


def _value(tp: Any, name: str, field: dataclasses.Field[Any] | None, current: Any) -> Any:
    tp = _strip_optional(tp)
    if dataclasses.is_dataclass(tp):
        obj = current if current is not None else _construct(tp)
        fill(obj)
        return obj
    origin = get_origin(tp)
    if origin is list:
        (item,) = get_args(tp)
        if dataclasses.is_dataclass(item):
            items = list(current or []) or [_construct(item)]
            while len(items) < ITEMS:
                items.append(copy.deepcopy(items[-1]))
            for i, obj in enumerate(items):
                fill(obj)
                if hasattr(obj, "id") and isinstance(obj.id, str):
                    obj.id = f"{obj.id.split('-')[0]}-{i + 1:06d}"
            return items
        if get_origin(item) is Literal:
            return list(get_args(item))
        return current
    if origin is dict:
        return current
    if origin is Literal:
        return current if current is not None else get_args(tp)[0]
    if current not in (None, False, Decimal(0), "", 0) or (current is not None and name in ("kind",)):
        return current
    if tp is bool:
        return True
    if tp is Decimal:
        return WIDE_DECIMAL
    if tp is int:
        return 2024 if name.endswith("year") else WIDE_INT
    if tp is dt.date:
        return dt.date(2024, 12, 31)
    if tp is str:
        if field is not None and _codes(field):
            return current or "unknown-code-value"
        return LONG_TEXT if name not in ("id", "uscc") else "ID-1"
    return current


def _construct(cls: type) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kwargs[f.name] = _value(hints[f.name], f.name, f, None)
    return cls(**kwargs)


def fill(obj: Any) -> None:
    """Fill ``obj`` (a dataclass instance) in place."""
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        if f.name in ("kind", "schema_version", "explanations", "reporting_year", "audit_year", "uscc"):
            continue
        setattr(obj, f.name, _value(hints[f.name], f.name, f, getattr(obj, f.name)))


def fully_filled(document: Any) -> Any:
    """Return a copy of ``document`` with every field filled wide (checked by a codec round trip)."""
    filled = copy.deepcopy(document)
    fill(filled)
    return document_from_json(canonical_json(filled))
