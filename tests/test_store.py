"""The database file: pragmas, migrations, backups, refusals. Real files on disk."""

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.backups import list_backups, verify
from app.errors import StoreError, storage_reason
from app.exports import ExportError
from app.migrations import MIGRATIONS
from app.paths import default_paths
from app.store import SCHEMA_VERSION, connect, open_store, transaction
from app.vault import Vault, new_key
from ui.texts import errors as errors_texts

VAULT = Vault(new_key())


@pytest.fixture
def paths(home):
    return default_paths().create()


def test_every_connection_has_the_safety_pragmas(paths, closes):
    conn = closes(open_store(paths.database, paths.backups, VAULT))
    other = closes(connect(paths.database))
    for c in (conn, other):
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert c.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_a_new_database_gets_the_whole_schema(paths, closes):
    conn = closes(open_store(paths.database, paths.backups, VAULT))
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


def test_migrating_makes_a_backup_first_and_keeps_the_data(paths, closes):
    conn = open_store(paths.database, paths.backups, VAULT)
    conn.execute(
        "INSERT INTO club(id, name, siret, rna, updated_at)"
        " VALUES (1, 'Club', '73282932000074', 'W751234567', 'now')"
    )
    conn.close()

    def add_column(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE club ADD COLUMN colours TEXT NOT NULL DEFAULT ''")

    conn = closes(open_store(paths.database, paths.backups, VAULT, (*MIGRATIONS, add_column)))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT name, colours FROM club").fetchone()[:] == ("Club", "")
    (backup,) = list_backups(paths.backups)
    assert verify(backup), "checked: integrity and SHA-256"
    old = sqlite3.connect(backup.path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert old.execute("SELECT name FROM club").fetchone()[0] == "Club"
    old.close()


def test_a_failing_migration_changes_nothing(paths, closes):
    open_store(paths.database, paths.backups, VAULT).close()

    def broken(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE club ADD COLUMN half_done TEXT")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        open_store(paths.database, paths.backups, VAULT, (*MIGRATIONS, broken))
    conn = closes(connect(paths.database))
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


def test_a_transaction_is_all_or_nothing(paths, closes):
    conn = closes(open_store(paths.database, paths.backups, VAULT))
    with pytest.raises(ZeroDivisionError), transaction(conn):
        conn.execute("INSERT INTO journal(at, kind) VALUES ('t', 'a')")
        _ = 1 / 0
    assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 0


# One classifier for every expected failure of the disk or the database, fed real errors.


def _sqlite_error(action) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        action()
    return caught.value


def _fill(conn: sqlite3.Connection) -> None:
    for _ in range(1000):
        conn.execute("INSERT INTO t VALUES (randomblob(2000))")


def test_a_full_database_a_read_only_one_and_a_busy_one_have_their_reasons(tmp_path):
    path = tmp_path / "club.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("PRAGMA max_page_count = 8")
    assert storage_reason(_sqlite_error(lambda: _fill(conn))) == "disk_full"
    conn.execute("PRAGMA query_only = 1")
    assert storage_reason(_sqlite_error(lambda: _fill(conn))) == "read_only"
    conn.execute("PRAGMA query_only = 0")
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert storage_reason(_sqlite_error(lambda: _fill(read_only))) == "read_only"
    read_only.close()
    conn.execute("BEGIN IMMEDIATE")  # another program is writing
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    assert storage_reason(_sqlite_error(lambda: other.execute("BEGIN IMMEDIATE"))) == "locked"
    other.close()
    conn.execute("ROLLBACK")
    nowhere = tmp_path / "retiree" / "club.sqlite3"
    assert storage_reason(_sqlite_error(lambda: sqlite3.connect(nowhere))) == "read_only"
    bug = _sqlite_error(lambda: conn.execute("SELECT * FROM no_such_table"))
    assert storage_reason(bug) is None, "a mistake in the program stays a bug"
    conn.close()


def test_a_damaged_file_met_in_a_write_is_said_damaged(paths):
    conn = open_store(paths.database, paths.backups, VAULT)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO journal(at, kind, detail) VALUES ('t', 'a', ?)",
            [("x" * 500,) for _ in range(200)],
        )
    conn.close()
    size = paths.database.stat().st_size
    with paths.database.open("r+b") as stream:  # the disk damaged the last pages
        stream.seek(size - 4096 * 4)
        stream.write(b"\xff" * 4096 * 4)
    conn = connect(paths.database, VAULT)
    try:
        with pytest.raises(StoreError) as caught, transaction(conn):
            conn.execute("UPDATE journal SET detail = ''")
        assert caught.value.reason == "damaged"
        assert "abîmé" in errors_texts.describe(caught.value)
    finally:
        conn.close()
    (paths.data / "note.txt").write_text("pas une base" * 500)
    text_file = sqlite3.connect(paths.data / "note.txt")
    error = _sqlite_error(lambda: text_file.execute("SELECT * FROM sqlite_master"))
    assert storage_reason(error) == "unreadable"
    text_file.close()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="a device that is always full")
def test_a_full_device_is_a_full_disk():
    with pytest.raises(OSError) as caught, open("/dev/full", "wb") as full:
        full.write(b"x" * 100_000)
    assert storage_reason(caught.value) == "disk_full"


def test_a_refused_folder_is_read_only_and_other_refusals_fail_the_write(tmp_path):
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # File permissions do not stop an administrator: a child writes as nobody.
            script = (
                "import os, sys\nos.setgid(65534)\nos.setuid(65534)\n"
                "try:\n    open(sys.argv[1], 'w')\n"
                "except OSError as error:\n    print(error.errno)\n"
            )
            done = subprocess.run(
                [sys.executable, "-c", script, str(folder / "x")], capture_output=True, text=True
            )
            refused = OSError(int(done.stdout), "refused")
        else:
            with pytest.raises(OSError) as caught:
                (folder / "x").write_text("x")
            refused = caught.value
    finally:
        folder.chmod(0o755)
    assert refused.errno in (errno.EACCES, errno.EPERM)
    assert storage_reason(refused) == "read_only"
    assert storage_reason(OSError(errno.EROFS, "read-only file system")) == "read_only"
    with pytest.raises(OSError) as caught:
        (tmp_path / "cle-retiree" / "x").write_text("x")
    assert storage_reason(caught.value) == "write_failed"
    assert storage_reason(ValueError("not a storage error")) is None


FILE_SIZE_LIMIT = """
import resource, signal, sqlite3, sys
from datetime import UTC, datetime
from pathlib import Path
from app.backups import make_backup
from app.errors import KnownError
from app.exports import write_stream
from app.store import transaction

folder = Path(sys.argv[1])
data = sqlite3.connect(folder / "club.sqlite3", isolation_level=None)
data.execute("PRAGMA journal_mode = wal")
data.execute("CREATE TABLE t(x)")
data.executemany("INSERT INTO t VALUES (randomblob(4000))", [()] * 30)  # bigger than the limit
data.execute("PRAGMA wal_checkpoint(TRUNCATE)")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def saved_at_the_desk():
    with transaction(data):
        for _ in range(100):
            data.execute("INSERT INTO t VALUES (randomblob(4000))")


for attempt in (
    saved_at_the_desk,
    lambda: make_backup(data, folder / "usb", "manuelle", datetime.now(UTC)),
    lambda: write_stream(folder / "export.csv", lambda out: out.write(b"x" * 200_000)),
):
    try:
        attempt()
    except KnownError as error:
        print(error.reason)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="file-size limits are a POSIX feature")
def test_a_full_disk_says_full_at_the_desk_in_a_backup_and_in_an_export(tmp_path):
    """A file-size limit (a quota, a FAT32 key) stops the three writers the same way."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT, str(tmp_path)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(root)),
        timeout=60,
    )
    assert done.stdout.split() == ["disk_full"] * 3, done.stderr
    assert errors_texts.describe(StoreError("disk_full")).startswith("Le disque est plein")
    assert errors_texts.describe(ExportError("disk_full")).startswith("Le disque est plein")
