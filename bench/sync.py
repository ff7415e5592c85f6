"""Sending to the national API: throughput, requests, the interface kept alive, crashes.

Throughput: 10,000 validations wait in the outbox (filled like ``bench/desk.py`` does:
validation, 'redeem' outbox entry, idempotency key; personal fields sealed with the
benches' fixed key ``bench.crash.BENCH_VAULT``); one ``SyncEngine.sync_once`` sends
them to the reference server on 127.0.0.1 (open codes, no rate limit, its clock in the
2025 season). Beside it, in the same run, a baseline sends the same 10,000 from a fresh
database to a fresh server one request per validation (a batch of one item each, the
answers written back the same way), then pulls the national changes as the engine does.

Interface: with a QApplication (offscreen), the engine sends 10,000 validations on its
own thread while a 10 ms QTimer on the interface thread records the gaps between its
ticks: the longest gap is how long the interface could not answer.

Crashes: ``python -m bench.sync_child`` records a few validations and syncs in a loop;
it is killed (SIGKILL) at random moments, 200 times, in one home folder, while the
reference server runs here with a few milliseconds of latency, so that kills land while
requests are in flight and the server commits batches whose answers nobody reads. After
one last clean sync the server holds for the club exactly what the local database holds:
none lost, none twice, and the server replayed keys (the retries really happened).
"""

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from app import national
from app.desk import Desk
from app.paths import default_paths
from app.seasons import load_seasons
from app.store import connect, open_store
from bench.crash import BENCH_VAULT, kill_at_random
from bench.crash_child import CHILD_NOW
from bench.desk import _percentile, fill
from bench.harness import Figure, measure
from bench.sync_child import TOKEN_VARIABLE
from sync.client import ApiClient, Enrolment
from sync.engine import SyncEngine, _answer, redemption_item
from sync.server import ReferenceServer

VALIDATIONS = 10_000
CYCLES = 200
SEED = 20251015
# 15 October 2025, 14:30 in Paris: the national service's clock, in the 2025 season.
SERVER_NOW = datetime(2025, 10, 15, 12, 30, tzinfo=UTC)
LATENCY_S = 0.004  # per request, in the crash runs: kills land while requests wait
CODES_PER_RUN = 1_000_000  # a crash child's code counter starts at cycle * this
NEW_PER_CYCLE = (1, 30)  # validations a crash child records before it starts sending
EARLY_KILL_SHARE = 0.1  # some kills land during start-up, recording, or before sending
KILL_DELAY_S = (0.0, 0.2)  # after the child said its first sync pass starts
TICK_MS = 10
UI_TIMEOUT_S = 300.0
ROOT = Path(__file__).resolve().parent.parent

_APPLICATION = None  # the QApplication, kept alive for the whole process


def reference_server(path: Path, port: int = 0) -> ReferenceServer:
    """The national API as the benches use it: any well-formed code exists, no rate
    limit, a clock in the 2025 season."""
    return ReferenceServer(
        path, open_codes=True, clock=lambda: SERVER_NOW, rate_per_second=0, port=port
    )


def enrol(server: ReferenceServer) -> Enrolment:
    with ApiClient(server.url) as client:
        return client.enrol(server.new_enrolment_code(), "bench")


def filled_database(home: Path, rows: int, seed: int = SEED) -> Path:
    """A fresh database below ``home`` with ``rows`` validations waiting to be sent; the
    same ``seed`` gives the same codes, people and idempotency keys."""
    paths = default_paths({"PASSSPORT_CLUB_HOME": str(home)}).create()
    conn = open_store(paths.database, paths.backups, BENCH_VAULT)
    desk = Desk(conn, load_seasons(), lambda: SERVER_NOW, BENCH_VAULT)
    try:
        fill(desk, conn, rows, random.Random(seed))
    finally:
        desk.close()
    return paths.database


def outcome(database: Path, server: ReferenceServer, siret: str) -> dict:
    """What was sent: waiting entries left, validations confirmed, rows the server holds."""
    conn = sqlite3.connect(database)
    try:
        pending = conn.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND withdrawn_at IS NULL"
        ).fetchone()[0]
        confirmed = conn.execute(
            "SELECT count(*) FROM validations WHERE state = 'confirmed'"
        ).fetchone()[0]
    finally:
        conn.close()
    held = sum(1 for r in server.redemptions() if r["club_siret"] == siret)
    return {"pending": pending, "confirmed": confirmed, "held": held}


