"""Count the printed pages of the Excel files the portal writes (issue 15 item 6: print setup).

Writes, for the worked example, the filled upload template (``portal xlsx``) and the Excel filing
(``portal render --xlsx``), prints both to PDF with LibreOffice (``soffice --headless --convert-to pdf``, as
a regulator's office would print them) and prints each file's page count. Before the print setup (A4, one
page wide, header rows repeated) the same files printed on 59 and 79 pages.

Needs LibreOffice (Debian: ``libreoffice-calc-nogui``); says so and exits 0 without it.
Run: ``.venv/bin/python benchmarks/bench_print_pages.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXAMPLE = ROOT.parent / "shared" / "examples" / "ghg-jx-cement-2024.json"
if not EXAMPLE.exists():
    EXAMPLE = ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json"


def pages(pdf: Path) -> int:
    """Return the page count poppler's pdfinfo reads from ``pdf``."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found, info
    return int(found.group(1))


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed (apt install libreoffice-calc-nogui): no page counts")
        return
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        files = {"upload template, filled (portal xlsx)": work / "template.xlsx",
                 "Excel filing (portal render --xlsx)": work / "filing.xlsx"}
        subprocess.run([str(BIN / "portal"), "xlsx", str(EXAMPLE), "-o", str(files["upload template, filled (portal xlsx)"])],
                       check=True, cwd=ROOT)
        subprocess.run([str(BIN / "portal"), "render", str(EXAMPLE), "--xlsx", str(files["Excel filing (portal render --xlsx)"])],
                       check=True, cwd=ROOT)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), *map(str, files.values())],
                       check=True, capture_output=True, cwd=work)
        print(f"printed pages of the worked example ({EXAMPLE.name}), A4, by LibreOffice:")
        for label, path in files.items():
            print(f"  {label:42} {pages(path.with_suffix('.pdf')):4d} pages")


if __name__ == "__main__":
    main()
