"""Strict JSON (de)serialisation of the canonical documents, canonical form and hash."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from portal.domain.codec import (
    DocumentError,
    canonical_json,
    document_from_json,
    document_sha256,
    dumps,
    format_decimal,
)
from portal.domain.documents import CleanProductionAudit, GhgAnnualReport, filing_year

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
GHG = json.loads((EXAMPLES / "ghg-jx-cement-2024.json").read_text("utf-8"))
CPA = json.loads((EXAMPLES / "cpa-jx-cement-2023.json").read_text("utf-8"))


def _error(data: object) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        document_from_json(json.dumps(data, ensure_ascii=False))
    return caught.value


def test_examples_parse_into_typed_documents() -> None:
    ghg = document_from_json(json.dumps(GHG))
    assert isinstance(ghg, GhgAnnualReport)
    assert ghg.fuels[0].consumption == Decimal("160000") and ghg.fuels[0].ncv == Decimal("22.8")
    assert ghg.fuels[0].carbon_content is None
    cpa = document_from_json(json.dumps(CPA))
    assert isinstance(cpa, CleanProductionAudit)
    assert cpa.phases.implementation.end.isoformat() == "2024-06-30"
    assert filing_year(cpa) == 2023 and filing_year(ghg) == 2024


@pytest.mark.parametrize("source", [GHG, CPA])
def test_canonical_round_trip_is_exact(source: dict) -> None:  # type: ignore[type-arg]
    document = document_from_json(json.dumps(source))
    text = canonical_json(document)
    assert document_from_json(text) == document
    assert canonical_json(document_from_json(text)) == text
    assert document_sha256(document) == document_sha256(document_from_json(text))


def test_canonical_form_is_independent_of_key_order_and_number_spelling() -> None:
    shuffled = dict(reversed(list(GHG.items())))
    a = document_from_json(json.dumps(GHG))
    b = document_from_json(json.dumps(shuffled).replace('"consumption": 160000', '"consumption": 1.6e5'))
    assert canonical_json(a) == canonical_json(b)


def test_unknown_field_is_named_with_its_path() -> None:
    data = json.loads(json.dumps(GHG))
    data["fuels"][1]["nvc"] = 42.6
    error = _error(data)
    assert error.path == "fuels[1].nvc"
    assert "未知字段" in error.message_zh and "unknown field" in error.message_en


def test_unknown_top_level_field() -> None:
    error = _error({**GHG, "totl": 1})
    assert error.path == "totl"


@pytest.mark.parametrize(("path", "value", "expect_zh"), [
    (("fuels", 0, "consumption"), "160000", "应为数值"),  # numbers are JSON numbers, never strings
    (("fuels", 0, "consumption"), True, "应为数值"),
    (("reporting_year",), 2024.5, "应为整数"),
    (("enterprise", "is_key_emitter"), "yes", "布尔值"),
    (("fuels",), {}, "应为数组"),
    (("boilers",), [{"id": "1#", "fuel": "peat"}], "无效"),
])
def test_wrong_types_are_rejected_with_path(path: tuple, value: object, expect_zh: str) -> None:  # type: ignore[type-arg]
    data = json.loads(json.dumps(GHG))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    error = _error(data)
    expected_path = ".".join(str(p) for p in path).replace(".0.", "[0].").replace(".0", "[0]")
    assert error.path.startswith(expected_path.split("[")[0])
    assert expect_zh in error.message_zh


def test_missing_required_field() -> None:
    data = json.loads(json.dumps(GHG))
    del data["fuels"][0]["consumption"]
    error = _error(data)
    assert error.path == "fuels[0].consumption" and "缺少必填字段" in error.message_zh


def test_null_for_a_non_nullable_field() -> None:
    data = json.loads(json.dumps(GHG))
    data["fuels"][0]["consumption"] = None
    assert _error(data).path == "fuels[0].consumption"


def test_invalid_dates() -> None:
    data = json.loads(json.dumps(CPA))
    data["phases"]["assessment"]["end"] = "2023-02-30"
    error = _error(data)
    assert error.path == "phases.assessment.end" and "YYYY-MM-DD" in error.message_en


def test_bad_json_encoding_and_constants() -> None:
    with pytest.raises(DocumentError, match="not valid JSON"):
        document_from_json(b"{")
    with pytest.raises(DocumentError, match="UTF-8"):
        document_from_json(json.dumps(GHG, ensure_ascii=False).encode("gbk"))
    with pytest.raises(DocumentError, match="NaN"):
        document_from_json(json.dumps(GHG).replace('"consumption": 120', '"consumption": NaN'))
    with pytest.raises(DocumentError, match="appears twice"):
        document_from_json('{"kind": "ghg_annual_report", "kind": "ghg_annual_report"}')
    with pytest.raises(DocumentError, match="unknown document kind"):
        document_from_json('{"kind": "tax_return"}')
    with pytest.raises(DocumentError, match="JSON object"):
        document_from_json("[]")


def test_utf8_bom_is_accepted() -> None:
    assert isinstance(document_from_json(b"\xef\xbb\xbf" + json.dumps(GHG).encode()), GhgAnnualReport)


@pytest.mark.parametrize(("text", "expected"), [
    ("1E+5", "100000"), ("22.80", "22.8"), ("0.00001", "0.00001"), ("-0", "0"), ("-1.50", "-1.5"), ("0", "0"),
])
def test_decimal_formatting(text: str, expected: str) -> None:
    assert format_decimal(Decimal(text)) == expected


def test_dumps_indent_keeps_declaration_order() -> None:
    assert dumps({"b": 1, "a": [Decimal("1.0"), None]}) == '{"a":[1,null],"b":1}'
    assert dumps({"b": 1, "a": []}, indent=1) == '{\n "b": 1,\n "a": []\n}'
