"""The redemption service under load: a crowd connecting at once, and a September burst.

The service runs as its own process (``python -m sync.server``, with ``--rate 0``: no rate
limit, and ``--open-codes``: any well-formed code exists), at a fixed time of season 2026 (``--now``, 15 September 2026), on 127.0.0.1;
the load comes from this process, an asyncio client writing raw HTTP/1.1 (request bytes out,
status line, headers and ``Content-Length`` body in), so that client and server share no
GIL and the client costs little. Both raise their open-files limit (8,192 at most).

Simultaneous connections (one server, SQLite, one process): one device is enrolled
(``DEMO-2026``), then 200, and next 1,000, clients wait behind one asyncio.Event; once it is
set, each opens its own new connection and sends one ``GET /v1/club`` with that token
(``Connection: close``). A client's latency runs from just before its connect to the last
byte of the answer's body; an answer is counted when it is a 200 with the club in it. Each
crowd is sent ``runs`` times (7 at most) to the same server: the figures are the medians
over the rounds of each round's count, p50 and p99.

September burst, on three servers made in the same run: SQLite with one process,
PostgreSQL with one process, PostgreSQL with two worker processes (``--workers 2``), each
on a fresh database (one throwaway cluster, ``bench/postgres.py``, for the run). 2,000
devices are spread over 1,000 clubs, two desks a club; the clubs and a reusable enrolment
code each are written into the fresh database before the server starts (the training
seed has only two clubs, and 2,000 desks of one club would each pull the whole club's
changes). Not timed: each device enrols (``POST /v1/devices``, 50 at a time), and one
``POST /v1/codes:check`` must say the bench's first code is ``available`` (season 2026,
open at the service's time). Timed: every device, 200 at most at once, opens its own
keep-alive connection, sends 2 batches of 10 items (``POST /v1/redemptions:batch``:
40,000 items in all, unique codes ``26-XXXX-XXXX``, a uuid4 idempotency key each, a young
person, ``recorded_at`` with its offset), then pulls its club's changes once
(``GET /v1/redemptions?limit=200``, following ``next_cursor`` while ``has_more``) and
closes. Figures: items accepted per second over the timed phase (first connect to last
pull), p50 and p99 of the batch requests, p99 of the pull requests (each from its bytes
sent to its answer read). Every item must come back ``accepted`` and every device's pull
must hold its own 20 items: anything else (another status, an HTTP error, a reset, a
timeout) is counted, and the bench fails once the table is printed (a configuration that
fails does not stop the next ones). The burst runs once a configuration, whatever ``runs``
says (its figures say runs 1).

A client without an answer fails the bench; a p99 over its target (1 s for the crowds) is
only printed as a note on stderr, beside the table, as is anything a server wrote on its
stderr.

Bounds: every request gets an answer within 60 s or counts as failed, every phase ends
within 300 s or the bench fails saying which, and each server is stopped (SIGINT, then
SIGKILL of its process group after 30 s) even when a phase failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.codes import LETTERS
from app.seasons import load_seasons
from bench.desk import _percentile
from bench.harness import Figure, measure, table
from bench.postgres import PostgresCluster
from sync.server import raise_open_files_limit
from sync.server_db import open_database
from sync.server_store import ServerStore
from sync.training import TRAINING_ENROLMENT_CODE, training_codes

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SEED = 1  # the server's --seed (its default)
CROWDS = (200, 1_000)
ROUNDS_MAX = 7
DEVICES = 2_000
DEVICES_PER_CLUB = 2
FIRST_CLUB = 1_000  # the bench's clubs: above the training seed's two
BATCHES = 2
BATCH_ITEMS = 10
IN_FLIGHT = 200  # devices sending at once in the burst
ENROL_AT_ONCE = 50
PULL_LIMIT = 200
SEASON_PREFIX = "26"  # 2026: open from 1 September 2026 to 1 January 2027 (seasons.json)
# The service's time, fixed (--now): a September day of that season, whatever day it runs.
SERVICE_NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
BIRTH_DATE = "2012-03-15"
PARIS = ZoneInfo("Europe/Paris")
REQUEST_TIMEOUT_S = 60.0
PHASE_TIMEOUT_S = 300.0
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
P99_TARGET_MS = 1000.0
_URL = re.compile(r"(https?://[^\s)]+)")
# What a request may end with besides an answer: reset, closed, timed out, not JSON.
_FAILURES = (OSError, EOFError, TimeoutError, ValueError, KeyError, TypeError)


class BenchFailure(RuntimeError):
    """The service did not do what the bench needs (the message says what)."""


# -- a light HTTP/1.1 client ----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[bytes, bytes]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def closes(self) -> bool:
        return self.headers.get(b"connection", b"").lower() == b"close"


def request_bytes(
    method: str,
    path: str,
    port: int,
    token: str | None = None,
    payload: dict | None = None,
    close: bool = False,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    if close:
        lines.append("Connection: close")
    body = b""
    if payload is not None:
        body = json.dumps(payload).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """One answer: status line, headers, and the body ``Content-Length`` announces."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed without answering")
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ConnectionError(f"not an HTTP answer: {line[:60]!r}")
    headers: dict[bytes, bytes] = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed in the middle of the headers")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"transfer-encoding" in headers:
        raise ConnectionError("a chunked answer: this client reads Content-Length only")
    body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
    return Answer(int(parts[1]), headers, body)


