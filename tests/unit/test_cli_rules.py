"""``portal rules [--json]``: the catalogue in force, as the reviewer's catalogue page lists it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from portal.cli import main
from portal.rules.engine import rule_catalogue
from portal.rules_cli import documents_cited


def test_rules_json_lists_every_rule_with_its_scope_and_citation() -> None:
    result = CliRunner().invoke(main, ["rules", "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert [e["id"] for e in entries] == [e["id"] for e in rule_catalogue()]
    for entry in entries:
        assert {"id", "severity", "scope", "citation", "kinds", "provinces", "check_zh", "check_en"} <= entry.keys()
        assert entry["severity"] in ("error", "warning", "notice") and entry["citation"].strip()
        assert ".md" not in entry["citation"] and "§" not in entry["citation"]  # official documents only
    pln_001 = next(e for e in entries if e["id"] == "PLN-001")
    assert pln_001["scope"] == "JX" and list(pln_001["citation_by_province"]) == ["JX"]
    assert "《江西省“十四五”生态环境保护规划》" in pln_001["documents"]


def test_rules_text_names_each_rule_with_its_check_in_both_languages() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert "GHG-015  警告 / warning  [all]" in result.output
    assert "检查：" in result.output and "check: " in result.output
    assert result.output.count("\n\n") >= len(rule_catalogue()) - 1


def test_documents_are_read_off_a_citation() -> None:
    assert documents_cited("《高耗能行业…》（发改产业〔2021〕1609号、〔2023〕723号）；GB 32100-2015《编码规则》") == [
        "《高耗能行业…》", "发改产业〔2021〕1609号", "〔2023〕723号", "GB 32100-2015", "《编码规则》"]
