"""Check a PDF against PDF/A-3b with Apache PDFBox Preflight, plus the part-3 rules Preflight does not know.

Why Preflight and not veraPDF: veraPDF, the reference validator, is distributed only as an installer and
through Maven Central, neither of which this project's machines reach (PyPI, Debian and npm only; no
package of any of them bundles it). Apache PDFBox Preflight 2.0 is packaged by Debian
(``libpdfbox2-java``, with ``libactivation-java`` and ``libjaxb-api-java``), runs on the installed Java
and validates ISO 19005-1 level B. PDF/A-3b is PDF/A-1b with some restrictions lifted, so a file is
PDF/A-3b when Preflight finds nothing but

* violations of rules that ISO 19005-2/3 relaxed — each waiver below names the clause that allows it,
  and each matches one Preflight error code *and* message, nothing broader — and
* the checks of part 3 that part 1 does not have, done here on the parsed file (pyHanko's reader):
  identification ``pdfaid:part=3``/``conformance=B``; every embedded file an associated file
  (``/AF`` in the catalog, ``/AFRelationship``, ``/F`` and ``/UF``, a MIME ``/Subtype`` and a
  ``/ModDate`` on the stream: ISO 19005-3 6.8); an output intent with a destination profile.

Run it by hand: ``.venv/bin/python -m tests.pdfa FILE.pdf …`` (exit 0 when every file passes).
Where veraPDF is installed (``verapdf`` on PATH), ``verapdf_problems`` runs it with the 3b profile too.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
JARS = ("preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar",
        "javax.activation.jar", "jaxb-api.jar")


@dataclass(frozen=True)
class Waiver:
    """A Preflight (PDF/A-1b) error that ISO 19005-3 allows, matched by code and message."""

    code: str
    message: str  # a regular expression the error's details must match
    clause: str  # why PDF/A-3b allows it


WAIVERS = (
    Waiver("1.2.9", r"EmbeddedFile entry is present in a FileSpecification",
           "ISO 19005-3 6.8: embedded files of any format, as associated files"),
    Waiver("1.4.7", r"EmbeddedFile entry is present in the Names dictionary",
           "ISO 19005-3 6.8: embedded files of any format, as associated files"),
    Waiver("1.4", r"/XRef cross reference streams are not allowed",
           "ISO 19005-2/3 6.1.4: cross-reference streams are allowed (PDF 1.7)"),
    Waiver("3.1.3", r"invalid /Subtype /OpenType in /FontFile3",
           "ISO 19005-2/3 6.2.11.4.1: OpenType font programs are allowed (ISO 32000-1 9.9)"),
    Waiver("3.1.11", r"The CIDSet entry is missing",
           "ISO 19005-2/3 6.2.11.4.2: CIDSet is optional (complete if present)"),
    Waiver("7.11.2", r"part must be 1",
           "the file declares part 3; identification is checked below"),
)


def available() -> bool:
    """Return whether Java and the Preflight jars are installed."""
    return shutil.which("java") is not None and all((JAVA_DIR / jar).is_file() for jar in JARS)


def preflight_errors(path: Path) -> list[tuple[str, str]]:
    """Return Preflight's (code, details) errors for ``path`` as a PDF/A-1b file."""
    classpath = ":".join(str(JAVA_DIR / jar) for jar in JARS)
    run = subprocess.run(["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", "xml", str(path)],
                         capture_output=True, timeout=120, check=False)
    report = ET.fromstring(run.stdout[run.stdout.index(b"<?xml"):])
    return [((e.findtext("code") or "").strip(), (e.findtext("details") or "").strip())
            for e in report.iter("error")]


def _waived(code: str, details: str) -> bool:
    return any(w.code == code and re.search(w.message, details) for w in WAIVERS)


def part3_problems(data: bytes) -> list[str]:
    """Return violations of the PDF/A-3b rules that Preflight (a part-1 validator) does not check."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    root = reader.root
    problems: list[str] = []
    xmp = root["/Metadata"].get_object().data.decode("utf-8") if "/Metadata" in root else ""
    if not re.search(r'pdfaid:part(="3"|>3<)', xmp) or not re.search(r'pdfaid:conformance(="B"|>B<)', xmp):
        problems.append("XMP does not identify the file as PDF/A-3b (pdfaid:part 3, conformance B)")
    intents = root.get("/OutputIntents") or []
    if not any(i.get_object().get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i.get_object()
               for i in intents):
        problems.append("no PDF/A output intent with a destination profile (6.2.3)")
    associated = {ref.idnum for ref in root.raw_get("/AF") or []} if "/AF" in root else set()
    names = root.get("/Names")
    files = names["/EmbeddedFiles"].get_object().get("/Names", []) if names and "/EmbeddedFiles" in names else []
    for i in range(0, len(files) - 1, 2):
        spec = files[i + 1].get_object()
        label = str(files[i])
        if getattr(files.raw_get(i + 1), "idnum", None) not in associated:
            problems.append(f"embedded file {label} is not listed in the catalog's /AF (6.8)")
        for key in ("/AFRelationship", "/F", "/UF", "/EF"):
            if key not in spec:
                problems.append(f"embedded file {label} has no {key} (6.8)")
        stream = spec["/EF"]["/F"].get_object() if "/EF" in spec else None
        if stream is not None:
            if "/Subtype" not in stream:
                problems.append(f"embedded file {label} has no MIME type /Subtype (6.8)")
            if "/ModDate" not in (stream.get("/Params") or {}):
                problems.append(f"embedded file {label} has no /Params /ModDate (6.8)")
    return problems


def problems(path: Path) -> list[str]:
    """Return why ``path`` is not PDF/A-3b (empty when it is)."""
    found = [f"{code}: {details}" for code, details in preflight_errors(path) if not _waived(code, details)]
    return found + part3_problems(path.read_bytes())


def verapdf_problems(path: Path) -> list[str] | None:
    """Return veraPDF's failed rules for the 3b profile, or None where veraPDF is not installed."""
    if shutil.which("verapdf") is None:
        return None
    run = subprocess.run(["verapdf", "--flavour", "3b", "--format", "xml", str(path)], capture_output=True,
                         timeout=300, check=False)
    report = ET.fromstring(run.stdout)
    return [f"{rule.get('clause')}-{rule.get('testNumber')}: {rule.findtext('description')}"
            for rule in report.iter("rule") if rule.get("status") == "failed"]


def main(paths: list[str]) -> int:
    """Check each file; print its problems; return 0 when all pass."""
    if not available():
        print("PDFBox Preflight is not installed: scripts/install-system-packages test", file=sys.stderr)
        return 2
    failed = 0
    for name in paths:
        found = problems(Path(name))
        print(f"{name}: {'PDF/A-3b' if not found else 'NOT PDF/A-3b'}")
        for line in found:
            print(f"  {line}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
