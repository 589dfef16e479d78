"""The field tree of each filing kind: the one walker over the document declarations.

``documents.py`` declares each field once (type hint + ``info(...)``). :func:`schema_of` walks those
declarations once per kind into a tree of :class:`Field` nodes — path, kind of value, label, unit, code
list or value set, bounds, whether required, help text and section — and everything else is derived from
that tree: the strict JSON decoder (``codec.py``), the input validation (:func:`validate`), the upload
workbook (``sheets.py``), the web forms (``forms/doc_fields.py``), the filing page, the review diff
(``diff.py``), the PDF and the Excel filing (``renderers/view.py``). Nothing else inspects type hints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal, get_args, get_origin

from . import disclosure
from . import documents as docs
from .fields import (
    DEFAULT_MAX_LENGTH,
    MAX_INT,
    MAX_MAGNITUDE,
    Bounds,
    ComputedDef,
    FieldInfo,
    SectionDef,
    between,
    field_info,
)
from .labels import Text, Unit, ValueSet, row_text

ValueKind = Literal["object", "list", "map", "number", "integer", "boolean", "date", "text", "code", "choice",
                    "constant"]

#: the kinds whose values are leaves (one cell, one input)
LEAF_KINDS = frozenset({"number", "integer", "boolean", "date", "text", "code", "choice", "constant"})

MISSING: Any = dataclasses.MISSING

_DEFAULT_NUMBER_BOUNDS = Bounds(-MAX_MAGNITUDE, MAX_MAGNITUDE)
_DEFAULT_INT_BOUNDS = between(-MAX_INT, MAX_INT)


@dataclass(frozen=True, eq=False)  # compared by identity: the tree is built once per kind
class Field:
    """Describe one node of a document: a field, or the item of a list, with everything a view needs."""

    name: str  # attribute name ("" for a list item)
    path: str  # template path from the document: "fuels[].ncv"; a list item ends with "[]"
    kind: ValueKind
    label: Text
    unit: Unit | None
    help: Text | None
    required: bool  # the JSON key must be present (no default)
    nullable: bool  # null is admitted
    default: Any  # the default value (MISSING when required); a list or object default is built fresh
    codes: str | None  # reference code list of a "code" value
    values: ValueSet | None  # closed value set of a "choice" value
    bounds: Bounds | None  # numbers
    max_length: int | None  # text
    max_items: int | None  # lists
    places: int | None  # display places where fixed
    fixed: bool  # set by the portal, never typed (kind, schema_version, keys)
    section: str | None  # the section key of the top-level field this node belongs to
    python_type: Any  # the dataclass of an object or list item, the scalar type of a leaf
    constant: Any  # the only value of a "constant" field (kind, schema_version)
    children: tuple[Field, ...] = ()  # an object's fields; a list's or map's single item node

    @property
    def is_leaf(self) -> bool:
        """Return whether the node holds one value (not an object, list or map)."""
        return self.kind in LEAF_KINDS

    @property
    def item(self) -> Field:
        """Return the item node of a list or map."""
        if self.kind not in ("list", "map"):
            raise TypeError(f"{self.path} is not a list")
        return self.children[0]

    @property
    def is_scalar_list(self) -> bool:
        """Return whether the node is a list of leaves (codes in one cell, check boxes)."""
        return self.kind == "list" and self.children[0].is_leaf

    def child(self, name: str) -> Field:
        """Return the field ``name`` of an object node."""
        for f in self.children:
            if f.name == name:
                return f
        raise KeyError(f"{self.path or 'document'} has no field {name!r}")

    def walk(self) -> Iterator[Field]:
        """Yield this node and every node under it, depth first, in declaration order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> Iterator[Field]:
        """Yield the leaf nodes under this one (scalar lists count as leaves), depth first."""
        for node in self.walk():
            if node.is_leaf or node.is_scalar_list:
                yield node

    def default_value(self) -> Any:
        """Return the value an absent optional field takes (a fresh list or object)."""
        if self.default is not MISSING:
            return self.default() if callable(self.default) else self.default
        return None

    def full_label(self, language: str = "zh") -> str:
        """Return the label with its unit: "消耗量（t 或 万Nm³）" / "Consumption (t or 10⁴ Nm³)"."""
        label = self.label.get(language)
        if self.unit is None:
            return label
        return f"{label} ({self.unit.en})" if language == "en" else f"{label}（{self.unit.zh}）"


