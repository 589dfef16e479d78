"""Build documents with every field of their kind filled (every optional one too, every list with two rows).

Used to prove that every field shows everywhere with one label and unit. Values are valid for the schema
(within bounds; codes from the reference lists) so that every input channel accepts the document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from portal.domain.schema import Field, schema_of

#: a valid value for the reference code lists and the text fields whose value is checked by a rule
CODES = {"fuel": "bituminous", "process": "limestone", "product": "ammonia", "variant": "coal_powder", "region": "360702",
         "industry": "3011"}
TEXT = {"uscc": "91360700MA38P2K51K", "permit_number": "91360700MA38P2K51K001P", "industry_code": "3011",
        "region_code": "360702"}


def _leaf(node: Field, row: int) -> Any:  # noqa: C901 - one branch per kind
    if node.kind == "constant":
        return node.constant
    if node.kind == "choice":
        assert node.values is not None
        return node.values.values[row % len(node.values.values)]
    if node.kind == "code":
        return TEXT.get(node.name) or CODES[node.codes or ""]
    if node.kind == "text":
        return TEXT.get(node.name) or f"{node.label.zh}{row + 1}"
    if node.kind == "boolean":
        return True
    if node.kind == "date":
        return dt.date(2024, 3, 1 + row)
    if node.kind == "integer":
        if node.name.endswith("year"):
            return 2023
        return 5 + row
    if node.kind == "number":
        bounds = node.bounds
        if bounds is not None and bounds.high is not None and bounds.high <= 10:
            return Decimal("0.5")  # fractions, rates, factors
        return Decimal("12.5") + row
    raise AssertionError(node.kind)


def _value(node: Field, row: int = 0) -> Any:
    if node.kind == "object":
        return node.python_type(**{c.name: _value(c, row) for c in node.children if c.kind != "map"})
    if node.kind == "list":
        item = node.children[0]
        if item.is_leaf:
            if item.values is None:  # free identifiers (a facility's outlet codes)
                return [f"ID{i + 1}" for i in range(2)]
            return list(item.values.values[:2])
        return [_value(item, i) for i in range(2)]
    return _leaf(node, row)


def full_document(kind: str) -> Any:
    """Return a document of ``kind`` in which every field holds a value."""
    root = schema_of(kind).root
    values = {c.name: _value(c) for c in root.children if c.kind != "map"}
    return root.python_type(**values, explanations={"GHG-004@fuels[0].ncv": "说明"})
