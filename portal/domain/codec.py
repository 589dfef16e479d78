"""Strict JSON (de)serialisation of the canonical documents, and their canonical form and hash.

Parsing is strict (filing-format.md): unknown fields, wrong types and missing required fields are
rejected with one :class:`DocumentError` naming the field path (``fuels[2].ncv``) in Chinese and English.
A typo must never silently drop data. The canonical form is the one that is hashed and frozen in a
submitted version: keys sorted, no insignificant white space, UTF-8, numbers in plain decimal notation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from .documents import DOCUMENT_TYPES, KINDS, Document
from .fields import per_class
from .labels import EXPECTED_TYPES
from .schema import Field, Violation, line_cap_violations, normalised, schema_of, validate


class DocumentError(ValueError):
    """Report why a document is not valid, naming the field path, in Chinese and English."""

    def __init__(self, path: str, message_zh: str, message_en: str) -> None:
        self.path = path
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{path or '(document)'}: {message_en}")

    def describe(self) -> str:
        """Return the one-line bilingual description used on stderr and in web messages."""
        where = self.path or "文书 (document)"
        return f"{where}: {self.message_zh} / {self.message_en}"


# ------------------------------------------------------------------------------------ reading JSON


def _reject_constant(name: str) -> Any:
    raise DocumentError("", f"不允许使用 {name}", f"{name} is not a valid JSON number")


def loads(text: str | bytes) -> Any:
    """Parse JSON text with exact decimals; reject NaN/Infinity and duplicate keys."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                "", f"文件不是 UTF-8 编码（第 {exc.start} 字节）", f"the file is not UTF-8 (byte {exc.start})"
            ) from None

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise DocumentError(key, f"字段 {key} 重复出现", f"field {key} appears twice")
            result[key] = value
        return result

    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=no_duplicates
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(
            "",
            f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}",
            f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None


def parse_document(data: Any) -> Document:
    """Return the canonical document held by parsed JSON ``data``; raise :class:`DocumentError`.

    Structure and types only: what a stored document holds always parses again. Bounds, lengths and
    control characters are :func:`schema.validate`'s, which the input channels apply after this.
    """
    if not isinstance(data, Mapping):
        raise DocumentError("", "文书必须是 JSON 对象", "a document must be a JSON object")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in DOCUMENT_TYPES:  # a list or an object is not hashable
        raise DocumentError(
            "kind",
            f"未知的文书类型 {kind!r}，应为 {' 或 '.join(KINDS)}",
            f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}",
        )
    document: Document = _convert(schema_of(kind).root, data, "")  # the schema of ``kind`` builds its class
    return document


def document_from_json(text: str | bytes) -> Document:
    """Parse JSON text into a canonical document; raise :class:`DocumentError`."""
    return parse_document(loads(text))


