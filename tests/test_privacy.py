"""Personal data of minors: sealed at rest, erased after its time, secrets kept secret."""

import sqlite3
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime

import keyring
import pytest
from keyring.backends import fail

from app.backups import (
    daily_backup,
    latest_good,
    list_backups,
    make_backup,
    open_copy,
    restore,
    verify,
)
from app.desk import Desk
from app.errors import StoreError
from app.keys import KeyProblem, open_encrypted
from app.migrations import MIGRATIONS
from app.paths import default_paths
from app.retention import purge
from app.seasons import load_seasons
from app.store import connect, open_store
from app.vault import Vault, new_key
from tests.factories import Clock

PLANTED_LAST = "Plantévoix"
PLANTED_FIRST = "Zébulon"
PLANTED_CODE = "25-ZQXW-VTRP"


def forms(text: str) -> list[bytes]:
    """Every way the planted text could sit in a file."""
    variants = {
        text,
        text.upper(),
        text.lower(),
        "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)),
    }
    out = set()
    for v in variants:
        for form in ("NFC", "NFD"):
            out.add(unicodedata.normalize(form, v).encode("utf-8"))
            out.add(unicodedata.normalize(form, v).encode("utf-16-le"))
    return sorted(out)


def occurrences(path, text: str) -> int:
    data = path.read_bytes()
    return sum(data.count(f) for f in forms(text))


def plant(desk: Desk):
    code, _ = desk.read_code(PLANTED_CODE)
    person = desk.check_person(PLANTED_LAST, PLANTED_FIRST, "15/03/2012", desk.season_of(code))
    saved = desk.validate(code, person)
    desk.cancel(saved.id, f"Erreur : {PLANTED_FIRST} {PLANTED_LAST} est inscrit ailleurs")
    again = desk.validate(code, person)
    desk.correct_person(again.id, PLANTED_LAST, PLANTED_FIRST, "16/03/2012")
    return again


def files_of(paths) -> list:
    """The database and its WAL: the database at least, or the checks read nothing."""
    main = paths.database
    found = [p for p in (main, main.with_name(main.name + "-wal")) if p.exists()]
    assert main in found, "the database file exists"
    return found


def test_a_planted_name_never_reaches_the_file_its_wal_or_its_backups(desk):
    saved = plant(desk)
    paths = default_paths()
    assert desk.find("plantevoix")[0].id == saved.id, "the program still finds it"
    assert desk.read_code(PLANTED_CODE)[1].id == saved.id, "and flags the code as taken"
    for path in files_of(paths):
        for text in (PLANTED_LAST, PLANTED_FIRST, PLANTED_CODE, PLANTED_CODE.replace("-", "")):
            assert occurrences(path, text) == 0, f"{text} found in {path.name}"
    backup = make_backup(desk._conn, paths.backups, "test", datetime.now(UTC))
    assert verify(backup)
    for text in (PLANTED_LAST, PLANTED_FIRST, PLANTED_CODE):
        assert occurrences(backup.path, text) == 0


def test_the_check_would_see_a_name_in_clear(tmp_path):
    """The search above bites: a plain SQLite file with the name is caught."""
    path = tmp_path / "clear.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (?)", (unicodedata.normalize("NFD", PLANTED_LAST),))
    conn.commit()
    conn.close()
    assert occurrences(path, PLANTED_LAST) >= 1


def test_after_the_control_period_names_are_erased_and_money_proof_stays(desk, clock):
    saved = plant(desk)
    paths = default_paths()
    later = datetime(2028, 3, 1, tzinfo=UTC)  # 2025 deadline + 24 months has passed
    assert purge(desk._conn, desk.seasons, later) == 2
    kept = desk.get(saved.id)
    assert kept.receipt_no == saved.receipt_no and kept.amount_cents == 7000
    assert kept.last_name == "" and kept.code == "" and kept.birth_date is None
    code_hash = desk._conn.execute(
        "SELECT code_hash FROM validations WHERE id = ?", (saved.id,)
    ).fetchone()[0]
    assert code_hash, "the keyed hash of the code stays, for the accounts"
    for path in files_of(paths):
        assert occurrences(path, PLANTED_LAST) == 0
    journal = desk._conn.execute(
        "SELECT detail FROM journal WHERE kind = 'personal_data_erased'"
    ).fetchone()
    assert journal["detail"] == "2"
    assert purge(desk._conn, desk.seasons, later) == 0, "nothing twice"


