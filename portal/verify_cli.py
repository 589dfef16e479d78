"""``portal verify FILE.pdf``: check a copy of record's signature and embedded document from the command line.

Exit 0 when the portal's signature is valid, covers the whole file and the embedded canonical document
hashes to the hash the file states; 1 with the reason otherwise. The certificates trusted are the
installation's (as /verify trusts them) or, with ``--cert``, those in a PEM file — a regulator who
downloaded the certificate from /verify can check a copy with no access to the installation.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509

EXIT_OK, EXIT_FAILED = 0, 1


def run_verify(path: Path, cert: Path | None, document_out: Path | None) -> int:
    """Verify ``path``; print the outcome; return the exit status."""
    from .renderers.signing import verify_pdf
    from .renderers.signing_key import SigningKeyError

    try:
        content = path.read_bytes()
        if cert is not None:
            from cryptography import x509

            trusted = x509.load_pem_x509_certificates(cert.read_bytes())
        else:
            trusted = _installation_certificates()
    except (OSError, ValueError) as exc:
        print(f"portal verify: 无法读取文件 / cannot read a file: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except SigningKeyError as exc:
        print(f"portal verify: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return EXIT_FAILED
    result = verify_pdf(content, trusted)
    if document_out is not None and result.embedded_document is not None:
        document_out.write_bytes(result.embedded_document)
    if not result.ok:
        print(f"portal verify: {path}: 未通过 / FAILED: {result.reason}", file=sys.stderr)
        if result.sha256:
            print(f"  embedded document sha256 {result.sha256}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{path}: 通过 / verified: {result.reason}")
    print(f"  sha256 {result.sha256}")
    print(f"  signed by {result.signer}" + (f" at {result.signed_at.isoformat()}" if result.signed_at else ""))
    return EXIT_OK


def _installation_certificates() -> list[x509.Certificate]:
    """Return the certificates this installation's /verify trusts (the key is generated if there is none)."""
    from . import create_app
    from .services.signing import trusted_certificates

    with create_app().app_context():
        return trusted_certificates()
