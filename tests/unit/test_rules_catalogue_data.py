"""The rules' descriptions are data (portal/rules/catalogue.toml, citations.toml): loaded whole, checked strictly.

Each rule is described once, in catalogue.toml, and its check registered under its id; a citation names the
documents and clauses of citations.toml as {NAME}, so each clause is quoted once.
"""

from __future__ import annotations

import pytest

from portal.rules import citations, engine
from portal.rules.registry import REGISTRY, _rule_from_entry, catalogue


def test_every_catalogue_entry_has_its_check_and_every_check_its_entry() -> None:
    assert engine.RULES_VERSION
    assert set(catalogue()) == set(REGISTRY)
    for rule_id, entry in catalogue().items():
        assert REGISTRY[rule_id].check is not None
        assert REGISTRY[rule_id].check.__module__ == f"portal.rules.{entry['pack']}"


def test_a_citation_is_written_once_and_resolved_where_it_is_named() -> None:
    assert citations.resolve("{JS_SYNERGY}第（五）条") == "《江苏省减污降碳协同增效实施方案》第（五）条"
    # XCK-001 names a per-province entry as a whole: each province gets its own text (never both provinces')
    basis = REGISTRY["XCK-001"].basis
    assert set(basis) == {"JX", "JS"}
    assert basis["JX"].startswith("《江西省“十四五”生态环境保护规划》第四章第三节") and "江苏" not in basis["JX"]
    assert basis["JS"].startswith("《江苏省减污降碳协同增效实施方案》第（二十四）条") and "江西" not in basis["JS"]
    # a national basis is one text for every province
    assert REGISTRY["ENT-001"].basis == {"all": "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"}


def test_every_named_citation_exists_and_none_is_left_unresolved() -> None:
    for name in citations.texts():
        resolved = citations.resolve_basis("{" + name + "}")
        assert all("{" not in text and "}" not in text for text in resolved.values()), name
    with pytest.raises(KeyError, match="NO_SUCH_CLAUSE"):
        citations.resolve("{NO_SUCH_CLAUSE}第一条")


GOOD = {"pack": "ent", "severity": "error", "kinds": ["ghg_annual_report"], "provinces": ["JX"],
        "title": ["标题", "Title"], "checks": ["检查", "Checks"], "basis": "{JX_SYNERGY}第（五）条"}


def _check(doc: object, comp: object, ev: object) -> list[tuple[str, str, str]]:
    return []


_check.__module__ = "portal.rules.ent"


def test_a_well_formed_entry_builds_its_rule() -> None:
    built = _rule_from_entry("ENT-999", GOOD, _check)
    assert (built.severity, built.kinds, built.provinces) == ("error", frozenset({"ghg_annual_report"}), frozenset({"JX"}))
    assert built.basis == {"all": "《江西省减污降碳协同增效实施方案》第（五）条"}
    assert (built.title_zh, built.checks_en, built.params, built.note_zh) == ("标题", "Checks", (), None)


@pytest.mark.parametrize(("change", "named"), [
    ({"severity": "info"}, "severity 'info'"),
    ({"kinds": ["ghg"]}, "kinds ['ghg']"),
    ({"provinces": ["ZJ"]}, "provinces ['ZJ']"),
    ({"title": ["只有中文"]}, "ENT-999.title is not [Chinese, English]"),
    ({"colour": "red"}, "unknown keys ['colour']"),
    ({"pack": "ghg"}, "its check is in portal.rules.ent"),
    ({"basis": {"JX": "x", "ZJ": "y"}}, "keys JX and JS"),
])
def test_a_malformed_entry_is_refused_naming_the_rule_and_the_key(change: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match="ENT-999|keys JX and JS") as refused:
        _rule_from_entry("ENT-999", {**GOOD, **change}, _check)
    assert named in str(refused.value)
