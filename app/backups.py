"""Backups of the database: daily, before each migration, after the day's work (every
:data:`BACKUP_EVERY` registrations and on closing, when something changed), and on
demand (a USB key).

Each copy is made with SQLite's backup API (consistent while the program runs),
checked with ``integrity_check``, and sealed by a SHA-256 written beside it. The
personal fields inside are encrypted like in the database itself; the key is not in
the copy. A damaged database is never overwritten: it is moved aside first.
"""

import contextlib
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.errors import StoreError
from app.logs import get_logger

log = get_logger("backups")

PREFIX = "passsport-club-"
SUFFIX = ".sqlite3"
KEEP_DAYS = 30
# A backup after this many registrations at the desk, without waiting for the evening.
# A busy forum desk takes about 20 families an hour; a backup of a club's file takes
# well under a second. So a damaged file loses at most an hour of a forum day, for a
# dozen small files that day (older days keep only their last one, see ``prune``).
BACKUP_EVERY = 20
# The automatic backups after the day's work, by why they were made.
AFTER_REGISTRATIONS = "inscriptions"
ON_CLOSING = "fermeture"


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: datetime
    reason: str

    @property
    def checksum_path(self) -> Path:
        return self.path.with_name(self.path.name + ".sha256")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _integrity(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _write_error(error: OSError) -> StoreError:
    full = getattr(error, "errno", None) in (28, 27)  # ENOSPC, EFBIG
    return StoreError("disk_full" if full else "write_failed")


def _discard(*paths: Path) -> None:
    for path in paths:
        for extra in ("", "-journal", "-wal", "-shm"):
            # Not there, or its folder is not one (a file in its place): nothing to remove.
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                Path(f"{path}{extra}").unlink()


def make_backup(conn: sqlite3.Connection, folder: Path, reason: str, now: datetime) -> Backup:
    """A checked copy of the open database in ``folder``; nothing is left half-written."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    final = folder / f"{PREFIX}{stamp}-{reason}{SUFFIX}"
    same_second = 1
    while final.exists():  # two backups in one second: neither replaces the other
        same_second += 1
        final = folder / f"{PREFIX}{stamp}-{reason}-{same_second}{SUFFIX}"
    partial = final.with_name(final.name + ".partiel")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(partial)
        try:
            conn.backup(target)
            # One file that stands alone (a USB key, a restore): no WAL beside it, and no
            # -wal or -shm left behind by the checks that open it read-only.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        if not _integrity(partial):
            raise StoreError("backup_damaged")
        checksum = _sha256(partial)
        os.replace(partial, final)
        Backup(final, now, reason).checksum_path.write_text(f"{checksum}  {final.name}\n")
    except OSError as error:
        _discard(partial, final)
        raise _write_error(error) from None
    except sqlite3.Error as error:
        _discard(partial)
        full = "full" in str(error).lower() or "disk i/o" in str(error).lower()
        raise StoreError("disk_full" if full else "write_failed") from None
    log.info("backup made (%s)", reason)
    return Backup(final, now, reason)


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first."""
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        parts = path.name[len(PREFIX) : -len(SUFFIX)].split("-", 2)
        try:
            made = datetime.strptime(f"{parts[0]}-{parts[1]}", "%Y%m%d-%H%M%S")
        except (ValueError, IndexError):
            continue
        found.append(Backup(path, made.replace(tzinfo=UTC), parts[2] if len(parts) > 2 else ""))
    # Within one second, the file written last is the newest.
    return sorted(found, key=lambda b: (b.made_at, _written(b.path)), reverse=True)


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def verify(backup: Backup) -> bool:
    """Its checksum matches and SQLite finds it whole."""
    try:
        expected = backup.checksum_path.read_text().split()[0]
    except (OSError, IndexError):
        return False
    return _sha256(backup.path) == expected and _integrity(backup.path)


def latest_good(folder: Path) -> Backup | None:
    return next((b for b in list_backups(folder) if verify(b)), None)


def daily_backup(
    conn: sqlite3.Connection, folder: Path, now: datetime, keep_days: int = KEEP_DAYS
) -> Backup | None:
    """Once a day: a new backup if none was made today; older ones beyond ``keep_days``
    are removed, the newest good one always kept."""
    backups = list_backups(folder)
    made = None
    if not backups or backups[0].made_at.date() != now.astimezone(UTC).date():
        made = make_backup(conn, folder, "quotidienne", now)
    prune(folder, now, keep_days)
    return made


def _remove(backup: Backup) -> None:
    _discard(backup.path)
    backup.checksum_path.unlink(missing_ok=True)


def prune(folder: Path, now: datetime, keep_days: int = KEEP_DAYS) -> None:
    """Remove the backups older than ``keep_days``; of each earlier day, keep only the
    last good one (it holds that day's work) and the ones made before a migration.
    The newest backup and the newest good one are always kept."""
    backups = list_backups(folder)
    if not backups:
        return
    keep = {backups[0].path}
    good = next((b for b in backups if verify(b)), None)  # latest_good, on the list at hand
    if good is not None:
        keep.add(good.path)
    limit = now - timedelta(days=keep_days)
    today = now.astimezone(UTC).date()
    days: dict = {}
    for backup in backups:  # newest first
        if backup.path in keep:
            days.setdefault(backup.made_at.date(), []).append(backup)
        elif backup.made_at < limit:
            _remove(backup)
        elif backup.made_at.date() != today and not backup.reason.startswith("avant-mise"):
            days.setdefault(backup.made_at.date(), []).append(backup)
    for day_backups in days.values():
        if len(day_backups) < 2:
            continue  # nothing to thin: no need to read the file
        kept = next((b for b in day_backups if b.path in keep or verify(b)), None)
        if kept is None:
            continue  # none of that day is whole: remove none
        for backup in day_backups:
            if backup is not kept and backup.path not in keep:
                _remove(backup)


def data_mark(conn: sqlite3.Connection) -> str:
    """What the data has been through so far: its last journal event (every change to a
    registration writes one) and the club's last edit. Equal marks, same data."""
    event = conn.execute("SELECT id, at FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    club = conn.execute("SELECT max(updated_at) FROM club").fetchone()[0]
    return f"{event[0]}@{event[1]}|{club}" if event else f"|{club}"


def mark_of(path: Path) -> str | None:
    """The :func:`data_mark` of a database file or a backup, read without changing it;
    None if it cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return data_mark(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def work_backup(
    conn: sqlite3.Connection, folder: Path, reason: str, now: datetime, keep_days: int
) -> tuple[Backup, str]:
    """A backup after the day's work, on ``conn`` (a background thread's own connection),
    and the mark of what it holds; the older ones thinned as :func:`prune` says."""
    mark = data_mark(conn)  # before the copy: the copy holds at least this
    made = make_backup(conn, folder, reason, now)
    prune(folder, now, keep_days)
    return made, mark


def set_aside(database: Path, now: datetime, label: str) -> Path | None:
    """Move a database file (and its WAL) out of the way, never deleting it."""
    if not database.exists():
        return None
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    aside = database.with_name(f"{database.stem}.{label}-{stamp}{database.suffix}")
    os.replace(database, aside)
    for extra in ("-wal", "-shm"):
        side = Path(f"{database}{extra}")
        if side.exists():
            os.replace(side, Path(f"{aside}{extra}"))
    return aside


def restore(backup: Backup, database: Path, now: datetime) -> Path | None:
    """Put a checked backup in place of the database; the current file is kept aside.
    The database must be closed. Returns where the previous file went."""
    if not verify(backup):
        raise StoreError("backup_damaged")
    aside = set_aside(database, now, "avant-restauration")
    source = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
    except sqlite3.Error:
        raise StoreError("write_failed") from None
    finally:
        target.close()
        source.close()
    log.info("backup restored")
    return aside
