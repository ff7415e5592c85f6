"""The key of the data as a club lives with it: a damaged file is never a first start,
the data key is wrapped (a new passphrase touches no sealed row), older databases open
and are brought up to date, a keyring that lost the key is told from one that does not
answer, and a sealed value cannot be moved to another row. Real files, real keys."""

import base64
import os
import sqlite3
import time
from contextlib import closing

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from app import keys
from app.desk import Desk
from app.errors import StoreError
from app.keys import KeyProblem, change_passphrase, open_encrypted
from app.migrations import MIGRATIONS
from app.paths import default_paths
from app.seasons import load_seasons
from app.store import open_store
from app.vault import SCRYPT_BEFORE_WRAPPING, Vault, key_from_passphrase, new_key
from tests.factories import Clock, MemoryKeyring

PHRASE = "Le vélo du club 1987"


class LockableKeyring(MemoryKeyring):
    """A keyring that can be locked, as Secret Service is before the session unlocks it."""

    locked = False

    def get_password(self, service, username):
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        return super().get_password(service, username)

    def set_password(self, service, username, password):
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        super().set_password(service, username, password)


def register(desk: Desk, last: str, first: str, code: str, born: str = "15/03/2012"):
    parsed, _ = desk.read_code(code)
    person = desk.check_person(last, first, born, desk.season_of(parsed))
    return desk.validate(parsed, person)


def opened_desk(passphrase=None) -> Desk:
    paths = default_paths().create()
    conn, vault = open_encrypted(paths.database, paths.backups, passphrase)
    return Desk(conn, load_seasons(), Clock(), vault)


def sealed_rows(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, last_name, first_name, birth_date, code, cancel_reason FROM validations"
        ).fetchall()
    finally:
        conn.close()


def lose_the_key_values(path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE meta")
        conn.commit()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b""), id="truncated to 0 bytes"),
        pytest.param(lambda path: path.write_bytes(b"abime" * 1000), id="not a database"),
        pytest.param(
            lose_the_key_values,
            id="its key's values lost",
        ),
    ],
)
@pytest.mark.parametrize("with_keyring", [True, False], ids=["keyring", "passphrase"])
def test_a_damaged_file_is_never_taken_for_a_first_start(memory_keyring, damage, with_keyring):
    if not with_keyring:
        keyring.set_keyring(fail.Keyring())
    desk = opened_desk(None if with_keyring else PHRASE)
    register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    desk.close()
    paths = default_paths()
    kept_secrets = dict(memory_keyring.secrets)
    damage(paths.database)
    damaged = paths.database.read_bytes()
    for _ in range(3):  # each start says the same, and changes nothing
        with pytest.raises(StoreError) as caught:
            open_encrypted(paths.database, paths.backups)
        assert caught.value.reason in ("damaged", "unreadable"), "not a passphrase to choose"
    assert memory_keyring.secrets == kept_secrets, "no new key in the keyring"
    assert paths.database.read_bytes() == damaged, "the damaged file is left as it was"


def test_an_interrupted_first_start_is_a_first_start_again(memory_keyring, monkeypatch):
    paths = default_paths().create()
    keep = keys._keep_in_keyring

    def stopped(*_):
        raise KeyboardInterrupt  # the program killed just before the key was kept

    monkeypatch.setattr(keys, "_keep_in_keyring", stopped)
    with pytest.raises(KeyboardInterrupt):
        open_encrypted(paths.database, paths.backups)
    assert not paths.database.exists(), "no half-made data under the data's name"
    monkeypatch.setattr(keys, "_keep_in_keyring", keep)
    desk = opened_desk()
    assert desk.find("") == [] and len(memory_keyring.secrets) == 1
    desk.close()
    assert sorted(p.name for p in paths.data.iterdir() if "sqlite3" in p.name) == [
        paths.database.name
    ], "nothing left beside it"


def test_a_value_moved_to_another_row_does_not_open(desk):
    lea = register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    tom = register(desk, "Dupont", "Tom", "25-BCDE-FGHJ")
    raw = sqlite3.connect(default_paths().database)
    names = dict(raw.execute("SELECT id, last_name FROM validations"))
    raw.execute("UPDATE validations SET last_name = ? WHERE id = ?", (names[lea.id], tom.id))
    raw.execute("UPDATE validations SET last_name = ? WHERE id = ?", (names[tom.id], lea.id))
    raw.commit()
    raw.close()
    for moved in (lea, tom):
        with pytest.raises(sqlite3.OperationalError):  # the vault refuses: VaultError inside
            desk.get(moved.id)


def test_a_value_moved_to_another_column_of_its_row_does_not_open(desk):
    lea = register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    raw = sqlite3.connect(default_paths().database)
    raw.execute("UPDATE validations SET first_name = last_name WHERE id = ?", (lea.id,))
    raw.commit()
    raw.close()
    with pytest.raises(sqlite3.OperationalError):
        desk.get(lea.id)


def test_a_new_passphrase_wraps_the_key_again_and_rewrites_no_row(home):
    keyring.set_keyring(fail.Keyring())
    desk = opened_desk(PHRASE)
    for index, (last, first) in enumerate(
        [("Martin", "Léa"), ("Dupont", "Tom"), ("Diallo", "Awa")]
    ):
        register(desk, last, first, f"25-ABC{'DEF'[index]}-EFGH")
    database = default_paths().database
    before = sealed_rows(database)
    changes = desk._conn.total_changes
    started = time.perf_counter()
    change_passphrase(desk._conn, desk.vault, "une autre phrase bien longue")
    took = time.perf_counter() - started
    assert desk._conn.total_changes - changes <= 4, "only the meta values of the key"
    desk.close()
    assert sealed_rows(database) == before, f"no sealed row rewritten ({len(before)} rows)"
    with pytest.raises(KeyProblem) as caught:
        opened_desk(PHRASE)
    assert caught.value.reason == "wrong_passphrase", "the old passphrase opens no more"
    desk = opened_desk("une autre phrase bien longue")
    assert [v.first_name for v in desk.find("martin")] == ["Léa"]
    desk.close()
    print(f"new passphrase: {took:.2f} s (scrypt N=2^17, r=8, p=1)")


