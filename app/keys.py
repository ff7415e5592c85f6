"""The key of one database and the ways in to it.

The data is sealed with one random data key, made once, that never changes. The
database keeps it only wrapped (app/vault.py), once for each way in:

- the keyring of this computer, which keeps a random key that unwraps it (the usual
  way: nothing is asked at start);
- a passphrase the user chose, on a computer with no secure keyring (scrypt);
- the recovery phrase printed on the club's recovery sheet, for the day the keyring
  lost its key or the passphrase is forgotten.

A new passphrase or a new recovery sheet wraps the same key again: the sealed data is
not touched. Backups hold the same wrapped copies, so the recovery phrase opens them
too.

What is not secret lives in the database's ``meta`` table: the database's own id
(which names its key in the keyring), how the key is usually had, the wrapped copies
with their salts, and a sealed check value. A file that exists but has none of this
(emptied, truncated, not a database) is damaged, never a first start.

Older databases open as before and are brought to this form at once: the key they
had becomes the data key, wrapped.
"""

import base64
import contextlib
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from secrets import choice

from app import secrets
from app.errors import KnownError, StoreError
from app.store import transaction
from app.vault import SCRYPT, SCRYPT_BEFORE_WRAPPING, Vault, key_from_passphrase, key_from_phrase
from app.vault import new_key as new_data_key

PASSPHRASE_MIN = 8

# The recovery phrase: 8 groups of 4 characters from 32 that cannot be mistaken for
# one another (no I, O, 0 or 1): 160 random bits.
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_GROUPS = 8
RECOVERY_GROUP_SIZE = 4
RECOVERY_LENGTH = RECOVERY_GROUPS * RECOVERY_GROUP_SIZE

# Schema 3 is the first whose personal fields are sealed: from it on, a database
# without its key's meta values has lost them.
FIRST_SEALED_SCHEMA = 3


class KeyProblem(KnownError):
    """Why the data does not open yet:

    - ``passphrase_needed`` (``new``: choose one; ``remembered``: a keyring will keep it
      from now on), ``passphrase_too_short``, ``wrong_passphrase``;
    - ``key_missing``: the keyring answers, but this database's key is not in it;
    - ``keyring_not_answering``: the keyring did not answer (locked, not started, none);
    - ``wrong_recovery``: the recovery phrase typed is not this data's (``typed``:
      how many of its characters were read).

    ``recovery``: the data has a recovery sheet.
    """


class RecoveryPhrase(str):
    """The words of the recovery sheet, as typed: given where a passphrase would be, it
    opens the data by the recovery way in."""


def new_recovery_phrase() -> RecoveryPhrase:
    groups = (
        "".join(choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_SIZE))
        for _ in range(RECOVERY_GROUPS)
    )
    return RecoveryPhrase("-".join(groups))


def _normalised(phrase: str) -> str:
    """The phrase's characters as they are kept: capitals, no spaces, dashes or line
    breaks (a typed phrase may have any of these)."""
    return "".join(c for c in phrase.upper() if c.isalnum())


@dataclass
class Unlocked:
    """An opened key: the vault, the meta values to write (None: to remove) and the
    key the keyring is to keep (written after the meta values, never before)."""

    vault: Vault
    db_id: str
    keep: dict[str, str | None] = field(default_factory=dict)
    keyring_key: bytes | None = None
    made: bool = False  # a new data key: the data does not open without it


