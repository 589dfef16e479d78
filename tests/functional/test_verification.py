"""Verification (核查) and evidence attachments, issue 18 items 1 and 2, through the pages and the services.

The whole cycle (engagement → 不符合项 citing evidence → return → response and correction → conclusion →
acceptance → the PDF with reported and verified totals and the evidence hashes), the verifier's isolation,
frozen attachments, refused uploads (too large, a script named .pdf, malware found by a clamd speaking the
real INSTREAM protocol on a local TCP socket), and the consolidated workbook's verified columns.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import struct
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.domain.codec import canonical_json, document_from_json
from portal.extensions import db
from portal.models import Attachment, StoredObject, Verification
from portal.services import attachments, filings, grants, verification
from portal.services.errors import Conflict, ServiceError
from tests.conftest import login
from tests.helpers import PASSWORD, TINY_PDF, render_version_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture()
def engaged(world):  # type: ignore[no-untyped-def]
    """Filing A with a lab report attached and submitted; a body engaged for it; verifiers of two bodies."""
    from portal.services import accounts

    bodies = [verification.create_body(None, "赣江核查中心", "91360100MA35K0001X"),
              verification.create_body(None, "另一核查机构")]
    for key, body in zip(("verifier_a", "verifier_x"), bodies, strict=True):
        user = accounts.create_user(None, email=f"{key}@test.cn", name=key, password=PASSWORD,
                                    must_change_password=False)
        grants.set_verifier_directly(None, user, body)
        world.users[key] = user
    world.bodies = bodies
    world.lab = attachments.attach(world.users["filer_a"], world.filing_a, filename="煤质检测报告.pdf", data=TINY_PDF,
                                   target_type="line", target="fuels[0]")
    world.version = filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    return world


def _engage_by_page(client, world) -> Verification:  # type: ignore[no-untyped-def]
    login(client, "reviewer_jx@test.cn")
    page = client.get("/review/engagements?year=2024").get_data(as_text=True)
    assert "江西赣峰水泥有限公司" in page
    response = client.post("/review/engagements", data={"body": world.bodies[0].id, "year": 2024,
                                                        "filings": [world.filing_a.id]})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    row = verification.of_filing(world.filing_a)
    assert row is not None and row.engagement.body_id == world.bodies[0].id
    return row


def test_the_whole_verification_cycle(client, engaged, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = engaged
    filing = w.filing_a
    row = _engage_by_page(client, w)
    reported = verification.reported_total(w.version)
    assert reported == int(str(json.loads(w.version.computed_json)["total_tco2"]))

    # The verifier sees the engaged filing, the evidence, and raises a 不符合项 on the fuel line citing the lab report.
    login(client, "verifier_a@test.cn")
    assert "江西赣峰水泥有限公司" in client.get("/verification/").get_data(as_text=True)
    page = client.get(f"/verification/filings/{filing.id}").get_data(as_text=True)
    assert w.lab.sha256 in page and "化石燃料燃烧 · 第1行 · 消耗量" in page
    assert client.get(f"/filings/{filing.id}/attachments/{w.lab.id}").data == TINY_PDF
    response = client.post(f"/verification/filings/{filing.id}/findings", data={
        "f-field_path": "fuels[0].consumption", "f-body": "消耗量与检测报告所附购煤发票合计不符", "f-attachment": str(w.lab.id)})
    assert response.status_code == 302
    (finding,) = verification.findings(row)
    assert finding.attachment_id == w.lab.id and finding.version_number == 1
    # a conclusion with the finding open is refused, with the reason
    response = client.post(f"/verification/filings/{filing.id}/conclude", data={"c-verified_tco2": 1, "c-conclusion": "x"})
    assert response.status_code == 422 and "不符合项未关闭" in response.get_data(as_text=True)
    assert client.post(f"/verification/filings/{filing.id}/return").status_code == 302
    assert filing.status == "returned"
    client.post("/logout")

    # The enterprise answers and corrects (a second version).
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{filing.id}/attachments").get_data(as_text=True)
    assert "消耗量与检测报告所附购煤发票合计不符" in page
    assert client.post(f"/filings/{filing.id}/verification/findings/{finding.id}/respond",
                       data={"r-response": "已按发票更正消耗量"}).status_code == 302
    assert finding.response == "已按发票更正消耗量"
    client.post("/logout")
    document = document_from_json(filing.draft_json)
    document.fuels[0].consumption = document.fuels[0].consumption - Decimal(100)
    filings.save_draft(w.users["filer_a"], filing, document, filing.revision)
    v2 = filings.submit(w.users["signatory_a"], filing, password=PASSWORD, certified=True)
    assert v2.number == 2
    reported_v2 = verification.reported_total(v2)
    assert reported_v2 is not None and reported_v2 < reported  # less coal burnt, less CO₂

    # The verifier closes the finding, completes the checklist and concludes with a verified total 1,200 below.
    login(client, "verifier_a@test.cn")
    assert client.post(f"/verification/filings/{filing.id}/findings/{finding.id}/close").status_code == 302
    checklist = {f"result_{key}": "conform" for key in ("boundary", "activity_data", "parameters", "production",
                                                         "permit_report")}
    checklist["note_parameters"] = "低位发热量按批次检测，频次符合要求"
    assert client.post(f"/verification/filings/{filing.id}/checklist", data=checklist).status_code == 302
    verified = reported_v2 - 1200
    response = client.post(f"/verification/filings/{filing.id}/conclude",
                           data={"c-verified_tco2": verified, "c-conclusion": "排放报告经核查基本符合要求"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (row.status, row.version_number, row.reported_tco2, row.verified_tco2) == \
        ("concluded", 2, reported_v2, verified)
    client.post("/logout")

    # The reviewer sees reported vs verified with the difference, and accepts; the PDF is rendered by a job.
    login(client, "reviewer_jx@test.cn")
    page = client.get(f"/review/filings/{filing.id}").get_data(as_text=True)
    assert f"{verified:,}" in page and f"{reported_v2:,}" in page and "-1,200" in page
    render_version_files(v2)
    response = client.post(f"/review/filings/{filing.id}/verification/accept")
    assert response.status_code == 302
    assert row.status == "accepted" and row.report_key is not None
    pdf = client.get(f"/filings/{filing.id}/verified.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdftotext(pdf.data, tmp_path)
    flat = "".join(text.split())
    assert "审定排放量" in text and "报告排放量" in text
    assert f"{verified:,}" in flat and f"{reported_v2:,}" in flat and "-1,200" in flat
    assert w.lab.sha256 in flat and "煤质检测报告.pdf" in flat
    assert "已按发票更正消耗量" in flat
    # the consolidated workbook carries the verified total and the difference beside the reported total
    book = openpyxl.load_workbook(io.BytesIO(client.get("/review/export.xlsx?year=2024").data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r and any(str(c).startswith("审定排放量") for c in r if c))
    data = next(r for r in rows if r and r[0] == filing.id)
    cells = dict(zip([str(c) for c in header], data, strict=False))
    verified_col = next(k for k in cells if k.startswith("审定排放量"))
    diff_col = next(k for k in cells if k.startswith("差额"))
    assert cells[verified_col] == verified and cells[diff_col] == -1200


def test_a_verifier_sees_only_the_engaged_filings(client, engaged) -> None:  # type: ignore[no-untyped-def]
    w = engaged
    verification.engage(w.users["reviewer_jx"], w.bodies[0], 2024, [w.filing_a])
    login(client, "verifier_x@test.cn")  # another body's verifier
    for url in (f"/verification/filings/{w.filing_a.id}", f"/filings/{w.filing_a.id}/attachments/{w.lab.id}",
                f"/filings/{w.filing_a.id}/versions/1", f"/filings/{w.filing_a.id}", f"/review/filings/{w.filing_a.id}",
                f"/verification/filings/{w.filing_a.id}/versions/1.pdf"):
        assert client.get(url).status_code == 404, url
    assert "江西赣峰水泥有限公司" not in client.get("/verification/").get_data(as_text=True)
    client.post("/logout")
    # the engaged body's verifier sees the versions of the engaged filing only, never its draft or other filings
    login(client, "verifier_a@test.cn")
    assert client.get(f"/verification/filings/{w.filing_a.id}").status_code == 200
    assert client.get(f"/filings/{w.filing_a.id}/draft.json").status_code == 404
    assert client.get(f"/verification/filings/{w.filing_b.id}").status_code == 404


def test_an_attachment_of_a_submitted_version_is_frozen(client, engaged) -> None:  # type: ignore[no-untyped-def]
    w = engaged
    assert w.lab.version_number == 1 and db.session.get(StoredObject, w.lab.storage_key).frozen
    with pytest.raises(Conflict):
        attachments.delete(w.users["filer_a"], w.filing_a, w.lab)
    with pytest.raises(Conflict):
        attachments.retarget(w.users["filer_a"], w.filing_a, w.lab, "filing", "")
    verification.engage(w.users["reviewer_jx"], w.bodies[0], 2024, [w.filing_a])
    from portal.services import review

    review.add_comment(w.users["reviewer_jx"], w.filing_a, target_type="filing", target="", visibility="filer",
                       body="请补充")
    review.return_filing(w.users["reviewer_jx"], w.filing_a)  # even with the draft editable again
    login(client, "filer_a@test.cn")
    response = client.post(f"/filings/{w.filing_a.id}/attachments/{w.lab.id}/delete")
    assert response.status_code == 409
    assert "已随第 1 版提交，不能修改或删除" in response.get_data(as_text=True)
    response = client.post(f"/filings/{w.filing_a.id}/attachments/{w.lab.id}", data={"file": (io.BytesIO(PNG), "x.png")})
    assert response.status_code == 409 and "不能修改或删除" in response.get_data(as_text=True)
    assert db.session.get(Attachment, w.lab.id) is not None
    assert client.get(f"/filings/{w.filing_a.id}/attachments/{w.lab.id}").data == TINY_PDF
    # a new attachment of the returned draft can be deleted until the next submission
    response = client.post(f"/filings/{w.filing_a.id}/attachments",
                           data={"file": (io.BytesIO(PNG), "meter.png"), "target": "section:fuels"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    new = db.session.scalars(select(Attachment).where(Attachment.filename == "meter.png")).one()
    assert new.version_number is None and new.sha256 == hashlib.sha256(PNG).hexdigest()
    assert new.content_type == "image/png" and new.scan_result == "not_scanned"
    assert client.post(f"/filings/{w.filing_a.id}/attachments/{new.id}/delete").status_code == 302
    assert db.session.get(Attachment, new.id) is None


@pytest.mark.parametrize(("language", "expected"), [
    ("zh_CN", "超过附件上限 20.0 MB"), ("en", "larger than the attachment limit of 20.0 MB")])
def test_a_25_mb_upload_is_refused_with_a_clear_message(client, world, language, expected) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    client.post(f"/language/{language}")
    big = TINY_PDF[:-6] + b"\0" * (25 * 1024 * 1024) + b"%%EOF\n"
    # Encoded here in memory: the test client would spool a body this large to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "invoices.pdf", "file"),
                                       "target": "filing:"})
    response = client.post(f"/filings/{world.filing_a.id}/attachments", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert expected in page and "25.0 MB" in page
    assert db.session.scalar(select(Attachment.id)) is None


@pytest.mark.parametrize(("language", "expected"), [
    ("zh_CN", "的内容不是 PDF、PNG、JPEG 图片或 Excel（xlsx）文件"),
    ("en", "is not a PDF, PNG or JPEG image, or Excel (xlsx) file")])
def test_a_php_file_named_pdf_is_refused(client, world, language, expected) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    client.post(f"/language/{language}")
    script = b"<?php system($_GET['c']); ?>\n"
    response = client.post(f"/filings/{world.filing_a.id}/attachments",
                           data={"file": (io.BytesIO(script), "report.pdf", "application/pdf"), "target": "filing:"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert expected in response.get_data(as_text=True) and "report.pdf" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.id)) is None


def test_the_content_type_is_sniffed_from_the_bytes() -> None:
    assert attachments.sniff(TINY_PDF) is attachments.PDF
    assert attachments.sniff(PNG) is attachments.PNG
    assert attachments.sniff(b"\xff\xd8\xff\xe0" + b"\0" * 20) is attachments.JPEG
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    assert attachments.sniff(book.getvalue()) is attachments.XLSX
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert attachments.sniff(plain_zip.getvalue()) is None  # a ZIP is not a workbook
    assert attachments.sniff(b"<?php echo 1; ?>") is None
    assert attachments.sniff(b"%PDF-1.4 but never ends") is None


def test_a_png_named_pdf_is_refused_for_its_extension(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as refused:
        attachments.attach(world.users["filer_a"], world.filing_a, filename="scan.pdf", data=PNG)
    assert "内容是 PNG" in refused.value.message_zh


# ------------------------------------------------------------------------------------------ clamd


class FakeClamd:
    """Serve clamd's INSTREAM protocol on a local TCP port: length-prefixed chunks in, one verdict out."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("short read")
            data += part
        return data

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                body = b""
                while True:
                    (size,) = struct.unpack(">I", self._read(conn, 4))
                    if size == 0:
                        break
                    body += self._read(conn, size)
                self.received.append(body)
                verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in body else b"stream: OK\0"
                conn.sendall(verdict)

    def close(self) -> None:
        self.server.close()


