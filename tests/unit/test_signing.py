"""The signed copy of record: the installation's key, PAdES signing, and verification of a PDF — on real
rendered PDFs, tampered with as a forger would (an image pasted over a page, a changed byte, a replaced
embedded document), checked with pyHanko and poppler's pdfsig."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes

from portal.domain.codec import canonical_json, document_sha256
from portal.domain.documents import GHG_KIND
from portal.renderers import RenderMeta
from portal.renderers.signing import embedded_document, sign_pdf, verify_pdf
from portal.renderers.signing_key import (
    CERT_FILE,
    KEY_FILE,
    SigningKeyError,
    load_identity,
    load_or_create_identity,
    self_signed_identity,
)
from tests.pdf_tamper import flip_byte, overlay_image, replace_embedded_document
from tests.unit.test_renderers_pdf import SUBMITTED, load, render

pytestmark = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is not installed")


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Return a generated installation identity."""
    return load_or_create_identity(tmp_path_factory.mktemp("keys"), installation="单元测试安装")


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    """Return the unsigned copy of the GHG worked example, submitted."""
    return render(load(GHG_KIND), SUBMITTED)


@pytest.fixture(scope="module")
def signed(unsigned: bytes, identity: Any) -> bytes:
    """Return the signed copy of the GHG worked example."""
    return sign_pdf(unsigned, identity)


