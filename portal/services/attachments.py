"""Evidence attachments (issue 18 item 2): checked, scanned, stored by hash, frozen with the version submitted.

An enterprise's filer attaches a file to a filing, one of its sections or one line (a row of a table): a fuel
purchase invoice, meter readings, a lab report of the calorific value, the permit's execution report. The file
is accepted only if

* it is not larger than ``ATTACHMENT_MAX_BYTES`` (20 MB by default);
* its bytes are a PDF, a PNG, a JPEG or an xlsx workbook — recognised from the bytes themselves (magic
  numbers, and for xlsx the package's parts), never from the name or the browser's Content-Type, so a script
  named ``.pdf`` is refused; the stored type is the sniffed one, and the name's extension must agree;
* ClamAV, when ``CLAMD_ADDRESS`` is configured, finds nothing in it (clamd's INSTREAM command; an unreachable
  scanner refuses the upload rather than letting it through unscanned).

The bytes go to the object store (:mod:`portal.services.files`) under their SHA-256; the row records the name,
type, size, hash, uploader and time. The first version submitted afterwards freezes the attachment
(:func:`freeze_for_version`): it belongs to that version's record, its object is frozen in the store, and it
can no longer be changed or deleted (:func:`delete` refuses with 409).
"""

from __future__ import annotations

import io
import socket
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import select

from ..domain.codec import document_from_json
from ..domain.verification import FILING_TARGET, line_targets, section_targets, target_label
from ..extensions import db
from ..models import ATTACHMENT_TARGETS, Attachment, Filing, User
from . import audit, files
from .access import require_edit
from .errors import Conflict, NotFound, ServiceError
from .rows import child_or_404, children


@dataclass(frozen=True)
class FileType:
    """Hold a recognised kind of file: its media type, the extensions its name may have, and its name."""

    mimetype: str
    extensions: tuple[str, ...]
    name: str
    previewable: bool


PDF = FileType("application/pdf", (".pdf",), "PDF", True)
PNG = FileType("image/png", (".png",), "PNG", True)
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), "JPEG", True)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "xlsx", False)
ALLOWED = (PDF, PNG, JPEG, XLSX)
BY_MIMETYPE = {t.mimetype: t for t in ALLOWED}


def sniff(data: bytes) -> FileType | None:
    """Return the type of ``data`` recognised from its bytes (PDF, PNG, JPEG, xlsx), or None.

    PDF: ``%PDF-`` within the first 1,024 bytes (ISO 32000-1 7.5.2 lets readers accept leading bytes) and
    ``%%EOF`` near the end; PNG: its 8-byte signature; JPEG: SOI and a marker (FF D8 FF); xlsx: a ZIP whose
    parts include ``[Content_Types].xml`` and ``xl/workbook.xml`` (an OOXML spreadsheet, not any ZIP).
    """
    if b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --------------------------------------------------------------------------------------- malware scan


class ScanError(ServiceError):
    """Raise when the scanner cannot be asked or finds malware: the upload is refused."""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/") or address.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address.removeprefix("unix:"))
        return sock
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    return socket.create_connection((host or "localhost", int(port)), timeout=timeout)


def clamd_scan(data: bytes, address: str, timeout: float = 30.0, chunk: int = 64 * 1024) -> str | None:
    """Scan ``data`` with clamd's INSTREAM command; return None if clean, else the signature found.

    The protocol (clamd(8)): send ``zINSTREAM\\0``, then the data as chunks each prefixed by its length as a
    4-byte big-endian integer, then a zero-length chunk; clamd answers ``stream: OK`` or
    ``stream: <signature> FOUND`` (or ``… ERROR``), terminated by NUL. Any other outcome raises :class:`ScanError`.
    """
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), chunk):
                part = data[start:start + chunk]
                sock.sendall(struct.pack(">I", len(part)) + part)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
    except (OSError, ValueError) as exc:
        raise ScanError(f"病毒扫描服务不可用（{exc}），文件未保存，请稍后再试",
                        f"the malware scanner is unavailable ({exc}); the file was not stored, try again later",
                        field="file") from None
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK") and "FOUND" not in text:
        return None
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ScanError(f"病毒扫描服务返回错误（{text or '无应答'}），文件未保存",
                    f"the malware scanner answered with an error ({text or 'no answer'}); the file was not stored",
                    field="file")


