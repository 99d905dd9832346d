"""The FileStore contract: the local-disk store and the in-memory fake behave the same."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.file_store_port import FileMissing, FileStore
from storage.file_store import LocalFileStore
from tests.fake_files import MemoryFileStore

CONTENT = b"%PDF-1.7\n" + "Giấy khai sinh".encode() + bytes(range(256))
DIGEST = hashlib.sha256(CONTENT).hexdigest()
ABSENT = "sha256:" + "0" * 64
BAD_REFS = [
    "",
    "sha256:",
    "sha256:../../../etc/passwd",
    "sha256:" + "0" * 63,
    "sha256:" + "0" * 65,
    "sha256:" + "A" * 64,  # only the canonical lower-case spelling
    "sha256:" + "g" * 64,
    "sha256:" + "0" * 64 + "\n",
    "sha256:" + "0" * 62 + "/x",
    "md5:" + "0" * 32,
    "0" * 64,
    "SHA256:" + "0" * 64,
    "sha256:" + "０" * 64,  # full-width digits
]


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileStore]:
    if request.param == "local":
        yield LocalFileStore(tmp_path / "files")
    else:
        yield MemoryFileStore()


def test_put_returns_the_sha256_reference(store: FileStore) -> None:
    assert store.put(CONTENT) == f"sha256:{DIGEST}"


def test_stored_bytes_come_back(store: FileStore) -> None:
    ref = store.put(CONTENT)
    assert store.get(ref) == CONTENT
    assert store.exists(ref)
    assert store.size(ref) == len(CONTENT)


def test_put_is_idempotent(store: FileStore) -> None:
    assert store.put(CONTENT) == store.put(CONTENT)
    assert store.get(store.put(CONTENT)) == CONTENT


def test_different_content_gets_a_different_reference(store: FileStore) -> None:
    a, b = store.put(b"a"), store.put(b"b")
    assert a != b and store.get(a) == b"a" and store.get(b) == b"b"


def test_empty_content_can_be_stored(store: FileStore) -> None:
    ref = store.put(b"")
    assert store.get(ref) == b"" and store.size(ref) == 0


def test_missing_files(store: FileStore) -> None:
    assert not store.exists(ABSENT)
    with pytest.raises(FileMissing):
        store.get(ABSENT)
    with pytest.raises(FileMissing):
        store.size(ABSENT)
    store.delete(ABSENT)  # deleting nothing is fine


def test_delete(store: FileStore) -> None:
    ref = store.put(CONTENT)
    other = store.put(b"other")
    store.delete(ref)
    assert not store.exists(ref) and store.exists(other)
    with pytest.raises(FileMissing):
        store.get(ref)
    assert store.put(CONTENT) == ref and store.get(ref) == CONTENT  # can come back


@pytest.mark.parametrize("ref", BAD_REFS)
def test_malformed_references_are_refused_everywhere(store: FileStore, ref: str) -> None:
    for call in (store.get, store.exists, store.delete, store.size):
        with pytest.raises(ValueError):
            call(ref)


# --- the local store's own promises ----------------------------------------------------------


def test_local_layout_is_sharded_by_digest(tmp_path: Path) -> None:
    root = tmp_path / "files"
    LocalFileStore(root).put(CONTENT)
    path = root / DIGEST[:2] / DIGEST[2:4] / DIGEST
    assert path.read_bytes() == CONTENT
    assert [p.name for p in root.rglob("*") if p.is_file()] == [DIGEST]  # no temporary left


def test_local_folders_and_files_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        root = tmp_path / "deep" / "files"
        LocalFileStore(root).put(CONTENT)
    finally:
        os.umask(old_umask)
    for folder in (root, root / DIGEST[:2], root / DIGEST[:2] / DIGEST[2:4]):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / DIGEST[:2] / DIGEST[2:4] / DIGEST).stat().st_mode) == 0o600


def test_local_store_creates_nothing_until_the_first_put(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    assert not store.exists(ABSENT)
    assert not (tmp_path / "files").exists()


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalFileStore(tmp_path / "files")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        store.put(CONTENT)
    monkeypatch.undo()
    assert not store.exists(f"sha256:{DIGEST}")
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


def test_a_damaged_copy_is_rewritten(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    ref = store.put(CONTENT)
    path = tmp_path / "files" / DIGEST[:2] / DIGEST[2:4] / DIGEST
    path.write_bytes(CONTENT[:10])  # truncated by a failing disk
    assert store.put(CONTENT) == ref and store.get(ref) == CONTENT


def test_a_second_store_on_the_same_root_sees_the_files(tmp_path: Path) -> None:
    ref = LocalFileStore(tmp_path / "files").put(CONTENT)
    assert LocalFileStore(tmp_path / "files").get(ref) == CONTENT