class Connection:
    """One keep-alive connection; it is opened again if the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.opened = 0

    async def request(self, data: bytes) -> Answer:
        async with asyncio.timeout(REQUEST_TIMEOUT_S):
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(HOST, self.port)
                self.opened += 1
            self._writer.write(data)
            answer = await read_answer(self._reader)
        if answer.closes:
            await self.close()
        return answer

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                async with asyncio.timeout(5):
                    await writer.wait_closed()


def failure_name(error: BaseException) -> str:
    if isinstance(error, BenchFailure):
        return str(error)
    if isinstance(error, TimeoutError):
        return f"no answer within {REQUEST_TIMEOUT_S:.0f} s"
    if isinstance(error, asyncio.IncompleteReadError):
        return "closed in the middle of the body"
    return f"{type(error).__name__}: {error}"[:120]


# -- the server, in its own process --------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``python -m sync.server`` with ``arguments``; its output in files in ``folder``."""

    def __init__(self, arguments: list[str], folder: Path, name: str) -> None:
        self.arguments = ["--rate", "0", "--open-codes", "--seed", str(SEED), *arguments]
        self.out_path, self.err_path = folder / f"{name}.out", folder / f"{name}.err"
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.stop_note = ""

    def start(self) -> int:
        """Starts it; the port of the URL it prints on its first line."""
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sync.server",
                    "--now",
                    SERVICE_NOW.isoformat(),
                    *self.arguments,
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=ROOT,
                start_new_session=True,  # its own group: its workers are stopped with it
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            printed = self.out_path.read_text(encoding="utf-8", errors="replace")
            if "\n" in printed:  # the whole first line
                found = _URL.search(printed.split("\n")[0])
                if found is None:
                    self.stop()
                    raise BenchFailure(f"no URL on the server's first line: {printed[:200]!r}")
                self.port = int(found.group(1).rsplit(":", 1)[1].rstrip("/"))
                self._wait_listening(deadline)
                return self.port
            if self.process.poll() is not None:
                raise BenchFailure(
                    f"the server stopped while starting (exit {self.process.returncode}):\n"
                    + self.errors()
                )
            time.sleep(0.05)
        self.stop()
        raise BenchFailure(f"the server printed no URL within {START_TIMEOUT_S:.0f} s")

    def _wait_listening(self, deadline: float) -> None:
        """Until a connection to the port is taken (the workers of ``--workers`` print the
        URL before they serve), the process alive all along."""
        while True:
            if self.process.poll() is not None:
                raise BenchFailure(
                    f"the server exited (exit {self.process.returncode}) after printing its URL:\n"
                    + self.errors()
                )
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 1):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise BenchFailure(
                    f"nothing listens on port {self.port} {START_TIMEOUT_S:.0f} s on"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGINT, and its exit awaited; its group killed if it has not stopped in time."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_TIMEOUT_S)
            self.stop_note = f"did not stop within {STOP_TIMEOUT_S:.0f} s of SIGINT: killed"
            return
        if process.returncode != 0:
            self.stop_note = f"exit {process.returncode} after SIGINT"
        elif time.monotonic() - started > 6:
            self.stop_note = f"took {time.monotonic() - started:.1f} s to stop"

    def errors(self, last: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.err_path.read_text(encoding="utf-8", errors="replace")[-last:]
        return ""

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def enrol(port: int, code: str, count: int, at_once: int) -> list[str]:
    """``count`` devices enrolled with ``code``, ``at_once`` connections in parallel."""
    tokens: list[str] = []
    left = iter(range(count))

    async def worker() -> None:
        connection = Connection(port)
        try:
            for index in left:
                answer = await connection.request(
                    request_bytes(
                        "POST",
                        "/v1/devices",
                        port,
                        payload={"enrolment_code": code, "device_name": f"bench {index}"},
                    )
                )
                if answer.status != 201:
                    raise BenchFailure(f"enrolment refused: {answer.status} {answer.body[:200]!r}")
                tokens.append(answer.json()["token"])
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(min(at_once, count))))
    return tokens


