"""An in-memory `FileStore`; tests/contract/test_file_store.py keeps it true to the real one."""

from __future__ import annotations

from services.file_store_port import FileMissing, digest_of, ref_for


class MemoryFileStore:
    """Files in a dict, keyed by reference."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, content: bytes) -> str:
        ref = ref_for(content)
        self.files[ref] = bytes(content)
        return ref

    def get(self, ref: str) -> bytes:
        digest_of(ref)
        try:
            return self.files[ref]
        except KeyError:
            raise FileMissing(ref) from None

    def exists(self, ref: str) -> bool:
        digest_of(ref)
        return ref in self.files

    def delete(self, ref: str) -> None:
        digest_of(ref)
        self.files.pop(ref, None)

    def size(self, ref: str) -> int:
        return len(self.get(ref))
