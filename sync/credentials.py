"""The device token, kept only in the system keyring (Windows Credential Manager,
macOS Keychain, Secret Service on Linux). Never in the database, settings or logs.

A keyring backend that is not recommended (priority below 1: the "fail" backend,
plaintext files...) is refused: the program then says so and works offline.
"""

import contextlib

import keyring
import keyring.errors

from app.errors import KnownError

SERVICE = "passsport-club"
MIN_PRIORITY = 1


class KeyringUnavailable(KnownError):
    """``no_secure_keyring``: this computer has no secure place for the token."""


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


def save_token(device_id: str, token: str) -> None:
    try:
        _backend().set_password(SERVICE, device_id, token)
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("no_secure_keyring") from None


def load_token(device_id: str) -> str | None:
    try:
        return _backend().get_password(SERVICE, device_id)
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return None


def forget_token(device_id: str) -> None:
    with contextlib.suppress(KeyringUnavailable, keyring.errors.KeyringError):
        _backend().delete_password(SERVICE, device_id)
