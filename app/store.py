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

from app.backups import make_backup
from app.errors import StoreError, storage_reason
from app.logs import get_logger
from app.migrations import MIGRATIONS
from app.vault import Vault

log = get_logger("store")

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", "on"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
    # Deleted personal data is overwritten in the file, not just unlinked.
    ("secure_delete", "on"),
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path, vault: Vault | None = None) -> sqlite3.Connection:
    """A connection to ``path`` with the program's pragmas. Commits are explicit.

    With the vault, personal fields can be read and written (``validation_rows``);
    without it, any query touching them fails rather than showing sealed bytes.
    """
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError("unreadable", path=str(path)) from exc
    try:
        conn.row_factory = sqlite3.Row
        for name, value in PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}")
        if vault is not None:
            vault.install(conn)
    except BaseException as exc:
        # A damaged file fails here, after the file was opened: close it, or the handle
        # stays open until the garbage collector finds it.
        conn.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError("unreadable", path=str(path)) from exc
        raise
    return conn


def _known(error: BaseException) -> StoreError | None:
    """The expected failures of a write, as the plain reasons ``ui/texts/errors.py`` explains."""
    reason = storage_reason(error) if isinstance(error, sqlite3.Error) else None
    return StoreError(reason) if reason else None


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: everything inside commits together, or nothing does. Inside
    another transaction it is a part of that one (a savepoint): it commits with it.

    A locked database, a full disk or a read-only folder become :class:`StoreError`;
    nothing of the write is kept.
    """
    inner = conn.in_transaction
    try:
        conn.execute("SAVEPOINT inner" if inner else "BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise (_known(error) or error) from None
    try:
        yield conn
        conn.execute("RELEASE inner" if inner else "COMMIT")
    except BaseException as error:
        # SQLite may have rolled the whole transaction back by itself (a full disk).
        if conn.in_transaction:
            conn.execute("ROLLBACK TO inner" if inner else "ROLLBACK")
            if inner:
                conn.execute("RELEASE inner")
        known = _known(error)
        if known:
            raise known from None
        raise


def open_store(
    path: Path,
    backups: Path,
    vault: Vault,
    migrations: tuple[Callable[[sqlite3.Connection], None], ...] = MIGRATIONS,
) -> sqlite3.Connection:
    """Open (or create) the database at ``path`` and bring its schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path, vault)
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
        try:
            if version > 0:
                make_backup(conn, backups, f"avant-mise-a-jour-v{version}", datetime.now(UTC))
            for number in range(version, target):
                with transaction(conn):
                    migrations[number](conn)
                    conn.execute(f"PRAGMA user_version = {number + 1}")
                log.info("schema migrated to %d", number + 1)
        except BaseException:
            conn.close()
            raise
    return conn
