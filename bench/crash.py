"""Crash safety: a process saving registrations is killed (SIGKILL) at random moments.

One home folder for all kills, so the database grows across them. After the last
kill: every write the child reported saved is in the database, ``PRAGMA
integrity_check`` is ok, no validation lacks its outbox entry or its journal rows.
"""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.store import connect
from app.vault import Vault
from bench.harness import Figure, measure

# Bench data only: a fixed key the children and the checker share, since a child
# killed at random has no keyring to ask.
BENCH_VAULT = Vault(bytes(range(32)))

KILLS = 200
SEED = 20251015
CODES_PER_RUN = 1_000_000  # the child's code counter starts at kill_index * this
EARLY_KILL_SHARE = 0.1  # some kills land during start-up (opening, migrating) instead
START_TIMEOUT_S = 60.0
ROOT = Path(__file__).resolve().parent.parent


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    if os.name == "posix":
        os.kill(process.pid, signal.SIGKILL)
    else:
        process.kill()  # TerminateProcess: as abrupt as SIGKILL
    process.wait(timeout=30)


def kill_at_random(
    process: subprocess.Popen,
    ready: Callable[[], bool] | None,
    delay: float,
    err_path: Path,
    what: str,
) -> None:
    """Wait until ``ready()`` says the child got going (no wait when None), let it run
    ``delay`` seconds more, then SIGKILL it. A child that stopped by itself is an error."""
    try:
        if ready is not None:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not ready():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{what}:\n" + err_path.read_text(errors="replace"))
                time.sleep(0.001)
        time.sleep(delay)
        if process.poll() is not None:
            raise RuntimeError(
                "the child stopped on its own:\n" + err_path.read_text(errors="replace")
            )
    finally:
        _kill(process)


def _first_line_written(out_path: Path) -> bool:
    with out_path.open("rb") as stream:
        return b"\n" in stream.read(4096)


