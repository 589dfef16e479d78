"""Sign copies of record with this installation's key, and verify PDFs against its certificates.

The key is read from the configuration (``SIGNING_KEY_PATH`` …, README "Copy of record") or generated
once in ``<instance>/copy-of-record/`` on first use — the first signed PDF, the first certificate download
or the first verification, whichever comes first — and then kept for the life of the process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import current_app

from ..extensions import current_flask_app
from ..renderers.signing import VerifyResult, sign_pdf, verify_pdf
from ..renderers.signing_key import SigningIdentity, SigningKeyError, load_identity, load_or_create_identity

GENERATED_FOLDER = "copy-of-record"
_EXTENSION = "portal.signing_identity"
_lock = threading.Lock()

__all__ = ["SigningKeyError", "certificate_pem", "sign", "signing_identity", "trusted_certificates", "verify"]


def _password() -> bytes | None:
    password = current_app.config.get("SIGNING_KEY_PASSWORD")
    return str(password).encode("utf-8") if password else None


def signing_identity() -> SigningIdentity:
    """Return the installation's signing identity: configured, or generated once in the instance folder."""
    app = current_flask_app()
    cached: SigningIdentity | None = app.extensions.get(_EXTENSION)
    if cached is not None:
        return cached
    with _lock:
        again: SigningIdentity | None = app.extensions.get(_EXTENSION)  # another thread may have made it
        if again is not None:
            return again
        config = app.config
        key_path, cert_path = config.get("SIGNING_KEY_PATH"), config.get("SIGNING_CERT_PATH")
        if key_path or cert_path:
            if not (key_path and cert_path):
                raise SigningKeyError("请同时配置 SIGNING_KEY_PATH 与 SIGNING_CERT_PATH",
                                      "set both SIGNING_KEY_PATH and SIGNING_CERT_PATH")
            chain = config.get("SIGNING_CHAIN_PATH")
            identity = load_identity(Path(key_path), Path(cert_path), chain_path=Path(chain) if chain else None,
                                     password=_password())
        else:
            identity = load_or_create_identity(Path(app.instance_path) / GENERATED_FOLDER,
                                               installation=str(config.get("INSTALLATION_NAME") or ""),
                                               password=_password())
        app.extensions[_EXTENSION] = identity
        return identity


def trusted_certificates() -> list[x509.Certificate]:
    """Return the certificates whose signatures /verify accepts: the current one and any earlier ones."""
    trusted = [signing_identity().certificate]
    previous = current_app.config.get("SIGNING_PREVIOUS_CERTS_PATH")
    if previous:
        try:
            trusted += x509.load_pem_x509_certificates(Path(previous).read_bytes())
        except (OSError, ValueError) as exc:
            raise SigningKeyError(f"无法读取 SIGNING_PREVIOUS_CERTS_PATH（{exc}）",
                                  f"cannot read SIGNING_PREVIOUS_CERTS_PATH ({exc})") from None
    return trusted


def certificate_pem() -> bytes:
    """Return the signing certificate and its CA chain (PEM), as offered for download on /verify."""
    identity = signing_identity()
    return identity.certificate.public_bytes(serialization.Encoding.PEM) + identity.chain_pem


def sign(pdf: bytes) -> bytes:
    """Return ``pdf`` signed with the installation's key."""
    return sign_pdf(pdf, signing_identity(), location=str(current_app.config.get("INSTALLATION_NAME") or "") or None)


def verify(pdf: bytes) -> VerifyResult:
    """Return whether ``pdf`` is an unaltered copy of record signed by this installation."""
    return verify_pdf(pdf, trusted_certificates())