def _scan(data: bytes, filename: str) -> str:
    address = str(current_app.config.get("CLAMD_ADDRESS") or "")
    if not address:
        return "not_scanned"
    found = clamd_scan(data, address, float(current_app.config.get("CLAMD_TIMEOUT", 30.0)))
    if found is not None:
        raise ScanError(f"文件“{filename}”含有恶意代码（{found}），已拒绝",
                        f"the file “{filename}” contains malware ({found}) and was refused", field="file")
    return "clean"


# ------------------------------------------------------------------------------------------- targets


def targets(filing: Filing) -> list[tuple[str, str, str, str]]:
    """Return what a file can be attached to in the filing's draft: (type, path, label zh, label en)."""
    document = document_from_json(filing.draft_json)
    out = [FILING_TARGET, *section_targets(filing.kind), *line_targets(document)]
    return [(t.type, t.path, t.label.zh, t.label.en) for t in out]


def label_of(filing: Filing, attachment: Attachment) -> tuple[str, str]:
    """Return the (zh, en) label of what the attachment is attached to."""
    text = target_label(document_from_json(filing.draft_json), attachment.target_type, attachment.target)
    return text.zh, text.en


# ------------------------------------------------------------------------------------------- use cases


def _clean_name(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return "".join(ch for ch in name if ch.isprintable())[:255]


def attach(actor: User | None, filing: Filing, *, filename: str, data: bytes, target_type: str = "filing",
           target: str = "") -> Attachment:
    """Check, scan and store an evidence file of the filing's draft; return its record."""
    require_edit(actor, filing)
    if actor is None:
        raise ServiceError("附件须由企业用户上传", "attachments are uploaded by an enterprise's user")
    name = _clean_name(filename)
    if not name:
        raise ServiceError("请选择要上传的文件", "choose a file to upload", field="file")
    limit = int(current_app.config["ATTACHMENT_MAX_BYTES"])
    if len(data) > limit:
        raise ServiceError(
            f"文件“{name}”大小为 {_megabytes(len(data))}，超过附件上限 {_megabytes(limit)}，未保存",
            f"the file “{name}” is {_megabytes(len(data))}, larger than the attachment limit of "
            f"{_megabytes(limit)}; it was not stored", field="file")
    if not data:
        raise ServiceError(f"文件“{name}”是空的", f"the file “{name}” is empty", field="file")
    kind = sniff(data)
    if kind is None:
        raise ServiceError(
            f"文件“{name}”的内容不是 PDF、PNG、JPEG 图片或 Excel（xlsx）文件（按文件内容识别，与文件名无关），未保存",
            f"the content of “{name}” is not a PDF, PNG or JPEG image, or Excel (xlsx) file (recognised from "
            "its bytes, whatever its name); it was not stored", field="file")
    if not name.lower().endswith(kind.extensions):
        raise ServiceError(
            f"文件“{name}”的内容是 {kind.name}，但文件名的扩展名不符（应为 {'、'.join(kind.extensions)}）",
            f"the content of “{name}” is {kind.name} but its name's extension differs (expected "
            f"{', '.join(kind.extensions)})", field="file")
    if target_type not in ATTACHMENT_TARGETS:
        raise ServiceError("附件的对象无效", "unknown attachment target", field="target")
    target = "" if target_type == "filing" else (target or "").strip()
    if target_type != "filing" and (target_type, target) not in {(t, p) for t, p, _z, _e in targets(filing)}:
        raise ServiceError(f"申报中没有“{target}”这一部分或这一行", f"the filing has no section or line “{target}”",
                           field="target")
    scan_result = _scan(data, name)
    stored = files.put(data, content_type=kind.mimetype)
    row = Attachment(filing_id=filing.id, target_type=target_type, target=target, filename=name,
                     content_type=kind.mimetype, size=len(data), sha256=stored.sha256, storage_key=stored.key,
                     scan_result=scan_result, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "attachment.add", "attachment", row.id,
                 after={"filing_id": filing.id, "filename": name, "sha256": row.sha256, "size": row.size,
                        "content_type": kind.mimetype, "target_type": target_type, "target": target,
                        "scan": scan_result})
    return row


def _require_unfrozen(attachment: Attachment) -> None:
    if attachment.frozen:
        raise Conflict(f"附件“{attachment.filename}”已随第 {attachment.version_number} 版提交，不能修改或删除",
                       f"the attachment “{attachment.filename}” was submitted with version "
                       f"{attachment.version_number} and cannot be changed or deleted")


def delete(actor: User | None, filing: Filing, attachment: Attachment) -> None:
    """Delete an attachment not yet submitted; one that a version holds is refused (409)."""
    require_edit(actor, filing)
    if attachment.filing_id != filing.id:
        raise NotFound()
    _require_unfrozen(attachment)
    key = attachment.storage_key
    audit.record(actor, "attachment.delete", "attachment", attachment.id,
                 before={"filing_id": filing.id, "filename": attachment.filename, "sha256": attachment.sha256})
    db.session.delete(attachment)
    db.session.flush()
    still_used = db.session.scalar(select(Attachment.id).where(Attachment.storage_key == key).limit(1))
    record = files.record_of(key)
    if still_used is None and record is not None and not record.frozen:
        files.delete(key)


def retarget(actor: User | None, filing: Filing, attachment: Attachment, target_type: str, target: str) -> None:
    """Move an attachment not yet submitted to another part of the filing; a submitted one is refused."""
    require_edit(actor, filing)
    if attachment.filing_id != filing.id:
        raise NotFound()
    _require_unfrozen(attachment)
    target = "" if target_type == "filing" else (target or "").strip()
    if target_type not in ATTACHMENT_TARGETS or (
            target_type != "filing" and (target_type, target) not in {(t, p) for t, p, _z, _e in targets(filing)}):
        raise ServiceError("附件的对象无效", "unknown attachment target", field="target")
    before = {"target_type": attachment.target_type, "target": attachment.target}
    attachment.target_type, attachment.target = target_type, target
    db.session.flush()
    audit.record(actor, "attachment.retarget", "attachment", attachment.id, before=before,
                 after={"target_type": target_type, "target": target})


def freeze_for_version(filing: Filing, number: int) -> int:
    """Freeze the filing's unsubmitted attachments into version ``number`` (at submission); return how many."""
    rows = list(db.session.scalars(select(Attachment).where(Attachment.filing_id == filing.id,
                                                            Attachment.version_number.is_(None))))
    for row in rows:
        row.version_number = number
        record = files.record_of(row.storage_key)
        if record is not None and not record.frozen:
            files.put(files.get(row.storage_key), content_type=row.content_type, frozen=True)
    db.session.flush()
    return len(rows)


def of_filing(filing: Filing) -> Sequence[Attachment]:
    """Return every attachment of the filing, oldest first."""
    return children(Attachment, Attachment.filing_id, filing.id)


def of_version(filing: Filing, number: int) -> Sequence[Attachment]:
    """Return the attachments a submitted version holds: those frozen with it or with an earlier version."""
    return children(Attachment, Attachment.filing_id, filing.id, Attachment.version_number <= number)


def attachment_of(filing: Filing, attachment_id: int) -> Attachment:
    """Return an attachment of the filing, else raise NotFound."""
    return child_or_404(Attachment, attachment_id, Attachment.filing_id, filing.id)


def content(attachment: Attachment) -> bytes:
    """Return the attachment's bytes from the store, hash-checked."""
    return files.get(attachment.storage_key)
