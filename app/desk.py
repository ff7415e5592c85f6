"""The actions of the program, one method each, over one open database.

The interface calls these and shows what they return; they raise only
:class:`app.errors.KnownError` subclasses for expected failures.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from app import club
from app.club import ClubProfile


def utc_now() -> datetime:
    return datetime.now(UTC)


class Desk:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime] = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def close(self) -> None:
        self._conn.close()

    def club_profile(self) -> ClubProfile | None:
        return club.load_profile(self._conn)

    def save_club_profile(
        self, name: str, siret: str, rna: str, federation: str = ""
    ) -> ClubProfile:
        return club.save_profile(self._conn, club.make_profile(name, siret, rna, federation))

    def pending_count(self) -> int:
        """How many changes wait to be sent to the national service."""
        return self._conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
