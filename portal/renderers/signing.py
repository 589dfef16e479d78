"""Sign a rendered copy of record (PAdES, pyHanko) and verify a PDF: signature, coverage, embedded document.

``sign_pdf(pdf, identity) -> bytes`` adds one certification signature (PAdES baseline B, DocMDP "no
changes") in an incremental update, so the PDF/A-3b file stays PDF/A-3b: the signature widget is
invisible (zero-sized, printable, with an empty appearance) and nothing else is touched.

``verify_pdf(pdf, trusted) -> VerifyResult`` says whether a PDF is a genuine copy of record, and if not,
why, in Chinese and English. It holds when

1. the file carries exactly one signature, cryptographically intact, made with a certificate in
   ``trusted`` (the installation's own; earlier ones after a key rotation);
2. the signature covers the whole file — or whatever follows it is long-term-validation data only
   (pyHanko's modification analysis: a DSS or a document timestamp), never content: an image pasted
   over a figure in an incremental update fails here, a changed byte fails at 1;
3. the canonical JSON embedded in the signed revision (``document.json``, PDF/A-3 associated file)
   hashes to the SHA-256 the PDF states in its XMP metadata and prints in every page footer, and is
   canonical (parsing and re-serialising it gives the same bytes).

Looking the hash up among the submitted versions a user may see is the caller's part (web, CLI).
Pure: no Flask, no database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from xml.etree import ElementTree

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .signing_key import SigningIdentity

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

#: the name of the embedded canonical document (an associated file, AFRelationship /Source)
DOCUMENT_ATTACHMENT = "document.json"
SIGNATURE_FIELD = "CopyOfRecord"
#: the XMP property holding the document's SHA-256 (namespace declared in an extension schema)
PORTAL_XMP_NS = "urn:x-portal:copy-of-record:1.0/"
MAX_PDF_BYTES = 20 * 1024 * 1024
T = TypeVar("T")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _pyhanko() -> None:
    """Import pyHanko quietly: it imports cryptography's DSA module, which warns on import (not used here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyhanko.sign  # noqa: F401
        import pyhanko.sign.validation  # noqa: F401


# ------------------------------------------------------------------------------------------ signing


def sign_pdf(pdf: bytes, identity: SigningIdentity, *, reason: str = "存档副本 Copy of record",
             location: str | None = None) -> bytes:
    """Return ``pdf`` with the portal's certification signature appended (PAdES, DocMDP: no changes)."""
    _pyhanko()
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm

    signer, reserve = _signer(identity)
    writer = _metadata_keeping_writer()(io.BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(SIGNATURE_FIELD))
    _give_widget_an_empty_appearance(writer)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, certify=True, docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    # A reserved size skips pyHanko's trial signature, which it makes only to measure one.
    out = _outside_event_loop(lambda: signers.PdfSigner(meta, signer).sign_pdf(writer, bytes_reserved=reserve))
    signed: bytes = out.getvalue()  # pyHanko types the output stream loosely
    return signed


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Run ``call`` — pyHanko's synchronous API, which calls ``asyncio.run`` — where no event loop runs.

    ``asyncio.run`` refuses to start inside a thread whose event loop is running (an async server, or a
    library such as Playwright's synchronous API that keeps one running); there the call goes to a
    short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(call).result()


@lru_cache(maxsize=4)
def _signer(identity: SigningIdentity) -> tuple[Any, int]:
    """Return a pyHanko signer holding the loaded key, and the signature size to reserve.

    Loading a 3072-bit RSA key checks it (about 0.1 s, twice per signature in pyHanko's SimpleSigner);
    the key is loaded and checked once here and kept for the process.
    """
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    key = serialization.load_pem_private_key(identity.key_pem, identity.password)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    certs = [identity.certificate, *identity.chain()]
    ders = [c.public_bytes(serialization.Encoding.DER) for c in certs]

    class LoadedKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    asn1_certs = [asn1_x509.Certificate.load(der) for der in ders]
    signer = LoadedKeySigner(signing_cert=asn1_certs[0], signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                             cert_registry=SimpleCertificateStore.from_certs(asn1_certs))
    # Room for the CMS container (certificates, signature, signed attributes) with plenty to spare, in
    # hexadecimal digits as pyHanko counts it.
    return signer, 2 * (4096 + 2 * sum(len(der) for der in ders))


def _metadata_keeping_writer() -> type[IncrementalPdfFileWriter]:
    """Return a pyHanko writer that leaves the document information and the XMP metadata as rendered.

    By default pyHanko re-serialises the XMP packet and appends itself to the Info dictionary's Producer
    but not to the XMP's — the two then disagree, which PDF/A forbids (ISO 19005-3 6.6.3), and the
    re-serialised packet loses the per-description namespace declarations some validators need. The
    signature's own dictionary records when and by whom the file was signed.
    """

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKeepingWriter(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            return None

    return MetadataKeepingWriter


def _give_widget_an_empty_appearance(writer: Any) -> None:
    """Give the invisible signature widget an empty normal appearance.

    ISO 19005-2/3 (6.3.3) excuse a zero-sized widget from having one, but ISO 19005-1 and some validators
    (PDFBox Preflight among them) do not: an empty /AP /N costs a few bytes and satisfies all of them.
    """
    from pyhanko.pdf_utils import generic

    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == SIGNATURE_FIELD:
            appearance = generic.StreamObject(
                {generic.NameObject("/Type"): generic.NameObject("/XObject"),
                 generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                 generic.NameObject("/BBox"): generic.ArrayObject([generic.NumberObject(0)] * 4)},
                stream_data=b"")
            field[generic.NameObject("/AP")] = generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(appearance)})
            writer.update_container(field)
            return


