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
import types
import typing
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal, get_args, get_origin

from .documents import DOCUMENT_TYPES, KINDS, Document


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
    """Return the canonical document held by parsed JSON ``data``; raise :class:`DocumentError`."""
    if not isinstance(data, Mapping):
        raise DocumentError("", "文书必须是 JSON 对象", "a document must be a JSON object")
    kind = data.get("kind")
    if kind not in DOCUMENT_TYPES:
        raise DocumentError(
            "kind",
            f"未知的文书类型 {kind!r}，应为 {' 或 '.join(KINDS)}",
            f"unknown document kind {kind!r}; expected one of {', '.join(KINDS)}",
        )
    return _convert(DOCUMENT_TYPES[kind], data, "")  # type: ignore[no-any-return]


def document_from_json(text: str | bytes) -> Document:
    """Parse JSON text into a canonical document; raise :class:`DocumentError`."""
    return parse_document(loads(text))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


_TYPE_NAMES = {
    Decimal: ("数值", "a number"),
    int: ("整数", "an integer"),
    str: ("文本", "a string"),
    bool: ("布尔值 true/false", "a boolean (true/false)"),
    dt.date: ("日期 YYYY-MM-DD", "a date YYYY-MM-DD"),
}


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


def _wrong_type(path: str, expected: Any, value: Any) -> DocumentError:
    zh, en = _TYPE_NAMES.get(expected, ("对象", "an object"))
    shown = _json_type(value)
    return DocumentError(path, f"应为{zh}，实际为 {shown}", f"expected {en}, got {shown}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != len(get_args(tp)):
            return True, args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
    return False, tp


def _convert(tp: Any, value: Any, path: str) -> Any:  # noqa: C901 - one branch per JSON type
    optional, tp = _is_optional(tp)
    if value is None:
        if optional:
            return None
        raise DocumentError(path, "不能为空", "must not be null")
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise _wrong_type(path, tp, value)
        return _convert_object(tp, value, path)
    if origin is Literal:
        allowed = get_args(tp)
        if value in allowed and type(value) is type(allowed[0]):
            return value
        listed = ", ".join(repr(a) for a in allowed)
        raise DocumentError(
            path, f"取值 {value!r} 无效，应为 {listed} 之一", f"invalid value {value!r}; expected one of {listed}"
        )
    if origin is list:
        if not isinstance(value, list):
            raise DocumentError(path, "应为数组", f"expected an array, got {_json_type(value)}")
        (item_type,) = get_args(tp)
        return [_convert(item_type, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            raise DocumentError(path, "应为对象", f"expected an object, got {_json_type(value)}")
        out: dict[str, str] = {}
        for key, item in value.items():
            if not isinstance(item, str):
                raise _wrong_type(f"{path}.{key}", str, item)
            out[key] = item
        return out
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise _wrong_type(path, Decimal, value)
        return Decimal(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(path, int, value)
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise _wrong_type(path, bool, value)
        return value
    if tp is str:
        if not isinstance(value, str):
            raise _wrong_type(path, str, value)
        return value
    if tp is dt.date:
        return _parse_date(value, path)
    raise TypeError(f"unsupported field type {tp!r} at {path}")  # a programming error, not bad input


def _parse_date(value: Any, path: str) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise DocumentError(path, f"日期 {value!r} 无效，格式应为 YYYY-MM-DD", f"invalid date {value!r}; expected YYYY-MM-DD")


def _convert_object(cls: type, value: Mapping[str, Any], path: str) -> Any:
    hints = _hints(cls)
    known = {f.name for f in _fields(cls)}
    unknown = [key for key in value if key not in known]
    if unknown:
        where = _join(path, unknown[0])
        raise DocumentError(
            where,
            f"未知字段 {unknown[0]!r}（可用字段：{', '.join(sorted(known))}）",
            f"unknown field {unknown[0]!r} (known fields: {', '.join(sorted(known))})",
        )
    kwargs: dict[str, Any] = {}
    for f in _fields(cls):
        if f.name in value:
            kwargs[f.name] = _convert(hints[f.name], value[f.name], _join(path, f.name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise DocumentError(_join(path, f.name), "缺少必填字段", "required field is missing")
    return cls(**kwargs)


# ------------------------------------------------------------------------------------ writing JSON


def to_data(obj: Any) -> Any:
    """Return plain JSON-ready data (dicts, lists, Decimal, str, bool, None) for a document or part."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in _fields(type(obj))}
    if isinstance(obj, list):
        return [to_data(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_data(item) for key, item in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def format_decimal(number: Decimal) -> str:
    """Return a Decimal in plain JSON notation, without exponent or trailing zeros (``1E+5`` → ``100000``)."""
    if not number.is_finite():
        raise ValueError(f"not a finite number: {number}")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _encode(value: Any, indent: int | None, level: int) -> Iterator[str]:
    if value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, Decimal):
        yield format_decimal(value)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, float):
        yield format_decimal(Decimal(repr(value)))
    elif isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (dt.date, dt.datetime)):
        yield json.dumps(value.isoformat())
    elif isinstance(value, (list, tuple)):
        yield from _encode_items([_encode(v, indent, level + 1) for v in value], "[", "]", indent, level)
    elif isinstance(value, Mapping):
        keys = sorted(value) if indent is None else list(value)
        parts = [
            _prefixed(json.dumps(str(k), ensure_ascii=False) + (": " if indent is not None else ":"),
                      _encode(value[k], indent, level + 1))
            for k in keys
        ]
        yield from _encode_items(parts, "{", "}", indent, level)
    elif dataclasses.is_dataclass(value):
        yield from _encode(to_data(value), indent, level)
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")


def _prefixed(prefix: str, parts: Iterator[str]) -> Iterator[str]:
    yield prefix
    yield from parts


def _encode_items(
    items: list[Iterator[str]], open_: str, close: str, indent: int | None, level: int
) -> Iterator[str]:
    if not items:
        yield open_ + close
        return
    if indent is None:
        yield open_
        for i, item in enumerate(items):
            if i:
                yield ","
            yield from item
        yield close
        return
    pad = "\n" + " " * (indent * (level + 1))
    yield open_
    for i, item in enumerate(items):
        yield ("," if i else "") + pad
        yield from item
    yield "\n" + " " * (indent * level) + close


def dumps(value: Any, indent: int | None = None) -> str:
    """Serialise documents, computed blocks or plain data to JSON with exact decimals.

    Without ``indent`` the output is canonical: keys sorted, no white space. With ``indent`` keys keep
    their declaration order, which reads better for people.
    """
    return "".join(_encode(value, indent, 0))


def canonical_json(document: Document) -> str:
    """Return the canonical JSON text of a document — what is hashed and frozen on submission."""
    return dumps(to_data(document))


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

