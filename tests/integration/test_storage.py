"""The object store (portal/storage.py) and its records (services/files.py): a real local folder, and a
real S3 HTTP endpoint on localhost (moto's server) for the S3 store — the same contract for both."""

from __future__ import annotations

import hashlib

import pytest

from portal.models import StoredObject
from portal.services import files
from portal.services.errors import Conflict
from portal.storage import LocalStore, ObjectMissing, S3Store, StorageError, open_store


def _contract(store) -> None:  # type: ignore[no-untyped-def]
    data = "存档副本 copy of record".encode() * 100
    key = store.put(data, content_type="application/pdf")
    assert key == hashlib.sha256(data).hexdigest()
    assert store.put(data, content_type="application/pdf") == key  # idempotent: the key is the content
    assert store.exists(key) and store.get(key) == data
    other = hashlib.sha256(b"absent").hexdigest()
    assert not store.exists(other)
    with pytest.raises(ObjectMissing):
        store.get(other)
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")  # keys are hashes: nothing else reaches the folder or bucket
    store.delete(key)
    assert not store.exists(key)


def test_the_local_store_keeps_objects_by_hash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _contract(LocalStore(tmp_path))
    store = open_store(f"file://{tmp_path}/kept", "/nowhere")
    key = store.put(b"frozen", content_type="text/plain", frozen=True)
    path = tmp_path / "kept" / key[:2] / key[2:4] / key
    assert path.read_bytes() == b"frozen" and not path.stat().st_mode & 0o222
    assert open_store("", tmp_path).root == tmp_path / "storage"  # type: ignore[attr-defined]
    for bad in ("ftp://x/y", "file://host/path", "s3://", "s3://bucket?secret=1"):
        with pytest.raises(ValueError):
            open_store(bad, tmp_path)


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_the_s3_store_keeps_objects_by_hash_over_http(s3_endpoint, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket="records")
    store = open_store(f"s3://records/portal?endpoint_url={s3_endpoint}&region=us-east-1", "/nowhere")
    assert isinstance(store, S3Store) and store.prefix == "portal/"
    _contract(store)
    key = store.put(b"kept", content_type="text/plain", frozen=True)
    head = store.client.head_object(Bucket="records", Key=f"portal/{key}")
    assert head["Metadata"] == {"sha256": key, "frozen": "true"} and head["ContentType"] == "text/plain"
    missing = open_store(f"s3://no-such-bucket?endpoint_url={s3_endpoint}&region=us-east-1", "/nowhere")
    with pytest.raises(StorageError):
        missing.put(b"x", content_type="text/plain")


def test_files_records_size_and_hash_refuses_damage_and_deleting_frozen_objects(app, db_session) -> None:  # type: ignore[no-untyped-def]
    from portal.extensions import db

    row = files.put(b"evidence " * 1000, content_type="application/pdf", frozen=True)
    assert (row.size, row.sha256, row.frozen) == (9000, hashlib.sha256(b"evidence " * 1000).hexdigest(), True)
    assert files.get(row.key) == b"evidence " * 1000 and files.exists(row.key)
    with pytest.raises(Conflict):
        files.delete(row.key)
    loose = files.put(b"a draft", content_type="application/pdf")
    files.delete(loose.key)
    assert db.session.get(StoredObject, loose.key) is None and not files.store().exists(loose.key)
    # A damaged object (the bytes in the store no longer hash to the key) is refused, not served.
    store = files.store()
    damaged = files.put(b"to be damaged", content_type="text/plain")
    path = store._path(damaged.key)  # type: ignore[attr-defined]
    path.write_bytes(b"to be DAMAGED")
    with pytest.raises(StorageError):
        files.get(damaged.key)
