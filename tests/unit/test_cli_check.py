"""``portal check``: output per filing-format.md and exit status 0 / 1 / 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"
GHG = EXAMPLES / "ghg-jx-cement-2024.json"
CPA = EXAMPLES / "cpa-jx-cement-2023.json"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def _variant(tmp_path: Path, name: str, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(GHG.read_text("utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_worked_examples_exit_0_with_exact_computed_values() -> None:
    code, out, err = _run(str(GHG), str(CPA), "--json")
    assert code == 0, err
    ghg, cpa = json.loads(out)
    computed = ghg["computed"]
    assert ghg["kind"] == "ghg_annual_report" and ghg["file"].endswith("ghg-jx-cement-2024.json")
    assert computed["combustion_tco2"] == 347053.35
    assert computed["process_tco2"] == 664922.9
    assert computed["electricity_tco2"] == 55889.4
    assert computed["heat_tco2"] == 0
    assert computed["total_tco2"] == 1067866
    assert computed["energy_from_inputs_tce"] == 136691.67
    assert computed["carbon_intensity"] == 0.8543
    assert not [f for f in ghg["findings"] if f["severity"] in ("error", "warning")]
    c = cpa["computed"]
    assert c["implementation_rate_no_low"] == 1 and c["implementation_rate_medium_high"] == 0.5
    assert c["total_investment_10k_cny"] == 1840
    assert c["savings_total"] == {"energy_tce": 850, "co2_t": 2200, "nox_t": 110}
    assert c["options"]["Z1"] == {"payback_years": 5.05, "npv_10k_cny": 157.46, "irr": 0.1482}
    assert c["options"]["Z2"] == {"payback_years": 5.19, "npv_10k_cny": 875.46, "irr": 0.1756}
    assert not [f for f in cpa["findings"] if f["severity"] in ("error", "warning")]


def test_bad_uscc_reports_ent001_and_exits_1(tmp_path: Path) -> None:
    bad = _variant(tmp_path, "bad-uscc.json", lambda d: d["enterprise"].update(uscc="91360700MA38P2K51A"))
    code, out, _ = _run(str(bad), "--json")
    assert code == 1
    (result,) = json.loads(out)
    ent = [f for f in result["findings"] if f["rule"] == "ENT-001"]
    assert ent and ent[0]["severity"] == "error" and ent[0]["path"] == "enterprise.uscc"


def test_unknown_field_exits_2_naming_it(tmp_path: Path) -> None:
    bad = _variant(tmp_path, "typo.json", lambda d: d["fuels"][0].update(nvc=22.8))
    code, out, err = _run(str(bad))
    assert code == 2 and out == ""
    assert "fuels[0].nvc" in err and "unknown field" in err and "未知字段" in err
    assert len(err.strip().splitlines()) == 1


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    code, _, err = _run(str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err


def test_default_output_is_one_object_per_document() -> None:
    code, out, _ = _run(str(GHG))
    assert code == 0
    assert json.loads(out)["computed"]["total_tco2"] == 1067866


def test_previous_supplies_the_year_over_year_context(tmp_path: Path) -> None:
    def halve(d: dict) -> None:  # type: ignore[type-arg]
        d["reporting_year"] = 2023
        d["processes"][0]["activity"] = 625000
        d["products"][0]["output"] = 625000
    previous = _variant(tmp_path, "prev.json", halve)
    code, out, _ = _run(str(GHG), "--previous", str(previous), "--json")
    (result,) = json.loads(out)
    assert any(f["rule"] == "GHG-008" for f in result["findings"])


@pytest.mark.slow
def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "portal"
    done = subprocess.run([str(script), "check", str(GHG), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["computed"]["total_tco2"] == 1067866
