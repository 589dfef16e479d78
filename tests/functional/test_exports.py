"""Issue 6 in the web portal: version PDF/Excel downloads, the draft preview, the consolidated workbook and
verification of a copy of record — on real rendered files (pdftotext, openpyxl)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from portal.models import FilingVersion
from portal.services import exports
from portal.services import filings as filing_service
from portal.services.errors import ServiceError
from tests.conftest import login
from tests.helpers import PASSWORD, draft_pdf, render_version_files
from tests.pdf_tamper import flip_byte, overlay_image

EXAMPLE_TOTAL = 1067866  # shared/examples/README.md: total_tco2 1,067,866


def _pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout


def _fonts(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def submitted(world):  # type: ignore[no-untyped-def]
    """Submit enterprise A's worked example as its signatory; return (world, version)."""
    version = filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    return world, version


@pytest.fixture()
def rendered(submitted):  # type: ignore[no-untyped-def]
    """Submit, then run the render jobs the submission queued (the PDF and Excel filing are then stored)."""
    render_version_files(submitted[1])
    return submitted


def test_version_pdf_is_the_frozen_document_with_hash_name_total_and_cjk_font(client, rendered) -> None:  # type: ignore[no-untyped-def]
    world, version = rendered
    login(client, "reviewer_ganzhou@test.cn")
    response = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Content-SHA256"] == version.sha256
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    assert "江西赣峰水泥有限公司" in text and "1,067,866" in text and version.sha256 in text
    assert "第 1 页 共" in text and "已提交" in text and "草稿" not in text
    assert any("CJK" in line and " yes " in line for line in _fonts(response.data).splitlines())