class InvalidDocument(DocumentError):
    """Report every value of a document that its schema does not admit (all of them, not the first)."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        first = violations[0]
        super().__init__(first.path, first.message.zh, first.message.en)

    def describe(self) -> str:
        """Return one line per violation, bilingual."""
        return "\n".join(v.describe() for v in self.violations)


def parse_input(data: Any) -> Document:
    """Return the document a channel received (form, workbook, API, editor): parsed, trimmed and in bounds.

    The one validation of every input channel: the strict decoder, then text trimmed (:func:`normalised`),
    then every bound of the schema (:func:`validate`) — all the values out of bounds in one
    :class:`InvalidDocument`, so a filer corrects them in one round.
    """
    if isinstance(data, Mapping) and data.get("kind") in DOCUMENT_TYPES:
        over = line_cap_violations(schema_of(data["kind"]).root, data)
        if over:  # refused before the lines are decoded (issue 19 item 5)
            raise InvalidDocument(over)
    document = normalised(parse_document(data))
    violations = validate(document)
    if violations:
        raise InvalidDocument(violations)
    return document


def document_from_input(text: str | bytes) -> Document:
    """Parse JSON text received from a channel (see :func:`parse_input`); raise :class:`DocumentError`."""
    return parse_input(loads(text))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _wrong_type(path: str, expected: str, value: Any) -> DocumentError:
    name = EXPECTED_TYPES.get(expected, EXPECTED_TYPES["object"])
    shown = _json_type(value)
    return DocumentError(path, f"应为{name.zh}，实际为 {shown}", f"expected {name.en}, got {shown}")


def _allowed(node: Field) -> tuple[Any, ...]:
    return (node.constant,) if node.kind == "constant" else node.values.values if node.values else ()


def _convert(node: Field, value: Any, path: str) -> Any:  # noqa: C901 - one branch per JSON type
    """Convert ``value`` for ``node`` the general way, or raise the :class:`DocumentError` naming ``path``.

    The per-object plans (``_object_plan``) take the common, valid values without coming here; every
    value they do not recognise at once comes here, so every error is raised by this one function.
    """
    if value is None:
        if node.nullable:
            return None
        raise DocumentError(path, "不能为空", "must not be null")
    kind = node.kind
    if kind == "object":
        if not isinstance(value, Mapping):
            raise _wrong_type(path, kind, value)
        return _convert_object(node, value, path)
    if kind in ("choice", "constant"):
        allowed = _allowed(node)
        if value in allowed and type(value) is type(allowed[0]):
            return value
        listed = ", ".join(repr(a) for a in allowed)
        raise DocumentError(
            path, f"取值 {value!r} 无效，应为 {listed} 之一", f"invalid value {value!r}; expected one of {listed}"
        )
    if kind == "list":
        if not isinstance(value, list):
            raise DocumentError(path, "应为数组", f"expected an array, got {_json_type(value)}")
        item = node.children[0]
        return [_convert(item, element, f"{path}[{i}]") for i, element in enumerate(value)]
    if kind == "map":
        if not isinstance(value, Mapping):
            raise DocumentError(path, "应为对象", f"expected an object, got {_json_type(value)}")
        out: dict[str, str] = {}
        for key, text in value.items():
            if not isinstance(text, str):
                raise _wrong_type(f"{path}.{key}", "text", text)
            out[key] = text
        return out
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise _wrong_type(path, kind, value)
        return Decimal(value)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(path, kind, value)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _wrong_type(path, kind, value)
        return value
    if kind in ("text", "code"):
        if not isinstance(value, str):
            raise _wrong_type(path, kind, value)
        return value
    if kind == "date":
        return _parse_date(value, path)
    raise TypeError(f"unsupported field kind {kind!r} at {path}")  # a programming error, not bad input


def _parse_date(value: Any, path: str) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise DocumentError(path, f"日期 {value!r} 无效，格式应为 YYYY-MM-DD", f"invalid date {value!r}; expected YYYY-MM-DD")


# Reading is hot: an import converts ~160 values per document. Dispatching on the node's kind for every
# value cost most of the decoder's time, so each object node gets a plan, built once, holding per field a
# ready-made converter. A converter takes the common valid value of its kind (exact types only:
# ``type(v) is str``) and hands everything else — null for a required field, a wrong type, a subclass —
# to ``_convert`` above, which accepts or refuses it exactly as it always did.

#: returned by a leaf check that does not decide a value: ``_convert`` must
_UNDECIDED: Any = object()
_MISSING: Any = object()

#: a leaf check: the converted value, or _UNDECIDED (needs no path: it never raises)
LeafCheck = typing.Callable[[Any], Any]
#: a composite converter (an object or array): needs the path, for the errors of its parts
Composite = typing.Callable[[Any, str], Any]


class _FieldPlan(typing.NamedTuple):
    # a named tuple: unpacked in the loop of _convert_object, cheaper than five attribute look-ups
    name: str
    node: Field
    required: bool
    leaf: LeafCheck | None  # exactly one of leaf / composite is set
    composite: Composite | None


@dataclasses.dataclass(frozen=True)
class _ObjectPlan:
    known: frozenset[str]
    fields: tuple[_FieldPlan, ...]


def _exact(kind: type) -> LeafCheck:
    def check(value: Any) -> Any:
        return value if type(value) is kind else _UNDECIDED
    return check


_EXACT_TYPES: dict[str, type] = {"integer": int, "boolean": bool, "text": str, "code": str}


def _leaf_check(node: Field) -> LeafCheck | None:  # noqa: C901 - one branch per leaf kind
    """Return the fast check of a leaf node, or None when it is an object or an array."""
    kind = node.kind
    check: LeafCheck
    if kind == "number":
        def check(value: Any) -> Any:
            kind = type(value)
            if kind is Decimal:
                return value  # Decimal(d) would be d itself
            # JSON numbers without a point or exponent arrive as int (loads parses only floats as Decimal)
            return Decimal(value) if kind is int else _UNDECIDED
    elif kind in _EXACT_TYPES:
        check = _exact(_EXACT_TYPES[kind])
    elif kind in ("choice", "constant"):
        allowed = _allowed(node)
        value_type, members = type(allowed[0]), frozenset(allowed)

        def check(value: Any) -> Any:
            # the type first: True == 1 must not pass for Literal[1], and a list must not be hashed
            return value if type(value) is value_type and value in members else _UNDECIDED
    elif kind == "date":
        def check(value: Any) -> Any:
            if type(value) is str and len(value) == 10:
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            return _UNDECIDED
    elif kind == "map":
        def check(value: Any) -> Any:
            return _UNDECIDED  # explanations: rare and small, the general way is fast enough
    else:
        return None
    if not node.nullable:
        return check
    inner_check = check

    def check_optional(value: Any) -> Any:
        return None if value is None else inner_check(value)
    return check_optional


def _composite(node: Field) -> Composite:
    """Return the converter of an object or list node (possibly nullable)."""
    if node.kind == "object":
        def convert_object(value: Any, path: str) -> Any:
            if type(value) is dict:
                return _convert_object(node, value, path)
            return _convert(node, value, path)  # null, or not an object
        return convert_object
    if node.kind == "list":
        item = node.children[0]
        leaf = _leaf_check(item)
        composite = None if leaf is not None else _composite(item)

        def convert_list(value: Any, path: str) -> Any:
            if type(value) is not list:
                return _convert(node, value, path)  # null, or not an array
            out = []
            for i, element in enumerate(value):
                if leaf is not None and (converted := leaf(element)) is not _UNDECIDED:
                    out.append(converted)
                elif composite is not None:
                    out.append(composite(element, f"{path}[{i}]"))
                else:
                    out.append(_convert(item, element, f"{path}[{i}]"))
            return out
        return convert_list
    raise TypeError(f"unsupported field kind {node.kind!r}")  # a programming error, not bad input


@cache
def _object_plan(node: Field) -> _ObjectPlan:
    fields = []
    for child in node.children:
        leaf = _leaf_check(child)
        fields.append(_FieldPlan(child.name, child, child.required, leaf,
                                 None if leaf is not None else _composite(child)))
    return _ObjectPlan(frozenset(f.name for f in fields), tuple(fields))


def _convert_object(node: Field, value: Mapping[str, Any], path: str) -> Any:
    plan = _object_plan(node)
    if not plan.known.issuperset(value):
        unknown = [key for key in value if key not in plan.known]
        where = _join(path, unknown[0])
        known = plan.known
        raise DocumentError(
            where,
            f"未知字段 {unknown[0]!r}（可用字段：{', '.join(sorted(known))}）",
            f"unknown field {unknown[0]!r} (known fields: {', '.join(sorted(known))})",
        )
    kwargs: dict[str, Any] = {}
    get = value.get
    # in declaration order, so the first error found is the one it always was
    for name, child, required, leaf, composite in plan.fields:
        item = get(name, _MISSING)
        if item is _MISSING:
            if required:
                raise DocumentError(_join(path, name), "缺少必填字段", "required field is missing")
        elif leaf is not None:
            converted = leaf(item)
            kwargs[name] = converted if converted is not _UNDECIDED else _convert(child, item, _join(path, name))
        elif composite is not None:  # exactly one of leaf / composite is set
            kwargs[name] = composite(item, _join(path, name))
    return node.python_type(**kwargs)


# ------------------------------------------------------------------------------------ writing JSON


@per_class
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@per_class
def _omitted_when_empty(cls: type) -> frozenset[str]:
    """Return the fields of ``cls`` left out of the canonical form while they hold None (or, a list, [] ).

    Fields added by an amendment of schema_version 1 (``info(since=...)``): a document that does not use
    them is written byte for byte as it was before they existed, so its SHA-256 still verifies. Such a field
    defaults to None, or is a list defaulting to an empty one (``kilns``: a list of its own, never null).
    """
    out = set()
    for f in dataclasses.fields(cls):
        found = f.metadata.get("info")
        if getattr(found, "since", None) is not None:
            if f.default is not None and f.default_factory is not list:  # pragma: no cover - declaration error
                raise TypeError(f"{cls.__name__}.{f.name}: a field added by an amendment defaults to None or []")
            out.add(f.name)
    return frozenset(out)


def _empty(value: Any) -> bool:
    return value is None or (type(value) is list and not value)


def to_data(obj: Any) -> Any:
    """Return plain JSON-ready data (dicts, lists, Decimal, str, bool, None) for a document or part."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is list:
        return [to_data(item) for item in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        omitted = _omitted_when_empty(kind)
        return {name: to_data(value) for name in _field_names(kind)
                if not (_empty(value := getattr(obj, name)) and name in omitted)}
    if isinstance(obj, list):
        return [to_data(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_data(item) for key, item in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


#: types ``to_data`` returns unchanged (exact types: a subclass takes the general way)
_SCALARS = frozenset({str, Decimal, int, bool, type(None), float})


def format_decimal(number: Decimal) -> str:
    """Return a Decimal in plain JSON notation, without exponent or trailing zeros (``1E+5`` → ``100000``)."""
    if not number.is_finite():
        raise ValueError(f"not a finite number: {number}")
    text = str(number)
    # Fast path for what imports are made of (a spreadsheet's 100000.0 arrives as Decimal("100000.0")):
    # without an exponent, and with fewer digits than the context's 28 (so normalize() cannot round),
    # the plain notation is str() without the trailing zeros of its fraction. ``format(normalize())``
    # below stays the definition; tests/unit/test_fast_paths_identity.py compares the two on ~9,000 numbers.
    if len(text) < 28 and "E" not in text:
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("0", "-0") else text
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# The canonical encoder appends to one list instead of chaining generators (one generator per value cost
# most of the import's encoding time), dispatches on the exact type with a dict, and encodes dataclasses
# directly from a per-class plan of sorted fields instead of building ``to_data`` dicts first. Anything
# unusual (subclasses, floats, other mappings) takes ``_write_other``, the old chain of isinstance tests.

_quote = json.encoder.encode_basestring  # what json.dumps(text, ensure_ascii=False) does, without the set-up


@per_class
def _sorted_fields(cls: type) -> tuple[tuple[str, str, bool], ...]:
    """Return (field name, its quoted JSON key, left out while empty) in canonical (sorted) order."""
    omitted = _omitted_when_empty(cls)
    return tuple((name, _quote(name) + ":", name in omitted) for name in sorted(_field_names(cls)))


def _write(value: Any, out: list[str]) -> None:
    """Append the canonical JSON of ``value`` to ``out``."""
    writer = _WRITERS.get(type(value))
    if writer is not None:
        writer(value, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _write_dataclass(value, out)
    else:
        _write_other(value, out)


def _write_dataclass(value: Any, out: list[str]) -> None:
    fields = _sorted_fields(type(value))
    if not fields:
        out.append("{}")
        return
    append = out.append
    separator = "{"
    for name, key, optional in fields:
        item = getattr(value, name)
        if optional and _empty(item):
            continue
        append(separator + key)
        separator = ","
        # the common leaves inline: the dict lookup and call of _write cost more than the test
        kind = type(item)
        if kind is str:
            append(_quote(item))
        elif kind is Decimal:
            append(format_decimal(item))
        elif item is None:
            append("null")
        elif isinstance(item, dt.date):  # to_data turns dates (and datetimes) into ISO text
            append(_quote(item.isoformat()))
        else:
            _write(item, out)
    append("}" if separator == "," else "{}")


def _write_list(value: Any, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    out.append("[")
    for i, item in enumerate(value):
        if i:
            out.append(",")
        _write(item, out)
    out.append("]")


def _write_dict(value: Any, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    separator = "{"
    for key in sorted(value):
        out.append(separator + _quote(str(key)) + ":")
        separator = ","
        _write(value[key], out)
    out.append("}")


def _write_other(value: Any, out: list[str]) -> None:  # noqa: C901 - the old chain, in its order
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Decimal):
        out.append(format_decimal(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(format_decimal(Decimal(repr(value))))
    elif isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, (dt.date, dt.datetime)):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, (list, tuple)):
        _write_list(value, out)
    elif isinstance(value, Mapping):
        _write_dict(value, out)
    elif dataclasses.is_dataclass(value):
        _write(to_data(value), out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")


_WRITERS: dict[type, typing.Callable[[Any, list[str]], None]] = {
    str: lambda value, out: out.append(_quote(value)),
    Decimal: lambda value, out: out.append(format_decimal(value)),
    type(None): lambda value, out: out.append("null"),
    bool: lambda value, out: out.append("true" if value else "false"),
    int: lambda value, out: out.append(str(value)),
    list: _write_list,
    tuple: _write_list,
    dict: _write_dict,
}


_SCALAR_WRITERS = {t: w for t, w in _WRITERS.items() if t not in (list, tuple, dict)}


def _write_indented(value: Any, indent: int, level: int, out: list[str]) -> None:
    """Append the indented JSON of ``value`` to ``out``: keys in declaration order (for people, not hashing)."""
    scalar = _SCALAR_WRITERS.get(type(value))
    if scalar is not None:  # most nodes: dispatched by exact type, before any isinstance test
        scalar(value, out)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = to_data(value)
    if isinstance(value, (list, tuple)):
        keys: list[str] = [""] * len(value)
        values: Any = value
        open_, close = "[", "]"
    elif isinstance(value, Mapping):
        keys = [_quote(str(key)) + ": " for key in value]
        values = value.values()
        open_, close = "{", "}"
    else:
        _write_other(value, out)  # a scalar of another type (a float, a date): written as in canonical form
        return
    if not keys:
        out.append(open_ + close)
        return
    pad = "\n" + " " * (indent * (level + 1))
    separator = "," + pad
    out.append(open_ + pad)
    for i, (key, item) in enumerate(zip(keys, values, strict=True)):
        if i:
            out.append(separator)
        out.append(key)
        _write_indented(item, indent, level + 1, out)
    out.append("\n" + " " * (indent * level) + close)


def dumps(value: Any, indent: int | None = None) -> str:
    """Serialise documents, computed blocks or plain data to JSON with exact decimals.

    Without ``indent`` the output is canonical: keys sorted, no white space. With ``indent`` keys keep
    their declaration order, which reads better for people.
    """
    out: list[str] = []
    if indent is None:
        _write(value, out)
    else:
        _write_indented(value, indent, 0, out)
    return "".join(out)


def canonical_json(document: Document) -> str:
    """Return the canonical JSON text of a document — what is hashed and frozen on submission."""
    return dumps(document)  # a dataclass is written as to_data() would give it, without building the dicts


def document_sha256(document: Document) -> str:
    """Return the SHA-256 (hex) of the document's canonical JSON in UTF-8."""
    return sha256_text(canonical_json(document))


def sha256_text(text: str) -> str:
    """Return the SHA-256 (hex) of a text in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decimal_or_none(value: Any) -> Decimal | None:
    """Return ``value`` as a Decimal, or None when it is not a finite number (helper for importers)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None

