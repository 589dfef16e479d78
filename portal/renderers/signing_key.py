"""Keep the installation's copy-of-record signing key: load it, or generate it once with a self-signed certificate.

Every installation signs the PDF copies of record of submitted versions with its own key (issue 15). Two
ways to provide it:

* **Generated** (the default, for a pilot or a single office): on first use a 3072-bit RSA key and a
  self-signed certificate naming the installation are written to ``<instance>/copy-of-record/``. The key
  file is created with mode 0600 and encrypted when a password is configured. Several processes may start
  at once (web workers, job workers, ``portal render``): an exclusive ``flock`` on a lock file in that
  folder makes exactly one of them generate, and files are written under a temporary name and renamed, so
  nobody ever reads half a key.
* **Provided** (production): ``PORTAL_SIGNING_KEY_PATH`` and ``PORTAL_SIGNING_CERT_PATH`` (and
  ``PORTAL_SIGNING_KEY_PASSWORD``, ``PORTAL_SIGNING_CHAIN_PATH`` for the CA's intermediate certificates)
  name a key and a certificate issued by a real CA. A configured key that is missing is an error, never a
  reason to generate one: a silently new key would sign copies nobody can trace to the CA.

No Flask, no database: the caller passes the paths (``portal.services.signing`` reads them from the
configuration).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_FILE = "signing-key.pem"
CERT_FILE = "signing-cert.pem"
LOCK_FILE = ".signing.lock"
#: RSA rather than ECDSA: every PDF reader in use at the regulators verifies RSA signatures
KEY_BITS = 3072
VALID_YEARS = 20  # a copy of record is kept for decades; the certificate must outlive the filing period
PRODUCT_ZH = "减污降碳协同申报平台"
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning, RFC 9336


class SigningKeyError(RuntimeError):
    """Raise when the signing key cannot be loaded or created; carries a bilingual message."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """Hold the PEM key, certificate and CA chain the portal signs with (the key may be encrypted)."""

    key_pem: bytes
    cert_pem: bytes
    chain_pem: bytes = b""  # intermediate CA certificates, PEM, possibly empty
    password: bytes | None = None

    def __repr__(self) -> str:  # never print key material into a log
        return f"SigningIdentity(subject={self.subject!r})"

    @property
    def certificate(self) -> x509.Certificate:
        """Return the signing certificate."""
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def subject(self) -> str:
        """Return the certificate's subject, RFC 4514 style."""
        return self.certificate.subject.rfc4514_string()

    def chain(self) -> list[x509.Certificate]:
        """Return the intermediate certificates sent along with each signature."""
        return x509.load_pem_x509_certificates(self.chain_pem) if self.chain_pem.strip() else []


def installation_name(configured: str | None = None) -> str:
    """Return the name that identifies this installation in its certificate (configured, else the host name)."""
    name = (configured or "").strip() or socket.gethostname() or "portal"
    return name[:40]


def _fit(text: str, limit: int = 64) -> str:
    """Return ``text`` cut to ``limit`` UTF-8 bytes (RFC 5280's upper bound for CN and O) on a character."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def self_signed_identity(installation: str, *, password: bytes | None = None,
                         now: dt.datetime | None = None) -> SigningIdentity:
    """Return a new key and a self-signed certificate naming ``installation`` (nothing is written)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = installation_name(installation)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(f"{PRODUCT_ZH}存档副本签名 {name}")),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(name)),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "copy of record signing (self-signed)"),
    ])
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=5)  # tolerate a little clock skew
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        # documentSigning (RFC 9336) says what the key is for; emailProtection is what NSS (poppler's pdfsig,
        # Firefox) and Adobe Reader look for in a signer certificate.
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    return SigningIdentity(key_pem=key_pem, cert_pem=cert.public_bytes(serialization.Encoding.PEM),
                           password=password)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder``'s lock file: one process at a time generates or reads the key."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _read(key_path: Path, cert_path: Path, chain_path: Path | None, password: bytes | None) -> SigningIdentity:
    try:
        key_pem, cert_pem = key_path.read_bytes(), cert_path.read_bytes()
        chain_pem = chain_path.read_bytes() if chain_path is not None else b""
    except OSError as exc:
        raise SigningKeyError(f"无法读取签名密钥或证书（{exc}）",
                              f"cannot read the signing key or certificate ({exc})") from None
    identity = SigningIdentity(key_pem=key_pem, cert_pem=cert_pem, chain_pem=chain_pem, password=password)
    check_identity(identity)
    return identity


def check_identity(identity: SigningIdentity) -> None:
    """Raise :class:`SigningKeyError` unless the key opens with its password and matches the certificate."""
    try:
        key = serialization.load_pem_private_key(identity.key_pem, identity.password)
        cert = identity.certificate
        identity.chain()
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"签名密钥或证书无法解析，或密钥口令不正确（{exc}）",
                              f"the signing key or certificate cannot be read, or the key password is wrong "
                              f"({exc})") from None
    if key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
            != cert.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo):
        raise SigningKeyError("签名密钥与证书不匹配", "the signing key does not match the certificate")


def load_or_create_identity(folder: Path, *, installation: str, password: bytes | None = None) -> SigningIdentity:
    """Return the identity kept in ``folder``, generating it (once, under a lock) if it is not there yet."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    with _locked(folder):
        if not cert_path.exists():
            # The certificate is written last: its presence means the key beside it is complete.
            identity = self_signed_identity(installation, password=password)
            _write_atomically(key_path, identity.key_pem, 0o600)
            _write_atomically(cert_path, identity.cert_pem, 0o644)
            return identity
        return _read(key_path, cert_path, None, password)


def load_identity(key_path: Path, cert_path: Path, *, chain_path: Path | None = None,
                  password: bytes | None = None) -> SigningIdentity:
    """Return a provided identity (a CA-issued certificate); never generate one in its place."""
    for path, zh, en in ((key_path, "签名密钥", "signing key"), (cert_path, "签名证书", "signing certificate")):
        if not path.is_file():
            raise SigningKeyError(f"配置的{zh}文件不存在：{path}", f"the configured {en} file does not exist: {path}")
    return _read(key_path, cert_path, chain_path, password)
