"""Keyed hashes (HMAC-SHA256): look up personal data, and keep OTPs, without storing them."""

from __future__ import annotations

import hashlib
import hmac


class KeyedHasher:
    """HMAC-SHA256 with a server secret; a purpose label keeps uses apart."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the hashing key needs at least 32 bytes")
        self._key = key

    def digest(self, purpose: str, value: str) -> str:
        """Hex HMAC of `value` for `purpose` (e.g. "id", "phone", "otp")."""
        message = f"{purpose}\x00{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def matches(self, purpose: str, value: str, expected: str) -> bool:
        """Constant-time check that `value` hashes to `expected`."""
        return hmac.compare_digest(self.digest(purpose, value), expected)