def send_batched(folder: Path, rows: int = VALIDATIONS, seed: int = SEED) -> dict:
    """``rows`` waiting validations sent by one ``SyncEngine.sync_once``: seconds, HTTP
    requests the server received, and what was sent."""
    database = filled_database(folder / "batched", rows, seed)
    with reference_server(folder / "national-batched.sqlite3") as server:
        enrolment = enrol(server)
        conn = connect(database, BENCH_VAULT)
        client = ApiClient(server.url, enrolment.token)
        try:
            engine = SyncEngine(database, lambda: client, clock=lambda: SERVER_NOW)
            before = server.request_count
            started = time.perf_counter()
            engine.sync_once(conn, client)
            seconds = time.perf_counter() - started
            requests = server.request_count - before
        finally:
            client.close()
            conn.close()
        sent = outcome(database, server, enrolment.club_siret)
    return {"rows": rows, "seconds": seconds, "requests": requests, **sent}


def send_one_by_one(folder: Path, rows: int = VALIDATIONS, seed: int = SEED) -> dict:
    """The baseline: the same validations, one request each (a batch of one item), the
    answers written back as the engine writes them; then the engine's pull of changes."""
    database = filled_database(folder / "one-by-one", rows, seed)
    with reference_server(folder / "national-one-by-one.sqlite3") as server:
        enrolment = enrol(server)
        conn = connect(database, BENCH_VAULT)
        client = ApiClient(server.url, enrolment.token)
        try:
            engine = SyncEngine(database, lambda: client, clock=lambda: SERVER_NOW)
            before = server.request_count
            started = time.perf_counter()
            while batch := national.pending_redeems(conn, 1):
                answer = client.redeem_batch([redemption_item(batch[0])])
                answers = [_answer(r) for r in answer.body["results"] if isinstance(r, dict)]
                national.apply_redeem_answers(conn, batch, answers, SERVER_NOW)
            engine.sync_once(conn, client)  # nothing left to send: the pull only
            seconds = time.perf_counter() - started
            requests = server.request_count - before
        finally:
            client.close()
            conn.close()
        sent = outcome(database, server, enrolment.club_siret)
    return {"rows": rows, "seconds": seconds, "requests": requests, **sent}


def application():
    """The QApplication of this process (offscreen unless a platform is chosen)."""
    global _APPLICATION
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _APPLICATION = QApplication.instance() or QApplication([])
    return _APPLICATION