@pytest.fixture()
def clamd(app) -> Iterator[FakeClamd]:  # type: ignore[no-untyped-def]
    server = FakeClamd()
    app.config["CLAMD_ADDRESS"] = server.address
    yield server
    app.config["CLAMD_ADDRESS"] = ""
    server.close()


def test_clamd_scans_every_upload_by_instream(world, clamd) -> None:  # type: ignore[no-untyped-def]
    clean = attachments.attach(world.users["filer_a"], world.filing_a, filename="lab.pdf", data=TINY_PDF)
    assert clean.scan_result == "clean" and clamd.received == [TINY_PDF]
    infected = TINY_PDF[:-6] + EICAR + b"\n%%EOF\n"
    with pytest.raises(ServiceError) as refused:
        attachments.attach(world.users["filer_a"], world.filing_a, filename="bad.pdf", data=infected)
    assert "含有恶意代码（Eicar-Test-Signature）" in refused.value.message_zh
    assert clamd.received[-1] == infected  # sent whole, in chunks


def test_clamd_chunks_large_files(world, clamd) -> None:  # type: ignore[no-untyped-def]
    data = TINY_PDF[:-6] + b"\0" * (200 * 1024) + b"%%EOF\n"  # more than three 64 KiB chunks
    assert attachments.clamd_scan(data, clamd.address) is None
    assert clamd.received == [data]