def test_version_xlsx_holds_totals_as_numbers(client, rendered) -> None:  # type: ignore[no-untyped-def]
    world, _ = rendered
    login(client, "filer_a@test.cn")
    response = client.get(f"/filings/{world.filing_a.id}/versions/1.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    numbers = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert EXAMPLE_TOTAL in numbers


def test_version_page_and_filing_page_offer_both_downloads(client, submitted) -> None:  # type: ignore[no-untyped-def]
    world, _ = submitted
    for role in ("filer_a", "reviewer_jx"):  # the reviewer is sent from the filing page to the version
        login(client, f"{role}@test.cn")
        page = client.get(f"/filings/{world.filing_a.id}", follow_redirects=True).get_data(as_text=True)
        assert f"/filings/{world.filing_a.id}/versions/1.pdf" in page
        assert f"/filings/{world.filing_a.id}/versions/1.xlsx" in page
        client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    for url in (f"/filings/{world.filing_a.id}/versions/1",):
        page = client.get(url).get_data(as_text=True)
        assert f"/filings/{world.filing_a.id}/versions/1.pdf" in page
        assert f"/filings/{world.filing_a.id}/versions/1.xlsx" in page


def test_a_version_whose_text_does_not_match_its_hash_is_never_rendered(submitted) -> None:  # type: ignore[no-untyped-def]
    world, version = submitted
    # Transient rows (never added to the session): the triggers forbid altering a stored version.
    forged = FilingVersion(filing_id=world.filing_a.id, number=1, canonical_json=version.canonical_json.replace(
        "江西赣峰水泥有限公司", "别的公司"), sha256=version.sha256, computed_json=version.computed_json,
        findings_json=version.findings_json, rules_version="v1", certified_by_id=version.certified_by_id,
        certification_statement="x", submitted_at=version.submitted_at)
    with pytest.raises(ServiceError) as caught:
        exports.version_pdf(forged)
    assert "哈希" in caught.value.message_zh and "hash" in caught.value.message_en


def test_a_version_whose_recomputed_results_differ_is_refused(submitted) -> None:  # type: ignore[no-untyped-def]
    """A version without a record (submitted before records existed) renders by recomputing, or not at all."""
    world, version = submitted
    stored = json.loads(version.computed_json)
    stored["total_tco2"] = 1
    altered = FilingVersion(filing_id=world.filing_a.id, number=1, canonical_json=version.canonical_json,
                            sha256=version.sha256, computed_json=json.dumps(stored),
                            findings_json=version.findings_json, rules_version="v1",
                            certified_by_id=version.certified_by_id, certification_statement="x",
                            submitted_at=version.submitted_at)
    with pytest.raises(ServiceError) as caught:
        exports.version_xlsx(altered)
    assert "重新计算" in caught.value.message_zh


def test_draft_pdf_carries_the_watermark_and_is_for_editors_only(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    response = draft_pdf(client, world.filing_a.id)
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "草稿" in text and "江西赣峰水泥有限公司" in text
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")  # a reviewer sees submitted versions, not the working draft's files
    assert client.post(f"/filings/{world.filing_a.id}/draft.pdf").status_code == 404


def _upload(client, content: bytes):  # type: ignore[no-untyped-def]
    """POST a PDF to /verify as multipart built here: werkzeug's test builder spools bodies over 500 KB to
    a temporary file it never closes (a ResourceWarning, an error under our warning filter)."""
    boundary = "----portal-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"copy.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_consolidated_workbook_has_one_row_per_filing_in_scope_with_numbers(client, submitted) -> None:  # type: ignore[no-untyped-def]
    world, version = submitted
    login(client, "reviewer_jx@test.cn")
    response = client.get("/review/export.xlsx?year=2024")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = _rows(response.data)
    header_zh, header_en = rows[1], rows[2]
    assert header_zh[header_en.index("Total emissions (tCO2e)")] == "温室气体排放总量（tCO2e）"
    data = rows[3:]
    assert len(data) == 1
    row = dict(zip(header_en, data[0], strict=True))
    assert row["Unified social credit code"] == world.a.uscc and row["Enterprise name"] == "江西赣峰水泥有限公司"
    assert row["Total emissions (tCO2e)"] == EXAMPLE_TOTAL and isinstance(row["Total emissions (tCO2e)"], int)
    assert Decimal(str(row["Energy consumption (from inputs) (tce)"])) == Decimal("136691.67")
    assert Decimal(str(row["Carbon intensity (primary product) (tCO2/unit of product)"])) == Decimal("0.8543")
    assert row["SHA-256"] == version.sha256 and row["Status"] == "已提交"
    stored = json.loads(version.findings_json)
    assert row["Warnings"] == sum(1 for f in stored if f["severity"] == "warning")
    assert row["Errors"] == 0


def test_consolidated_workbook_leaves_out_other_scopes_drafts_and_years(client, submitted) -> None:  # type: ignore[no-untyped-def]
    login(client, "reviewer_js@test.cn")
    rows = _rows(client.get("/review/export.xlsx?year=2024").data)
    assert len(rows) == 4 and "没有已提交的申报" in str(rows[3][0])  # B is a draft; A is out of scope
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    assert len(_rows(client.get("/review/export.xlsx?year=2023").data)) == 4
    assert len(_rows(client.get("/review/export.xlsx?year=2024&kind=clean_production_audit").data)) == 4


def test_consolidated_workbook_is_for_reviewers_and_validates_its_query(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    assert client.get("/review/export.xlsx?year=2024").status_code == 404
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    assert client.get("/review/export.xlsx?year=abc").status_code == 400
    assert client.get("/review/export.xlsx?year=2024&kind=other").status_code == 400


def test_consolidated_workbook_stores_hostile_text_as_text(submitted) -> None:  # type: ignore[no-untyped-def]
    from portal.renderers.consolidated import row_from_version, write_consolidated

    row = row_from_version(filing_id=1, kind="ghg_annual_report", year=2024, status="submitted", version=1,
                           uscc="=HYPERLINK(\"http://x\")", name="+SUM(1,2)", region_code="360700",
                           industry_code="3011", submitted_at=None, sha256="0" * 64,
                           computed={"total_tco2": 5, "products": {}}, findings=[])
    data = write_consolidated([row], year=2024, levels=lambda code: (None, None))
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {c.value: c for r in sheet.iter_rows(min_row=4) for c in r if isinstance(c.value, str)}
    for text in ("=HYPERLINK(\"http://x\")", "+SUM(1,2)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix


def test_consolidated_row_arithmetic_and_product_columns() -> None:
    from portal.renderers.consolidated import _product_columns, row_from_version

    row = row_from_version(
        filing_id=7, kind="clean_production_audit", year=2023, status="accepted", version=2, uscc="u", name="n",
        region_code="360700", industry_code="3011", submitted_at=None, sha256="0" * 64,
        computed={"implementation_rate_no_low": 0.8333, "implementation_rate_medium_high": 0.5,
                  "total_investment_10k_cny": 1234.5},
        findings=[{"severity": "warning", "explained": True}, {"severity": "warning", "explained": False},
                  {"severity": "notice"}])
    # rates are printed as percentages: 0.8333 → 83.33 %, 0.5 → 50.00 %
    assert row["rate_no_low"] == Decimal("83.3") and row["rate_medium_high"] == Decimal("50.0")
    assert row["investment"] == Decimal("1234.5") and row["status"] == "已通过"
    assert (row["warnings"], row["notices"], row["errors"], row["warnings_explained"]) == (2, 1, 0, False)
    ghg = {"products": [("clinker", Decimal("105.20"), "between"), ("cement", None, None)]}
    _product_columns(ghg, lambda code: (Decimal("100"), Decimal("117")) if code == "clinker" else (None, None))
    assert (ghg["product"], ghg["unit_energy"], ghg["benchmark"], ghg["baseline"]) == (
        "clinker", Decimal("105.20"), Decimal("100"), Decimal("117"))
    assert ghg["level"] == "介于标杆水平与基准水平之间"
    assert ghg["other_products"] == "cement —（标杆 —，基准 —；无可比的标杆或基准水平）"


def _outcome(page) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    text = page.get_data(as_text=True)
    outcome = re.search(r'data-outcome="([a-z-]+)"', text)
    reason = re.search(r'data-reason="([a-z-]+)"', text)
    return (outcome.group(1) if outcome else None), (reason.group(1) if reason else None)


def test_verify_a_genuine_copy_a_forged_copy_and_a_pasted_hash(client, rendered) -> None:  # type: ignore[no-untyped-def]
    world, version = rendered
    login(client, "reviewer_ganzhou@test.cn")
    genuine = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf").data
    page = _upload(client, genuine)
    assert page.status_code == 200 and _outcome(page) == ("match", None)
    assert "签名有效且未被改动" in page.get_data(as_text=True)

    # An image pasted over the cover, appended to the signed file: the text is unchanged, the file is not.
    page = _upload(client, overlay_image(genuine))
    assert _outcome(page) == ("rejected", "modified-after-signing")
    assert "签名后被追加修改" in page.get_data(as_text=True)
    page = _upload(client, flip_byte(genuine))  # one changed byte
    assert _outcome(page)[0] == "rejected" and _outcome(page)[1] in ("altered", "unreadable")

    import weasyprint  # a forged "copy": the right hash in a footer, other figures around it

    forged = weasyprint.HTML(string=f"<p>江西赣峰水泥有限公司 排放总量 1 tCO2</p><p>{version.sha256}</p>").write_pdf()
    assert _outcome(_upload(client, forged)) == ("rejected", "no-document")

    page = client.post("/verify", data={"sha256": version.sha256.upper()})
    assert _outcome(page) == ("match", None)
    page = client.post("/verify", data={"sha256": "a" * 64})
    assert _outcome(page) == ("unknown", None)


def test_a_draft_pdf_is_not_a_copy_of_record(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    draft = draft_pdf(client, world.filing_a.id).data
    page = _upload(client, draft)
    assert _outcome(page) == ("rejected", "unsigned") and "草稿" in page.get_data(as_text=True)


def test_the_signing_certificate_is_offered_and_is_the_one_that_signed(client, rendered) -> None:  # type: ignore[no-untyped-def]
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from portal.renderers.signing import verify_pdf

    world, _ = rendered
    login(client, "filer_a@test.cn")
    page = client.get("/verify").get_data(as_text=True)
    assert "/verify/certificate.pem" in page
    client.post("/logout")
    response = client.get("/verify/certificate.pem")  # public: anyone holding a copy may check it
    assert response.status_code == 200 and b"BEGIN CERTIFICATE" in response.data
    (cert,) = x509.load_pem_x509_certificates(response.data)
    assert cert.fingerprint(hashes.SHA256()).hex(":").upper() in page
    login(client, "filer_a@test.cn")
    genuine = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf").data
    assert verify_pdf(genuine, [cert]).ok


def test_verify_answers_unknown_to_users_who_may_not_see_the_filing(client, submitted) -> None:  # type: ignore[no-untyped-def]
    _, version = submitted
    login(client, "reviewer_js@test.cn")
    page = client.post("/verify", data={"sha256": version.sha256}).get_data(as_text=True)
    assert 'data-outcome="unknown"' in page and "江西赣峰水泥有限公司" not in page


def test_verify_rejects_bad_input_with_a_clear_message(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = _upload(client, b"PK\x03\x04 not a pdf")
    assert page.status_code == 422 and "不是 PDF" in page.get_data(as_text=True)
    page = client.post("/verify", data={"sha256": "xyz"})
    assert page.status_code == 422 and "64 位十六进制" in page.get_data(as_text=True)
    page = client.post("/verify", data={})
    assert page.status_code == 422
    broken = _upload(client, b"%PDF-1.7\n garbage")
    assert broken.status_code in (200, 422) and 'data-outcome="match"' not in broken.get_data(as_text=True)


def test_portal_render_from_the_database_verifies_and_prints_the_hash(app, submitted, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from portal.checking_cli import run_render_version

    world, version = submitted
    out = tmp_path / "v1.xlsx"
    assert run_render_version(world.filing_a.id, None, None, out) == 0
    assert version.sha256 in capsys.readouterr().out
    numbers = [c.value for s in load_workbook(out) for r in s.iter_rows() for c in r if isinstance(c.value, int)]
    assert EXAMPLE_TOTAL in numbers
    assert run_render_version(world.filing_a.id, 9, None, out) == 2


def test_portal_render_filing_writes_the_signed_copy(app, submitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from portal.checking_cli import run_render_version
    from portal.renderers.signing import verify_pdf
    from portal.services.signing import trusted_certificates

    world, version = submitted
    out = tmp_path / "v1.pdf"
    assert run_render_version(world.filing_a.id, 1, out, None) == 0
    result = verify_pdf(out.read_bytes(), trusted_certificates())
    assert result.ok and result.sha256 == version.sha256


def test_a_missing_configured_key_is_a_clear_503_not_a_500(app, client, submitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world, _ = submitted
    saved = {k: app.config.get(k) for k in ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH")}
    identity = app.extensions.pop("portal.signing_identity", None)
    app.config.update(SIGNING_KEY_PATH=str(tmp_path / "missing-key.pem"), SIGNING_CERT_PATH=str(tmp_path / "c.pem"))
    try:
        # The render job fails with the reason, and the download page says it (never a 500).
        render_version_files(submitted[1])
        login(client, "filer_a@test.cn")
        response = client.get(f"/filings/{world.filing_a.id}/versions/1.pdf")
        assert response.status_code == 202 and "配置的签名密钥文件不存在" in response.get_data(as_text=True)
        page = client.get("/verify")
        assert page.status_code == 200 and "签名证书不可用" in page.get_data(as_text=True)
        assert client.get("/verify/certificate.pem").status_code == 503
    finally:
        app.config.update(saved)
        if identity is not None:
            app.extensions["portal.signing_identity"] = identity
        else:
            app.extensions.pop("portal.signing_identity", None)
