"""``portal verify FILE.pdf``: exit 0 when the signature and the embedded document's hash hold, 1 with the
reason otherwise — against a certificate file, or this installation's (configured by PORTAL_SIGNING_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.domain.codec import canonical_json, document_sha256
from portal.domain.documents import GHG_KIND
from portal.renderers.signing import sign_pdf
from portal.renderers.signing_key import self_signed_identity
from tests.pdf_tamper import overlay_image
from tests.unit.test_renderers_pdf import EXAMPLES, load, render


@pytest.fixture(scope="module")
def identity() -> Any:
    """Return a signing identity made for these tests."""
    return self_signed_identity("命令行测试")


@pytest.fixture(scope="module")
def signed(identity: Any) -> bytes:
    """Return a signed copy of record of the GHG worked example."""
    return sign_pdf(render(load(GHG_KIND)), identity)


@pytest.fixture
def cert(identity: Any, tmp_path: Path) -> Path:
    """Write the identity's certificate (as downloaded from /verify) and return its path."""
    path = tmp_path / "portal-signing-certificate.pem"
    path.write_bytes(identity.cert_pem)
    return path


def verify(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``portal verify`` with ``args``."""
    return CliRunner(env=env).invoke(main, ["verify", *args])


def test_a_signed_copy_verifies_and_yields_its_document(signed: bytes, cert: Path, tmp_path: Path) -> None:
    pdf, out = tmp_path / "copy.pdf", tmp_path / "document.json"
    pdf.write_bytes(signed)
    result = verify(str(pdf), "--cert", str(cert), "--document", str(out))
    assert result.exit_code == 0, result.stderr
    assert document_sha256(load(GHG_KIND)) in result.stdout and "命令行测试" in result.stdout
    assert out.read_bytes() == canonical_json(load(GHG_KIND)).encode()


def test_an_overlaid_copy_fails_with_the_reason(signed: bytes, cert: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "forged.pdf"
    pdf.write_bytes(overlay_image(signed))
    result = verify(str(pdf), "--cert", str(cert))
    assert result.exit_code == 1
    assert "modified after signing" in result.stderr and "签名后被追加修改" in result.stderr


def test_a_rendered_draft_embeds_its_document_but_is_not_signed(cert: Path, tmp_path: Path) -> None:
    source, pdf = EXAMPLES / "ghg-jx-cement-2024.json", tmp_path / "draft.pdf"
    rendered = CliRunner().invoke(main, ["render", str(source), "--pdf", str(pdf)])
    assert rendered.exit_code == 0, rendered.stderr
    result = verify(str(pdf), "--cert", str(cert))
    assert result.exit_code == 1 and "no digital signature" in result.stderr
    assert document_sha256(load(GHG_KIND)) in result.stderr  # the embedded document is there


def test_without_cert_the_installations_configured_key_is_trusted(signed: bytes, identity: Any,
                                                                  tmp_path: Path) -> None:
    key, certificate, pdf = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "copy.pdf"
    key.write_bytes(identity.key_pem)
    certificate.write_bytes(identity.cert_pem)
    pdf.write_bytes(signed)
    env = {"PORTAL_SIGNING_KEY_PATH": str(key), "PORTAL_SIGNING_CERT_PATH": str(certificate),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    assert verify(str(pdf), env=env).exit_code == 0
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(sign_pdf(render(load(GHG_KIND)), self_signed_identity("someone else")))
    result = verify(str(stranger), env=env)
    assert result.exit_code == 1 and "not this portal's" in result.stderr


def test_a_file_that_is_not_a_pdf_fails(cert: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "x.pdf"
    bogus.write_bytes(b"PK\x03\x04")
    result = verify(str(bogus), "--cert", str(cert))
    assert result.exit_code == 1 and "not a PDF" in result.stderr