@dataclass(frozen=True)
class Section:
    """Hold one section of a kind: its declaration and its top-level field nodes."""

    key: str
    slug: str
    sheet: str
    title: Text
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class KindSchema:
    """Hold the schema of one filing kind: its root node, sections and computed figures."""

    kind: str
    document_type: type
    root: Field
    sections: tuple[Section, ...]
    computed: tuple[ComputedDef, ...]

    def field(self, path: str) -> Field:
        """Return the node of a path, template (``fuels[].ncv``) or concrete (``fuels[2].ncv``)."""
        return _by_path(self)[_template(path)]

    def find(self, path: str) -> Field | None:
        """Return the node of a path, or None when the path names no field."""
        return _by_path(self).get(_template(path))

    def section(self, key: str) -> Section:
        """Return the section of that key (or slug)."""
        for s in self.sections:
            if key in (s.key, s.slug):
                return s
        raise KeyError(key)

    def describe(self, path: str) -> Text:
        """Return a path in words: ``fuels[0].ncv`` → "化石燃料燃烧 第1行 低位发热量（实测）".

        Parts that name no field (an unknown path) are kept as written.
        """
        return describe_path(self.root, path)


_INDEX = re.compile(r"\[\d+\]")


def _template(path: str) -> str:
    return _INDEX.sub("[]", path)


@cache
def _by_path(schema: KindSchema) -> dict[str, Field]:
    return {node.path: node for node in schema.root.walk()}


# ----------------------------------------------------------------------------------------- building


def _optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != len(get_args(tp)):
            if len(args) != 1:
                raise TypeError(f"unsupported union {tp!r}")
            return True, args[0]
    return False, tp


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _node(name: str, path: str, tp: Any, meta: FieldInfo, *, required: bool, default: Any,
          section: str | None, fixed: bool = False) -> Field:
    """Return the node of a field of type ``tp`` (its children built too).

    ``fixed`` is inherited: everything under a field the portal sets (the disclosure's ``prefill``) is set
    by the portal too.
    """
    nullable, inner = _optional(tp)
    fixed = fixed or meta.fixed
    common: dict[str, Any] = {
        "name": name, "path": path, "label": meta.label, "unit": meta.unit, "help": meta.help,
        "required": required, "nullable": nullable, "default": default, "codes": None, "values": None,
        "bounds": None, "max_length": None, "max_items": None, "places": meta.places, "fixed": fixed,
        "section": section, "python_type": inner, "constant": None,
    }
    origin = get_origin(inner)
    if _is_dataclass_type(inner):
        return Field(kind="object", children=_object_children(inner, path, section, fixed), **common)
    if origin is list:
        (item_tp,) = get_args(inner)
        item_path = f"{path}[]"
        if _is_dataclass_type(item_tp):
            item = Field(**{**common, "name": "", "path": item_path, "required": True, "nullable": False,
                            "default": MISSING, "max_items": None, "python_type": item_tp},
                         kind="object", children=_object_children(item_tp, item_path, section, fixed))
        else:
            item = _node("", item_path, item_tp, meta, required=True, default=MISSING, section=section, fixed=fixed)
        return Field(kind="list", children=(item,), **{**common, "max_items": meta.max_items})
    if origin is dict:
        key_tp, value_tp = get_args(inner)
        if key_tp is not str or value_tp is not str:
            raise TypeError(f"{path}: only dict[str, str] is supported")
        value = _node("", f"{path}[]", str, meta, required=True, default=MISSING, section=section, fixed=fixed)
        return Field(kind="map", children=(value,), **common)
    if origin is Literal:
        allowed = get_args(inner)
        if len(allowed) == 1 and meta.values is None:
            return Field(kind="constant", **{**common, "constant": allowed[0]})
        if meta.values is None or tuple(allowed) != meta.values.values:
            raise TypeError(f"{path}: the Literal {allowed} must name the value set listing exactly those values "
                            f"in that order (info(values=...)), not {meta.values and meta.values.values}")
        return Field(kind="choice", **{**common, "values": meta.values})
    if inner is Decimal:
        return Field(kind="number", **{**common, "bounds": meta.bounds or _DEFAULT_NUMBER_BOUNDS})
    if inner is bool:
        return Field(kind="boolean", **common)
    if inner is int:
        return Field(kind="integer", **{**common, "bounds": meta.bounds or _DEFAULT_INT_BOUNDS})
    if inner is dt.date:
        return Field(kind="date", **common)
    if inner is str:
        kind: ValueKind = "code" if meta.codes else "text"
        return Field(kind=kind, **{**common, "codes": meta.codes,
                                   "max_length": meta.max_length or DEFAULT_MAX_LENGTH})
    raise TypeError(f"{path}: unsupported field type {tp!r}")  # a programming error, not bad input


