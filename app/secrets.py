"""Secrets (the device token, the database key), kept only in the system keyring:
Windows Credential Manager, macOS Keychain, Secret Service on Linux. Never in the
database, the settings, the logs or an error message.

A keyring backend that is not recommended (priority below 1: the "fail" backend,
plaintext files...) is refused: the program then says so, works offline, and protects
the database key with a passphrase instead.
"""

import keyring
import keyring.errors

from app.errors import KnownError

SERVICE = "passsport-club"
MIN_PRIORITY = 1


class KeyringUnavailable(KnownError):
    """``no_secure_keyring``: this computer has no secure place for secrets;
    ``keyring_not_answering``: it has one, but it did not answer (locked, not started)."""


def _backend():
    backend = keyring.get_keyring()
    try:
        priority = backend.priority
    except Exception:  # a backend that cannot even say how good it is
        priority = -1
    if priority < MIN_PRIORITY:
        raise KeyringUnavailable("no_secure_keyring")
    return backend


def secure_keyring_available() -> bool:
    try:
        _backend()
    except KeyringUnavailable:
        return False
    return True


def save_secret(name: str, value: str) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("keyring_not_answering") from None


def read_secret(name: str) -> str | None:
    """The secret, or None when the keyring answers that it has none of that name.
    A keyring that cannot answer raises :class:`KeyringUnavailable`: the secret may
    well be there, behind a lock."""
    backend = _backend()
    try:
        return backend.get_password(SERVICE, name)
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("keyring_not_answering") from None


def load_secret(name: str) -> str | None:
    """The secret, or None when it cannot be had, for whatever reason."""
    try:
        return read_secret(name)
    except KeyringUnavailable:
        return None
