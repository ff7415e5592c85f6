"""The local SQLite database: one file, one connection factory, versioned schema.

Every connection is made by :func:`connect`, which sets the pragmas the rest of
the program relies on. The schema version lives in ``PRAGMA user_version``;
:func:`open_store` applies the missing migrations in order, after a backup, and
refuses a database written by a newer program.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.errors import StoreError
from app.logs import get_logger
from app.migrations import MIGRATIONS

log = get_logger("store")

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", "on"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` with the program's pragmas. Commits are explicit."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        conn.row_factory = sqlite3.Row
        for name, value in PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}")
    except sqlite3.DatabaseError as exc:
        raise StoreError("unreadable", path=str(path)) from exc
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: everything inside commits together, or nothing does."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database at ``target`` (sqlite backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def open_store(
    path: Path,
    backups: Path,
    migrations: tuple[Callable[[sqlite3.Connection], None], ...] = MIGRATIONS,
) -> sqlite3.Connection:
    """Open (or create) the database at ``path`` and bring its schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError("unreadable", path=str(path)) from exc
    if check != "ok":
        conn.close()
        raise StoreError("damaged", path=str(path))
    target = len(migrations)
    if version > target:
        conn.close()
        raise StoreError("too_new", found=version, supported=target)
    if version < target:
        if version > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            backup_to(conn, backups / f"avant-mise-a-jour-v{version}-{stamp}.sqlite3")
            log.info("backup before migrating from schema %d", version)
        for number in range(version, target):
            with transaction(conn):
                migrations[number](conn)
                conn.execute(f"PRAGMA user_version = {number + 1}")
            log.info("schema migrated to %d", number + 1)
    return conn
