"""The desk lock of a shared laptop: a PIN, asked after some minutes without use.

Only a salted, slow hash of the PIN is kept (in the database's ``meta``); the PIN
itself is never stored. The lock hides the screen; it never closes or clears it.
The hash (PBKDF2-SHA256, 200 000 rounds, under 0.1 s) stays within what a key press may
cost: no hash keeps a PIN of four digits from someone who holds the file, the waits
below are what keep it from someone at the keyboard.

Whether the desk is locked, and the wrong PINs typed in a row, are this computer's
(its settings): a program killed while locked starts locked, and a restart does not
give wrong PINs back. After ``FREE_TRIES`` wrong PINs each more one costs a wait, longer
each time up to a quarter of an hour: a four-digit PIN then takes months to find by
trying, and a club that mistypes is slowed, never shut out.
"""

import hashlib
import hmac
import math
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.errors import FormError
from app.logs import get_logger
from app.national import meta_get, meta_set
from app.settings import Settings

log = get_logger("desk_lock")

PIN_DIGITS = (4, 8)
ROUNDS = 200_000
FREE_TRIES = 5  # wrong PINs in a row before the first wait
WAITS_S = (30, 60, 300, 900)  # the wait after each more wrong PIN; the last one repeats


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, ROUNDS).hex()


def set_pin(conn: sqlite3.Connection, pin: str, minutes: int) -> None:
    """Turn the lock on with ``pin`` (4 to 8 digits) after ``minutes`` without use."""
    low, high = PIN_DIGITS
    if not (pin.isdigit() and low <= len(pin) <= high):
        raise FormError({"pin": "pin_format"})
    if not 1 <= minutes <= 120:
        raise FormError({"minutes": "minutes_range"})
    salt = os.urandom(16)
    meta_set(conn, "lock_pin", f"{salt.hex()}:{_hash(pin, salt)}")
    meta_set(conn, "lock_minutes", str(minutes))


def clear_pin(conn: sqlite3.Connection) -> None:
    meta_set(conn, "lock_pin", None)
    meta_set(conn, "lock_minutes", None)


def lock_minutes(conn: sqlite3.Connection) -> int | None:
    """Minutes without use before the lock, or None when there is no lock."""
    if meta_get(conn, "lock_pin") is None:
        return None
    return int(meta_get(conn, "lock_minutes") or 5)


def pin_matches(conn: sqlite3.Connection, pin: str) -> bool:
    stored = meta_get(conn, "lock_pin")
    if stored is None:
        return True
    salt, expected = stored.split(":")
    return hmac.compare_digest(_hash(pin, bytes.fromhex(salt)), expected)


def wait_after(failures: int) -> int:
    """Seconds before the next try once ``failures`` wrong PINs were typed in a row."""
    if failures < FREE_TRIES:
        return 0
    return WAITS_S[min(failures - FREE_TRIES, len(WAITS_S) - 1)]


@dataclass(frozen=True)
class Attempt:
    """What became of a PIN typed at the locked desk."""

    unlocked: bool
    heard: bool = True  # False: typed during a wait, so not compared
    wait_s: int = 0  # seconds before the next PIN is heard (0: at once)
    tries_left: int = 0  # wrong PINs still possible before a wait


class PinGuard:
    """The lock's state on this computer, read from and written to its settings at once."""

    def __init__(
        self,
        settings: Settings,
        pin_matches: Callable[[str], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._matches = pin_matches
        self._clock = clock

    @property
    def locked(self) -> bool:
        return self._settings.get("lock_locked")

    def set_locked(self, locked: bool) -> None:
        if self.locked != locked:
            self._keep(lock_locked=locked)

    def wait_left(self) -> int:
        """Whole seconds before a PIN is heard again; 0 when it is heard now.

        Never more than the wait itself, even when the computer's clock was put back."""
        wait = wait_after(self._settings.get("lock_failures"))
        if not wait:
            return 0
        try:
            last = datetime.fromisoformat(self._settings.get("lock_failed_at"))
            elapsed = (self._clock() - last).total_seconds()
        except (TypeError, ValueError):  # no moment kept, or not one: the wait starts now
            elapsed = 0.0
        return max(0, min(wait, math.ceil(wait - elapsed)))

    def attempt(self, pin: str) -> Attempt:
        """Try ``pin``: during a wait it is not even compared."""
        wait = self.wait_left()
        if wait:
            return Attempt(False, heard=False, wait_s=wait)
        if self._matches(pin):
            self._keep(lock_locked=False, lock_failures=0, lock_failed_at="")
            return Attempt(True)
        failures = self._settings.get("lock_failures") + 1
        self._keep(lock_failures=failures, lock_failed_at=self._clock().isoformat())
        return Attempt(False, wait_s=wait_after(failures), tries_left=max(0, FREE_TRIES - failures))

    def _keep(self, **values) -> None:
        """Write at once; a folder that cannot be written keeps the state for this run."""
        for key, value in values.items():
            try:
                self._settings.set(key, value)
            except OSError as error:
                log.warning("lock state not kept on disk (%s)", error.strerror)
