"""Crash safety: a process saving registrations is killed (SIGKILL) at random moments and
nothing it reported saved is lost, the file stays sound, no validation lacks its outbox
entry or journal rows. The child runs ``python -m bench.crash_child`` (bench/crash.py)."""

import pytest

from app.store import connect
from bench.crash import BENCH_VAULT, check, run_kills
from bench.crash_child import code_letters, code_text


def assert_safe(result: dict) -> None:
    assert result["reported"] > 0, result
    assert result["missing"] == 0, result
    assert result["found"] == result["reported"], result
    assert result["orphans"] == 0, result
    assert result["mismatches"] == 0, result
    assert result["integrity"] == "ok", result


def test_the_child_makes_distinct_well_formed_codes():
    assert code_letters(0) == "AAAAAAAA"
    assert code_letters(1) == "AAAAAAAB"
    assert code_letters(24) == "AAAAAABA"
    assert code_text(24**8 - 1) == "25-ZZZZ-ZZZZ"
    numbers = range(0, 24**8, 24**8 // 1000)
    assert len({code_text(n) for n in numbers}) == len(numbers)
    with pytest.raises(ValueError):
        code_letters(24**8)


def test_a_few_kills_lose_nothing_reported_saved(tmp_path):
    result = run_kills(10, seed=1, home=tmp_path / "crash-home")
    assert result["kills"] == 10
    assert_safe(result)


def test_the_check_sees_a_lost_write_and_an_orphan(tmp_path):
    """The checker itself: a report with nothing behind it, a validation without its
    outbox entry."""
    home = tmp_path / "crash-home"
    run_kills(2, seed=2, home=home)
    database = home / "data" / "club.sqlite3"
    conn = connect(database, BENCH_VAULT)
    receipt, code, validation_id = conn.execute(
        "SELECT receipt_no, code, id FROM validation_rows WHERE code IS NOT NULL"
        " AND state != 'cancelled' LIMIT 1"
    ).fetchone()
    conn.execute("DELETE FROM outbox WHERE validation_id = ?", (validation_id,))
    conn.close()

    result = check(database, [["V", receipt, code], ["V", "ZZZ-99999", "25-ZZZZ-ZZZZ"]])

    assert result["missing"] == 1
    assert result["orphans"] == 1
    assert result["integrity"] == "ok"


@pytest.mark.slow
def test_two_hundred_kills_lose_nothing_reported_saved(tmp_path):
    result = run_kills(200, seed=20251015, home=tmp_path / "crash-home")
    print(result)
    assert result["kills"] == 200
    assert_safe(result)
