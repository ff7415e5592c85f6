"""Sample data for the tests: a store on disk, a season table, a clock."""

from datetime import UTC, datetime

import keyring.backend

from app import secrets
from app.desk import Desk
from app.desk import open_desk as app_open_desk
from app.paths import default_paths

# 15 October 2025, 14:32 in Paris: the 2025 season is open.
DESK_DAY = datetime(2025, 10, 15, 12, 32, tzinfo=UTC)
VALID_SIRET = "73282932000074"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = DESK_DAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def open_desk(clock: Clock | None = None, with_club: bool = True) -> Desk:
    paths = default_paths().create()
    desk = app_open_desk(paths.database, paths.backups, clock=clock or Clock())
    if with_club:
        desk.save_club_profile(
            "Étoile sportive d'Hérouville", VALID_SIRET, "W751234567", "Football"
        )
    return desk


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A secure-looking keyring held in memory: tests and sample scripts never touch the
    machine's keyring."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


def trusted(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
    """``backend``, counted as a secure keyring (``app/secrets.py``) from now on: for the
    sample scripts that keep their secrets in memory (the tests do it test by test, in
    tests/conftest.py)."""
    kind = type(backend)
    secrets.SECURE_BACKENDS = secrets.SECURE_BACKENDS | {f"{kind.__module__}.{kind.__qualname__}"}
    return backend