def _object_children(cls: type, path: str, section: str | None, fixed: bool = False) -> tuple[Field, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        required = f.default is MISSING and f.default_factory is MISSING
        default = f.default if f.default is not MISSING else f.default_factory
        out.append(_node(f.name, _join(path, f.name), hints[f.name], field_info(f), required=required,
                         default=default, section=section, fixed=fixed))
    return tuple(out)


_SECTIONS: dict[str, tuple[SectionDef, ...]] = {
    docs.GHG_KIND: docs.GHG_SECTIONS,
    docs.CPA_KIND: docs.CPA_SECTIONS,
    disclosure.ANNUAL_KIND: disclosure.ANNUAL_SECTIONS,
    disclosure.ADHOC_KIND: disclosure.ADHOC_SECTIONS,
}
_COMPUTED: dict[str, tuple[ComputedDef, ...]] = {
    docs.GHG_KIND: docs.GHG_COMPUTED,
    docs.CPA_KIND: docs.CPA_COMPUTED,
    disclosure.ANNUAL_KIND: disclosure.ANNUAL_COMPUTED,
    disclosure.ADHOC_KIND: disclosure.ADHOC_COMPUTED,
}


@cache
def schema_of(kind: str) -> KindSchema:
    """Return the schema of a filing kind (built once; a KeyError for an unknown kind)."""
    cls = docs.DOCUMENT_TYPES[kind]
    declared = _SECTIONS[kind]
    section_of = {name: s.key for s in declared for name in s.fields}
    hints = typing.get_type_hints(cls)
    children = []
    for f in dataclasses.fields(cls):
        required = f.default is MISSING and f.default_factory is MISSING
        default = f.default if f.default is not MISSING else f.default_factory
        children.append(_node(f.name, f.name, hints[f.name], field_info(f), required=required, default=default,
                              section=section_of.get(f.name)))
    root = Field(name="", path="", kind="object", label=Text(kind, kind), unit=None, help=None, required=True,
                 nullable=False, default=MISSING, codes=None, values=None, bounds=None, max_length=None,
                 max_items=None, places=None, fixed=False, section=None, python_type=cls, constant=None,
                 children=tuple(children))
    by_name = {c.name: c for c in children}
    sections = tuple(Section(s.key, s.slug, s.sheet, s.title, tuple(by_name[n] for n in s.fields)) for s in declared)
    unplaced = [c.name for c in children if c.section is None and not c.fixed and c.kind != "map"]
    if unplaced:
        raise TypeError(f"{kind}: fields in no section: {unplaced}")  # every field is shown somewhere
    return KindSchema(kind, cls, root, sections, _COMPUTED[kind])


def schemas() -> tuple[KindSchema, ...]:
    """Return the schema of every filing kind."""
    return tuple(schema_of(kind) for kind in docs.KINDS)


# ------------------------------------------------------------------------------------------ paths

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def describe_path(root: Field, path: str) -> Text:
    """Return a concrete path in words (Chinese and English), e.g. "化石燃料燃烧 第1行 低位发热量（实测）"."""
    if not path:
        return Text("整份文书", "the whole document")
    zh: list[str] = []
    en: list[str] = []
    node: Field | None = root
    for segment in path.split("."):
        m = _SEGMENT.fullmatch(segment)
        found = None
        if m is not None and node is not None and node.kind == "object":
            found = next((c for c in node.children if c.name == m.group(1)), None)
        if found is None or m is None:
            zh.append(segment)
            en.append(segment)
            node = None
            continue
        zh.append(found.label.zh)
        en.append(found.label.en)
        node = found
        if m.group(2) is not None:
            row = row_text(int(m.group(2)))
            zh.append(row.zh)
            en.append(row.en)
            node = found.children[0] if found.kind in ("list", "map") else None
    return Text(" ".join(zh), " ".join(en))


# ------------------------------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class Violation:
    """Hold one value a document may not hold: where, why (Chinese and English), and the rule, if any."""

    path: str
    message: Text
    #: the catalogue rule that reports it as a finding when a document is checked (GHG-002 …); None when
    #: only the input channels refuse it
    rule: str | None

    def describe(self) -> str:
        """Return the one-line bilingual description (as DocumentError.describe)."""
        return f"{self.path}: {self.message.zh} / {self.message.en}"


#: characters no filed text may hold: C0 controls but tab and line breaks, DEL (NUL breaks PostgreSQL text)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def number_text(value: Decimal | int) -> str:
    """Return a number as a message quotes it: plain notation, grouped (``1,000,000``); absurd ones as typed."""
    number = Decimal(value)
    if not number.is_finite():
        return str(number)
    if number.adjusted() > 18:
        # One spelling whichever channel the value came through: typed as 27 digits into a form, read as
        # the float 1e+26 from a workbook cell or the JSON number 1E26 — all "1E+26" (issue 20 item 3).
        return str(number.normalize())
    text = format(number.normalize(), ",f") if number != number.to_integral_value() else format(number, ",.0f")
    return "0" if text in ("-0", "0") else text


def bounds_message(node: Field, value: Decimal | int) -> Text:
    """Return the message of a number outside its field's bounds, e.g. "消耗量应大于 0 且不大于 1,000,000,000（填报 -5）"."""
    assert node.bounds is not None
    rule = node.bounds.describe()
    shown = number_text(value)
    return Text(f"{node.label.zh}应{rule.zh}（填报 {shown}）", f"{node.label.en} must be {rule.en} (got {shown})")


def check_value(node: Field, value: Any) -> Text | None:
    """Return why ``value`` may not be held by ``node`` (a leaf), or None when it may.

    The one check every input channel applies: the forms call it per input, the decoder per value of an
    uploaded or posted document, so each refusal reads the same wherever the value was typed.
    """
    if value is None:
        return None
    if node.kind in ("number", "integer") and node.bounds is not None and not isinstance(value, bool):
        if isinstance(value, (int, Decimal)) and (not _finite(value) or not node.bounds.admits(value)):
            return bounds_message(node, value)
    elif node.kind in ("text", "code") and isinstance(value, str):
        if node.max_length is not None and len(value) > node.max_length:
            return Text(f"{node.label.zh}不能超过 {node.max_length} 个字符（填写了 {len(value)} 个）",
                        f"{node.label.en} must be at most {node.max_length} characters (got {len(value)})")
        if _CONTROL.search(value):
            return Text(f"{node.label.zh}含有不可见的控制字符，请删除后重新填写",
                        f"{node.label.en} contains a control character; remove it and type the text again")
    return None


def lines_message(node: Field, count: int) -> Text:
    """Return the message of a list holding more lines than its cap (``max_items``; ``common.MAX_LINES``)."""
    return Text(f"{node.label.zh}最多 {node.max_items:,} 行（共 {count:,} 行）",
                f"{node.label.en} may hold at most {node.max_items:,} lines (got {count:,})")


def line_cap_violations(root: Field, data: Any) -> list[Violation]:
    """Return the lists of parsed JSON ``data`` longer than their cap, before any line is decoded.

    Checked on the raw JSON so that 100,000 lines are refused without building 100,000 rows (issue 19
    item 5); lists inside rows are held to their caps by :func:`validate` once the row count is known to be
    in bounds.
    """
    out: list[Violation] = []

    def walk(node: Field, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            return
        for child in node.children:
            item = value.get(child.name)
            if child.kind == "list" and isinstance(item, list):
                if child.max_items is not None and len(item) > child.max_items:
                    out.append(Violation(_join(path, child.name), lines_message(child, len(item)), None))
            elif child.kind == "object":
                walk(child, item, _join(path, child.name))

    walk(root, data, "")
    return out


def _finite(value: int | Decimal) -> bool:
    return not isinstance(value, Decimal) or value.is_finite()


def validate(document: Any, schema: KindSchema | None = None) -> list[Violation]:
    """Return every value of ``document`` its schema does not admit, in document order (all, not the first)."""
    schema = schema or schema_of(document.kind)
    out: list[Violation] = []
    checker = _checker(schema.root)
    if checker is not None:
        checker(document, "", out)
    return out


# Validation runs on every input and in GHG-002/003 on every check (an import validates thousands of
# documents): each node gets a checker, built once, that visits only the fields that can be refused and
# builds a field's path only when it is refused. ``check_value`` stays the definition of each refusal.

#: a leaf's check: the refusal and its rule, or None
LeafCheck = Callable[[Any], tuple[Text, str | None] | None]
#: an object's or list's check: appends the violations under ``path``
Checker = Callable[[Any, str, list[Violation]], None]


def leaf_check(node: Field) -> LeafCheck | None:
    """Return the check of one leaf value (built once per node): its refusal and rule, or None when it may be held.

    The importer checks each cell with it as it reads the cell (issue 20 item 1): :func:`check_value`'s
    words, at the cost of a bounds comparison.
    """
    return _leaf_check(node)


@cache
def _leaf_check(node: Field) -> LeafCheck | None:
    """Return the check of a leaf node, or None when no value of it can be refused."""
    rule = node.bounds.rule if node.bounds is not None else None
    if node.kind in ("number", "integer") and node.bounds is not None:
        bounds = node.bounds

        def check_number(value: Any) -> tuple[Text, str | None] | None:
            if type(value) is bool:
                return None
            try:
                if bounds.admits(value):
                    return None
            except ArithmeticError:  # NaN: check_value says why
                pass
            problem = check_value(node, value)
            return None if problem is None else (problem, rule)
        return check_number
    if node.kind in ("text", "code"):
        limit = node.max_length or 0
        search = _CONTROL.search

        def check_text(value: Any) -> tuple[Text, str | None] | None:
            if type(value) is str and len(value) <= limit and search(value) is None:
                return None
            problem = check_value(node, value)
            return None if problem is None else (problem, rule)
        return check_text
    return None


@cache
def _checker(node: Field) -> Checker | None:  # noqa: C901 - one branch per composite kind
    """Return the checker of an object, list or map node, or None when nothing under it can be refused."""
    if node.kind == "object":
        leaves = [(c.name, leaf) for c in node.children if c.is_leaf and (leaf := _leaf_check(c)) is not None]
        parts = [(c.name, part) for c in node.children if not c.is_leaf and (part := _checker(c)) is not None]
        if not leaves and not parts:
            return None

        def check_object(value: Any, path: str, out: list[Violation]) -> None:
            for name, leaf in leaves:
                item = getattr(value, name)
                if item is not None and (problem := leaf(item)) is not None:
                    out.append(Violation(_join(path, name), *problem))
            for name, part in parts:
                item = getattr(value, name)
                if item is not None:
                    part(item, _join(path, name), out)
        return check_object
    if node.kind == "list":
        item_node = node.children[0]
        item_leaf = _leaf_check(item_node) if item_node.is_leaf else None
        item_part = None if item_node.is_leaf else _checker(item_node)
        limit = node.max_items

        def check_list(value: Any, path: str, out: list[Violation]) -> None:
            if limit is not None and len(value) > limit:
                out.append(Violation(path, lines_message(node, len(value)), None))
            if item_leaf is not None:
                for i, element in enumerate(value):
                    if element is not None and (problem := item_leaf(element)) is not None:
                        out.append(Violation(f"{path}[{i}]", *problem))
            elif item_part is not None:
                for i, element in enumerate(value):
                    if element is not None:
                        item_part(element, f"{path}[{i}]", out)
        return check_list
    if node.kind == "map":
        text_check = _leaf_check(node.children[0])
        if text_check is None:
            return None

        def check_map(value: Any, path: str, out: list[Violation]) -> None:
            for key, text in value.items():
                if (problem := text_check(text)) is not None:
                    out.append(Violation(f"{path}.{key}", problem[0], None))
        return check_map
    return None


# ---------------------------------------------------------------------------------- normalisation


def normalise_text(value: str) -> str:
    """Return typed text as stored: Unicode NFC, surrounding white space trimmed."""
    return unicodedata.normalize("NFC", value).strip()


def normalised(document: docs.Document) -> docs.Document:
    """Return ``document`` as every input channel stores it: text trimmed (empty optional text → null).

    A 22-character permit number typed with a trailing space must stay 22 characters whichever channel it
    came through. Stored versions are never normalised (their hash is of the text as submitted).
    """
    trimmed: docs.Document = _normalise(schema_of(document.kind).root, document)
    return trimmed


def _normalise(node: Field, value: Any) -> Any:  # noqa: C901 - per kind
    if value is None:
        return None
    kind = node.kind
    if kind == "object":
        changes = {}
        for child in node.children:
            old = getattr(value, child.name)
            new = _normalise(child, old)
            if new is not old:
                changes[child.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if kind == "list":
        item = node.children[0]
        items = [_normalise(item, element) for element in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if kind == "map":
        stripped = {normalise_text(k): normalise_text(v) for k, v in value.items()}
        return value if stripped == value else {k: v for k, v in stripped.items() if v}
    if kind in ("text", "code") and isinstance(value, str):
        text = normalise_text(value)
        if text == value:
            return value
        return None if text == "" and node.nullable else text
    return value


def leaf_nodes(schema: KindSchema) -> Sequence[Field]:
    """Return every leaf node of a kind (scalar lists included), in declaration order."""
    return tuple(schema.root.leaves())
