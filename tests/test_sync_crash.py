"""Crash safety of sending: a process recording and syncing registrations is killed
(SIGKILL) at random moments, the reference server going on with what it received; after
one clean sync the server holds exactly what the database holds, nothing lost, nothing
twice. The child runs ``python -m bench.sync_child`` (bench/sync.py)."""

import pytest

from app.store import connect
from bench.crash import BENCH_VAULT
from bench.sync import SEED, check, run_kills


def assert_consistent(result: dict) -> None:
    assert result["validations"] > 0, result
    assert result["validations"] >= result["reported"] > 0, result
    assert result["missing"] == 0, result
    assert result["lost"] == 0, result
    assert result["duplicated"] == 0, result
    assert result["unexpected"] == 0, result
    assert result["pending"] == 0, result
    assert result["not_confirmed"] == 0, result  # open codes: nothing is refused
    assert result["integrity"] == "ok", result


def test_a_few_kills_while_syncing_lose_and_duplicate_nothing(tmp_path):
    result = run_kills(10, seed=1, home=tmp_path / "sync-home", lose_first_answer=True)
    assert result["cycles"] == 10
    assert_consistent(result)
    # The first answer was lost after the server committed: sending it again replays.
    assert result["retries_seen"] >= 1, result
    assert result["replays"] >= 1, result


class _Server:
    """What ``check`` asks of the reference server, holding given rows."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def redemptions(self) -> list[dict]:
        return self.rows

    def count_replays(self) -> int:
        return 0


def test_the_check_sees_a_lost_and_a_duplicated_redemption(tmp_path):
    home = tmp_path / "sync-home"
    run_kills(2, seed=2, home=home)
    database = home / "data" / "club.sqlite3"
    conn = connect(database, BENCH_VAULT)
    live = conn.execute(
        "SELECT code, idempotency_key FROM validation_rows WHERE code IS NOT NULL"
        " AND state != 'cancelled' ORDER BY id"
    ).fetchall()
    conn.close()
    assert len(live) >= 2
    siret = "73282932000074"
    rows = [
        {"code": code, "idempotency_key": key, "club_siret": siret, "state": "accepted"}
        for code, key in live[1:]  # the first one never reached the server
    ]
    rows.append(rows[0] | {"idempotency_key": "00000000-0000-4000-8000-000000000000"})
    rows.append(rows[0] | {"club_siret": "00000000000000"})  # another club's: not counted
    rows.append(rows[0] | {"state": "cancelled", "idempotency_key": "x"})  # not live

    result = check(database, _Server(rows), siret, [])

    assert result["lost"] == 1
    assert result["duplicated"] == 1
    assert result["unexpected"] == 1
    assert result["integrity"] == "ok"


@pytest.mark.slow
def test_two_hundred_kills_while_syncing_lose_and_duplicate_nothing(tmp_path):
    result = run_kills(200, seed=SEED, home=tmp_path / "sync-home")
    print(result)
    assert result["cycles"] == 200
    assert_consistent(result)
    assert result["kills_during_sync"] > 100, "most kills land while a sync pass runs"
    assert result["replays"] > 0, "retries really happened"
