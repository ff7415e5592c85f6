"""The key of one database: made once, kept in the system keyring, or derived from a
passphrase the user chose when the computer has no secure keyring. Never written in
clear beside the data.

A database protected by a passphrase stays so; once the computer has a keyring, the
key derived from the passphrase is also kept there, so that the passphrase is no
longer asked at each start (it still opens the data, on this computer or another).

What is not secret lives in the database's ``meta`` table: the database's own id
(which names its key in the keyring), how the key is kept, the passphrase salt, and
a sealed check value that tells a wrong passphrase or a foreign key at once.
"""

import base64
import contextlib
import os
import sqlite3
import uuid
from pathlib import Path

from app import secrets
from app.errors import KnownError
from app.store import transaction
from app.vault import Vault, key_from_passphrase, new_key

PASSPHRASE_MIN = 8


class KeyProblem(KnownError):
    """``passphrase_needed`` (``new``: choose one; ``remembered``: a keyring will keep it
    from now on), ``passphrase_too_short``, ``wrong_passphrase``, ``key_missing`` (the
    keyring lost this database's key)."""


def _read_meta(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        return {}  # no meta table yet (or not a database: open_store will say so)
    finally:
        conn.close()


def _key_name(db_id: str) -> str:
    return f"database-key:{db_id}"


def _remembered(db_id: str, check: bytes) -> Vault | None:
    """The passphrase's key, if this computer's keyring keeps it and it is the right one."""
    stored = secrets.load_secret(_key_name(db_id))
    if stored is None:
        return None
    vault = Vault(base64.b64decode(stored))
    return vault if vault.accepts(check) else None


def _from_passphrase(
    passphrase: str | None, meta: dict[str, str], db_id: str, check: bytes
) -> tuple[Vault, str]:
    """The key the passphrase gives (checked against the data when there is some), and
    its salt."""
    mode = meta.get("key_mode")
    if passphrase is None:
        raise KeyProblem(
            "passphrase_needed",
            new=mode is None,
            remembered=secrets.secure_keyring_available(),
        )
    if mode is None and len(passphrase) < PASSPHRASE_MIN:
        raise KeyProblem("passphrase_too_short", minimum=PASSPHRASE_MIN)
    salt = bytes.fromhex(meta["key_salt"]) if mode else os.urandom(16)
    key = key_from_passphrase(passphrase, salt)
    vault = Vault(key)
    if mode and not vault.accepts(check):
        raise KeyProblem("wrong_passphrase", remembered=secrets.secure_keyring_available())
    if mode and secrets.secure_keyring_available():
        # The computer has a keyring now: it keeps the key, the passphrase is not asked
        # again here. Without one, nothing is kept anywhere.
        with contextlib.suppress(secrets.KeyringUnavailable):
            secrets.save_secret(_key_name(db_id), base64.b64encode(key).decode("ascii"))
    return vault, salt.hex()


def unlock(path: Path, passphrase: str | None = None) -> tuple[Vault, dict[str, str]]:
    """The vault of the database at ``path`` and the meta values to keep once it is open."""
    meta = _read_meta(path)
    db_id = meta.get("db_id") or str(uuid.uuid4())
    mode = meta.get("key_mode")
    if mode == "passphrase" or (mode is None and not secrets.secure_keyring_available()):
        check = bytes.fromhex(meta.get("key_check", ""))
        vault, salt = (_remembered(db_id, check) if mode else None), meta.get("key_salt", "")
        if vault is None:
            vault, salt = _from_passphrase(passphrase, meta, db_id, check)
        keep = {"key_mode": "passphrase", "key_salt": salt}
    else:
        stored = secrets.load_secret(_key_name(db_id))
        if stored is None:
            if mode == "keyring":
                raise KeyProblem("key_missing")
            key = new_key()
            secrets.save_secret(_key_name(db_id), base64.b64encode(key).decode("ascii"))
        else:
            key = base64.b64decode(stored)
        vault = Vault(key)
        if mode and not vault.accepts(bytes.fromhex(meta.get("key_check", ""))):
            raise KeyProblem("key_missing")
        keep = {"key_mode": "keyring"}
    keep.update(db_id=db_id, key_check=meta.get("key_check") or vault.check_value().hex())
    return vault, keep


def remember(conn: sqlite3.Connection, keep: dict[str, str]) -> None:
    """Write the key's meta values once the database is open (first start or migration)."""
    with transaction(conn):
        conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
            list(keep.items()),
        )


def open_encrypted(
    path: Path, backups: Path, passphrase: str | None = None
) -> tuple[sqlite3.Connection, Vault]:
    """Open (or create) the database at ``path`` with its key: the one way to open it."""
    from app.store import open_store

    vault, keep = unlock(path, passphrase)
    conn = open_store(path, backups, vault)
    remember(conn, keep)
    return conn, vault
