"""The server secret and the keys derived from it (encryption at rest, keyed hashes, OTPs).

In production SECRET_KEY must be set (at least 32 characters, kept outside the database and
its backups). In development a random one is created once in DATA_DIR/secret.key (mode 0600)
so that `dvc-bot run` works with no configuration.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Environment, Settings
from services.keyed_hash import KeyedHasher
from storage.crypto import JsonCipher
from storage.unit_of_work import StorageKeys

MIN_SECRET = 32


class SecretMissing(RuntimeError):
    """Production without SECRET_KEY."""


def master_secret(settings: Settings) -> bytes:
    """SECRET_KEY, or in development the one kept in the data folder."""
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        if len(value) < MIN_SECRET:
            raise SecretMissing(f"SECRET_KEY must have at least {MIN_SECRET} characters")
        return value.encode()
    if settings.environment is Environment.PRODUCTION:
        raise SecretMissing("SECRET_KEY is required in production")
    path = Path(settings.data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET:
        raise SecretMissing(f"{path} is damaged (too short): delete it to create a new one")
    return secret.encode()


def derive(master: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose (HMAC-SHA256 as a key-derivation function)."""
    return hmac.new(master, f"dvc-bot/{purpose}".encode(), hashlib.sha256).digest()


def storage_keys(settings: Settings) -> StorageKeys:
    """The cipher and hasher the repositories use."""
    master = master_secret(settings)
    return StorageKeys(
        JsonCipher(derive(master, "encryption")), KeyedHasher(derive(master, "hash"))
    )