def test_an_unreachable_scanner_refuses_the_upload(app, world) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["CLAMD_ADDRESS"] = f"127.0.0.1:{port}"  # nothing listens there
    try:
        with pytest.raises(ServiceError) as refused:
            attachments.attach(world.users["filer_a"], world.filing_a, filename="lab.pdf", data=TINY_PDF)
        assert "病毒扫描服务不可用" in refused.value.message_zh
    finally:
        app.config["CLAMD_ADDRESS"] = ""


# ---------------------------------------------------------------------------------- roles and rules


def test_the_verifier_role_needs_a_second_security_administrator(world) -> None:  # type: ignore[no-untyped-def]
    body = verification.create_body(world.users["admin"], "赣江核查中心")
    person = world.users["nobody"]
    grant = grants.request_grant(world.users["security"], person, "verifier", value=str(body.id))
    assert person.verifier_body_id is None
    with pytest.raises(ServiceError):
        grants.decide(world.users["security"], grant, approve=True)  # not the requester
    grants.decide(world.users["security2"], grant, approve=True)
    db.session.refresh(person)
    assert person.verifier_body_id == body.id and "verifier" in person.role_names
    # a verifier is nobody else: not a member of an enterprise it might verify, not a reviewer
    with pytest.raises(ServiceError):
        grants.request_grant(world.users["security"], person, "reviewer_scope", value="36")
    with pytest.raises(ServiceError):  # an enterprise user cannot become a verifier
        grants.request_grant(world.users["security"], world.users["filer_a"], "verifier", value=str(body.id))
    grants.remove_verifier(world.users["security2"], person)
    db.session.refresh(person)
    assert person.verifier_body_id is None