async def bounded(phase: str, work) -> object:
    try:
        return await asyncio.wait_for(work, PHASE_TIMEOUT_S)
    except TimeoutError:
        raise BenchFailure(f"{phase}: not finished within {PHASE_TIMEOUT_S:.0f} s") from None


# -- simultaneous connections ---------------------------------------------------------------


async def crowd(port: int, token: str, count: int) -> dict:
    """``count`` clients, each connecting at the same moment and asking ``GET /v1/club``."""
    request = request_bytes("GET", "/v1/club", port, token=token, close=True)
    go = asyncio.Event()
    waiting = 0
    all_waiting = asyncio.Event()

    async def one() -> tuple[str, float]:
        nonlocal waiting
        waiting += 1
        if waiting == count:
            all_waiting.set()
        await go.wait()
        started = time.perf_counter()
        writer = None
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(request)
                answer = await read_answer(reader)
            took = time.perf_counter() - started
            if answer.status != 200:
                return f"HTTP {answer.status}", took
            if "siret" not in answer.json():
                return "200 without the club", took
            return "ok", took
        except _FAILURES as error:
            return failure_name(error), time.perf_counter() - started
        finally:
            if writer is not None:
                writer.close()

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    await all_waiting.wait()
    go.set()
    results = await asyncio.gather(*tasks)
    await asyncio.sleep(0)  # the closes go out
    took_ms = [seconds * 1000 for outcome, seconds in results if outcome == "ok"]
    return {
        "count": count,
        "answered": len(took_ms),
        "failures": Counter(outcome for outcome, _ in results if outcome != "ok"),
        "p50_ms": _percentile(took_ms, 0.50) if took_ms else float("nan"),
        "p99_ms": _percentile(took_ms, 0.99) if took_ms else float("nan"),
        "max_ms": max(took_ms, default=float("nan")),
    }


async def crowds(port: int, rounds: int) -> dict[int, list[dict]]:
    (token,) = await enrol(port, TRAINING_ENROLMENT_CODE, 1, 1)
    warm = Connection(port)
    try:
        answer = await warm.request(request_bytes("GET", "/v1/club", port, token=token))
        if answer.status != 200:
            raise BenchFailure(f"GET /v1/club: {answer.status} {answer.body[:200]!r}")
    finally:
        await warm.close()
    results: dict[int, list[dict]] = {count: [] for count in CROWDS}
    for _ in range(rounds):
        for count in CROWDS:
            results[count].append(await crowd(port, token, count))
            await asyncio.sleep(0.5)  # the server closes the last ones
    return results


def simultaneous(folder: Path, rounds: int) -> dict[int, list[dict]]:
    server = ServerProcess(["--db", str(folder / "crowd.sqlite3"), "--port", "0"], folder, "crowd")
    with server:
        results = asyncio.run(bounded("simultaneous connections", crowds(server.port, rounds)))
    for rows in results.values():
        for row in rows:
            row["server_errors"] = server.errors(1500)
            row["stop_note"] = server.stop_note
    return results


# -- the September burst --------------------------------------------------------------------


def codes(count: int) -> list[str]:
    """``count`` unique codes of season 2026, none of the training seed's."""
    seeded = {item.code for item in training_codes(SEED)}
    made: list[str] = []
    number = 0
    base = len(LETTERS)
    while len(made) < count:
        letters, rest = [], number * 7919 + 123457  # spread over the letters, not AAAA...
        for _ in range(8):
            rest, digit = divmod(rest, base)
            letters.append(LETTERS[digit])
        number += 1
        code = f"{SEASON_PREFIX}-{''.join(letters[:4])}-{''.join(letters[4:])}"
        if code not in seeded:
            made.append(code)
    if len(set(made)) != count:
        raise AssertionError("the bench's codes are not unique")
    return made


