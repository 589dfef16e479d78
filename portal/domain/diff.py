"""Compare two canonical documents field by field: what a reviewer needs to see changed between versions.

Both documents are flattened into their leaves (``fuels[0].consumption`` → value) by walking the kind's
field tree (``schema.py``), so the diff speaks the same names and units as the forms and the PDF, and
each leaf keeps its node for formatting (code names, choices, places). A leaf missing on one side counts
as ``None``: a row added in the new version shows its filled values as added, a removed row its old values
as removed. Paths are those of the findings (0-based rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .labels import Text, Unit, row_text
from .schema import Field, schema_of

ChangeKind = Literal["changed", "added", "removed"]


class _Labelled:
    """Give a leaf or a change its labels and unit from its node and its label in words."""

    __slots__ = ()
    node: Field
    label: Text

    @property
    def label_zh(self) -> str:
        """Return the Chinese label."""
        return self.label.zh

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return self.label.en

    @property
    def unit(self) -> Unit | None:
        """Return the field's unit."""
        return self.node.unit


@dataclass(frozen=True, slots=True)
class Leaf(_Labelled):
    """Hold one leaf of a document: its path, node, label in words (with rows) and value."""

    path: str
    node: Field
    label: Text  # "化石燃料燃烧 · 第1行 · 消耗量"
    value: Any


@dataclass(frozen=True, slots=True)
class Change(_Labelled):
    """Hold one changed leaf: old → new (``None`` when absent on that side)."""

    path: str
    kind: ChangeKind
    node: Field
    label: Text
    old: Any
    new: Any

    @property
    def section(self) -> str | None:
        """Return the key of the section the field belongs to (for grouping the diff)."""
        return self.node.section


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def leaves(document: Any) -> list[Leaf]:
    """Return the leaves of a document in field order, labelled from its kind's field tree."""
    out: list[Leaf] = []
    for child in schema_of(document.kind).root.children:
        _walk(child, getattr(document, child.name), child.name, (child.label.zh,), (child.label.en,), out)
    return out


def _walk(node: Field, value: Any, path: str, zh: tuple[str, ...], en: tuple[str, ...], out: list[Leaf]) -> None:
    if node.kind == "object":
        if value is None:
            out.append(Leaf(path, node, Text(" · ".join(zh), " · ".join(en)), None))
            return
        for child in node.children:
            _walk(child, getattr(value, child.name), f"{path}.{child.name}", (*zh, child.label.zh),
                  (*en, child.label.en), out)
    elif node.kind == "list" and not node.is_scalar_list:
        for index, row in enumerate(value or ()):
            words = row_text(index)
            _walk(node.children[0], row, f"{path}[{index}]", (*zh, words.zh), (*en, words.en), out)
    elif node.kind == "map":
        # The explanations: finding key → text. The key is data, so it goes into the label as is.
        for key in sorted(value or {}):
            out.append(Leaf(f"{path}[{key}]", node.children[0], Text(" · ".join((*zh, key)), " · ".join((*en, key))),
                            value[key]))
    else:
        out.append(Leaf(path, node, Text(" · ".join(zh), " · ".join(en)), value))


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
    return Change(leaf.path, kind, leaf.node, leaf.label, old, new)
