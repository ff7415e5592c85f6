"""Keep personal data no longer than needed.

When a season's control period is over (a setting: months after the season's
deadline), the names, birth dates, codes and cancellation reasons of its
registrations are erased. What proves the money stays: receipt number, the keyed
hash of the code, amounts, states and dates. ``secure_delete`` overwrites the old
bytes and VACUUM gives the space back, so nothing remains in the file.

The same erasure reaches every copy the program keeps: the backups and the data set
aside before a restore are rewritten without the erased data (:func:`purge_copies`).
A copy that cannot be rewritten is deleted: none keeps what the database no longer has.
"""

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from app import backups
from app.errors import StoreError, storage_reason
from app.logs import get_logger
from app.seasons import SeasonTable
from app.store import transaction
from app.validations import journal_event

log = get_logger("retention")

RETENTION_MONTHS = 24
_ERASE = (
    "UPDATE validations SET last_name = '', first_name = '', birth_date = '',"
    " code = CASE WHEN code IS NULL THEN NULL ELSE '' END, cancel_reason = NULL,"
    " recorded_by = '' WHERE season = ? AND last_name != ''"
)
_HOLDS = "SELECT EXISTS (SELECT 1 FROM validations WHERE season = ? AND last_name != '')"


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def expired_seasons(seasons: SeasonTable, now: datetime, months: int) -> list[int]:
    """The seasons whose control period has ended at ``now``."""
    return [s.year for s in seasons if now >= _add_months(s.deadline, months)]


def _erase(conn: sqlite3.Connection, years: list[int], now: datetime) -> int:
    """Erase the personal data of the registrations of ``years``; how many were erased."""
    with transaction(conn):
        erased = conn.executemany(_ERASE, [(year,) for year in years]).rowcount
        if erased:
            journal_event(conn, now, "personal_data_erased", None, "", str(erased))
    return erased


def purge(
    conn: sqlite3.Connection, seasons: SeasonTable, now: datetime, months: int = RETENTION_MONTHS
) -> int:
    """Erase the personal data of expired seasons; returns how many registrations."""
    return erase_seasons(conn, expired_seasons(seasons, now, months), now)


def erase_seasons(conn: sqlite3.Connection, years: list[int], now: datetime) -> int:
    """Erase the personal data of the registrations of ``years``, and give the space
    back; returns how many registrations."""
    if not years:
        return 0
    erased = _erase(conn, years, now)
    if erased:
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:  # erased already: the space comes back next time
            reason = storage_reason(error)
            if reason is None:
                raise
            raise StoreError(reason) from None
    return erased


def _holds(path: Path, years: list[int]) -> bool:
    """Whether a copy still holds personal data of ``years`` (read without changing it).
    A copy SQLite cannot read holds nothing it could give back."""
    try:
        conn = backups.open_copy(path)
    except sqlite3.Error:
        return False
    try:
        return any(conn.execute(_HOLDS, (year,)).fetchone()[0] for year in years)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def purge_copies(
    conn: sqlite3.Connection,
    folders: Iterable[Path],
    seasons: SeasonTable,
    now: datetime,
    months: int = RETENTION_MONTHS,
) -> int:
    """Erase the same personal data in every copy the program made: the backups in
    ``folders`` and the data set aside beside the database of ``conn``. Returns how many
    copies were rewritten or, when that fails (a full disk, a read-only folder), deleted."""
    return erase_in_copies(conn, folders, expired_seasons(seasons, now, months), now, seasons)


def erase_in_copies(
    conn: sqlite3.Connection,
    folders: Iterable[Path],
    years: list[int],
    now: datetime,
    seasons: SeasonTable,
) -> int:
    """Erase the personal data of ``years`` in every copy, as :func:`purge_copies`. The
    copies of a forum's main desk (``backups.FORUM_COPIES`` in each folder) are deleted
    once every season they can hold is among ``years``: those opened by their date."""
    if not years:
        return 0
    database = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    copies = [*backups.list_set_aside(database)]
    reached = 0
    for folder in folders:
        copies += backups.list_backups(folder)
        for forum_copy in backups.list_backups(folder / backups.FORUM_COPIES):
            made_on = forum_copy.made_at.astimezone().date()  # the club's day
            held = {s.year for s in seasons if s.entry_opens <= made_on}
            if held <= set(years):
                backups.remove(forum_copy)
                reached += 1
    for copy in copies:
        if not _holds(copy.path, years):
            continue
        try:
            backups.rewrite(copy, lambda conn: _erase(conn, years, now))
        except StoreError as error:
            log.warning("a copy could not be rewritten (%s): deleted", error.reason)
            backups.remove(copy)
        reached += 1
    if reached:
        log.info("expired personal data erased from %d copies", reached)
    return reached
