"""Object storage for files the portal keeps: a local folder by default, S3-compatible storage in production.

Objects are addressed by the SHA-256 of their bytes (the key *is* the hash): storing the same bytes twice
stores them once, and reading an object back can be checked against its key. Which store is used is one
setting, ``STORAGE_URL`` (``PORTAL_STORAGE_URL``):

* empty (the default): the folder ``<instance>/storage``;
* ``file:///srv/portal/storage``: another local folder (a mounted volume, shared by every web and worker
  process of one host);
* ``s3://bucket/prefix?endpoint_url=https://…&region=…``: an S3-compatible object store (AWS S3, MinIO,
  Ceph RGW, Alibaba OSS or Huawei OBS in S3 mode) through boto3. Credentials come from boto3's usual
  chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an instance role); they are never
  part of the URL.

This module knows bytes and keys only; which objects exist, their size, type and whether they are frozen
(never deleted) is recorded in the database by :mod:`portal.services.files`, which every caller goes
through. Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

_KEY = re.compile(r"[0-9a-f]{64}")


class StorageError(RuntimeError):
    """Raise when the store cannot hold or give back an object; says why in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


class ObjectMissing(StorageError):
    """Raise when an object the database records is not in the store."""


def content_key(data: bytes) -> str:
    """Return the key of ``data``: its SHA-256, lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def _check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError("an object key is a SHA-256 in lower-case hex")
    return key


class ObjectStore(Protocol):
    """What every store does: put bytes under their hash, get them back, say whether a key exists, delete."""

    description: str

    def put(self, data: bytes, *, content_type: str, frozen: bool = False) -> str:
        """Store ``data`` under its SHA-256 (idempotent) and return the key."""
        ...

    def get(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; raise :class:`ObjectMissing` if there are none."""
        ...

    def exists(self, key: str) -> bool:
        """Return whether an object is stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object (the caller has checked that it is not frozen)."""
        ...


class LocalStore:
    """Keep objects as files ``<root>/ab/cd/<sha256>`` (written to a temporary name, then renamed).

    A frozen object's file is made read-only, so that a slip of an operator's hand does not change it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"file://{root}"

    def _path(self, key: str) -> Path:
        _check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes, *, content_type: str, frozen: bool = False) -> str:
        key = content_key(data)
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, path)  # atomic: a reader sees the whole object or none
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        if frozen:
            path.chmod(stat.S_IRUSR | stat.S_IRGRP)
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise ObjectMissing(f"存储中没有对象 {key}", f"object {key} is not in the store") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Keep objects in an S3-compatible bucket under ``<prefix><sha256>``, through boto3.

    Objects are written with their SHA-256 as the checksum the store verifies on upload
    (``ChecksumSHA256``): bytes damaged on the way are refused, not stored. A second put of the same key
    writes the same bytes again (harmless; conditional writes are not supported by every S3 clone).
    """

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None, **options: Any) -> None:
        if client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:  # pragma: no cover - the s3 extra is not installed
                raise StorageError("使用 S3 对象存储需要安装 boto3（pip install 'portal[s3]'）",
                                   "S3 object storage needs boto3 (pip install 'portal[s3]')") from None
            config = Config(retries={"max_attempts": 5, "mode": "standard"},
                            s3={"addressing_style": options.pop("addressing_style", "auto")})
            client = boto3.client("s3", config=config, **{k: v for k, v in options.items() if v})
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.description = f"s3://{bucket}/{prefix}"

    def _name(self, key: str) -> str:
        return self.prefix + _check_key(key)

    def put(self, data: bytes, *, content_type: str, frozen: bool = False) -> str:
        import base64

        key = content_key(data)
        checksum = base64.b64encode(bytes.fromhex(key)).decode("ascii")
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type,
                                   ChecksumSHA256=checksum, Metadata={"sha256": key, "frozen": str(frozen).lower()})
        except Exception as exc:  # botocore raises many types; all mean "not stored"
            raise StorageError(f"无法写入对象存储（{exc}）", f"cannot write to object storage ({exc})") from exc
        return key

    def get(self, key: str) -> bytes:
        name = self._name(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if _is_missing(exc):
                raise ObjectMissing(f"存储中没有对象 {key}", f"object {key} is not in the store") from None
            raise StorageError(f"无法读取对象存储（{exc}）", f"cannot read object storage ({exc})") from exc
        return bytes(response["Body"].read())

    def exists(self, key: str) -> bool:
        name = self._name(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if _is_missing(exc):
                return False
            raise StorageError(f"无法读取对象存储（{exc}）", f"cannot read object storage ({exc})") from exc
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = str((response or {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def open_store(url: str | None, instance_path: str | Path) -> ObjectStore:
    """Return the store ``url`` names (see the module docstring); empty → ``<instance>/storage``."""
    if not url:
        return LocalStore(Path(instance_path) / "storage")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("a file:// storage URL names a local folder: file:///path/to/folder")
        return LocalStore(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError("an s3:// storage URL names the bucket: s3://bucket/prefix")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint_url", "region", "addressing_style"}
        if unknown:
            raise ValueError(f"unknown s3:// storage URL option(s) {sorted(unknown)}")
        prefix = parts.path.lstrip("/")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return S3Store(parts.netloc, prefix, endpoint_url=query.get("endpoint_url"),
                       region_name=query.get("region"), addressing_style=query.get("addressing_style", "auto"))
    raise ValueError(f"STORAGE_URL must be empty, file:///… or s3://…, not {url!r}")
