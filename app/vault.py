"""Encryption at rest of the personal data of the young people.

Names, birth dates, codes and cancellation reasons are sealed with AES-256-GCM
(the cryptography package) before they reach the database file, its WAL or its
backups. Each value is bound to its place: the table, the column and the row id, so
a value copied or swapped into another row or column no longer opens. Lookups that
need equality (is this code already registered?) use a keyed hash (HMAC-SHA-256),
never the clear value.

The database file keeps the standard sqlite3 module: the vault registers SQL
functions on each connection (``pii_seal``, ``pii_open``, ``pii_hash``), so queries
and the ``validation_rows`` view read clear values while the file holds none.

The data key is random. It never changes: each way in (the keyring, a passphrase, the
recovery phrase) keeps only a copy of it wrapped under its own key (AES key wrap,
RFC 3394), so a new passphrase rewraps the key and leaves the data as it is.
"""

import hmac
import os
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from app.errors import KnownError

KEY_BYTES = 32
NONCE_BYTES = 12
COLUMN_BOUND = b"\x01"  # before schema 4: bound to the column alone (migrations only)
ROW_BOUND = b"\x02"  # bound to table, column and row id

# scrypt as OWASP recommends it (2025): N = 2^17, r = 8, p = 1 (128 MiB, about 1 s).
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
# What the first passphrases used, before the key was wrapped: they still open.
SCRYPT_BEFORE_WRAPPING = {"n": 2**15, "r": 8, "p": 1}


class VaultError(KnownError):
    """``wrong_key``: the data was sealed with another key, in another place, or is
    damaged."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(master)


def key_from_passphrase(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """A key from a passphrase the user chose (scrypt; see :data:`SCRYPT`)."""
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def key_from_phrase(phrase: str, salt: bytes) -> bytes:
    """A key from the recovery phrase: random and long already, it needs no slow
    derivation."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=salt, info=b"recovery").derive(
        phrase.encode("ascii")
    )


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _place(field: str, row: int) -> bytes:
    return f"{field}#{int(row)}".encode()


class Vault:
    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != KEY_BYTES:
            raise ValueError("a vault key has 32 bytes")
        self._key = data_key
        self._aead = AESGCM(_derive(data_key, b"passsport-club seal v1"))
        self._mac_key = _derive(data_key, b"passsport-club lookup v1")

    @classmethod
    def unwrap(cls, wrapping_key: bytes, wrapped: bytes) -> "Vault | None":
        """The vault whose key ``wrapped`` holds, or None when ``wrapping_key`` is not the
        one it was wrapped under."""
        try:
            return cls(aes_key_unwrap(wrapping_key, wrapped))
        except (InvalidUnwrap, ValueError):
            return None

    def derive(self, purpose: str) -> bytes:
        """A key of its own for ``purpose`` (the forum's main desk seals its registrations
        with one), from the data key: the same every time, useless to open this file."""
        return _derive(self._key, f"passsport-club {purpose} v1".encode())

    def wrap(self, wrapping_key: bytes) -> bytes:
        """The data key wrapped under ``wrapping_key``: one way in to the data."""
        return aes_key_wrap(wrapping_key, self._key)

    def _seal(self, value: str, version: bytes, place: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return version + nonce + self._aead.encrypt(nonce, value.encode("utf-8"), place)

    def _open(self, blob: bytes, version: bytes, place: bytes) -> str:
        if blob[:1] != version:
            raise VaultError("wrong_key")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, place).decode("utf-8")
        except InvalidTag:
            raise VaultError("wrong_key") from None

    def seal(self, value: str | None, field: str, row: int) -> bytes | None:
        """``value`` sealed for ``field`` (``table.column``) of the row ``row``."""
        if value is None:
            return None
        return self._seal(value, ROW_BOUND, _place(field, row))

    def open(self, blob: bytes | None, field: str, row: int) -> str | None:
        if blob is None:
            return None
        if isinstance(blob, str):
            if blob == "":
                return blob  # erased after its time (app/retention.py)
            raise VaultError("wrong_key")  # clear text where a sealed value belongs
        return self._open(blob, ROW_BOUND, _place(field, row))

    def _seal_column(self, value: str | None, column: str) -> bytes | None:
        return None if value is None else self._seal(value, COLUMN_BOUND, column.encode())

    def _open_column(self, blob: bytes | str | None, column: str) -> str | None:
        if blob is None:
            return None
        if isinstance(blob, str):
            return blob  # written before encryption existed: migration 3 seals it
        return self._open(blob, COLUMN_BOUND, column.encode())

    def lookup_hash(self, value: str | None) -> str | None:
        if value is None:
            return None
        return hmac.digest(self._mac_key, value.encode("utf-8"), "sha256").hex()[:32]

    def install(self, conn: sqlite3.Connection) -> None:
        """Register the SQL functions the schema and the queries use:
        ``pii_seal(value, 'table.column', row id)``, ``pii_open(sealed, 'table.column',
        row id)``. The two-argument forms, bound to the column alone, serve only the
        migrations that wrote and then resealed such values (3 and 4)."""
        conn.create_function("pii_seal", 3, self.seal)
        conn.create_function("pii_open", 3, self.open, deterministic=True)
        conn.create_function("pii_seal", 2, self._seal_column)
        conn.create_function("pii_open", 2, self._open_column, deterministic=True)
        conn.create_function("pii_hash", 1, self.lookup_hash, deterministic=True)

    def check_value(self) -> bytes:
        """A sealed known text, kept beside the data to tell a foreign key at once."""
        return self._seal_column("passsport-club", "check")

    def accepts(self, check: bytes) -> bool:
        try:
            return self._open_column(check, "check") == "passsport-club"
        except VaultError:
            return False