@dataclass
class Device:
    token: str
    batches: list[bytes]  # the whole requests
    keys: set[str]


@dataclass
class Burst:
    """What the timed phase saw."""

    seconds: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # per item
    http: Counter = field(default_factory=Counter)  # per request not 200, or failure
    pulled: int = 0
    pull_pages: int = 0
    missing_from_pull: int = 0
    devices_done: int = 0
    reopened: int = 0


def club_of(index: int) -> int:
    return FIRST_CLUB + index // DEVICES_PER_CLUB


def enrolment_code(club_id: int) -> str:
    return f"BNCH-{club_id:05d}"


def prepare_database(where: Path | str) -> None:
    """The service's schema and seed, then the bench's clubs, each with a reusable
    enrolment code (the service makes none over HTTP)."""
    ServerStore(
        where,
        seed=SEED,
        open_codes=True,
        seasons=load_seasons(),
        clock=lambda: SERVICE_NOW,
        rate_per_second=0,
    ).close()
    clubs = sorted({club_of(index) for index in range(DEVICES)})

    def work(tx) -> None:
        for club_id in clubs:
            tx.execute(
                "INSERT INTO clubs VALUES (?, ?, ?, ?, 0)",
                (club_id, f"{99_000_000_000_000 + club_id}", f"W{club_id:09d}", f"Club {club_id}"),
            )
            tx.execute(
                "INSERT INTO enrolment_codes VALUES (?, ?, 1, NULL, NULL)",
                (enrolment_code(club_id), club_id),
            )

    database = open_database(where)
    try:
        database.run(work, write=True)
    finally:
        database.close()


async def enrol_devices(port: int) -> list[str]:
    """A token for each device, in the clubs' order (two desks a club)."""
    clubs = sorted({club_of(index) for index in range(DEVICES)})
    semaphore = asyncio.Semaphore(ENROL_AT_ONCE)

    async def club(club_id: int) -> list[str]:
        async with semaphore:
            return await enrol(port, enrolment_code(club_id), DEVICES_PER_CLUB, 1)

    by_club = await asyncio.gather(*(club(club_id) for club_id in clubs))
    return [token for tokens in by_club for token in tokens]


def devices(port: int, tokens: list[str], all_codes: list[str]) -> list[Device]:
    now = SERVICE_NOW.astimezone(PARIS).isoformat()
    made = []
    per_device = BATCHES * BATCH_ITEMS
    for index, token in enumerate(tokens):
        mine = all_codes[index * per_device : (index + 1) * per_device]
        items = [
            {
                "idempotency_key": str(uuid.uuid4()),
                "code": code,
                "young_person": {
                    "last_name": f"Banc-{index}",
                    "first_name": f"Jeune {number}",
                    "birth_date": BIRTH_DATE,
                },
                "recorded_at": now,
            }
            for number, code in enumerate(mine)
        ]
        batches = [
            request_bytes(
                "POST",
                "/v1/redemptions:batch",
                port,
                token=token,
                payload={"items": items[start : start + BATCH_ITEMS]},
            )
            for start in range(0, per_device, BATCH_ITEMS)
        ]
        made.append(Device(token, batches, {item["idempotency_key"] for item in items}))
    return made


async def check_code(port: int, token: str, code: str) -> None:
    connection = Connection(port)
    try:
        answer = await connection.request(
            request_bytes("POST", "/v1/codes:check", port, token=token, payload={"code": code})
        )
    finally:
        await connection.close()
    state = answer.json().get("state") if answer.status == 200 else None
    if state != "available":
        raise BenchFailure(
            f"codes:check of a {SEASON_PREFIX} code: {answer.status} {answer.body[:200]!r},"
            f" not 'available' (is season 20{SEASON_PREFIX} open at today's date?)"
        )


