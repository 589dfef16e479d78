"""``portal render``: the PDF copy and the Excel filing of a document file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from portal.cli import main
from portal.domain.codec import document_from_json, document_sha256

ROOT = Path(__file__).resolve().parents[2]
_SHARED = ROOT.parent / "shared" / "examples"
EXAMPLES = _SHARED if _SHARED.exists() else ROOT / "portal" / "demo_data"


def test_render_writes_pdf_and_xlsx_with_name_total_and_hash(tmp_path: Path) -> None:
    source = EXAMPLES / "ghg-jx-cement-2024.json"
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["render", str(source), "--pdf", str(pdf), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    digest = document_sha256(document_from_json(source.read_bytes()))
    assert "江西赣峰水泥有限公司" in text and "1,067,866" in text and digest in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any("CJK" in line and " yes " in line for line in fonts.splitlines())
    numbers = [cell.value for sheet in load_workbook(xlsx) for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, (int, float))]
    assert 1067866 in numbers and 347053.35 in numbers


def test_render_refuses_an_invalid_document(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "ghg_annual_report", "schema_version": 1}', "utf-8")
    result = CliRunner().invoke(main, ["render", str(bad), "--pdf", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "reporting_year" in result.stderr


def test_render_of_the_audit_example_prints_name_co2_saving_and_hash(tmp_path: Path) -> None:
    source = EXAMPLES / "cpa-jx-cement-2023.json"
    pdf, xlsx = tmp_path / "a.pdf", tmp_path / "a.xlsx"
    result = CliRunner().invoke(main, ["render", str(source), "--pdf", str(pdf), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    digest = document_sha256(document_from_json(source.read_bytes()))
    # shared/examples/README.md: implemented options save 1550 + 650 = 2,200 tCO2; investment 1,840 万元
    assert "江西赣峰水泥有限公司" in text and "2,200" in text and "1,840" in text and digest in text
    numbers = [cell.value for sheet in load_workbook(xlsx) for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, (int, float))]
    assert 2200 in numbers and 1840 in numbers
