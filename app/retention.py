"""Keep personal data no longer than needed.

When a season's control period is over (a setting: months after the season's
deadline), the names, birth dates, codes and cancellation reasons of its
registrations are erased. What proves the money stays: receipt number, the keyed
hash of the code, amounts, states and dates. ``secure_delete`` overwrites the old
bytes and VACUUM gives the space back, so nothing remains in the file.
"""

import sqlite3
from datetime import datetime

from app.seasons import SeasonTable
from app.store import transaction
from app.validations import journal_event

RETENTION_MONTHS = 24


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def expired_seasons(seasons: SeasonTable, now: datetime, months: int) -> list[int]:
    """The seasons whose control period has ended at ``now``."""
    return [s.year for s in seasons if now >= _add_months(s.deadline, months)]


def purge(
    conn: sqlite3.Connection, seasons: SeasonTable, now: datetime, months: int = RETENTION_MONTHS
) -> int:
    """Erase the personal data of expired seasons; returns how many registrations."""
    years = expired_seasons(seasons, now, months)
    if not years:
        return 0
    with transaction(conn):
        erased = conn.executemany(
            "UPDATE validations SET last_name = '', first_name = '', birth_date = '',"
            " code = CASE WHEN code IS NULL THEN NULL ELSE '' END, cancel_reason = NULL,"
            " recorded_by = '' WHERE season = ? AND last_name != ''",
            [(year,) for year in years],
        ).rowcount
        if erased:
            journal_event(conn, now, "personal_data_erased", None, "", str(erased))
    if erased:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return erased