async def burst(port: int, fleet: list[Device]) -> Burst:
    seen = Burst()
    semaphore = asyncio.Semaphore(IN_FLIGHT)

    async def device(one: Device) -> None:
        async with semaphore:
            connection = Connection(port)
            try:
                for request in one.batches:
                    started = time.perf_counter()
                    answer = await connection.request(request)
                    seen.batch_ms.append((time.perf_counter() - started) * 1000)
                    if answer.status != 200:
                        seen.http[f"batch: HTTP {answer.status}"] += 1
                        return
                    seen.statuses.update(r.get("status") for r in answer.json()["results"])
                cursor, keys = "", set()
                while True:
                    path = f"/v1/redemptions?limit={PULL_LIMIT}" + (
                        f"&cursor={cursor}" if cursor else ""
                    )
                    started = time.perf_counter()
                    answer = await connection.request(
                        request_bytes("GET", path, port, token=one.token)
                    )
                    seen.pull_ms.append((time.perf_counter() - started) * 1000)
                    if answer.status != 200:
                        seen.http[f"pull: HTTP {answer.status}"] += 1
                        return
                    page = answer.json()
                    seen.pull_pages += 1
                    seen.pulled += len(page["items"])
                    keys.update(item["idempotency_key"] for item in page["items"])
                    if not page["has_more"]:
                        break
                    cursor = page["next_cursor"]
                seen.missing_from_pull += len(one.keys - keys)
                seen.devices_done += 1
            except _FAILURES as error:
                seen.http[failure_name(error)] += 1
            finally:
                seen.reopened += max(0, connection.opened - 1)
                await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(device(one) for one in fleet))
    seen.seconds = time.perf_counter() - started
    return seen


async def september(port: int, all_codes: list[str]) -> Burst:
    tokens = await bounded("burst: enrolments", enrol_devices(port))
    await check_code(port, tokens[0], all_codes[0])
    fleet = devices(port, tokens, all_codes)
    return await bounded("burst: timed phase", burst(port, fleet))


@dataclass
class Configuration:
    label: str
    database: Path | str
    workers: int = 1


def run_burst(configuration: Configuration, folder: Path, all_codes: list[str]) -> dict:
    prepare_database(configuration.database)
    arguments = ["--db", str(configuration.database)]
    if configuration.workers > 1:  # an explicit port: the workers share its socket
        arguments += ["--workers", str(configuration.workers), "--port", str(free_port())]
    else:
        arguments += ["--port", "0"]
    name = re.sub(r"[^a-z0-9]+", "-", configuration.label.lower())
    server = ServerProcess(arguments, folder, name)
    try:
        with server:
            seen = asyncio.run(september(server.port, all_codes))
    except (BenchFailure, *_FAILURES) as error:  # the next configurations are run all the same
        return {"label": configuration.label, "burst": Burst(), "server": server, "error": error}
    return {"label": configuration.label, "burst": seen, "server": server, "error": None}


def burst_problems(result: dict) -> list[str]:
    seen: Burst = result["burst"]
    items = DEVICES * BATCHES * BATCH_ITEMS
    problems = []
    if result["error"] is not None:
        return [f"failed: {failure_name(result['error'])}"]
    if seen.statuses["accepted"] != items:
        others = {k: v for k, v in seen.statuses.items() if k != "accepted"}
        problems.append(f"{seen.statuses['accepted']:,}/{items:,} items accepted; others {others}")
    if seen.http:
        problems.append(f"requests failed: {dict(seen.http)}")
    if seen.devices_done != DEVICES:
        problems.append(f"{seen.devices_done:,}/{DEVICES:,} devices went through")
    if seen.missing_from_pull:
        problems.append(f"{seen.missing_from_pull:,} items a device sent missing from its pull")
    if result["server"].stop_note:
        problems.append(f"server: {result['server'].stop_note}")
    return problems


# -- the bench ------------------------------------------------------------------------------


def crowd_figures(results: dict[int, list[dict]]) -> list[Figure]:
    figures = []
    for count, rows in results.items():
        name = f"service: {count:,} simultaneous connections"
        figures += [
            measure(
                f"{name}, answered (GET /v1/club, 200)",
                f"of {count:,}",
                [row["answered"] for row in rows],
                f"{count:,}",
            ),
            measure(f"{name}, p50 connect to answer", "ms", [row["p50_ms"] for row in rows]),
            measure(
                f"{name}, p99 connect to answer",
                "ms",
                [row["p99_ms"] for row in rows],
                f"< {P99_TARGET_MS:.0f} ms",
            ),
            measure(f"{name}, slowest", "ms", [row["max_ms"] for row in rows]),
        ]
    return figures


