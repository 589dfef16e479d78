"""``portal check``, ``portal xlsx`` and ``portal render`` for the disclosure kinds (exit codes 0 / 1 / 2)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from portal.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "examples"
_SHARED = ROOT.parent / "shared" / "examples"
SHARED = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
ANNUAL = EXAMPLES / "disclosure-jx-cement-2024.json"
ADHOC = EXAMPLES / "adhoc-jx-cement-2024-penalty.json"
AUDIT = EXAMPLES / "cpa-jx-cement-2023-mandatory.json"
GHG = SHARED / "ghg-jx-cement-2024.json"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _variant(tmp_path: Path, source: Path, name: str, change: Any) -> Path:
    data = json.loads(source.read_text("utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_both_examples_check_clean_with_their_computed_values() -> None:
    code, out, err = _run("check", str(ANNUAL), str(ADHOC), "--json")
    assert code == 0, err
    annual, adhoc = json.loads(out)
    assert annual["kind"] == "env_disclosure_annual_report" and adhoc["kind"] == "env_disclosure_adhoc"
    c = annual["computed"]
    assert c["due_on"] == "2025-03-15" and c["days_late"] == 0
    assert c["carbon_total_tco2"] == 1067866 and c["carbon_change_pct"] == 0.0135 and c["ccer_share"] == 0.05
    assert c["permitted_ratio"] == {"so2": 0.425, "nox": 0.6833, "pm": 0.6}
    assert c["hazardous_waste_t"]["generated"] == 4.45 and c["hazardous_waste_t"]["transferred"] == 4.05
    assert c["general_waste_use_rate"] == 0.9583 and c["monitoring_completion_rate"] == 0.9583
    assert c["implementation_rate_no_low"] == 1 and c["implementation_rate_medium_high"] == 0.5
    assert [a["due_on"] for a in c["adhoc"]] == ["2024-06-21", "2024-10-09"]
    assert c["required_sections"][-2:] == ["audit", "financing"]
    assert annual["findings"] == [] and "prefill" not in annual  # the document's own prefill is used
    assert adhoc["computed"] == {"received_on": "2024-09-26", "due_on": "2024-10-09", "working_days_elapsed": 5,
                                 "calendar_missing": []}


def test_a_missing_required_section_exits_1(tmp_path: Path) -> None:
    bad = _variant(tmp_path, ANNUAL, "no-key-info.json", lambda d: d.pop("key_info"))
    code, out, _ = _run("check", str(bad), "--json")
    assert code == 1
    (result,) = json.loads(out)
    assert [(f["rule"], f["severity"], f["path"]) for f in result["findings"]] == [("DSC-002", "error", "key_info")]


def test_a_warning_alone_exits_0(tmp_path: Path) -> None:
    late = _variant(tmp_path, ADHOC, "late.json", lambda d: d.update(disclosed_on="2024-10-10"))
    code, out, _ = _run("check", str(late), "--json")
    assert code == 0
    assert [f["rule"] for f in json.loads(out)[0]["findings"]] == ["DSC-007"]


def test_an_unknown_field_and_a_none_where_none_is_no_field_exit_2(tmp_path: Path) -> None:
    bad = _variant(tmp_path, ANNUAL, "bad.json", lambda d: d["key_info"].update(none=True))
    code, out, err = _run("check", str(bad))
    assert code == 2 and out == ""
    assert "key_info.none" in err and "unknown field 'none'" in err


def test_a_year_before_the_measures_is_refused(tmp_path: Path) -> None:
    old = _variant(tmp_path, ANNUAL, "old.json", lambda d: d.update(reporting_year=2020))
    code, _, err = _run("check", str(old))
    assert code == 2 and "reporting_year" in err and "2,021" in err  # the bound, grouped as every bound is


def test_ghg_and_audit_derive_the_prefill(tmp_path: Path) -> None:
    # the example without its prefill: a key emitter under a mandatory audit cannot be cross-checked …
    bare = _variant(tmp_path, ANNUAL, "bare.json", lambda d: d.update(prefill={}))
    code, out, _ = _run("check", str(bare), "--json")
    assert code == 0
    assert sorted(f["path"] for f in json.loads(out)[0]["findings"]) == ["prefill.audit", "prefill.ghg"]
    # … until the accepted filings are given: the pre-fill derived from them is the example's own
    code, out, err = _run("check", str(bare), "--ghg", str(GHG), "--audit", str(AUDIT), "--json")
    assert code == 0, err
    (result,) = json.loads(out)
    assert result["findings"] == []
    assert result["prefill"] == json.loads(ANNUAL.read_text("utf-8"))["prefill"]


def test_a_differing_figure_against_the_given_ghg_report(tmp_path: Path) -> None:
    changed = _variant(tmp_path, ANNUAL, "changed.json",
                       lambda d: (d["carbon"].update(direct_tco2=1020000), d["key_info"].update(total_tco2=1075890)))
    code, out, _ = _run("check", str(changed), "--ghg", str(GHG), "--json")
    assert code == 0
    found = [(f["rule"], f["path"]) for f in json.loads(out)[0]["findings"]]
    assert ("DSC-003", "carbon.direct_tco2") in found
    assert ("DSC-011", "prefill.audit") in found  # --audit not given: the derived prefill has no audit


def test_a_ghg_report_of_another_year_is_refused(tmp_path: Path) -> None:
    other = _variant(tmp_path, GHG, "ghg-2023.json", lambda d: d.update(reporting_year=2023))
    code, out, err = _run("check", str(ANNUAL), "--ghg", str(other))
    assert code == 2 and "2023" in err and "2024" in err


def test_ghg_must_be_a_ghg_report() -> None:
    code, _, err = _run("check", str(ANNUAL), "--ghg", str(AUDIT))
    assert code == 2 and "--ghg must be a ghg_annual_report" in err


def test_a_voluntary_audit_is_said_not_to_be_used() -> None:
    code, _, err = _run("check", str(ANNUAL), "--audit", str(SHARED / "cpa-jx-cement-2023.json"))
    assert code == 0 and "not a mandatory audit" in err


def test_xlsx_and_check_of_the_workbook_report_the_same(tmp_path: Path) -> None:
    second = _variant(tmp_path, ANNUAL, "second.json", lambda d: (d.update(reporting_year=2023, disclosed_on=None),
                                                                 d.pop("financing")))
    out_xlsx = tmp_path / "annual.xlsx"
    code, _, err = _run("xlsx", str(ANNUAL), str(second), "-o", str(out_xlsx))
    assert code == 0, err
    code, from_json, _ = _run("check", str(ANNUAL), str(second), "--json")
    code_x, from_xlsx, _ = _run("check", str(out_xlsx), "--json")
    assert code == code_x == 1  # the second lacks its financing section (DSC-002)
    json_results, xlsx_results = json.loads(from_json), json.loads(from_xlsx)
    assert [(r["uscc"], r["year"]) for r in xlsx_results] == [("91360700MA38P2K51K", 2024), ("91360700MA38P2K51K", 2023)]
    for a, b in zip(json_results, xlsx_results, strict=True):
        assert (a["computed"], a["findings"]) == (b["computed"], b["findings"])


def test_xlsx_of_adhoc_reports(tmp_path: Path) -> None:
    second = _variant(tmp_path, ADHOC, "second.json", lambda d: (
        d.update(trigger="permit_renewed", details={"permit_type": "pollutant_discharge"}),
        d["document"].update(number="91360700MA38P2K51K001P", date="2024-06-14", received_on="2024-06-14")))
    out_xlsx = tmp_path / "adhoc.xlsx"
    assert _run("xlsx", str(ADHOC), str(second), "-o", str(out_xlsx))[0] == 0
    code, from_xlsx, err = _run("check", str(out_xlsx), "--json")
    assert code == 0, err
    _, from_json, _ = _run("check", str(ADHOC), str(second), "--json")
    for a, b in zip(json.loads(from_json), json.loads(from_xlsx), strict=True):
        assert (a["computed"], a["findings"]) == (b["computed"], b["findings"])


def test_xlsx_refuses_two_kinds(tmp_path: Path) -> None:
    code, _, err = _run("xlsx", str(ANNUAL), str(ADHOC), "-o", str(tmp_path / "mixed.xlsx"))
    assert code == 2 and "one kind" in err


def test_render_writes_the_pdf_and_the_excel_filing(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    out = tmp_path / "filing.xlsx"
    code, _, err = _run("render", str(ANNUAL), "--pdf", str(pdf), "--xlsx", str(out))
    assert code == 0, err
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # the public layout (template v1): the sections in the 准则's order, numbered, nothing internal
    headings = [line.strip() for line in text.splitlines() if re.match(r"^[一二三四五六七八九十]+、", line.strip())]
    assert headings == ["一、关键环境信息提要", "二、企业基本信息", "三、企业环境管理信息", "四、污染物产生、治理与排放信息",
                        "五、碳排放信息", "六、生态环境应急信息", "七、生态环境违法信息", "八、本年度临时环境信息依法披露情况",
                        "九、法律法规规定的其他环境信息", "十、强制性清洁生产审核信息", "十一、融资及所投项目环境信息"]
    assert "企业负责人保证年度报告内容的真实、准确、完整" in text.replace(" ", "")
    assert "DSC-" not in text and "0797-8123456" not in text and "王敏" not in text
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert {"关键环境信息提要", "危险废物流向", "计算结果", "审核发现", "版本信息"} <= set(book.sheetnames)
    version = {row[0]: row[2] for row in book["版本信息"].iter_rows(min_row=3, values_only=True)}
    assert version["模板版本"] == "v1"


def test_rules_lists_the_catalogue_with_dsc_002_to_011() -> None:
    code, out, _ = _run("rules", "--json")
    assert code == 0
    entries = {e["id"]: e for e in json.loads(out)}
    assert [f"DSC-{n:03d}" for n in range(1, 12)] == sorted(k for k in entries if k.startswith("DSC-"))
    for rule_id in ("DSC-002", "DSC-008"):
        assert entries[rule_id]["severity"] == "error" and entries[rule_id]["scope"] == "all"
    assert entries["DSC-007"]["citation"].endswith("第十七条；《中华人民共和国民法典》第二百零一条")
    assert entries["DSC-007"]["kinds"] == ["env_disclosure_adhoc", "env_disclosure_annual_report"]
    assert "DSC-003.tolerance" in entries["DSC-003"]["parameters"]
    code, text, _ = _run("rules")
    assert code == 0 and "DSC-009  警告 / warning  [all]  企业环境信息依法披露年度报告" in text
