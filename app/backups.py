"""Backups of the database: daily, before each migration, after the day's work (every
:data:`BACKUP_EVERY` registrations and on closing, when something changed), and on
demand (a USB key).

Each copy is made with SQLite's backup API (consistent while the program runs),
checked with ``integrity_check``, and sealed by a SHA-256 written beside it. The
personal fields inside are encrypted like in the database itself; the key is not in
the copy. A damaged database is never overwritten: it is moved aside first.

A copy is written under a ``.partiel`` name and renamed only once checked; a copy or an
export killed half-way leaves its temporary file, which :func:`clean_leftovers` removes
at the next start.
"""

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.errors import StoreError, storage_reason
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
# The data in place before a restore, kept beside the database (never deleted).
SET_ASIDE = "avant-restauration"
PARTIAL = ".partiel"
CHECKSUM = ".sha256"
STAMP = "%Y%m%d-%H%M%S"
# passsport-club-20251015-123200-quotidienne.sqlite3, then -2, -3... within that second.
_BACKUP_NAME = re.compile(
    rf"{re.escape(PREFIX)}(\d{{8}}-\d{{6}})-(.+?)(?:-(\d+))?{re.escape(SUFFIX)}"
)
# What this program writes and renames once whole, left behind when it is killed first:
# a copy or a restore (``*.sqlite3.partiel`` and its journal), an export
# (``.<name>.<8 hex>.part``, see ``app/exports.py``), and the side files SQLite makes
# beside a backup opened for writing (a backup is one file: its checksum covers no other).
_LEFTOVER = re.compile(
    rf".+\.sqlite3{re.escape(PARTIAL)}(-journal|-wal|-shm)?"
    r"|\..+\.[0-9a-f]{8}\.part"
    rf"|{re.escape(PREFIX)}.+{re.escape(SUFFIX)}(-journal|-wal|-shm)"
)

# The folder, beside the club's copies, of the copies of a forum's main desk's own file
# (made at the closing of the forum): never offered as a restore of the club's database.
FORUM_COPIES = "forum"


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: datetime
    reason: str
    sequence: int = 1  # the order of the copies made within the same second
    # Data set aside before a restore: no checksum beside it, SQLite alone checks it.
    aside: bool = False

    @property
    def checksum_path(self) -> Path:
        return self.path.with_name(self.path.name + CHECKSUM)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_only_uri(path: Path, extra: str = "") -> str:
    """The SQLite URI that opens ``path`` read-only. Its name is percent-encoded: a folder
    named ``Club #1`` or ``100 %`` would otherwise end the name at ``#`` (SQLite would open,
    or make, an empty file called ``Club``) or be misread at ``%``."""
    return f"{Path(path).absolute().as_uri()}?mode=ro{extra}"


def open_copy(path: Path) -> sqlite3.Connection:
    """A copy (a backup, data set aside), opened read-only. Nothing writes to a copy, so
    one with no -wal beside it is opened immutable: reading it leaves no -wal or -shm."""
    immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    return sqlite3.connect(_read_only_uri(path, immutable), uri=True)


def _integrity(path: Path) -> bool:
    try:
        conn = open_copy(path)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _write_error(error: OSError | sqlite3.Error) -> StoreError:
    """A copy that could not be made: the disk is full, or the folder (a USB key, the
    backups folder) cannot be written."""
    return StoreError("disk_full" if storage_reason(error) == "disk_full" else "write_failed")


def _discard(*paths: Path) -> None:
    for path in paths:
        for extra in ("", "-journal", "-wal", "-shm"):
            # Not there, or its folder is not one (a file in its place): nothing to remove.
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                Path(f"{path}{extra}").unlink()