def burst_figures(result: dict) -> list[Figure]:
    seen: Burst = result["burst"]
    items = DEVICES * BATCHES * BATCH_ITEMS
    name = f"service burst ({result['label']})"
    accepted = measure(
        f"{name}: items accepted", "items", [seen.statuses["accepted"]], f"{items:,}"
    )
    if result["error"] is not None:
        return [accepted]
    return [
        measure(
            f"{name}: items accepted per second ({DEVICES:,} devices, {IN_FLIGHT} at once)",
            "/s",
            [seen.statuses["accepted"] / seen.seconds],
        ),
        accepted,
        measure(
            f"{name}: items not accepted, failed requests",
            "count",
            [sum(seen.statuses.values()) - seen.statuses["accepted"] + sum(seen.http.values())],
            "0",
        ),
        measure(f"{name}: timed phase (push and pull)", "s", [seen.seconds]),
        measure(
            f"{name}: batch of {BATCH_ITEMS} request, p50",
            "ms",
            [_percentile(seen.batch_ms, 0.5) if seen.batch_ms else float("nan")],
        ),
        measure(
            f"{name}: batch of {BATCH_ITEMS} request, p99",
            "ms",
            [_percentile(seen.batch_ms, 0.99) if seen.batch_ms else float("nan")],
        ),
        measure(
            f"{name}: pull request (limit {PULL_LIMIT}), p99",
            "ms",
            [_percentile(seen.pull_ms, 0.99) if seen.pull_ms else float("nan")],
        ),
    ]


def crowd_findings(results: dict[int, list[dict]]) -> tuple[list[str], list[str]]:
    """What fails the bench (an unanswered client), and what is only noted (a p99 missed)."""
    problems, notes = [], []
    for count, rows in results.items():
        for index, row in enumerate(rows):
            if row["failures"]:
                problems.append(
                    f"{count:,} simultaneous connections, round {index + 1}: "
                    f"{row['answered']}/{count} answered; {dict(row['failures'])}"
                )
        if any(row["p99_ms"] >= P99_TARGET_MS for row in rows):
            slow = ", ".join(f"{row['p99_ms']:.0f}" for row in rows)
            notes.append(
                f"{count:,} simultaneous connections: p99 over {P99_TARGET_MS:.0f} ms in "
                f"{sum(row['p99_ms'] >= P99_TARGET_MS for row in rows)} of {len(rows)} rounds "
                f"(p99 of each round, ms: {slow})"
            )
    last = results[CROWDS[-1]][-1]
    if last["stop_note"]:
        problems.append(f"simultaneous connections, server: {last['stop_note']}")
    if last["server_errors"]:
        (problems if problems else notes).append(
            "simultaneous connections, server stderr:\n" + last["server_errors"]
        )
    return problems, notes


def run(runs: int) -> list[Figure]:
    raise_open_files_limit(8192)
    rounds = max(1, min(runs, ROUNDS_MAX))
    all_codes = codes(DEVICES * BATCHES * BATCH_ITEMS)
    figures: list[Figure] = []
    problems: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="passsport-service-bench-") as name:
        folder = Path(name)
        try:
            results = simultaneous(folder, rounds)
            figures += crowd_figures(results)
            problems, notes = crowd_findings(results)
            cluster = PostgresCluster(folder / "postgres")
            try:
                cluster.start()
                configurations = [
                    Configuration("SQLite, 1 process", folder / "burst.sqlite3"),
                    Configuration("PostgreSQL, 1 process", cluster.new_database("burst_one")),
                    Configuration(
                        "PostgreSQL, 2 worker processes", cluster.new_database("burst_two"), 2
                    ),
                ]
                for configuration in configurations:
                    result = run_burst(configuration, folder, all_codes)
                    figures += burst_figures(result)
                    found = burst_problems(result)
                    errors = result["server"].errors(1500)
                    if errors and errors not in "\n".join(found):
                        if found:
                            found.append(f"server stderr:\n{errors}")
                        else:
                            notes.append(f"burst ({configuration.label}), server stderr:\n{errors}")
                    problems += [f"burst ({configuration.label}): {text}" for text in found]
            finally:
                cluster.close()
        except BaseException:
            if figures:
                print(table(figures), file=sys.stderr)
            raise
    for note in notes:
        print(f"service bench, note: {note}", file=sys.stderr)
    if problems:
        print(table(figures), file=sys.stderr)
        raise BenchFailure("the service failed under load:\n" + "\n".join(problems))
    return figures