# --------------------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class VerifyResult:
    """Hold what verifying a PDF found: whether it holds, why not (zh/en), the hashes and the signer."""

    ok: bool
    code: str  # ok, not-pdf, too-large, unreadable, no-document, unsigned, several-signatures, altered,
    #            modified-after-signing, untrusted, no-hash, hash-mismatch, not-canonical
    reason_zh: str
    reason_en: str
    sha256: str | None = None  # SHA-256 of the embedded canonical document
    claimed_sha256: str | None = None  # the hash the PDF states (XMP; printed in each page footer)
    embedded_document: bytes | None = None
    signed: bool = False
    signer: str | None = None  # the signing certificate's subject
    signed_at: dt.datetime | None = None

    @property
    def reason(self) -> str:
        """Return the bilingual one-line reason."""
        return f"{self.reason_zh} / {self.reason_en}"


_REASONS: dict[str, tuple[str, str]] = {
    "ok": ("签名有效，覆盖整个文件；内嵌文书的哈希值与文件所载哈希值一致",
           "the signature is valid and covers the whole file; the embedded document's hash matches the hash "
           "the file states"),
    "not-pdf": ("文件不是 PDF", "the file is not a PDF"),
    "too-large": ("PDF 文件过大", "the PDF is too large"),
    "unreadable": ("无法解析该 PDF 文件，文件可能已损坏或被修改", "the PDF cannot be parsed; it may be damaged or altered"),
    "no-document": ("文件中没有内嵌的规范化文书：它不是本门户生成的存档副本",
                    "the file embeds no canonical document: it is not a copy of record made by this portal"),
    "unsigned": ("文件没有数字签名：它是草稿或未经门户签名的副本，不是已提交版本的存档副本",
                 "the file has no digital signature: it is a draft or an unsigned copy, not the copy of record "
                 "of a submitted version"),
    "several-signatures": ("文件含有多个签名，不是本门户签发的存档副本",
                           "the file carries several signatures; the portal signs a copy of record once"),
    "altered": ("签名与文件内容不符：文件在签名后被改动", "the signature does not match the file: it was altered after signing"),
    "modified-after-signing": ("文件在签名后被追加修改（增量更新改变了内容），签名不覆盖当前内容",
                               "the file was modified after signing (an incremental update changed its "
                               "content); the signature does not cover what it shows now"),
    "untrusted": ("签名证书不是本门户的签名证书", "the signing certificate is not this portal's"),
    "no-hash": ("文件未载明文书的 SHA-256 哈希值", "the file does not state its document's SHA-256"),
    "hash-mismatch": ("内嵌文书的哈希值与文件所载（页脚印出）的哈希值不一致",
                      "the embedded document's hash differs from the hash the file states (printed in the footer)"),
    "not-canonical": ("内嵌文书不是规范化格式，哈希值无法核对", "the embedded document is not in canonical form"),
}


def _result(code: str, **facts: Any) -> VerifyResult:
    zh, en = _REASONS[code]
    return VerifyResult(code == "ok", code, zh, en, **facts)


def certificate_from_pem(pem: bytes) -> list[x509.Certificate]:
    """Return the certificates in a PEM bundle."""
    return x509.load_pem_x509_certificates(pem)


