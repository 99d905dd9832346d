"""Staging for uploads: files a channel received, kept only until the documents step checks
them. An accepted file moves into the file store; a refused one is deleted at once; anything
left behind (an abandoned upload, one sent while no document was asked for) is swept once it
is older than the sweep's age, by the scheduler and at start-up.

An upload may be written while it streams in (`open`): it grows as `.tmp-<name>` and is
renamed into place when complete, so a half-received file is never a staged one. Each such
file can carry owner tags (opaque keyed digests of a chat or a client address, made by the
caller): an empty marker `.owners/<tag>/<name>` per tag, so `used_by(tag)` adds up the bytes
one owner has staged or is streaming, whichever process wrote them.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Sequence
from pathlib import Path

from services.file_store_port import FileStore

PREFIX = "staging:"
_REF = re.compile(r"staging:([0-9a-f]{64})")
_NAME = re.compile(r"[0-9a-f]{64}")
_TAG = re.compile(r"[0-9a-f]{16,64}")
MAX_AGE_SECONDS = 3600
OWNERS = ".owners"
TMP = ".tmp-"


class LocalStaging:
    """UploadStaging in a private folder next to (never inside) the file store."""

    def __init__(self, root: Path, store: FileStore) -> None:
        self._root = Path(root)
        self._store = store

    @property
    def root(self) -> Path:
        """The staging folder (its file system is the one whose free space matters)."""
        return self._root

    def _path(self, ref: str) -> Path | None:
        match = _REF.fullmatch(ref) if isinstance(ref, str) else None
        return self._root / match.group(1) if match else None

    def stage(self, content: bytes) -> str:
        """Keep received bytes for checking; returns the staging reference, one per upload:
        two chats sending the same file at once must not share (and remove) one staged copy."""
        writer = self.open()
        writer.write(content)
        return writer.commit()

    def open(self, owners: Sequence[str] = ()) -> StagedWriter:
        """A new staged file to write while it streams in, tagged with `owners`."""
        for tag in owners:
            if not _TAG.fullmatch(tag):
                raise ValueError("an owner tag is 16 to 64 lowercase hex digits")
        self._root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return StagedWriter(self._root, secrets.token_hex(32), tuple(owners))

    def used_by(self, tag: str) -> int:
        """Bytes staged or streaming under owner `tag`; markers of files gone are removed."""
        folder = self._root / OWNERS / tag
        if not _TAG.fullmatch(tag) or not folder.is_dir():
            return 0
        used = 0
        for marker in folder.iterdir():
            size = _size_of(self._root, marker.name)
            if size is None:
                with contextlib.suppress(FileNotFoundError):
                    marker.unlink()
            else:
                used += size
        return used

    def head(self, ref: str, size: int = 64) -> bytes:
        """The first bytes of a staged file (b"" when it is gone)."""
        path = self._path(ref)
        if path is None or not path.is_file():
            return b""
        with path.open("rb") as handle:
            return handle.read(size)

    def accept(self, ref: str) -> str:
        """Move the file into the file store; returns its file store reference."""
        path = self._path(ref)
        if path is None or not path.is_file():
            raise FileNotFoundError("the staged upload is gone")
        stored = self._store.put(path.read_bytes())
        path.unlink(missing_ok=True)
        return stored

    def reject(self, ref: str) -> None:
        """Delete a staged file."""
        path = self._path(ref)
        if path is not None:
            path.unlink(missing_ok=True)

    def sweep(self, max_age: float = MAX_AGE_SECONDS) -> int:
        """Delete staged files (and partial ones) older than `max_age` seconds and the owner
        markers of files gone; returns how many files were deleted."""
        if not self._root.is_dir():
            return 0
        cutoff, removed = time.time() - max_age, 0
        for path in self._root.iterdir():
            if path.name == OWNERS:
                continue
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        owners = self._root / OWNERS
        if owners.is_dir():
            for folder in owners.iterdir():
                self.used_by(folder.name)  # drops the markers of files gone
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
        return removed


class StagedWriter:
    """One upload being written into staging: `write` as bytes arrive, then `commit` (it
    becomes a staged file) or `abort` (nothing is left)."""

    def __init__(self, root: Path, name: str, owners: tuple[str, ...]) -> None:
        self._root = root
        self._name = name
        self._temporary = root / f"{TMP}{name}"
        self._handle = self._temporary.open("xb")
        self._temporary.chmod(0o600)
        self._markers = [root / OWNERS / tag / name for tag in owners]
        for marker in self._markers:  # after the file exists: a marker never outlives it
            marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            marker.touch()
        self.size = 0
        self._closed = False

    def write(self, chunk: bytes) -> None:
        """Append received bytes."""
        self._handle.write(chunk)
        self._handle.flush()  # `used_by` in another request reads the size from the disk
        self.size += len(chunk)

    def commit(self) -> str:
        """The complete file, renamed into place; its staging reference."""
        self._handle.close()
        self._closed = True
        self._temporary.replace(self._root / self._name)
        return PREFIX + self._name

    def abort(self) -> None:
        """Remove the partial file and its markers."""
        if not self._closed:
            self._handle.close()
            self._closed = True
        self._temporary.unlink(missing_ok=True)
        for marker in self._markers:
            marker.unlink(missing_ok=True)


def _size_of(root: Path, name: str) -> int | None:
    """The size of a staged file, partial or complete (None: it is gone). The partial one is
    looked at first: a rename between the two looks never misses the file."""
    if not _NAME.fullmatch(name):
        return None
    for path in (root / f"{TMP}{name}", root / name):
        with contextlib.suppress(FileNotFoundError):
            return path.stat().st_size
    return None
