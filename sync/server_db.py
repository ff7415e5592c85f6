"""Where the redemption service keeps its state: SQLite or PostgreSQL, behind one interface.

:class:`SQLiteDatabase` is the embedded default (training mode, the forum hub, one machine):
one file, one connection behind a lock, every write transaction ``BEGIN IMMEDIATE``, so
writers take turns. :class:`PostgresDatabase` is for a national pilot, where several worker
processes share one database and nothing in memory: a pool of connections, and the
database itself enforces the rules (one live redemption per code, one key per club) with
its unique indexes. A transaction that loses a race for one of them is run again from the
start, and then sees the winner's row.

Both run the same statements (:mod:`sync.server_store` writes them with ``?`` placeholders)
through :meth:`Database.run`, which gives the work a :class:`Transaction` and retries it
when the database asks for it. A database that cannot be reached is :class:`Unavailable`:
the service answers 503 with ``Retry-After``, and the client sends again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
_RETRIES = 8  # lost races in a row before a transaction gives up (each retry sees more)


class Unavailable(Exception):
    """The database cannot be reached now; try again in a moment."""


class Transaction(Protocol):
    def execute(self, sql: str, params: tuple = ()) -> list[Any]:
        """Run one statement; its rows (each indexable by column name)."""
        ...

    def one(self, sql: str, params: tuple = ()) -> Any:
        """The first row, or None."""
        ...


class Database(Protocol):
    dialect: str  # "sqlite" or "postgresql": the few statements that differ ask for it

    def run(self, work: Callable[[Transaction], T], *, write: bool = False) -> T: ...

    def close(self) -> None: ...


class _SQLiteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: tuple = ()) -> list[Any]:
        return self._connection.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple = ()) -> Any:
        return self._connection.execute(sql, params).fetchone()


class SQLiteDatabase:
    """One SQLite file. WAL with ``synchronous = normal`` survives a killed process."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.row_factory = sqlite3.Row
        for pragma in ("journal_mode = wal", "synchronous = normal", "foreign_keys = on"):
            self._connection.execute(f"PRAGMA {pragma}")
        self._connection.execute("PRAGMA busy_timeout = 5000")

    def run(self, work: Callable[[Transaction], T], *, write: bool = False) -> T:
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.OperationalError as error:  # another process holds the file
                raise Unavailable(str(error)) from None
            try:
                result = work(_SQLiteTransaction(self._connection))
                self._connection.execute("COMMIT")
            except BaseException as error:
                if self._connection.in_transaction:  # never leave the connection inside one
                    self._connection.execute("ROLLBACK")
                if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                    raise Unavailable(str(error)) from None
                raise
            return result

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class _PostgresTransaction:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: tuple = ()) -> list[Any]:
        self._cursor.execute(sql.replace("?", "%s"), params)
        return self._cursor.fetchall() if self._cursor.description else []

    def one(self, sql: str, params: tuple = ()) -> Any:
        rows = self.execute(sql, params)
        return rows[0] if rows else None


class PostgresDatabase:
    """A PostgreSQL database, through a pool of ``size`` connections (psycopg 3)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, size: int = 8) -> None:
        import psycopg  # only a national pilot needs it: not in the desk program
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool, PoolTimeout

        self._errors = psycopg.errors
        # Operational errors too, but no outage: the database asks to run the work again.
        self._rollbacks = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)
        self._unreachable = (psycopg.OperationalError, PoolTimeout)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=size,
            kwargs={"row_factory": dict_row, "connect_timeout": 5},
            check=ConnectionPool.check_connection,  # a connection that died with the server
            open=False,
            name="passsport-service",
        )
        try:
            self._pool.open(wait=True, timeout=30)
        except Exception as error:
            self._pool.close()
            raise Unavailable(f"PostgreSQL cannot be reached: {error}") from None

    def run(self, work: Callable[[Transaction], T], *, write: bool = False) -> T:
        races = (self._errors.UniqueViolation, *self._rollbacks)
        for attempt in range(_RETRIES):
            try:
                with self._connection() as connection, connection.transaction():
                    return work(_PostgresTransaction(connection.cursor()))
            except races:
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(0.001 * 2**attempt)  # let the winner commit, then see its row
        raise AssertionError("unreachable")

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        try:
            with self._pool.connection(timeout=10) as connection:
                yield connection
        except self._rollbacks:
            raise  # a deadlock or a serialisation failure: run() starts the work again
        except self._unreachable as error:  # the server restarting, or too busy
            raise Unavailable(str(error)) from None

    def close(self) -> None:
        self._pool.close()


def open_database(where: Path | str) -> Database:
    """A ``postgresql://`` URL opens PostgreSQL; anything else is an SQLite file."""
    text = str(where)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text)
    return SQLiteDatabase(Path(where))