def _read_meta(path: Path) -> dict[str, str]:
    """The meta values of the database at ``path``; {} only when there is no file."""
    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        meta = dict(conn.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
    except sqlite3.DatabaseError as exc:
        raise StoreError("unreadable", path=str(path)) from exc
    finally:
        conn.close()
    if "key_check" not in meta and ("meta" not in tables or version >= FIRST_SEALED_SCHEMA):
        raise StoreError("damaged", path=str(path))
    return meta


def _key_name(db_id: str) -> str:
    return f"database-key:{db_id}"


def _problem(reason: str, meta: dict[str, str], **details) -> KeyProblem:
    return KeyProblem(reason, recovery="wrapped_by_recovery" in meta, **details)


def _passphrase_wrap(vault: Vault, passphrase: str) -> dict[str, str | None]:
    if len(passphrase) < PASSPHRASE_MIN:
        raise KeyProblem("passphrase_too_short", minimum=PASSPHRASE_MIN)
    salt = os.urandom(16)
    wrapping = key_from_passphrase(passphrase, salt, **SCRYPT)
    return {
        "passphrase_salt": salt.hex(),
        "passphrase_scrypt": _scrypt_text(SCRYPT),
        "wrapped_by_passphrase": vault.wrap(wrapping).hex(),
        "key_salt": None,  # the salt of the passphrase before wrapping: it opens no more
    }


def _scrypt_text(params: dict[str, int]) -> str:
    return f"{params['n']}:{params['r']}:{params['p']}"


def _by_passphrase(meta: dict[str, str], passphrase: str) -> Vault:
    if "wrapped_by_passphrase" in meta:
        n, r, p = (int(x) for x in meta["passphrase_scrypt"].split(":"))
        salt = bytes.fromhex(meta["passphrase_salt"])
        vault = Vault.unwrap(
            key_from_passphrase(passphrase, salt, n=n, r=r, p=p),
            bytes.fromhex(meta["wrapped_by_passphrase"]),
        )
    elif "key_salt" in meta:  # before wrapping, the passphrase gave the data key itself
        salt = bytes.fromhex(meta["key_salt"])
        vault = Vault(key_from_passphrase(passphrase, salt, **SCRYPT_BEFORE_WRAPPING))
        vault = vault if vault.accepts(bytes.fromhex(meta["key_check"])) else None
    else:
        vault = None
    if vault is None:
        raise _problem("wrong_passphrase", meta, remembered=secrets.secure_keyring_available())
    return vault


def _by_recovery(meta: dict[str, str], phrase: str) -> Vault:
    typed = _normalised(phrase)
    vault = None
    if "wrapped_by_recovery" in meta and len(typed) == RECOVERY_LENGTH:
        wrapping = key_from_phrase(typed, bytes.fromhex(meta["recovery_salt"]))
        vault = Vault.unwrap(wrapping, bytes.fromhex(meta["wrapped_by_recovery"]))
    if vault is None:
        raise _problem("wrong_recovery", meta, typed=len(typed), needed=RECOVERY_LENGTH)
    return vault


@dataclass
class _FromKeyring:
    vault: Vault | None = None  # None: the keyring's key does not open the data
    wrapped: bool = False  # opened by the wrapped copy (not a key kept before wrapping)
    not_answering: bool = False  # the keyring could not be read


def _by_keyring(meta: dict[str, str]) -> _FromKeyring:
    try:
        stored = secrets.read_secret(_key_name(meta["db_id"]))
    except secrets.KeyringUnavailable:
        return _FromKeyring(not_answering=True)
    if stored is None:
        return _FromKeyring()
    kept = base64.b64decode(stored)
    if "wrapped_by_keyring" in meta:
        vault = Vault.unwrap(kept, bytes.fromhex(meta["wrapped_by_keyring"]))
        if vault is not None:
            return _FromKeyring(vault, wrapped=True)
    if len(kept) == 32:  # before wrapping, the keyring kept the data key itself
        vault = Vault(kept)
        if vault.accepts(bytes.fromhex(meta["key_check"])):
            return _FromKeyring(vault)
    return _FromKeyring()


def _first_key(meta: dict[str, str], passphrase: str | None) -> Unlocked:
    """A new data key, for a new database (or one from before the data was sealed)."""
    vault = Vault(new_data_key())
    db_id = meta.get("db_id") or str(uuid.uuid4())
    unlocked = Unlocked(vault, db_id, {"db_id": db_id, "key_check": vault.check_value().hex()})
    unlocked.made = True
    if secrets.secure_keyring_available():
        unlocked.keyring_key = new_data_key()
        unlocked.keep["key_mode"] = "keyring"
        unlocked.keep["wrapped_by_keyring"] = vault.wrap(unlocked.keyring_key).hex()
        return unlocked
    if passphrase is None or isinstance(passphrase, RecoveryPhrase):
        raise KeyProblem("passphrase_needed", new=True, remembered=False)
    unlocked.keep["key_mode"] = "passphrase"
    unlocked.keep.update(_passphrase_wrap(vault, passphrase))
    return unlocked


def unlock(path: Path, passphrase: str | None = None) -> Unlocked:
    """The key of the database at ``path``: from the keyring, or from ``passphrase`` (a
    :class:`RecoveryPhrase` takes the recovery way in). Raises :class:`KeyProblem` with
    what is needed, or StoreError when the file is damaged."""
    meta = _read_meta(path)
    if "key_check" not in meta:
        return _first_key(meta, passphrase)
    from_keyring = _FromKeyring()
    if isinstance(passphrase, RecoveryPhrase):
        vault = _by_recovery(meta, passphrase)
    elif passphrase is not None:
        vault = _by_passphrase(meta, passphrase)
    else:
        from_keyring = _by_keyring(meta)
        vault = from_keyring.vault
        if vault is None and meta.get("key_mode") == "passphrase":
            raise _problem(
                "passphrase_needed", meta, new=False, remembered=secrets.secure_keyring_available()
            )
        if vault is None:
            reason = "keyring_not_answering" if from_keyring.not_answering else "key_missing"
            raise _problem(reason, meta)
    unlocked = Unlocked(vault, meta["db_id"])
    keyring_usable = secrets.secure_keyring_available()
    if passphrase is not None and keyring_usable:
        from_keyring = _by_keyring(meta)  # it may still hold a key that opens the data
    # A keyring that does not answer may hold the key: its wrapped copy stays as it is.
    if keyring_usable and not from_keyring.wrapped and not from_keyring.not_answering:
        # The keyring keeps a key for this data (again): the next start asks nothing.
        unlocked.keyring_key = new_data_key()
        unlocked.keep["wrapped_by_keyring"] = vault.wrap(unlocked.keyring_key).hex()
    typed_passphrase = passphrase is not None and not isinstance(passphrase, RecoveryPhrase)
    if typed_passphrase and meta.get("passphrase_scrypt") != _scrypt_text(SCRYPT):
        unlocked.keep.update(_passphrase_wrap(vault, passphrase))
    return unlocked


def remember(conn: sqlite3.Connection, keep: dict[str, str | None]) -> None:
    """Write the key's meta values (None: remove it), all in one transaction."""
    if not keep:
        return  # the usual start: nothing to write
    with transaction(conn):
        for key, value in keep.items():
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )


