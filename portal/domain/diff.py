"""Compare two canonical documents field by field: what a reviewer needs to see changed between versions.

Both documents are flattened into their leaves (``fuels[0].consumption`` → value), each labelled from the
field metadata (``domain/fields.py``), so the diff speaks the same names and units as the forms and the
PDF. A leaf missing on one side counts as ``None``: a row added in the new version shows its filled values
as added, a removed row its old values as removed. Paths are those of the findings (0-based rows).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from .fields import field_info

ChangeKind = Literal["changed", "added", "removed"]


@dataclass(frozen=True, slots=True)
class Leaf:
    """Hold one leaf of a document: its path, labels, unit and value."""

    path: str
    label_zh: str
    label_en: str
    unit: str | None
    value: Any


@dataclass(frozen=True, slots=True)
class Change:
    """Hold one changed leaf: old → new (``None`` when absent on that side)."""

    path: str
    kind: ChangeKind
    label_zh: str
    label_en: str
    unit: str | None
    old: Any
    new: Any


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def leaves(document: Any) -> list[Leaf]:
    """Return the leaves of a document (dataclass) in field order, with labels from the field metadata."""
    out: list[Leaf] = []
    _walk(document, "", (), (), None, out)
    return out


def _walk(value: Any, path: str, zh: tuple[str, ...], en: tuple[str, ...], unit: str | None,
          out: list[Leaf]) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            meta = field_info(f)
            child = f"{path}.{f.name}" if path else f.name
            _walk(getattr(value, f.name), child, (*zh, meta.zh), (*en, meta.en), meta.unit, out)
    elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
        for index, row in enumerate(value):
            _walk(row, f"{path}[{index}]", (*zh, f"第 {index + 1} 行"), (*en, f"row {index + 1}"), None, out)
    elif isinstance(value, dict):
        # The explanations: finding key → text. The key is data, so it goes into the label as is.
        for key in sorted(value):
            _walk(value[key], f"{path}[{key}]", (*zh, key), (*en, key), None, out)
    else:
        out.append(Leaf(path, " · ".join(zh), " · ".join(en), unit, value))


def diff_documents(old: Any, new: Any) -> list[Change]:
    """Return the leaves whose value differs between ``old`` and ``new``, in the new document's order.

    Leaves only in ``old`` (removed rows) follow, in the old document's order. ``old`` may be ``None``
    (no earlier version): then nothing is reported, since everything would be "added".
    """
    if old is None:
        return []
    if type(old) is not type(new):
        raise ValueError(f"cannot compare a {type(old).__name__} with a {type(new).__name__}")
    before = {leaf.path: leaf for leaf in leaves(old)}
    after = {leaf.path: leaf for leaf in leaves(new)}
    changes: list[Change] = []
    for path, leaf in after.items():
        was = before[path].value if path in before else None
        if _differs(was, leaf.value):
            changes.append(_change(leaf, was, leaf.value))
    for path, leaf in before.items():
        if path not in after and not _empty(leaf.value):
            changes.append(_change(leaf, leaf.value, None))
    return changes


def _differs(old: Any, new: Any) -> bool:
    if _empty(old) and _empty(new):
        return False
    return bool(old != new)


def _change(leaf: Leaf, old: Any, new: Any) -> Change:
    kind: ChangeKind = "added" if _empty(old) else "removed" if _empty(new) else "changed"
    return Change(leaf.path, kind, leaf.label_zh, leaf.label_en, leaf.unit, old, new)


def label_of(document: Any, path: str) -> tuple[str, str] | None:
    """Return the (Chinese, English) label of a leaf path of ``document``, or None if it has no such leaf."""
    for leaf in leaves(document):
        if leaf.path == path:
            return leaf.label_zh, leaf.label_en
    return None
