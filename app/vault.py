"""Encryption at rest of the personal data of the young people.

Names, birth dates, codes and cancellation reasons are sealed with AES-256-GCM
(the cryptography package) before they reach the database file, its WAL or its
backups; each value is bound to its column. Lookups that need equality (is this
code already registered?) use a keyed hash (HMAC-SHA-256), never the clear value.

The database file keeps the standard sqlite3 module: the vault registers three SQL
functions on each connection (``pii_seal``, ``pii_open``, ``pii_hash``), so queries
and the ``validation_rows`` view read clear values while the file holds none.
"""

import hmac
import os
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.errors import KnownError

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"


class VaultError(KnownError):
    """``wrong_key``: the data was sealed with another key (or is damaged)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(master)


def key_from_passphrase(passphrase: str, salt: bytes) -> bytes:
    """A key from a passphrase the user chose (scrypt, about 0.1 s on a laptop)."""
    return Scrypt(salt=salt, length=KEY_BYTES, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


class Vault:
    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError("a vault key has 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"passsport-club seal v1"))
        self._mac_key = _derive(master_key, b"passsport-club lookup v1")

    def seal(self, value: str | None, column: str) -> bytes | None:
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), column.encode())
        return VERSION + nonce + sealed

    def open(self, blob: bytes | str | None, column: str) -> str | None:
        if blob is None:
            return None
        if isinstance(blob, str):
            return blob  # written before encryption existed: migration 3 seals it
        if blob[:1] != VERSION:
            raise VaultError("wrong_key")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, column.encode()).decode("utf-8")
        except InvalidTag:
            raise VaultError("wrong_key") from None

    def lookup_hash(self, value: str | None) -> str | None:
        if value is None:
            return None
        return hmac.digest(self._mac_key, value.encode("utf-8"), "sha256").hex()[:32]

    def install(self, conn: sqlite3.Connection) -> None:
        """Register the SQL functions the schema and the queries use."""
        conn.create_function("pii_seal", 2, self.seal)
        conn.create_function("pii_open", 2, self.open, deterministic=True)
        conn.create_function("pii_hash", 1, self.lookup_hash, deterministic=True)

    def check_value(self) -> bytes:
        """A sealed known text, kept beside the data to tell a wrong passphrase at once."""
        return self.seal("passsport-club", "check")

    def accepts(self, check: bytes) -> bool:
        try:
            return self.open(check, "check") == "passsport-club"
        except VaultError:
            return False
