"""Files on the local disk, content-addressed: `root/ab/cd/<sha256 hex>`.

Writes go to a temporary file in the target folder, are fsynced, then renamed into place, so a
reader never sees half a file and a crash leaves at most an ignored `.tmp-*` file. Folders are
private to the service's user (0o700), files 0o600; the root must lie outside any served folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from services.file_store_port import FileMissing, digest_of, ref_for

DIR_MODE = 0o700


class LocalFileStore:
    """A `FileStore` in a folder of the local file system."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    def _path(self, ref: str) -> Path:
        digest = digest_of(ref)
        return self._root / digest[:2] / digest[2:4] / digest

    def put(self, content: bytes) -> str:
        """Store `content` and return its reference; a second put of the same bytes is free."""
        ref = ref_for(content)
        target = self._path(ref)
        if target.is_file() and target.stat().st_size == len(content):
            return ref  # same name, same size: the same bytes (a damaged copy is rewritten)
        self._make_dirs(target.parent)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_dir(target.parent)  # make the rename itself durable
        return ref

    def get(self, ref: str) -> bytes:
        """The bytes stored under `ref`."""
        try:
            return self._path(ref).read_bytes()
        except FileNotFoundError:
            raise FileMissing(ref) from None

    def exists(self, ref: str) -> bool:
        """Whether `ref` is stored."""
        return self._path(ref).is_file()

    def delete(self, ref: str) -> None:
        """Remove `ref`; nothing happens if it is not stored."""
        self._path(ref).unlink(missing_ok=True)

    def size(self, ref: str) -> int:
        """The size in bytes of the file stored under `ref`."""
        try:
            return self._path(ref).stat().st_size
        except FileNotFoundError:
            raise FileMissing(ref) from None

    def _make_dirs(self, folder: Path) -> None:
        """Create the root and the two shard folders if missing, private to this user (mkdir's
        mode goes through the umask, hence the chmod)."""
        for path in (self._root, folder.parent, folder):
            if not path.is_dir():
                with contextlib.suppress(FileExistsError):  # a concurrent put made it first
                    path.mkdir(mode=DIR_MODE, parents=path == self._root)
                    path.chmod(DIR_MODE)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
