"""The desk lock of a shared laptop: a PIN, asked after some minutes without use.

Only a salted, slow hash of the PIN is kept (in the database's ``meta``); the PIN
itself is never stored. The lock hides the screen; it never closes or clears it.
"""

import hashlib
import hmac
import os
import sqlite3

from app.errors import FormError
from app.national import meta_get, meta_set

PIN_DIGITS = (4, 8)
ROUNDS = 200_000


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
