"""Backups of the database: daily, before each migration, and on demand (a USB key).

Each copy is made with SQLite's backup API (consistent while the program runs),
checked with ``integrity_check``, and sealed by a SHA-256 written beside it. The
personal fields inside are encrypted like in the database itself; the key is not in
the copy. A damaged database is never overwritten: it is moved aside first.
"""

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
            Path(f"{path}{extra}").unlink(missing_ok=True)


def make_backup(conn: sqlite3.Connection, folder: Path, reason: str, now: datetime) -> Backup:
    """A checked copy of the open database in ``folder``; nothing is left half-written."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    final = folder / f"{PREFIX}{stamp}-{reason}{SUFFIX}"
    partial = final.with_name(final.name + ".partiel")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(partial)
        try:
            conn.backup(target)
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
    return sorted(found, key=lambda b: b.made_at, reverse=True)


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
        backups = list_backups(folder)
    limit = now - timedelta(days=keep_days)
    for old in backups[1:]:
        if old.made_at < limit:
            old.path.unlink(missing_ok=True)
            old.checksum_path.unlink(missing_ok=True)
    return made


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