def _one_kill(home: Path, out_path: Path, err_path: Path, start: int, rng: random.Random):
    """Start the child, kill it at a random moment; the lines it reported."""
    env = dict(os.environ, PASSSPORT_CLUB_HOME=str(home), PYTHONPATH=str(ROOT))
    early = rng.random() < EARLY_KILL_SHARE
    delay = rng.uniform(0.0, 0.3) if early else rng.uniform(0.005, 0.060)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.crash_child", str(home), str(start)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=ROOT,
        )
    kill_at_random(
        process,
        None if early else lambda: _first_line_written(out_path),
        delay,
        err_path,
        "the child stopped before saving anything",
    )
    text = out_path.read_text(encoding="utf-8")
    # A line cut by the kill has no newline: the write it reports returned, but the
    # report is incomplete, so it is not counted (and not checked).
    return [line.split() for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _matches(row: tuple, kind: str, rest: list[str]) -> bool:
    """Whether a row (code, state, cheque state) holds what a report line says."""
    code, state, cheque_state = row
    if kind == "V":
        return code == rest[0]
    if kind == "A":
        return code == rest[0] and cheque_state == "returned"
    if kind == "D":
        return cheque_state is not None
    if kind == "X":
        return state == "cancelled"
    raise ValueError(f"unknown report line kind {kind!r}")


def check(database: Path, reported: list[list[str]]) -> dict:
    """Compare the database with what the children reported saved."""
    conn = connect(database, BENCH_VAULT)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {
            receipt: (code, state, cheque_state)
            for receipt, code, state, cheque_state in conn.execute(
                "SELECT receipt_no, code, state, cheque_state FROM validation_rows"
            )
        }
        missing = 0
        for kind, receipt, *rest in reported:
            row = rows.get(receipt)
            if row is None:
                missing += 1
                continue
            missing += not _matches(row, kind, rest)
        orphans = conn.execute(
            "SELECT count(*) FROM validations v WHERE v.code IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM outbox o WHERE o.validation_id = v.id AND o.kind = 'redeem')"
        ).fetchone()[0]
        mismatches = sum(
            conn.execute(sql).fetchone()[0]
            for sql in (
                # every registration has exactly one journal row saying how it was taken
                "SELECT count(*) FROM validations v WHERE (SELECT count(*) FROM journal j"
                " WHERE j.validation_id = v.id AND j.kind IN ('validated', 'deposit_taken'))"
                " != 1",
                # a cancellation is journalled once, and only for cancelled registrations
                "SELECT count(*) FROM validations v WHERE (SELECT count(*) FROM journal j"
                " WHERE j.validation_id = v.id AND j.kind = 'cancelled')"
                " != (v.state = 'cancelled')",
                # a code attached later is journalled, with its redeem entry
                "SELECT count(*) FROM validations v WHERE v.cheque_state IS NOT NULL"
                " AND (SELECT count(*) FROM journal j WHERE j.validation_id = v.id"
                " AND j.kind = 'code_attached') != (v.code IS NOT NULL)",
                # nothing is sent here: a cancelled registration's redeem is withdrawn,
                # a live one's is pending
                "SELECT count(*) FROM outbox o JOIN validations v ON v.id = o.validation_id"
                " WHERE o.kind = 'redeem'"
                " AND (o.withdrawn_at IS NOT NULL) != (v.state = 'cancelled')",
                # one redeem entry per code, no more
                "SELECT count(*) FROM (SELECT validation_id FROM outbox WHERE kind = 'redeem'"
                " GROUP BY validation_id HAVING count(*) > 1)",
                # rows pointing nowhere
                "SELECT count(*) FROM outbox o WHERE NOT EXISTS"
                " (SELECT 1 FROM validations v WHERE v.id = o.validation_id)",
                "SELECT count(*) FROM journal j WHERE j.validation_id IS NOT NULL AND NOT EXISTS"
                " (SELECT 1 FROM validations v WHERE v.id = j.validation_id)",
                # each receipt number taken was taken by a registration that was kept
                "SELECT abs((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'receipt_seq')"
                " - (SELECT count(*) FROM validations))",
            )
        )
        validations = len(rows)
    finally:
        conn.close()
    return {
        "integrity": integrity,
        "found": len(reported) - missing,
        "missing": missing,
        "orphans": orphans,
        "mismatches": mismatches,
        "validations": validations,
    }


def run_kills(kills: int = KILLS, seed: int = SEED, home: Path | None = None) -> dict:
    """Start and kill the child ``kills`` times in one home folder, then check it all.

    ``reported`` counts the writes the children reported saved (validations, deposits,
    codes attached, cancellations); ``missing`` those absent from the database."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="passsport-crash-") as scratch:
        home = home or Path(scratch) / "home"
        reported: list[list[str]] = []
        for index in range(kills):
            out_path = Path(scratch) / f"out-{index}.txt"
            err_path = Path(scratch) / f"err-{index}.txt"
            reported += _one_kill(home, out_path, err_path, index * CODES_PER_RUN, rng)
        result = check(home / "data" / "club.sqlite3", reported)
    return {
        "kills": kills,
        "reported": len(reported),
        "reported_validations": sum(1 for line in reported if line[0] == "V"),
        **result,
        "seconds": time.perf_counter() - started,
    }


def run(runs: int) -> list[Figure]:
    results = [run_kills(KILLS, SEED + index) for index in range(runs)]
    return [
        measure("crash: kills (SIGKILL) per run", "kills", [r["kills"] for r in results]),
        measure(
            "crash: validations reported saved",
            "rows",
            [r["reported_validations"] for r in results],
        ),
        measure(
            "crash: reported saved but missing",
            "rows",
            [r["missing"] for r in results],
            "0",
        ),
        measure(
            "crash: validations without redeem outbox",
            "rows",
            [r["orphans"] for r in results],
            "0",
        ),
        measure(
            "crash: journal/outbox mismatches",
            "rows",
            [r["mismatches"] for r in results],
            "0",
        ),
        measure(
            "crash: integrity_check not ok",
            "runs",
            [float(r["integrity"] != "ok") for r in results],
            "0",
        ),
        measure(
            "crash: time per kill (start, save, kill)",
            "s",
            [r["seconds"] / r["kills"] for r in results],
        ),
    ]