def test_a_forum_copy_goes_once_the_control_period_of_its_season_is_over(desk, clock, tmp_path):
    """The closing backup of a forum keeps the main desk's file (sealed names of every desk)
    in the backups' forum folder: no longer than the club's own data."""
    paths = default_paths()
    forum_file = sqlite3.connect(tmp_path / "forum.sqlite3")
    forum_file.execute("CREATE TABLE redemptions (last_name TEXT)")
    forum_file.commit()
    copy = make_backup(forum_file, paths.backups / "forum", "forum", clock())
    forum_file.close()
    clock.now = datetime(2026, 6, 1, tzinfo=UTC)  # the 2025 season's control goes on
    desk.housekeeping(paths.backups, 30, 24)
    assert copy.path.exists()
    clock.now = datetime(2028, 3, 1, tzinfo=UTC)
    desk.housekeeping(paths.backups, 30, 24)
    assert not copy.path.exists() and not copy.checksum_path.exists()


def test_an_early_purge_erases_nothing(desk):
    plant(desk)
    assert purge(desk._conn, desk.seasons, datetime(2026, 6, 1, tzinfo=UTC)) == 0
    assert desk.find("plantevoix")


def test_a_laptop_leaving_a_forum_erases_every_season_here_and_in_its_backups(desk):
    saved = plant(desk)
    paths = default_paths()
    copy = desk.backup(paths.backups)
    assert occurrences(copy.path, PLANTED_LAST) == 0, "sealed in the copy too"
    assert named_in(copy.path) == 2
    assert desk.erase_personal_data(paths.backups) == 2, "the season is far from over"
    assert named_in(copy.path) == 0 and not desk.find("plantevoix")
    kept = desk.get(saved.id)
    assert kept.last_name == "" and kept.receipt_no == saved.receipt_no
    assert kept.amount_cents == 7000


def named_in(path) -> int:
    """How many registrations of a backup still hold a young person's name (sealed)."""
    conn = open_copy(path)
    try:
        return conn.execute("SELECT count(*) FROM validations WHERE last_name != ''").fetchone()[0]
    finally:
        conn.close()


def test_the_key_is_in_the_keyring_and_the_data_needs_it(home, memory_keyring):
    paths = default_paths().create()
    conn, vault = open_encrypted(paths.database, paths.backups)
    Desk(conn, load_seasons(), Clock(), vault).save_club_profile(
        "Club", "73282932000074", "W751234567"
    )
    conn.close()
    names = [n for (_, n) in memory_keyring.secrets]
    assert len(names) == 1 and names[0].startswith("database-key:")
    key = memory_keyring.secrets[("passsport-club", names[0])]
    for path in files_of(paths) + list(paths.backups.glob("*")):
        assert key.encode() not in path.read_bytes()
    conn, _ = open_encrypted(paths.database, paths.backups)  # the same key again
    conn.close()
    memory_keyring.secrets.clear()  # a keyring that lost its key
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups)
    assert caught.value.reason == "key_missing"


def test_without_a_secure_keyring_a_passphrase_protects_the_key(home):
    keyring.set_keyring(fail.Keyring())
    paths = default_paths().create()
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups)
    assert caught.value.reason == "passphrase_needed" and caught.value.details["new"]
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups, "court")
    assert caught.value.reason == "passphrase_too_short"
    conn, vault = open_encrypted(paths.database, paths.backups, "une phrase bien longue")
    desk = Desk(conn, load_seasons(), Clock(), vault)
    plant(desk)
    desk.close()
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups, "une autre phrase")
    assert caught.value.reason == "wrong_passphrase"
    conn, vault = open_encrypted(paths.database, paths.backups, "une phrase bien longue")
    assert Desk(conn, load_seasons(), Clock(), vault).find("plantevoix")
    conn.close()
    for path in files_of(paths):
        assert b"une phrase bien longue" not in path.read_bytes()


def test_data_sealed_with_another_key_does_not_open(desk):
    plant(desk)
    other = connect(default_paths().database, Vault(new_key()))
    with pytest.raises(sqlite3.OperationalError):  # the vault refuses: VaultError inside
        other.execute("SELECT last_name FROM validation_rows").fetchall()
    other.close()