def test_only_submitted_ghg_reports_in_scope_can_be_engaged(engaged) -> None:  # type: ignore[no-untyped-def]
    w = engaged
    with pytest.raises(ServiceError):  # filing B is a draft, in Jiangsu
        verification.engage(w.users["reviewer_js"], w.bodies[0], 2024, [w.filing_b])
    with pytest.raises(ServiceError):  # the wrong year
        verification.engage(w.users["reviewer_jx"], w.bodies[0], 2023, [w.filing_a])
    verification.engage(w.users["reviewer_jx"], w.bodies[0], 2024, [w.filing_a])
    with pytest.raises(ServiceError):  # already engaged
        verification.engage(w.users["reviewer_jx"], w.bodies[1], 2024, [w.filing_a])
    assert verification.engageable_filings(w.users["reviewer_jx"], 2024) == []


def test_the_copy_of_record_lists_the_attachments_by_name_and_hash(client, engaged, tmp_path) -> None:  # type: ignore[no-untyped-def]
    render_version_files(engaged.version)
    login(client, "reviewer_jx@test.cn")
    response = client.get(f"/filings/{engaged.filing_a.id}/versions/1.pdf")
    assert response.status_code == 200
    flat = "".join(_pdftotext(response.data, tmp_path).split())
    assert "证据附件清单" in flat and "煤质检测报告.pdf" in flat and engaged.lab.sha256 in flat
    assert "化石燃料燃烧·第1行" in flat


