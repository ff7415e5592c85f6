"""Secrets (the device token, the database key), kept only in the system keyring:
Windows Credential Manager, macOS Keychain, Secret Service on Linux. Never in the
database, the settings, the logs or an error message.

A keyring backend that is not recommended (priority below 1: the "fail" backend,
plaintext files...) is refused: the program then says so, works offline, and protects
the database key with a passphrase instead.
"""

import contextlib

import keyring
import keyring.errors

from app.errors import KnownError

SERVICE = "passsport-club"
MIN_PRIORITY = 1


class KeyringUnavailable(KnownError):
    """``no_secure_keyring``: this computer has no secure place for secrets."""


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
    try:
        _backend().set_password(SERVICE, name, value)
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("no_secure_keyring") from None


def load_secret(name: str) -> str | None:
    try:
        return _backend().get_password(SERVICE, name)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return None


def forget_secret(name: str) -> None:
    with contextlib.suppress(KeyringUnavailable, keyring.errors.KeyringError):
        _backend().delete_password(SERVICE, name)
