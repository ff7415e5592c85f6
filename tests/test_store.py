"""The database file: pragmas, migrations, backups, refusals. Real files on disk."""

import sqlite3

import pytest

from app.backups import list_backups, verify
from app.errors import StoreError
from app.migrations import MIGRATIONS
from app.paths import default_paths
from app.store import SCHEMA_VERSION, connect, open_store, transaction
from app.vault import Vault, new_key

VAULT = Vault(new_key())


@pytest.fixture
def paths(home):
    return default_paths().create()


def test_every_connection_has_the_safety_pragmas(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    other = connect(paths.database)
    for c in (conn, other):
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert c.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_a_new_database_gets_the_whole_schema(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"club", "validations", "outbox", "journal", "meta"} <= tables
    device = conn.execute("SELECT value FROM meta WHERE key='device'").fetchone()[0]
    assert len(device) == 3
    assert not list(paths.backups.iterdir()), "no backup is needed for a brand new file"


def test_the_database_lives_in_the_redirected_home(home, paths):
    open_store(paths.database, paths.backups, VAULT).close()
    assert paths.database.is_file()
    assert home in paths.database.parents


def test_a_database_from_a_newer_program_is_refused_and_left_alone(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = paths.database.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store(paths.database, paths.backups, VAULT)
    assert caught.value.reason == "too_new"
    assert paths.database.read_bytes() == before


def test_migrating_makes_a_backup_first_and_keeps_the_data(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    conn.execute(
        "INSERT INTO club(id, name, siret, rna, updated_at)"
        " VALUES (1, 'Club', '73282932000074', 'W751234567', 'now')"
    )
    conn.close()

    def add_column(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE club ADD COLUMN colours TEXT NOT NULL DEFAULT ''")

    conn = open_store(paths.database, paths.backups, VAULT, (*MIGRATIONS, add_column))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT name, colours FROM club").fetchone()[:] == ("Club", "")
    (backup,) = list_backups(paths.backups)
    assert verify(backup), "checked: integrity and SHA-256"
    old = sqlite3.connect(backup.path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert old.execute("SELECT name FROM club").fetchone()[0] == "Club"
    old.close()


def test_a_failing_migration_changes_nothing(paths):
    open_store(paths.database, paths.backups, VAULT).close()

    def broken(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE club ADD COLUMN half_done TEXT")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        open_store(paths.database, paths.backups, VAULT, (*MIGRATIONS, broken))
    conn = connect(paths.database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {r[1] for r in conn.execute("PRAGMA table_info(club)")}
    assert "half_done" not in columns


def test_a_file_that_is_not_a_database_is_refused_untouched(paths):
    paths.database.write_bytes(b"ceci n'est pas une base" * 100)
    before = paths.database.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store(paths.database, paths.backups, VAULT)
    assert caught.value.reason in {"unreadable", "damaged"}
    assert paths.database.read_bytes() == before


def test_a_transaction_is_all_or_nothing(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    with pytest.raises(ZeroDivisionError), transaction(conn):
        conn.execute("INSERT INTO journal(at, kind) VALUES ('t', 'a')")
        _ = 1 / 0
    assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 0