def interface_gaps(folder: Path, rows: int = VALIDATIONS, seed: int = SEED) -> dict:
    """Send ``rows`` validations with the engine on its own thread while a QTimer ticks
    every 10 ms on the interface thread; the gaps between ticks, in milliseconds."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    application()
    database = filled_database(folder / "interface", rows, seed)
    with reference_server(folder / "national-interface.sqlite3") as server:
        enrolment = enrol(server)
        done = threading.Event()

        def seen(status) -> None:
            if status.state == "online" and status.pending == 0:
                done.set()

        engine = SyncEngine(
            database,
            lambda: ApiClient(server.url, enrolment.token),
            on_status=seen,
            clock=lambda: SERVER_NOW,
            vault=BENCH_VAULT,
        )
        loop = QEventLoop()
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        ticks: list[float] = []
        deadline = time.perf_counter() + UI_TIMEOUT_S

        def tick() -> None:
            ticks.append(time.perf_counter())
            if done.is_set() or ticks[-1] > deadline:
                loop.quit()

        timer.timeout.connect(tick)
        try:
            timer.start()
            started = time.perf_counter()
            ticks.append(started)
            engine.start()
            loop.exec()
            seconds = time.perf_counter() - started
        finally:
            timer.stop()
            engine.stop()
        sent = outcome(database, server, enrolment.club_siret)
    gaps = [(b - a) * 1000 for a, b in pairwise(ticks)]
    return {
        "rows": rows,
        "finished": done.is_set(),
        "seconds": seconds,
        "ticks": len(gaps),
        "max_gap_ms": max(gaps, default=0.0),
        "p99_gap_ms": _percentile(gaps, 0.99) if gaps else 0.0,
        **sent,
    }


# -- crashes ---------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    """The complete lines the child wrote: a line cut by the kill is not counted."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [line[:-1] for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _one_cycle(
    home: Path,
    url: str,
    token: str,
    start: int,
    rng: random.Random,
    scratch: Path,
    index: int,
    wait_for: str = "S",
) -> list[str]:
    """Start the child, kill it at a random moment; the lines it wrote. Unless the kill
    is an early one, it comes after the child wrote a line starting with ``wait_for``."""
    out_path, err_path = scratch / f"out-{index}.txt", scratch / f"err-{index}.txt"
    env = dict(
        os.environ, PASSSPORT_CLUB_HOME=str(home), PYTHONPATH=str(ROOT), **{TOKEN_VARIABLE: token}
    )
    count = rng.randint(*NEW_PER_CYCLE)
    early = rng.random() < EARLY_KILL_SHARE and wait_for == "S"
    delay = rng.uniform(0.0, 0.5) if early else rng.uniform(*KILL_DELAY_S)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.sync_child", str(home), url, str(start), str(count)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=ROOT,
        )
    kill_at_random(
        process,
        None if early else lambda: any(line.startswith(wait_for) for line in _lines(out_path)),
        delay,
        err_path,
        f"the child did not write {wait_for!r}",
    )
    return _lines(out_path)


def final_sync(home: Path, url: str, token: str) -> None:
    """One clean sync to completion, as the program would do at its next start."""
    paths = default_paths({"PASSSPORT_CLUB_HOME": str(home)}).create()
    conn = open_store(paths.database, paths.backups, BENCH_VAULT)  # ends a cut migration
    try:
        with ApiClient(url, token) as client:
            engine = SyncEngine(paths.database, lambda: client, clock=lambda: CHILD_NOW)
            engine.sync_once(conn, client)
    finally:
        conn.close()


def check(database: Path, server: ReferenceServer, siret: str, reported: list[str]) -> dict:
    """Compare the local database, what the children reported saved and the server."""
    conn = connect(database, BENCH_VAULT)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        live = conn.execute(
            "SELECT code, idempotency_key, state, national_reason FROM validation_rows"
            " WHERE code IS NOT NULL AND state != 'cancelled'"
        ).fetchall()
        receipts = {row[0] for row in conn.execute("SELECT receipt_no FROM validations")}
        pending = conn.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND withdrawn_at IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    local = {(code, key) for code, key, _, _ in live}
    rows = [
        (r["code"], r["idempotency_key"])
        for r in server.redemptions()
        if r["club_siret"] == siret and r["state"] != "cancelled"
    ]
    held = set(rows)
    states = Counter(state for _, _, state, _ in live)
    saved = [line.split() for line in reported if line.startswith("V ")]
    return {
        "integrity": integrity,
        "validations": len(local),
        "reported": len(saved),
        "missing": sum(1 for _, receipt, _ in saved if receipt not in receipts),
        "lost": len(local - held),
        "duplicated": len(rows) - len({code for code, _ in rows}),
        "unexpected": len(held - local),  # on the server, not (or no longer) here
        "not_confirmed": len(live) - states["confirmed"],
        "to_check_without_reason": sum(
            1 for _, _, state, reason in live if state == "to_check" and not reason
        ),
        "pending": pending,
        "replays": server.count_replays(),
    }