def test_the_passphrase_is_stretched_at_todays_strength(home):
    keyring.set_keyring(fail.Keyring())
    opened_desk(PHRASE).close()
    conn = sqlite3.connect(default_paths().database)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert meta["passphrase_scrypt"] == "131072:8:1", "OWASP: N = 2^17, r = 8, p = 1"
    assert "key_salt" not in meta
    started = time.perf_counter()
    opened_desk(PHRASE).close()
    print(f"opening with the passphrase: {time.perf_counter() - started:.2f} s")


def legacy_database(path, backups, key: bytes, meta: dict[str, str]) -> None:
    """A database as the program wrote it before the key was wrapped and values bound to
    their rows: schema 3, values sealed for their column alone."""
    vault = Vault(key)
    conn = open_store(path, backups, vault, MIGRATIONS[:3])
    conn.execute(
        "INSERT INTO validations(receipt_no, idempotency_key, code, code_hash, season,"
        " last_name, first_name, birth_date, amount_cents, state, recorded_at) VALUES"
        " ('AB2-00001', 'k1', pii_seal('25-ZQXW-VTRP', 'code'), pii_hash('25-ZQXW-VTRP'), 2025,"
        " pii_seal('Plantévoix', 'last_name'), pii_seal('Zébulon', 'first_name'),"
        " pii_seal('2012-03-15', 'birth_date'), 7000, 'to_send', '2025-10-15T12:00:00+00:00')"
    )
    conn.execute(  # a registration whose personal data was erased after its time
        "INSERT INTO validations(receipt_no, idempotency_key, code, code_hash, season,"
        " last_name, first_name, birth_date, amount_cents, state, recorded_at) VALUES"
        " ('AB2-00002', 'k2', '', 'h', 2021, '', '', '', 5000, 'paid', '2021-10-15T12:00:00')"
    )
    meta = {**meta, "key_check": vault.check_value().hex(), "db_id": "older"}
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", list(meta.items()))
    conn.close()


def test_an_older_database_kept_by_the_keyring_opens_and_its_key_gets_wrapped(memory_keyring):
    paths = default_paths().create()
    key = new_key()
    legacy_database(paths.database, paths.backups, key, {"key_mode": "keyring"})
    name = ("passsport-club", "database-key:older")
    memory_keyring.secrets[name] = base64.b64encode(key).decode()
    desk = opened_desk()
    (found,) = desk.find("plantevoix")
    assert (found.first_name, found.code) == ("Zébulon", "25-ZQXW-VTRP")
    desk.close()
    assert memory_keyring.secrets[name] != base64.b64encode(key).decode(), (
        "the keyring keeps a wrapping key now, not the data key"
    )
    live, erased = sealed_rows(paths.database)
    assert all(value[:1] == b"\x02" for value in live[1:5]), "bound to their row"
    assert erased[1:5] == ("", "", "", ""), "erased stays erased"
    desk = opened_desk()  # and it opens again, from the wrapped copy
    assert desk.find("plantevoix")
    desk.close()


def test_an_older_database_with_a_passphrase_opens_with_it(home):
    keyring.set_keyring(fail.Keyring())
    paths = default_paths().create()
    salt = os.urandom(16)
    key = key_from_passphrase(PHRASE, salt, **SCRYPT_BEFORE_WRAPPING)
    legacy_database(
        paths.database, paths.backups, key, {"key_mode": "passphrase", "key_salt": salt.hex()}
    )
    with pytest.raises(KeyProblem) as caught:
        opened_desk("pas la bonne phrase")
    assert caught.value.reason == "wrong_passphrase"
    desk = opened_desk(PHRASE)
    assert desk.find("plantevoix")
    desk.close()
    conn = sqlite3.connect(paths.database)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert meta["passphrase_scrypt"] == "131072:8:1" and "key_salt" not in meta
    opened_desk(PHRASE).close()


def test_a_keyring_that_lost_the_key_is_told_from_one_that_does_not_answer(home):
    backend = LockableKeyring()
    keyring.set_keyring(backend)
    desk = opened_desk()
    register(desk, "Martin", "Léa", "25-ABCD-EFGH")
    desk.close()
    backend.locked = True
    with pytest.raises(KeyProblem) as caught:
        opened_desk()
    assert caught.value.reason == "keyring_not_answering"
    backend.locked = False
    opened_desk().close()  # unlocked: the key was there all along
    backend.secrets.clear()
    with pytest.raises(KeyProblem) as caught:
        opened_desk()
    assert caught.value.reason == "key_missing"
    assert not backend.secrets, "no new key made for data that has one"


def test_a_first_start_with_a_locked_keyring_makes_nothing_until_it_answers(home):
    backend = LockableKeyring()
    backend.locked = True
    keyring.set_keyring(backend)
    paths = default_paths().create()
    with pytest.raises(KeyProblem) as caught:
        open_encrypted(paths.database, paths.backups)
    assert caught.value.reason == "keyring_not_answering"
    assert not paths.database.exists(), "no data whose key was not kept"
    backend.locked = False
    opened_desk().close()
    assert len(backend.secrets) == 1
