"""Widen a fully filled document: the worst case for the PDF's tables.

Starts from ``tests.full_documents.full_document`` (every field of the kind filled, valid for the schema)
and, walking the same schema, gives every list a third row, every number that is not a fraction nine
integer digits and six decimals, and every free text a long sentence — values that make columns as wide
as filed data can make them.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from portal.domain.codec import canonical_json, document_from_json
from portal.domain.schema import Field, schema_of
from tests.full_documents import TEXT, full_document

WIDE_DECIMAL = Decimal("987654321.123456")
LONG_TEXT = "企业填报的很长的一段文字说明用于检验表格在页面内换行" * 2
ROWS = 3


def _widen(node: Field, value: Any) -> Any:
    if value is None:
        return value
    if node.kind == "object":
        for child in node.children:
            if child.kind != "map":
                setattr(value, child.name, _widen(child, getattr(value, child.name)))
        return value
    if node.kind == "list":
        item = node.children[0]
        if item.is_leaf or not value:
            return value
        rows = [*value, *(copy.deepcopy(value[-1]) for _ in range(ROWS - len(value)))]
        return [_widen(item, row) for row in rows]
    if node.kind == "number" and (node.bounds is None or node.bounds.high is None or node.bounds.high > 10):
        return WIDE_DECIMAL
    if node.kind == "text" and node.name not in TEXT:
        return LONG_TEXT
    return value


def fully_filled(kind: str) -> Any:
    """Return a document of ``kind`` with every field filled, wide (checked by a codec round trip)."""
    root = schema_of(kind).root
    document = _widen(root, full_document(kind))
    return document_from_json(canonical_json(document))
