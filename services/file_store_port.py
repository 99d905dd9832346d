"""The file store port: uploaded documents and results kept by content (sha256) reference."""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

REF_PREFIX = "sha256:"
_REF = re.compile(r"sha256:([0-9a-f]{64})")


class FileMissing(LookupError):
    """No file is stored under the reference."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


def ref_for(content: bytes) -> str:
    """The reference of `content`: `sha256:` and the lower-case hex digest."""
    return REF_PREFIX + hashlib.sha256(content).hexdigest()


def digest_of(ref: str) -> str:
    """The hex digest inside a reference; ValueError for anything else, so no reference can
    name a path of its own choosing."""
    match = _REF.fullmatch(ref) if isinstance(ref, str) else None
    if match is None:
        raise ValueError("not a file reference")
    return match.group(1)


class FileStore(Protocol):
    """Immutable files addressed by the hash of their content.

    Every method raises ValueError for a malformed reference; `get` and `size` raise
    `FileMissing` for a well-formed one that is not stored.
    """

    def put(self, content: bytes) -> str:
        """Store `content` (idempotent: the same bytes give the same reference)."""
        ...

    def get(self, ref: str) -> bytes:
        """The stored bytes."""
        ...

    def exists(self, ref: str) -> bool:
        """Whether a file is stored under `ref`."""
        ...

    def delete(self, ref: str) -> None:
        """Remove the file; removing a missing file is not an error."""
        ...

    def size(self, ref: str) -> int:
        """The stored file's size in bytes."""
        ...
