"""Hostile uploads are refused before any parser runs: quickly, in bounded memory, with a clear message.

Every file is built here, in the test (issue 7): over the size limit, not an xlsx, password-protected
(an OLE2/CFB container), billion laughs, an external entity, a zip bomb, a tiny file holding only A1 and
XFD1048576, a lying ``<dimension>``, and a formula.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from portal.importers import HostileFile, check_upload, read_upload
from portal.importers.isolation import run_isolated
from portal.renderers.upload_workbook import render_upload_workbook

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _template() -> bytes:
    return render_upload_workbook("ghg_annual_report")


def _replace_part(data: bytes, name: str, content: bytes, *, compresslevel: int | None = None) -> bytes:
    """Return the workbook ``data`` with the part ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def _first_sheet(data: bytes) -> str:
    return sorted(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))[0]


def _refused(data: bytes, zh: str, en: str) -> HostileFile:
    """Check the file is refused with both messages, in well under a second and a few MB of memory."""
    tracemalloc.start()
    started = time.process_time()  # CPU time of this process: other suites running beside do not count
    with pytest.raises(HostileFile) as caught:
        check_upload(data)
    elapsed = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert zh in caught.value.message_zh, caught.value.message_zh
    assert en in caught.value.message_en, caught.value.message_en
    assert elapsed < 0.5, elapsed
    assert peak < 16 * 1024 * 1024, peak  # bounded by the 1 MB read chunk, whatever the file claims
    return caught.value


def test_the_template_itself_passes() -> None:
    check_upload(_template())


def test_over_the_size_limit() -> None:
    _refused(b"PK\x03\x04" + bytes(20 * 1024 * 1024), "文件过大", "too large")


def test_not_an_xlsx() -> None:
    _refused(b"%PDF-1.7\n...", "不是 Excel 工作簿", "not an Excel workbook")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(plain_zip.getvalue(), "不是 Excel 工作簿", "not an Excel workbook")
    _refused(b"PK\x03\x04 broken", "已损坏", "damaged")


def test_password_protected_workbook_is_an_ole2_container() -> None:
    # Excel saves an encrypted .xlsx inside a Compound File Binary container: header signature, minor and
    # major version (3), byte order FFFE, sector shift 9 (512-byte sectors), then the FAT and directory.
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"
              + bytes(10) + b"\x01\x00\x00\x00" + bytes(8) + b"\x00\x10\x00\x00")
    data = header.ljust(512, b"\x00") + "EncryptionInfo".encode("utf-16-le").ljust(4096, b"\x00")
    _refused(data, "密码", "password-protected")


def test_billion_laughs() -> None:
    entities = b"".join(b'<!ENTITY lol%d "&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;">'
                        % ((i,) + (i - 1,) * 10) for i in range(1, 10))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + entities + b"]>"
            + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet"):] + b'<sheetData><row r="1"><c r="A1" t="inlineStr">'
            b"<is><t>&lol9;</t></is></c></row></sheetData></worksheet>")
    data = _template()
    _refused(_replace_part(data, _first_sheet(data), bomb), "DTD", "document type definition")


def test_external_entity() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    data = _template()
    _refused(_replace_part(data, "xl/workbook.xml", xxe), "DTD", "document type definition")


def test_zip_bomb() -> None:
    # 64 MB of identical rows compress to about 64 KB: a ratio near 1000 where real sheets stay near 10.
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    body = SHEET_HEAD + b"<sheetData>" + row * (64 * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    data = _template()
    bomb = _replace_part(data, _first_sheet(data), body, compresslevel=9)
    assert len(bomb) < 1024 * 1024
    _refused(bomb, "压缩炸弹", "zip bomb")


def test_zip_bomb_that_lies_about_its_size_in_the_directory() -> None:
    # The directory claims 1 KB; the stream inflates to 32 MB. zipfile inflates no more than the declared
    # size and then finds the CRC wrong: refused as damaged, having read 1 KB.
    body = SHEET_HEAD + b"<sheetData>" + b" " * (32 * 1024 * 1024) + b"</sheetData></worksheet>"
    data = _template()
    name = _first_sheet(data)
    bomb = bytearray(_replace_part(data, name, body, compresslevel=9))
    size = len(body).to_bytes(4, "little")
    for at in range(len(bomb) - 4):
        if bomb[at:at + 4] == size:
            bomb[at:at + 4] = (1024).to_bytes(4, "little")
    _refused(bytes(bomb), "已损坏", "damaged")


def test_tiny_file_with_only_a1_and_xfd1048576() -> None:
    sheet = (SHEET_HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData>'
             b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
             b"</sheetData></worksheet>")
    data = _template()
    tiny = _replace_part(data, _first_sheet(data), sheet)
    _refused(tiny, "范围过大", "too large")
    # the same cells without a <dimension> are caught by their own references
    _refused(_replace_part(data, _first_sheet(data), sheet.replace(b'<dimension ref="A1:XFD1048576"/>', b"")),
             "范围过大", "too large")


def test_lying_dimension() -> None:
    sheet = (SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData>'
             b'<row r="1"><c r="A1"><v>1</v></c></row><row r="40"><c r="H40"><v>2</v></c></row>'
             b"</sheetData></worksheet>")
    data = _template()
    _refused(_replace_part(data, _first_sheet(data), sheet), "dimension", "<dimension>")


def test_formula_is_refused_naming_the_cell() -> None:
    sheet = (SHEET_HEAD + b'<dimension ref="A1:C2"/><sheetData><row r="2"><c r="A2"><v>1</v></c>'
             b'<c r="C2"><f>SUM(A2:B2)</f><v>1</v></c></row></sheetData></worksheet>')
    data = _template()
    error = _refused(_replace_part(data, _first_sheet(data), sheet), "C2", "formula")
    assert "公式" in error.message_zh


def test_the_reader_runs_in_a_child_process_with_a_timeout() -> None:
    with pytest.raises(HostileFile) as caught:
        run_isolated("read", _template(), timeout=0.001)
    assert "超时" in caught.value.message_zh and "longer than" in caught.value.message_en


def test_the_child_reports_an_unreadable_file_instead_of_crashing_the_caller() -> None:
    with pytest.raises(HostileFile) as caught:
        run_isolated("read", b"PK\x03\x04 not really a zip")
    assert "无法读取" in caught.value.message_zh and "cannot be read" in caught.value.message_en


def test_a_valid_upload_reads_through_the_guard_and_the_child() -> None:
    sheets = read_upload(_template())
    assert "基本信息" in sheets and sheets["_meta"][0] == ["kind", "ghg_annual_report"]


def test_without_the_guard_the_child_still_takes_the_blow() -> None:
    # The A1 + XFD1048576 file handed straight to the reader: python-calamine sizes its grid from the
    # extent (17 billion cells) and dies under the memory limit — in the child; this process carries on.
    sheet = (SHEET_HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData>'
             b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
             b"</sheetData></worksheet>")
    data = _template()
    with pytest.raises(HostileFile) as caught:
        run_isolated("read", _replace_part(data, _first_sheet(data), sheet), memory_bytes=512 * 1024 * 1024)
    assert "内存超出限制" in caught.value.message_zh and "too much memory" in caught.value.message_en