def test_an_older_database_in_clear_is_sealed_by_the_migration(home):
    paths = default_paths().create()
    vault = Vault(new_key())
    conn = open_store(paths.database, paths.backups, vault, MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO validations(receipt_no, idempotency_key, code, season, last_name,"
        " first_name, birth_date, amount_cents, state, recorded_at)"
        " VALUES ('AB2-00001', 'k1', ?, 2025, ?, ?, '2012-03-15', 7000, 'to_send', ?)",
        (PLANTED_CODE, PLANTED_LAST, PLANTED_FIRST, "2025-10-15T12:00:00+00:00"),
    )
    conn.close()
    conn, vault = open_encrypted(paths.database, paths.backups)
    desk = Desk(conn, load_seasons(), Clock(), vault)
    (found,) = desk.find("plantevoix")
    assert found.first_name == PLANTED_FIRST and found.code == PLANTED_CODE
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    assert occurrences(paths.database, PLANTED_LAST) == 0
    desk.close()


def test_daily_backups_are_checked_kept_and_restored(desk):
    paths = default_paths()
    plant(desk)
    first = daily_backup(desk._conn, paths.backups, datetime(2025, 10, 15, 8, tzinfo=UTC))
    assert first is not None and verify(first)
    assert (
        daily_backup(desk._conn, paths.backups, datetime(2025, 10, 15, 18, tzinfo=UTC)) is None
    ), "one a day"
    later = daily_backup(desk._conn, paths.backups, datetime(2025, 12, 1, 8, tzinfo=UTC))
    assert [b.path for b in list_backups(paths.backups)] == [later.path], "30 days kept"
    desk.close()
    paths.database.write_bytes(b"abime" * 1000)  # the disk damaged the file
    with pytest.raises(StoreError):
        open_encrypted(paths.database, paths.backups)
    good = latest_good(paths.backups)
    aside = restore(good, paths.database, datetime(2025, 12, 2, tzinfo=UTC))
    assert aside.read_bytes() == b"abime" * 1000, "the damaged file is kept, not overwritten"
    conn, vault = open_encrypted(paths.database, paths.backups)
    assert Desk(conn, load_seasons(), Clock(), vault).find("plantevoix")
    conn.close()


def test_a_damaged_backup_is_refused(desk):
    paths = default_paths()
    backup = make_backup(desk._conn, paths.backups, "test", datetime.now(UTC))
    with backup.path.open("r+b") as stream:
        stream.seek(200)
        stream.write(b"\xff" * 16)
    assert not verify(backup)
    assert latest_good(paths.backups) is None
    with pytest.raises(StoreError) as caught:
        restore(backup, paths.database, datetime.now(UTC))
    assert caught.value.reason == "backup_damaged"


DISK_FULL = """
import resource, signal, sys, sqlite3
from datetime import datetime, UTC
from pathlib import Path
from app.backups import make_backup
from app.errors import StoreError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
source = sqlite3.connect(":memory:")
source.execute("CREATE TABLE t(x)")
source.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,) for _ in range(2000)])
source.commit()
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
try:
    make_backup(source, Path(sys.argv[1]), "usb", datetime.now(UTC))
except StoreError as error:
    print(error.reason)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="file-size limits are a POSIX feature")
def test_a_full_disk_during_a_backup_leaves_no_half_file(tmp_path):
    folder = tmp_path / "usb"
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(folder)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "disk_full", result.stderr
    assert list(folder.iterdir()) == [], "no partial or unchecked copy is left"


def test_a_database_locked_by_another_process_gives_a_plain_error(desk, clock):
    paths = default_paths()
    blocker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()",
            str(paths.database),
        ],
        stdin=subprocess.PIPE,  # it holds the lock until the test is done with it
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert blocker.stdout.readline().strip() == "locked"
        desk._conn.execute("PRAGMA busy_timeout = 200")
        code, _ = desk.read_code("25-ABCD-EFGH")
        person = desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
        with pytest.raises(StoreError) as caught:
            desk.validate(code, person)
        assert caught.value.reason == "locked"
    finally:
        blocker.kill()
        blocker.wait()
        blocker.stdin.close()
        blocker.stdout.close()
    assert desk.find("") == [], "nothing half-saved"
    assert desk.validate(code, person).code == "25-ABCD-EFGH", "and it works once free"