def _checked_copy(
    source: sqlite3.Connection,
    partial: Path,
    change: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """Copy ``source`` to ``partial`` (``change`` applied to the copy) and check it: one
    file that stands alone, no -wal or -shm beside it. On failure nothing is left."""
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        _discard(partial)  # one left by a killed copy
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(target)
            # A USB key, a restore: no WAL, and no -wal or -shm left behind by the checks
            # that open it read-only.
            target.execute("PRAGMA journal_mode = DELETE")
            if change is not None:
                target.execute("PRAGMA secure_delete = on")
                change(target)
                target.execute("VACUUM")
        finally:
            target.close()
        if not _integrity(partial):
            raise StoreError("backup_damaged")
    except (OSError, sqlite3.Error) as error:
        _discard(partial)
        raise _write_error(error) from None
    except BaseException:
        _discard(partial)
        raise


def _place(partial: Path, final: Path, checksum: bool = True) -> None:
    """Rename a checked copy to its name, then write its checksum beside it."""
    try:
        digest = _sha256(partial) if checksum else ""
        os.replace(partial, final)
        if checksum:
            final.with_name(final.name + CHECKSUM).write_text(f"{digest}  {final.name}\n")
    except OSError as error:
        _discard(partial, final)
        raise _write_error(error) from None


def _next_sequence(copies: list[Backup], now: datetime) -> int:
    """One more than the copies already made in the second of ``now``."""
    second = now.astimezone(UTC).replace(microsecond=0)
    return 1 + max((c.sequence for c in copies if c.made_at == second), default=0)


def make_backup(conn: sqlite3.Connection, folder: Path, reason: str, now: datetime) -> Backup:
    """A checked copy of the open database in ``folder``; nothing is left half-written."""
    stamp = now.astimezone(UTC).strftime(STAMP)
    # Two backups in one second: neither replaces the other, and the later one is newer.
    sequence = _next_sequence(list_backups(folder), now)
    tail = f"-{sequence}" if sequence > 1 else ""
    final = folder / f"{PREFIX}{stamp}-{reason}{tail}{SUFFIX}"
    partial = final.with_name(final.name + PARTIAL)
    _checked_copy(conn, partial)
    _place(partial, final)
    log.info("backup made (%s)", reason)
    return Backup(final, now, reason, sequence)


def _newest_first(copies: list[Backup]) -> list[Backup]:
    # Within one second, the order they were made in; the name only breaks old ties.
    return sorted(copies, key=lambda b: (b.made_at, b.sequence, b.path.name), reverse=True)


def _made_at(stamp: str) -> datetime:
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first."""
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        match = _BACKUP_NAME.fullmatch(path.name)
        try:
            made = _made_at(match[1]) if match else None
        except ValueError:
            made = None
        if made is not None:
            found.append(Backup(path, made, match[2], int(match[3] or 1)))
    return _newest_first(found)


def _aside_name(database: Path) -> re.Pattern:
    return re.compile(
        rf"{re.escape(database.stem)}\.{SET_ASIDE}-(\d{{8}}-\d{{6}})(?:-(\d+))?"
        rf"{re.escape(database.suffix)}"
    )


def list_set_aside(database: Path) -> list[Backup]:
    """The data set aside beside ``database`` before each restore, newest first: it can
    be restored like a backup."""
    pattern, found = _aside_name(database), []
    for path in database.parent.glob(f"{database.stem}.{SET_ASIDE}-*{database.suffix}"):
        match = pattern.fullmatch(path.name)
        try:
            made = _made_at(match[1]) if match else None
        except ValueError:
            made = None
        if made is not None:
            found.append(Backup(path, made, SET_ASIDE, int(match[2] or 1), aside=True))
    return _newest_first(found)


def verify(backup: Backup) -> bool:
    """Its checksum matches and SQLite finds it whole (data set aside: SQLite alone)."""
    if backup.aside:
        return _integrity(backup.path)
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


def remove(copy: Backup) -> None:
    """Delete a copy and its checksum; a folder that refuses is logged, not raised."""
    try:
        _remove(copy)
    except OSError as error:
        log.warning("a copy could not be removed (%s)", storage_reason(error))


def rewrite(copy: Backup, change: Callable[[sqlite3.Connection], None]) -> None:
    """Replace a copy (a backup, data set aside) by a checked copy of itself with
    ``change`` applied; a new checksum for a backup. Raises :class:`StoreError`."""
    try:
        source = open_copy(copy.path)
    except sqlite3.Error as error:
        raise _write_error(error) from None
    partial = copy.path.with_name(copy.path.name + PARTIAL)
    try:
        _checked_copy(source, partial, change)
    finally:
        source.close()
    _place(partial, copy.path, checksum=not copy.aside)
    for extra in ("-wal", "-shm"):  # what was in them is in the new file
        with contextlib.suppress(OSError):
            Path(f"{copy.path}{extra}").unlink()


def clean_leftovers(*folders: Path | str) -> int:
    """Remove, in each folder the program writes to, the temporary files of its own jobs
    that were killed half-way (never any other file). Returns how many were removed."""
    removed = 0
    for folder in {Path(f) for f in folders if f}:
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
        except OSError:  # not there (a USB key taken away), or not readable
            continue
        for name in names:
            if _LEFTOVER.fullmatch(name):
                try:
                    (folder / name).unlink()
                    removed += 1
                except OSError:
                    log.warning("a leftover file could not be removed")
    if removed:
        log.info("%d leftover files removed", removed)
    return removed


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
            remove(backup)
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
                remove(backup)


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
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
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


def set_aside(database: Path, now: datetime) -> Path | None:
    """Move a database file (and its WAL) out of the way, never deleting it."""
    if not database.exists():
        return None
    stamp = now.astimezone(UTC).strftime(STAMP)
    sequence = _next_sequence(list_set_aside(database), now)
    tail = f"-{sequence}" if sequence > 1 else ""
    aside = database.with_name(f"{database.stem}.{SET_ASIDE}-{stamp}{tail}{database.suffix}")
    os.replace(database, aside)
    for extra in ("-wal", "-shm"):
        side = Path(f"{database}{extra}")
        if side.exists():
            os.replace(side, Path(f"{aside}{extra}"))
    return aside


def restore(backup: Backup, database: Path, now: datetime) -> Path | None:
    """Put a checked backup (or data set aside) in place of the database; the current
    file is kept aside. The database must be closed. Returns where the previous file went.

    The copy is made whole beside the database first: a restore that fails or is killed
    leaves the current file where it was."""
    if not verify(backup):
        raise StoreError("backup_damaged")
    partial = database.with_name(database.name + PARTIAL)
    source = open_copy(backup.path)
    try:
        _checked_copy(source, partial)
    finally:
        source.close()
    aside = set_aside(database, now)
    try:
        os.replace(partial, database)
    except OSError as error:
        _discard(partial)
        if aside is not None:  # the current data goes back where it was
            os.replace(aside, database)
        raise _write_error(error) from None
    log.info("backup restored")
    return aside
