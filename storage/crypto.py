"""Encryption at rest for columns that may hold personal data (ID numbers, phones, answers).

AES-256-GCM with a random nonce per value; the column keeps JSON, wrapped as
{"$enc": "v1.<base64 nonce+ciphertext>"}. Values written before encryption was introduced
(plain JSON) are still read. The associated data names the column, so a ciphertext copied
into another column does not decrypt.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic_core import from_json, to_json

MARK = "$enc"
VERSION = "v1"
# One encoder for every value (json.dumps with options builds one per call): several
# values are sealed on every chat update.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class DecryptionError(ValueError):
    """A stored value could not be decrypted (wrong key, or damaged data)."""


class JsonCipher:
    """Seals and opens JSON values with one 32-byte key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the encryption key must be 32 bytes")
        self._aead = AESGCM(key)
        self._columns: dict[str, bytes] = {}  # each column's associated data, encoded once

    def _column(self, column: str) -> bytes:
        data = self._columns.get(column)
        if data is None:
            data = self._columns[column] = column.encode()
        return data

    def seal(self, value: Any, column: str) -> dict[str, str]:
        """Encrypt a JSON-compatible value for `column`."""
        nonce = os.urandom(12)
        plain = _plain(value)
        sealed = self._aead.encrypt(nonce, plain, self._column(column))
        return {MARK: f"{VERSION}.{base64.b64encode(nonce + sealed).decode()}"}

    def open(self, stored: Any, column: str) -> Any:
        """Decrypt a sealed value; plain (legacy) JSON is returned as it is."""
        if not (isinstance(stored, dict) and MARK in stored):
            return stored
        version, _, body = str(stored[MARK]).partition(".")
        if version != VERSION:
            raise DecryptionError(f"unknown encryption version {version!r}")
        try:
            raw = base64.b64decode(body, validate=True)
            plain = self._aead.decrypt(raw[:12], raw[12:], self._column(column))
        except (InvalidTag, ValueError) as error:
            raise DecryptionError(f"cannot decrypt {column}") from error
        return _value(plain)


# pydantic-core's JSON (compiled): several values are sealed and opened on every chat update,
# and the standard library's encoder took four to five times as long. Text that UTF-8 cannot
# hold (a lone surrogate, which JSON may carry) takes the standard library's path, kept as it
# came; so do values neither can write, which it refuses (TypeError) as before. (pydantic-core
# also writes a few Python values the standard library refuses, a date or a set; nothing seals
# those: what is sealed is the codec's JSON, dicts, lists, text, numbers, booleans and None.)


def _plain(value: Any) -> bytes:
    try:
        return to_json(value)
    except ValueError:
        return _ENCODE(value).encode("utf-8", "surrogatepass")


def _value(plain: bytes) -> Any:
    try:
        return from_json(plain)
    except ValueError:
        # As json.loads decodes the bytes it is given (sealed values are UTF-8 JSON), without
        # first guessing their encoding.
        return json.loads(plain.decode("utf-8", "surrogatepass"))