def run_kills(
    cycles: int = CYCLES,
    seed: int = SEED,
    home: Path | None = None,
    latency_s: float = LATENCY_S,
    lose_first_answer: bool = False,
) -> dict:
    """Start and kill the sync child ``cycles`` times in one home folder, then sync once
    cleanly and compare the server with the database.

    ``lose_first_answer``: the server commits the first request it gets and closes the
    connection without answering, and the first child is killed only after it saw that;
    the next send of those items is then a replay, whatever the random kills do."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="passsport-sync-crash-") as folder:
        scratch = Path(folder)
        home = home or scratch / "home"
        server = reference_server(scratch / "national.sqlite3")
        try:
            url = server.start()
            enrolment = enrol(server)
            server.faults.latency_s = latency_s
            server.faults.lose_response_next = 1 if lose_first_answer else 0
            reported: list[str] = []
            in_sync = retries = 0
            for index in range(cycles):
                wait_for = "E" if lose_first_answer and index == 0 else "S"
                lines = _one_cycle(
                    home, url, enrolment.token, index * CODES_PER_RUN, rng, scratch, index, wait_for
                )
                reported += lines
                in_sync += bool(lines) and lines[-1] == "S"
                retries += sum(1 for line in lines if line.startswith("E "))
            server.faults.reset_all()
            final_sync(home, url, enrolment.token)
            result = check(
                default_paths({"PASSSPORT_CLUB_HOME": str(home)}).database,
                server,
                enrolment.club_siret,
                reported,
            )
        finally:
            server.stop()
    return {
        "cycles": cycles,
        "kills_during_sync": in_sync,
        "retries_seen": retries,
        **result,
        "seconds": time.perf_counter() - started,
    }


# -- the bench -------------------------------------------------------------------------------


def run(runs: int) -> list[Figure]:
    batched, baseline, interface, crashes = [], [], [], []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="passsport-sync-bench-") as folder:
            batched.append(send_batched(Path(folder), VALIDATIONS, SEED + index))
            baseline.append(send_one_by_one(Path(folder), VALIDATIONS, SEED + index))
            interface.append(interface_gaps(Path(folder), VALIDATIONS, SEED + index))
        crashes.append(run_kills(CYCLES, SEED + index))
    for result in batched + baseline + interface:
        if result["pending"] or result["held"] != result["rows"]:
            raise RuntimeError(f"not everything was sent: {result}")
    note = f"{VALIDATIONS:,} validations"
    return [
        measure(f"sync: send {note}, batched (sync_once)", "s", [r["seconds"] for r in batched]),
        measure(
            "sync: validations per second, batched",
            "/s",
            [r["rows"] / r["seconds"] for r in batched],
            ">= 1000/s",
        ),
        measure("sync: HTTP requests, batched", "requests", [r["requests"] for r in batched]),
        measure(
            f"sync: send {note}, one request each (baseline)",
            "s",
            [r["seconds"] for r in baseline],
        ),
        measure(
            "sync: HTTP requests, one per validation (baseline)",
            "requests",
            [r["requests"] for r in baseline],
        ),
        measure(
            "sync: requests, baseline / batched",
            "x",
            [b["requests"] / r["requests"] for r, b in zip(batched, baseline, strict=True)],
            ">= 50x",
        ),
        measure(
            f"sync: UI thread, longest gap between 10 ms ticks ({note}, engine thread)",
            "ms",
            [r["max_gap_ms"] for r in interface],
            "< 100 ms",
        ),
        measure(
            "sync: UI thread, p99 gap between ticks", "ms", [r["p99_gap_ms"] for r in interface]
        ),
        measure("sync crash: kills (SIGKILL) per run", "kills", [r["cycles"] for r in crashes]),
        measure(
            "sync crash: kills during a sync pass",
            "kills",
            [r["kills_during_sync"] for r in crashes],
        ),
        measure("sync crash: validations recorded", "rows", [r["validations"] for r in crashes]),
        measure(
            "sync crash: lost (here, not on the server)", "rows", [r["lost"] for r in crashes], "0"
        ),
        measure(
            "sync crash: duplicated or unexpected on the server",
            "rows",
            [r["duplicated"] + r["unexpected"] for r in crashes],
            "0",
        ),
        measure(
            "sync crash: not confirmed after the last sync",
            "rows",
            [r["not_confirmed"] + r["pending"] for r in crashes],
            "0",
        ),
        measure(
            "sync crash: integrity_check not ok",
            "runs",
            [float(r["integrity"] != "ok") for r in crashes],
            "0",
        ),
        measure("sync crash: replayed keys", "keys", [r["replays"] for r in crashes], "> 0"),
        measure(
            "sync crash: time per kill (start, record, sync, kill)",
            "s",
            [r["seconds"] / r["cycles"] for r in crashes],
        ),
    ]