def _keep_in_keyring(db_id: str, key: bytes) -> None:
    secrets.save_secret(_key_name(db_id), base64.b64encode(key).decode("ascii"))


def _being_made(path: Path) -> Path:
    """Where a new database is made, before it takes its name once complete."""
    return path.with_name(path.name + ".nouvelle")


def open_encrypted(
    path: Path, backups: Path, passphrase: str | None = None
) -> tuple[sqlite3.Connection, Vault]:
    """Open (or create) the database at ``path`` with its key: the one way to open it.

    A new database is made under another name and takes its own only once its key is
    kept: a start interrupted half-way is a first start again, never a damaged file.
    """
    from app.store import open_store

    unlocked = unlock(path, passphrase)
    first = not path.exists()
    target = _being_made(path) if first else path
    if first:
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
    conn = open_store(target, backups, unlocked.vault)
    try:
        remember(conn, unlocked.keep)
        if unlocked.keyring_key is not None:
            if unlocked.made:  # without it the data would not open again
                try:
                    _keep_in_keyring(unlocked.db_id, unlocked.keyring_key)
                except secrets.KeyringUnavailable:
                    raise KeyProblem("keyring_not_answering", recovery=False) from None
            else:  # another way in opened it: the keyring is a convenience
                with contextlib.suppress(secrets.KeyringUnavailable):
                    _keep_in_keyring(unlocked.db_id, unlocked.keyring_key)
        if first:
            conn.close()
            os.replace(target, path)
            conn = open_store(path, backups, unlocked.vault)
    except BaseException:
        conn.close()
        raise
    return conn, unlocked.vault


def change_passphrase(conn: sqlite3.Connection, vault: Vault, passphrase: str) -> None:
    """The data opens with ``passphrase`` from now on, and no more with the previous
    one: the data key is wrapped again, the sealed data stays as it is."""
    remember(conn, _passphrase_wrap(vault, passphrase))


def make_recovery_phrase(conn: sqlite3.Connection, vault: Vault) -> RecoveryPhrase:
    """A new recovery phrase for the data (the previous one opens it no more). It is
    kept nowhere: the caller shows it once, to print."""
    phrase = new_recovery_phrase()
    salt = os.urandom(16)
    wrapping = key_from_phrase(_normalised(phrase), salt)
    remember(conn, {"recovery_salt": salt.hex(), "wrapped_by_recovery": vault.wrap(wrapping).hex()})
    return phrase


def recovery_matches(conn: sqlite3.Connection, phrase: str) -> bool:
    """Whether ``phrase`` is the data's recovery phrase (the one of its printed sheet)."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    try:
        _by_recovery(meta, phrase)
    except KeyProblem:
        return False
    return True


def has_recovery_phrase(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM meta WHERE key = 'wrapped_by_recovery'").fetchone()
    return row is not None
