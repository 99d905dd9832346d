"""Staging for uploads: files a channel received, kept only until the documents step checks
them. An accepted file moves into the file store; a refused one is deleted at once; anything
left behind (an abandoned upload) is swept after an hour."""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from pathlib import Path

from services.file_store_port import FileStore

PREFIX = "staging:"
_REF = re.compile(r"staging:([0-9a-f]{64})")
MAX_AGE_SECONDS = 3600


class LocalStaging:
    """UploadStaging in a private folder next to (never inside) the file store."""

    def __init__(self, root: Path, store: FileStore) -> None:
        self._root = Path(root)
        self._store = store

    def _path(self, ref: str) -> Path | None:
        match = _REF.fullmatch(ref) if isinstance(ref, str) else None
        return self._root / match.group(1) if match else None

    def stage(self, content: bytes) -> str:
        """Keep received bytes for checking; returns the staging reference, one per upload:
        two chats sending the same file at once must not share (and remove) one staged copy."""
        self._root.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(32)
        temporary = self._root / f".tmp-{name}"
        temporary.write_bytes(content)
        temporary.replace(self._root / name)
        return PREFIX + name

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
        """Delete staged files older than `max_age` seconds; returns how many."""
        if not self._root.is_dir():
            return 0
        cutoff, removed = time.time() - max_age, 0
        for path in self._root.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed
