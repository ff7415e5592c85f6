"""Secrets (the device token, the database key), kept only in the system keyring:
Windows Credential Manager, macOS Keychain, Secret Service on Linux. Never in the
database, the settings, the logs or an error message.

Which keyrings count as secure is said here, by name (:data:`SECURE_BACKENDS`), not
left to keyring's priorities: a plaintext file, the "fail" backend, or a third-party
backend (``keyrings.alt`` and the like) is refused whatever priority it claims. The
program then says so, works offline, and protects the database key with a passphrase
instead. When keyring chains several backends, the first secure one of the chain is
used alone, so that a secret is never written to the others.

keyring is imported when a secret is first asked for: importing it takes a fifth of a
second, which a process that never needs a secret (a bench child, a store opened with its
key) does not pay.
"""

from collections.abc import Callable
from typing import TypeVar

from app.errors import KnownError

T = TypeVar("T")

SERVICE = "passsport-club"
# The system keyrings, by module and class: Windows Credential Manager, the macOS
# Keychain, Secret Service (GNOME Keyring, KeePassXC...) through D-Bus or libsecret,
# and KWallet (KDE 5 and 4). A subclass of one of them counts too.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
    }
)
MIN_PRIORITY = 1  # and it must say it works here (below 1: not usable on this computer)


class KeyringUnavailable(KnownError):
    """``no_secure_keyring``: this computer has no secure place for secrets;
    ``keyring_not_answering``: it has one, but it did not answer (locked, not started)."""


def is_secure(backend: object) -> bool:
    """Whether ``backend`` is one of :data:`SECURE_BACKENDS` (or made from one) and says
    it can be used here."""
    names = {f"{kind.__module__}.{kind.__qualname__}" for kind in type(backend).__mro__}
    if names.isdisjoint(SECURE_BACKENDS):
        return False
    try:
        return backend.priority >= MIN_PRIORITY
    except Exception:  # a backend that cannot even say how good it is
        return False


def choose_backend(backend: object) -> object:
    """The backend to keep secrets in, given keyring's choice: itself if it is secure, the
    first secure one of a chain; raises :class:`KeyringUnavailable` when there is none."""
    from keyring.backends.chainer import ChainerBackend

    candidates = backend.backends if isinstance(backend, ChainerBackend) else [backend]
    for candidate in candidates:
        if is_secure(candidate):
            return candidate
    raise KeyringUnavailable("no_secure_keyring")


def _backend():
    import keyring

    return choose_backend(keyring.get_keyring())


def _asking(question: Callable[[], T]) -> T:
    """``question`` put to the keyring; one that cannot answer raises KeyringUnavailable."""
    import keyring.errors

    try:
        return question()
    except keyring.errors.KeyringError:
        raise KeyringUnavailable("keyring_not_answering") from None


def secure_keyring_available() -> bool:
    try:
        _backend()
    except KeyringUnavailable:
        return False
    return True


def save_secret(name: str, value: str) -> None:
    backend = _backend()
    _asking(lambda: backend.set_password(SERVICE, name, value))


def forget_secret(name: str) -> None:
    """Delete the secret; nothing happens if there is none or no keyring answers."""
    try:
        backend = _backend()
        _asking(lambda: backend.delete_password(SERVICE, name))
    except Exception:
        return


def read_secret(name: str) -> str | None:
    """The secret, or None when the keyring answers that it has none of that name.
    A keyring that cannot answer raises :class:`KeyringUnavailable`: the secret may
    well be there, behind a lock."""
    backend = _backend()
    return _asking(lambda: backend.get_password(SERVICE, name))


def load_secret(name: str) -> str | None:
    """The secret, or None when it cannot be had, for whatever reason."""
    try:
        return read_secret(name)
    except KeyringUnavailable:
        return None
