"""Prove the fast paths say exactly what the old code said: same canonical bytes, documents, errors, numbers.

The canonical JSON is hashed and frozen in submitted versions, so its bytes may never change. The
reference encoder below is the codec's encoder as it was before the speed-up (issue 7, item 5), kept
verbatim as the oracle; the decoder's answers were recorded before the speed-up in
``snapshots/codec_cases.json`` (see ``codec_cases.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from typing import Any

import pytest

from portal.domain.codec import (
    DocumentError,
    canonical_json,
    document_from_json,
    document_sha256,
    dumps,
    format_decimal,
    parse_document,
    to_data,
)

from .codec_cases import (
    EXAMPLES,
    SNAPSHOT,
    TRICKY_DECIMALS,
    TRICKY_TEXT,
    decoder_answer,
    decoder_cases,
    generated_documents,
)

# ------------------------------------------------------------- the encoder before the speed-up (oracle)


def _added_by_an_amendment(f: dataclasses.Field[Any]) -> bool:
    return getattr(f.metadata.get("info"), "since", None) is not None


def _old_to_data(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # The canonical form leaves out the fields an amendment added while they hold no value — None, or an
        # empty list (the documents of before keep their bytes): the oracle does the same.
        return {f.name: _old_to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not (_added_by_an_amendment(f) and getattr(obj, f.name) in (None, []))}
    if isinstance(obj, list):
        return [_old_to_data(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _old_to_data(item) for key, item in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _old_format_decimal(number: Decimal) -> str:
    if not number.is_finite():
        raise ValueError(f"not a finite number: {number}")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _old_encode(value: Any, indent: int | None, level: int) -> Iterator[str]:  # noqa: C901
    if value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, Decimal):
        yield _old_format_decimal(value)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, float):
        yield _old_format_decimal(Decimal(repr(value)))
    elif isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (dt.date, dt.datetime)):
        yield json.dumps(value.isoformat())
    elif isinstance(value, (list, tuple)):
        yield from _old_items([_old_encode(v, indent, level + 1) for v in value], "[", "]", indent, level)
    elif isinstance(value, Mapping):
        keys = sorted(value) if indent is None else list(value)
        parts = [_old_prefixed(json.dumps(str(k), ensure_ascii=False) + (": " if indent is not None else ":"),
                               _old_encode(value[k], indent, level + 1)) for k in keys]
        yield from _old_items(parts, "{", "}", indent, level)
    elif dataclasses.is_dataclass(value):
        yield from _old_encode(_old_to_data(value), indent, level)
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")


def _old_prefixed(prefix: str, parts: Iterator[str]) -> Iterator[str]:
    yield prefix
    yield from parts


def _old_items(items: list[Iterator[str]], open_: str, close: str, indent: int | None, level: int) -> Iterator[str]:
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


def old_dumps(value: Any, indent: int | None = None) -> str:
    return "".join(_old_encode(value, indent, 0))


def old_canonical_json(document: Any) -> str:
    return old_dumps(_old_to_data(document))


# ------------------------------------------------------------------------------------------- tests

#: SHA-256 of the worked examples' canonical JSON, computed with the codec before the speed-up
EXAMPLE_SHA256 = {
    "ghg-jx-cement-2024": "84403724e8a56974541ce0b88b1f843c2e454943e0d33fbe7df18fe1aad3e35d",
    "cpa-jx-cement-2023": "c06100dbf656a3d316c2658dc5a668f43e51a2951c573c059aba52d1faec281f",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_worked_examples_keep_their_canonical_bytes(name: str) -> None:
    document = document_from_json(EXAMPLES[name])
    assert canonical_json(document) == old_canonical_json(document)
    assert document_sha256(document) == EXAMPLE_SHA256[name]


GENERATED = generated_documents(60)


@pytest.mark.parametrize("index", range(len(GENERATED)))
def test_generated_documents_keep_their_canonical_bytes(index: int) -> None:
    document = GENERATED[index]
    text = canonical_json(document)
    assert text == old_canonical_json(document)
    assert to_data(document) == _old_to_data(document)
    assert dumps(to_data(document), indent=2) == old_dumps(_old_to_data(document), indent=2)
    assert dumps(document) == old_dumps(document)  # a dataclass given to dumps directly
    assert dumps(document, indent=2) == old_dumps(document, indent=2)
    assert dumps({"document": document, "list": [document.enterprise]}, indent=1) == old_dumps(
        {"document": document, "list": [document.enterprise]}, indent=1)
    # and the text reads back as an equal document that encodes to the same bytes
    again = document_from_json(text)
    assert canonical_json(again) == text


def test_plain_data_encodes_as_before() -> None:
    rng = random.Random(11)
    scalars: list[Any] = [None, True, False, 0, -3, 10**30, 1.5, 0.1, -0.0, 1e22, 1e-7, dt.date(2024, 2, 29),
                          dt.datetime(2024, 1, 5, 8, 30), *map(Decimal, TRICKY_DECIMALS), *TRICKY_TEXT]

    def value(depth: int) -> Any:
        roll = rng.random()
        if depth > 3 or roll < 0.5:
            return rng.choice(scalars)
        if roll < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if roll < 0.8:
            return tuple(value(depth + 1) for _ in range(rng.randint(0, 3)))
        return {rng.choice(TRICKY_TEXT) + str(i): value(depth + 1) for i in range(rng.randint(0, 4))}

    for _ in range(400):
        data = value(0)
        assert dumps(data) == old_dumps(data)
        assert dumps(data, indent=2) == old_dumps(data, indent=2)
        assert dumps(data, indent=1) == old_dumps(data, indent=1)


def test_decimals_format_as_before() -> None:
    rng = random.Random(5)
    numbers = [Decimal(t) for t in TRICKY_DECIMALS]
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 34)))
        numbers.append(Decimal(f"{rng.choice('-+')}{digits}").scaleb(rng.randint(-40, 40)))
        numbers.append(Decimal(repr(rng.uniform(-1e6, 1e6))))
        numbers.append(Decimal(repr(float(rng.randint(-10**7, 10**7)))))  # a spreadsheet's 100000.0
    for number in numbers:
        assert format_decimal(number) == _old_format_decimal(number), number
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")):
        with pytest.raises(ValueError, match="not a finite number"):
            format_decimal(bad)
        with pytest.raises(ValueError, match="not a finite number"):
            dumps({"a": [bad]})


def test_arithmetic_numbers_format_as_before() -> None:
    # calc.ghg._n (the numbers quoted in the arithmetic of every result) has the same fast path
    from portal.calc.ghg import _CONTEXT, _n

    rng = random.Random(9)
    numbers = [Decimal(t) for t in TRICKY_DECIMALS] + [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 34)))
        numbers.append(Decimal(f"{rng.choice('-+')}{digits}").scaleb(rng.randint(-40, 40)))
    with localcontext(_CONTEXT):
        for number in numbers:
            text = format(number.normalize(), "f")
            assert _n(number) == ("0" if text in ("0", "-0") else text), number


def test_unencodable_values_are_refused_as_before() -> None:
    for bad in (object(), {1, 2}, b"bytes"):
        with pytest.raises(TypeError, match="cannot encode"):
            dumps([bad])


def test_decoder_answers_as_before() -> None:
    recorded = json.loads(SNAPSHOT.read_text("utf-8"))
    # decoder_cases() changes one data structure in place between cases: answer each before the next
    for (name, data), expected in zip(decoder_cases(), recorded["cases"], strict=True):
        assert decoder_answer(data) == recorded["answers"][expected], name


def test_a_kind_that_is_not_text_is_refused() -> None:
    # Before: {"kind": []} raised TypeError (unhashable) — a 500 for bad input; now the usual message.
    for kind in ([], {}, 1, None):
        with pytest.raises(DocumentError, match="unknown document kind") as caught:
            parse_document({"kind": kind})
        assert caught.value.path == "kind"


def test_whole_numbers_read_from_cells_as_before() -> None:
    # normalise.to_int takes whole floats without a Decimal below 2**53; the general way decides the rest
    from portal.importers.normalise import CellValueError, to_decimal, to_int

    rng = random.Random(3)
    values = [0.0, -0.0, 2024.0, -5.0, 2.0**53 - 1, 2.0**53, 2.0**53 + 2, 1e22, 1e23, -1e23, 2024.5,
              float("inf"), float("nan"), *(float(rng.randint(-10**16, 10**16)) for _ in range(2000))]
    for value in values:
        try:
            number = to_decimal(value)
            expected: object = int(number) if number == number.to_integral_value() else CellValueError
        except CellValueError:
            expected = CellValueError
        try:
            got: object = to_int(value)
        except CellValueError:
            got = CellValueError
        assert got == expected, value


@pytest.mark.parametrize("formula", [b"<f>SUM(A2:B2)</f>", b"<x:f>SUM(A2:B2)</x:f>", b'<f t="shared" si="0"/>'])
def test_formulas_are_still_found_past_the_guards_prefilter(formula: bytes) -> None:
    # guard._scan_part runs the formula regex only where "<f" or ":f" occurs: both spellings still caught
    from tests.unit.test_import_guard import _first_sheet, _refused, _replace_part, _template

    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<x:dimension ref="A1:C2"/><x:sheetData><x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c>'
             b'<x:c r="C2">' + formula + b"<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>")
    data = _template()
    _refused(_replace_part(data, _first_sheet(data), sheet), "C2", "formula")
