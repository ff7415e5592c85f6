"""The key that protects the data: what opening with a passphrase or the recovery phrase
costs, and that changing the passphrase does not depend on how much data there is (it
wraps the same data key again, the sealed rows stay as they are).

Runs in passphrase mode (no keyring), on a real database file with 10,000 registrations
written as the program writes them."""

import random
import tempfile
import time
from pathlib import Path

import keyring
from keyring.backends import fail

from app.desk import open_desk
from app.paths import default_paths
from bench.desk import NOW, SEED, fill
from bench.harness import Figure, measure

ROWS = 10_000
PASSPHRASE = "le vélo rouge du club"


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def run(runs: int) -> list[Figure]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a computer without a keyring: the passphrase
    try:
        return _run(runs)
    finally:
        keyring.set_keyring(previous)


def _run(runs: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="passsport-keys-bench-") as home:
        paths = default_paths({"PASSSPORT_CLUB_HOME": home}).create()
        database, backups = paths.database, paths.backups

        def opened(secret: str):
            return open_desk(database, backups, secret, lambda: NOW)

        desk = opened(PASSPHRASE)
        phrase = desk.new_recovery_phrase()
        empty = [_timed(lambda: desk.change_passphrase(PASSPHRASE))[0] for _ in range(runs)]
        fill(desk, desk._conn, ROWS, random.Random(SEED))
        before = Path(database).stat().st_size
        full = [_timed(lambda: desk.change_passphrase(PASSPHRASE))[0] for _ in range(runs)]
        desk.close()
        by_passphrase, by_phrase = [], []
        for _ in range(runs):
            took, desk = _timed(lambda: opened(PASSPHRASE))
            desk.close()
            by_passphrase.append(took)
            took, desk = _timed(lambda: opened(phrase))
            desk.close()
            by_phrase.append(took)
        assert Path(database).stat().st_size <= before * 1.01, "no row was sealed again"
    return [
        measure("open the data with its passphrase (scrypt N=2^17)", "s", by_passphrase),
        measure("open the data with the recovery phrase", "s", by_phrase),
        measure("change the passphrase, empty data", "s", empty),
        measure(f"change the passphrase, {ROWS:,} registrations", "s", full, "same as empty"),
    ]