def verify_pdf(pdf: bytes, trusted: Iterable[x509.Certificate]) -> VerifyResult:
    """Return whether ``pdf`` is a genuine, unaltered copy of record signed with a ``trusted`` certificate."""
    if b"%PDF-" not in pdf[:1024]:  # readers accept a header anywhere in the first kilobyte
        return _result("not-pdf")
    if len(pdf) > MAX_PDF_BYTES:
        return _result("too-large")
    _pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
        current = _embedded_file(reader.root)
    except Exception:  # noqa: BLE001 - a hostile file may make the parser raise anything (zlib.error, …)
        return _result("unreadable")
    if not signatures:
        if current is None:
            return _result("no-document")
        return _result("unsigned", sha256=hashlib.sha256(current).hexdigest(), embedded_document=current,
                       claimed_sha256=_claimed_hash(reader.root))
    if len(signatures) > 1:
        return _result("several-signatures")
    try:
        return _verify_signed(reader, signatures[0], list(trusted))
    except Exception:  # noqa: BLE001 - as above: damage inside the signed revision is an altered file
        return _result("altered", signed=True)


def _verify_signed(reader: PdfFileReader, signature: Any, trusted: Sequence[x509.Certificate]) -> VerifyResult:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    # pyHanko logs the modification analysis of a tampered file as an error with a traceback; the outcome
    # is in the result, and an uploaded forgery is not an error of the portal.
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trusted]
    # No network (allow_fetching=False) and no revocation check: the trust anchors are pinned certificates
    # of this installation, not a public PKI.
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyHanko warns about the revocation mode it was asked for
            status = _outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError):
        return _result("altered", signed=True)
    facts: dict[str, Any] = {
        "signed": True,
        "signer": status.signing_cert.subject.human_friendly if status.signing_cert is not None else None,
        "signed_at": status.signer_reported_dt,
    }
    if not (status.intact and status.valid):
        return _result("altered", **facts)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    ):
        return _result("modified-after-signing", **facts)
    if not status.trusted:
        return _result("untrusted", **facts)
    # What was signed: the embedded document and the stated hash of the signed revision.
    signed_root = reader.get_historical_root(signature.signed_revision)
    document = _embedded_file(signed_root)
    claimed = _claimed_hash(signed_root)
    if document is None:
        return _result("no-document", **facts)
    digest = hashlib.sha256(document).hexdigest()
    facts.update(sha256=digest, claimed_sha256=claimed, embedded_document=document)
    if claimed is None:
        return _result("no-hash", **facts)
    if claimed != digest:
        return _result("hash-mismatch", **facts)
    if not _is_canonical(document):
        return _result("not-canonical", **facts)
    return _result("ok", **facts)


def _is_canonical(document: bytes) -> bool:
    from portal.domain.codec import DocumentError, canonical_json, document_from_json

    try:
        return canonical_json(document_from_json(document)).encode("utf-8") == document
    except (DocumentError, ValueError, TypeError):
        return False


def _name_tree_items(node: Any, depth: int = 0) -> Iterable[tuple[str, Any]]:
    if depth > 8:  # a name tree of ours is one level; a deep one is hostile
        return
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            yield str(names[i]), names[i + 1]
    for kid in node.get("/Kids", ()):
        yield from _name_tree_items(kid.get_object(), depth + 1)


def _embedded_file(root: Any) -> bytes | None:
    """Return the bytes of the embedded canonical document, or None."""
    names = root.get("/Names")
    if names is None or "/EmbeddedFiles" not in names:
        return None
    for name, spec in _name_tree_items(names["/EmbeddedFiles"].get_object()):
        spec = spec.get_object()
        filename = str(spec.get("/UF", spec.get("/F", name)))
        if filename == DOCUMENT_ATTACHMENT:
            return bytes(spec["/EF"]["/F"].get_object().data)
    return None


def embedded_document(pdf: bytes) -> bytes | None:
    """Return the canonical JSON embedded in ``pdf`` (drafts and copies of record alike), or None."""
    _pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader

    return _embedded_file(PdfFileReader(io.BytesIO(pdf), strict=False).root)


def _claimed_hash(root: Any) -> str | None:
    """Return the document SHA-256 stated in the XMP metadata (the one printed in the footer), or None."""
    import defusedxml.ElementTree as SafeET

    meta = root.get("/Metadata")
    if meta is None:
        return None
    try:
        tree: ElementTree.Element = SafeET.fromstring(meta.get_object().data)
    except (SafeET.ParseError, ValueError):
        return None
    element = tree.find(f".//{{{PORTAL_XMP_NS}}}sha256")
    if element is not None and element.text and _SHA256.fullmatch(element.text.strip()):
        return element.text.strip()
    for description in tree.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        value = description.get(f"{{{PORTAL_XMP_NS}}}sha256")
        if value and _SHA256.fullmatch(value.strip()):
            return value.strip()
    return None