def test_a_version_without_attachments_prints_no_annex(world) -> None:  # type: ignore[no-untyped-def]
    from portal.renderers.html import render_filing_html
    from portal.services.records import render_inputs

    version = filings.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    inputs = render_inputs(version)
    assert inputs.meta.attachments == ()
    html = render_filing_html(inputs.document, inputs.computed, inputs.findings, inputs.meta, labels=inputs.labels,
                              template_version=inputs.template_version, rule_titles=inputs.rule_titles)
    assert "证据附件清单" not in html and "核查结论" not in html
    assert canonical_json(inputs.document)  # the document renders as before


def test_the_audit_log_finds_evidence_and_verification_by_enterprise(engaged) -> None:  # type: ignore[no-untyped-def]
    from portal.services import audit_log

    w = engaged
    row = verification.verifications_of_engagement(
        verification.engage(w.users["reviewer_jx"], w.bodies[0], 2024, [w.filing_a]))[0]
    verification.raise_finding(w.users["verifier_a"], row, field_path="fuels[0].consumption", body="不符")
    entries = audit_log.page(w.users["auditor"], audit_log.AuditFilter(enterprise="江西赣峰水泥"), size=500)
    actions = {e.action for e in entries}
    assert {"attachment.add", "verification.finding"} <= actions
