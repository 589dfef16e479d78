"""Generate documents and decoder cases deterministically, for the codec byte-identity tests.

Independent of the codec's internals: documents are built from the dataclasses' type hints with a seeded
``random.Random``, and decoder cases are the worked examples and generated documents with one value
replaced, one field removed or one unknown field added — every path, several wrong (and right) values.
``python -m tests.unit.codec_cases`` rewrites ``snapshots/codec_cases.json`` — the decoder's answers
recorded with the codec as it was before the speed-up (only regenerate after an intended change).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random
import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from portal.domain.codec import DocumentError, loads, parse_document, to_data
from portal.domain.documents import CPA_KIND, DOCUMENT_TYPES, GHG_KIND, KINDS, Document

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES_DIR = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
EXAMPLES = {name: (EXAMPLES_DIR / f"{name}.json").read_bytes() for name in ("ghg-jx-cement-2024", "cpa-jx-cement-2023")}
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "codec_cases.json"

#: numbers whose canonical spelling is easy to get wrong: exponents, trailing zeros, signs, zero, more
#: digits than the decimal context's 28 (normalize() rounds them), tiny and huge magnitudes
TRICKY_DECIMALS = (
    "0", "-0", "0.0", "-0.000", "1", "10", "100000", "1E+5", "1.0E+5", "22.80", "0.00001", "1E-7", "-1.50",
    "123456789012345678901234567890", "1.23456789012345678901234567890123", "0.1000000000000000055511151231257827",
    "9.999999999999999999999999999999E+40", "1E-30", "-7.25E-3", "160000", "3.14159", "42", "0.652", "1234.5000",
)
TRICKY_TEXT = (
    "", "1#窑", "水泥熟料", "a\"b", "back\\slash", "tab\there", "new\nline", "\x00\x01\x1f", "\u2028\u2029",
    "emoji 🏭", "/slash/", "ＡＢＣ全角", "  spaced  ", "\x7f", "é", "9136070000000000X",
)


def _optional(tp: Any) -> tuple[bool, Any]:
    """Return (whether ``tp`` admits None, the type without None)."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != len(get_args(tp)):
            return True, args[0]
    return False, tp


def _value(tp: Any, rng: random.Random, depth: int) -> Any:  # noqa: C901 - one branch per field type
    optional, tp = _optional(tp)
    if optional and rng.random() < 0.25:
        return None
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return build(tp, rng, depth + 1)  # type: ignore[arg-type]
    if origin is Literal:
        return rng.choice(get_args(tp))
    if origin is list:
        (item,) = get_args(tp)
        return [_value(item, rng, depth + 1) for _ in range(rng.randint(0, 3 if depth < 2 else 1))]
    if origin is dict:
        return {rng.choice(TRICKY_TEXT) + str(i): rng.choice(TRICKY_TEXT) for i in range(rng.randint(0, 3))}
    if tp is Decimal:
        return Decimal(rng.choice(TRICKY_DECIMALS)) if rng.random() < 0.6 else Decimal(rng.randint(-10**6, 10**6)).scaleb(-rng.randint(0, 8))
    if tp is int:
        return rng.choice((0, 1, -5, 2024, 10**20))
    if tp is bool:
        return rng.random() < 0.5
    if tp is str:
        return rng.choice(TRICKY_TEXT)
    if tp is dt.date:
        return dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
    raise TypeError(f"no generator for {tp!r}")


def build(cls: type[Any], rng: random.Random, depth: int = 0) -> Any:
    """Return an instance of dataclass ``cls`` with every field filled from ``rng``."""
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _value(hints[f.name], rng, depth) for f in dataclasses.fields(cls)})


def generated_documents(count: int, seed: int = 7) -> list[Document]:
    """Return ``count`` generated documents of every kind, deterministically.

    The GHG reports and audits come first, drawn from ``seed`` exactly as before the disclosure kinds
    existed (their recorded answers and bytes stay comparable); the kinds added later follow, each from
    a generator of its own.
    """
    first = (GHG_KIND, CPA_KIND)
    rng = random.Random(seed)
    documents = [build(DOCUMENT_TYPES[kind], rng) for _ in range(count) for kind in first]
    for n, kind in enumerate(k for k in KINDS if k not in first):
        rng = random.Random(seed * 1000 + n)
        documents += [build(DOCUMENT_TYPES[kind], rng) for _ in range(count)]
    return documents


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*path, i))


_REPLACEMENTS: tuple[Any, ...] = (None, "x", True, 7, Decimal("1.5"), [], {}, "2024-02-30", "2024-01-01",
                                  [{"id": "1#"}], {"uscc": 1})
_MISSING = object()


def decoder_cases() -> Iterator[tuple[str, Any]]:
    """Yield (case name, JSON-like data): the sources, then each with one change."""
    sources = {name: loads(text) for name, text in EXAMPLES.items()}
    for i, document in enumerate(generated_documents(2)):
        sources[f"generated-{i}"] = loads(_json_text(to_data(document)))
    for name, data in sources.items():
        yield name, data
        for path in _paths(data):
            if len(path) < 1 or path == ("kind",):  # the kind picks the type: tested on its own
                continue
            parent: Any = data
            for key in path[:-1]:
                parent = parent[key]
            key, original = path[-1], parent[path[-1]]
            where = ".".join(map(str, path))
            for n, value in enumerate(_REPLACEMENTS):
                parent[key] = value
                yield f"{name}:{where}={n}", data
            if isinstance(parent, dict):
                del parent[key]
                yield f"{name}:{where} removed", data
                parent["zz_unknown"] = 1
                yield f"{name}:{where} unknown", data
                del parent["zz_unknown"]
            parent[key] = original
            if isinstance(parent, dict):  # restore the key order too
                items = list(parent.items())
                parent.clear()
                parent.update(items)


def _json_text(data: Any) -> str:
    return json.dumps(data, default=lambda v: float(v) if isinstance(v, Decimal) else str(v), ensure_ascii=False)


def decoder_answer(data: Any) -> list[str]:
    """Return what the decoder made of ``data``: the error's path and messages, or a digest of the document."""
    try:
        document = parse_document(data)
    except DocumentError as exc:
        return ["error", exc.path, exc.message_zh, exc.message_en]
    # repr shows every field with its type (Decimal('22.8'), datetime.date(...)): equal reprs, equal documents
    return ["document", hashlib.sha256(repr(document).encode()).hexdigest()]


def main() -> None:
    """Record the decoder's answer to every case in the snapshot file."""
    answers: list[list[str]] = []  # each distinct answer once: the cases point into this list
    index: dict[tuple[str, ...], int] = {}
    cases: list[int] = []  # the answer of each case, in the order decoder_cases() yields them
    for _, data in decoder_cases():
        answer = tuple(decoder_answer(data))
        cases.append(index.setdefault(answer, len(index)))
        if cases[-1] == len(answers):
            answers.append(list(answer))
    text = (f'{{"answers": {json.dumps(answers, ensure_ascii=False, indent=0)},\n'
            f'"cases": {json.dumps(cases, separators=(",", ":"))}}}')
    SNAPSHOT.write_text(text + "\n", "utf-8")
    print(f"{len(cases)} cases, {len(answers)} distinct answers written to {SNAPSHOT}")


if __name__ == "__main__":
    main()