def pdfsig(data: bytes, tmp_path: Path) -> str:
    """Return what poppler's pdfsig says about the signatures of ``data``."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


# ----------------------------------------------------------------------------------------- the key


def test_the_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_or_create_identity(tmp_path, installation="江西省生态环境厅")
    again = load_or_create_identity(tmp_path, installation="another name")
    assert again.cert_pem == first.cert_pem and again.key_pem == first.key_pem
    assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode) == 0o600
    assert "江西省生态环境厅" in first.subject  # the certificate names the installation
    assert "BEGIN PRIVATE KEY" in (tmp_path / KEY_FILE).read_text()  # no password: unencrypted, owner-only


def _generate(folder: str) -> str:
    identity = load_or_create_identity(Path(folder), installation="race")
    return identity.certificate.fingerprint(hashes.SHA256()).hex()


def test_processes_starting_at_once_generate_one_key(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        fingerprints = pool.map(_generate, [str(tmp_path)] * 8)
    assert len(set(fingerprints)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [CERT_FILE, KEY_FILE]


def test_a_password_encrypts_the_key_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    load_or_create_identity(tmp_path, installation="x", password=b"s3cret")
    assert "ENCRYPTED PRIVATE KEY" in (tmp_path / KEY_FILE).read_text()
    assert load_or_create_identity(tmp_path, installation="x", password=b"s3cret").password == b"s3cret"
    with pytest.raises(SigningKeyError, match="口令"):
        load_or_create_identity(tmp_path, installation="x", password=b"wrong")


def test_a_configured_key_is_never_generated_in_its_place(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="不存在"):
        load_identity(tmp_path / "key.pem", tmp_path / "cert.pem")
    assert list(tmp_path.iterdir()) == []
    one, other = self_signed_identity("one"), self_signed_identity("other")
    (tmp_path / "key.pem").write_bytes(one.key_pem)
    (tmp_path / "cert.pem").write_bytes(other.cert_pem)
    with pytest.raises(SigningKeyError, match="不匹配"):
        load_identity(tmp_path / "key.pem", tmp_path / "cert.pem")
    (tmp_path / "cert.pem").write_bytes(one.cert_pem)
    assert load_identity(tmp_path / "key.pem", tmp_path / "cert.pem").cert_pem == one.cert_pem
    assert "PRIVATE" not in repr(one)  # key material never reaches a log line


# ----------------------------------------------------------------------------------- verification


def test_the_untouched_signed_copy_verifies(signed: bytes, identity: Any) -> None:
    result = verify_pdf(signed, [identity.certificate])
    assert result.ok and result.code == "ok", result.reason
    document = load(GHG_KIND)
    assert result.sha256 == result.claimed_sha256 == document_sha256(document)
    assert result.embedded_document == canonical_json(document).encode("utf-8")
    assert "单元测试安装" in (result.signer or "") and result.signed_at is not None


def test_pdfsig_lists_a_valid_signature_over_the_whole_file(signed: bytes, tmp_path: Path) -> None:
    out = pdfsig(signed, tmp_path)
    assert "Signature #1" in out and "Signature is Valid." in out
    assert "Total document signed" in out and "ETSI.CAdES.detached" in out


def test_an_image_pasted_over_a_signed_page_is_rejected(signed: bytes, identity: Any, tmp_path: Path) -> None:
    forged = overlay_image(signed)
    assert forged.startswith(signed)  # the signed bytes are all still there: only appended to
    result = verify_pdf(forged, [identity.certificate])
    assert not result.ok and result.code == "modified-after-signing"
    assert "签名后被追加修改" in result.reason_zh and "modified after signing" in result.reason_en
    assert "Not total document signed" in pdfsig(forged, tmp_path)


@pytest.mark.parametrize("at", [0.05, 0.3, 0.6, 0.95])
def test_a_changed_byte_is_rejected(signed: bytes, identity: Any, at: float) -> None:
    result = verify_pdf(flip_byte(signed, at), [identity.certificate])
    assert not result.ok and result.code in ("altered", "unreadable"), result.code


def test_a_replaced_embedded_document_is_rejected(signed: bytes, identity: Any) -> None:
    other = load(GHG_KIND)
    other.enterprise.name = "别的公司"
    forged = replace_embedded_document(signed, canonical_json(other).encode())
    assert embedded_document(forged) == canonical_json(other).encode()  # a reader now finds the new one
    result = verify_pdf(forged, [identity.certificate])
    assert not result.ok and result.code == "modified-after-signing"


def test_a_copy_signed_with_another_key_is_not_the_portals(unsigned: bytes, identity: Any) -> None:
    stranger = self_signed_identity("减污降碳协同申报平台")  # a look-alike name proves nothing
    result = verify_pdf(sign_pdf(unsigned, stranger), [identity.certificate])
    assert not result.ok and result.code == "untrusted"
    assert verify_pdf(sign_pdf(unsigned, stranger), [identity.certificate, stranger.certificate]).ok


def test_a_draft_is_unsigned_but_carries_its_document(identity: Any) -> None:
    document = load(GHG_KIND)
    result = verify_pdf(render(document, RenderMeta()), [identity.certificate])
    assert not result.ok and result.code == "unsigned" and not result.signed
    assert result.sha256 == result.claimed_sha256 == document_sha256(document)


def test_files_that_are_not_copies_of_record_are_rejected_with_a_reason(identity: Any) -> None:
    import weasyprint

    plain = weasyprint.HTML(string=f"<p>排放总量 1 tCO2</p><p>{'a' * 64}</p>").write_pdf()
    assert verify_pdf(plain, [identity.certificate]).code == "no-document"
    assert verify_pdf(b"PK\x03\x04", [identity.certificate]).code == "not-pdf"
    assert verify_pdf(b"%PDF-1.7\n garbage", [identity.certificate]).code == "unreadable"


def _signed_with(unsigned_facts: dict[str, Any], identity: Any) -> bytes:
    """Sign a PDF rendered with archival facts forced past their own consistency check."""
    from portal.reference import default_reference
    from portal.renderers import labels_from_reference, template_dir
    from portal.renderers.html import render_view_html
    from portal.renderers.pdf import ArchivalFacts, html_to_pdf
    from portal.renderers.view import build_view
    from portal.rules import check_document

    document = load(GHG_KIND)
    outcome = check_document(document, default_reference())
    view = build_view(document, outcome.computed, outcome.findings, SUBMITTED,
                      labels=labels_from_reference(default_reference(), document), template_version="v2")
    facts = ArchivalFacts(title=view.title, kind=view.kind, kind_zh=view.kind_zh, year=view.year,
                          enterprise=view.enterprise_name, uscc=view.uscc, sha256=view.sha256, status="submitted",
                          version=1, template="ghg_annual_report/v2",
                          document_json=canonical_json(document).encode())
    for name, value in unsigned_facts.items():
        object.__setattr__(facts, name, value)
    pdf = html_to_pdf(render_view_html(view), base_dir=template_dir(GHG_KIND, "v2"), archival=facts)
    return sign_pdf(pdf, identity)


def test_a_signed_copy_whose_document_does_not_hash_to_its_stated_hash_is_rejected(identity: Any) -> None:
    result = verify_pdf(_signed_with({"sha256": "0" * 64}, identity), [identity.certificate])
    assert not result.ok and result.code == "hash-mismatch" and result.claimed_sha256 == "0" * 64


def test_a_signed_copy_whose_document_is_not_canonical_is_rejected(identity: Any) -> None:
    pretty = json.dumps(json.loads(canonical_json(load(GHG_KIND))), indent=1, ensure_ascii=False).encode()
    facts = {"document_json": pretty, "sha256": hashlib.sha256(pretty).hexdigest()}
    result = verify_pdf(_signed_with(facts, identity), [identity.certificate])
    assert not result.ok and result.code == "not-canonical"


def test_signing_and_verifying_work_inside_a_running_event_loop(unsigned: bytes, identity: Any) -> None:
    import asyncio
    import threading

    async def inside() -> str:  # an async server, or Playwright's sync API, keeps a loop running
        return verify_pdf(sign_pdf(unsigned, identity), [identity.certificate]).code

    # A thread of its own: the xdist worker may already have a loop running (Playwright's sync API of an
    # e2e test run before on that worker), and asyncio.run refuses to start a second one in that thread.
    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(asyncio.run(inside())))
    worker.start()
    worker.join()
    assert results == ["ok"]
