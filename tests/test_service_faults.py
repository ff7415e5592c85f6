"""The redemption service loses nothing and doubles nothing when it fails mid-batch.

A desk (here a client thread) sends batches of registrations and, as the sync engine
does, sends a batch again with the same keys until it gets an answer. Meanwhile:

- the service's worker processes are killed with SIGKILL while a batch is in flight
  (PostgreSQL with two workers, which uvicorn's supervisor starts again; SQLite, one
  process, started again by hand as a forum hub's laptop would be);
- the PostgreSQL server itself is stopped dead (immediate mode) mid-batch and started
  again, under a service that keeps running.

Afterwards every registration was answered ``accepted`` or ``replayed``, and the service
holds each code exactly once.
"""

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from app.seasons import load_seasons
from sync.server import ReferenceServer
from sync.server_store import ServerStore
from tests.factories import DESK_DAY, Clock

ROOT = Path(__file__).resolve().parent.parent
BATCHES, ITEMS = 16, 50
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DEADLINE_S = 240  # the whole exchange; reached only if the service never comes back


def codes(count: int, seed: int) -> list[str]:
    pick = random.Random(seed)
    made: set[str] = set()
    while len(made) < count:
        letters = "".join(pick.choice(LETTERS) for _ in range(8))
        made.add(f"25-{letters[:4]}-{letters[4:]}")
    return sorted(made)


def batches(seed: int) -> list[list[dict]]:
    every = codes(BATCHES * ITEMS, seed)
    return [
        [
            {
                "idempotency_key": str(uuid.uuid4()),
                "code": code,
                "young_person": {
                    "last_name": "Martin",
                    "first_name": f"N{n}",
                    "birth_date": "2012-03-15",
                },
                "recorded_at": "2025-10-15T14:32:00+02:00",
            }
            for n, code in enumerate(every[b * ITEMS : (b + 1) * ITEMS])
        ]
        for b in range(BATCHES)
    ]


class Desk(threading.Thread):
    """Sends each batch until it is answered; ``in_flight`` is set while a batch is out."""

    def __init__(self, url: str, token: str, work: list[list[dict]]) -> None:
        super().__init__(name="desk")
        self.url, self.token, self.work = url, token, work
        self.in_flight, self.answered = threading.Event(), threading.Event()
        self.results: list[dict] = []
        self.lost = self.refused = self.unreachable = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._send_all()
        except BaseException as error:  # shown by the test
            self.error = error

    def _send_all(self) -> None:
        limit = time.monotonic() + DEADLINE_S
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, timeout=30, headers=headers) as http:
            for batch in self.work:
                while True:
                    assert time.monotonic() < limit, "the service never came back"
                    self.in_flight.set()
                    try:
                        answer = http.post("/v1/redemptions:batch", json={"items": batch})
                    except httpx.ConnectError:
                        self.unreachable += 1  # no service there now: try again shortly,
                        time.sleep(0.05)  # as the sync engine does after a failed pass
                        continue
                    except httpx.TransportError:
                        self.lost += 1  # the answer never came: send the same again
                        continue
                    finally:
                        self.in_flight.clear()
                    if answer.status_code == 200:
                        self.results += answer.json()["results"]
                        self.answered.set()
                        break
                    assert answer.status_code in (429, 503), answer.text
                    self.refused += 1
                    time.sleep(float(answer.headers.get("Retry-After", "1")) / 10)


def kill_when_in_flight(desk: Desk, kill, times: int) -> int:
    """Call ``kill`` ``times`` times, each a few milliseconds after a batch left, and each
    once the service has answered again since the last one (so that it hits a service at
    work, not one still starting)."""
    pick = random.Random(7)
    done, answered = 0, -1
    while done < times and desk.is_alive():
        if len(desk.results) > answered and desk.in_flight.wait(timeout=1):
            time.sleep(pick.uniform(0.002, 0.03))  # the moment of the fault within the batch
            kill()
            done, answered = done + 1, len(desk.results)
        else:
            desk.answered.wait(timeout=1)
            desk.answered.clear()
    return done


def check_nothing_lost_nor_doubled(desk: Desk, database, work: list[list[dict]]) -> None:
    assert desk.error is None, desk.error
    sent = [item for batch in work for item in batch]
    assert [r["idempotency_key"] for r in desk.results] == [i["idempotency_key"] for i in sent]
    statuses = {r["status"] for r in desk.results}
    assert statuses <= {"accepted", "replayed"}, statuses
    store = ServerStore(database, seed=1, open_codes=True, seasons=load_seasons(), clock=Clock())
    try:
        held = [row["code"] for row in store.redemptions() if row["source"] == "device"]
    finally:
        store.close()
    assert sorted(held) == sorted(item["code"] for item in sent)  # each exactly once


def enrol(url: str) -> str:
    answer = httpx.post(
        f"{url}/v1/devices",
        json={"enrolment_code": "DEMO-2026", "device_name": "Forum"},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database, port: int, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "sync.server", "--db", str(database), "--port", str(port)]
    command += ["--open-codes", "--rate", "0", "--now", DESK_DAY.isoformat(), *extra]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert "127.0.0.1" in process.stdout.readline()  # listening: requests now queue
    return process


def workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` started (not multiprocessing's
    resource tracker)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    found = []
    for child in map(int, text.split()):
        with contextlib.suppress(FileNotFoundError):  # ended meanwhile
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.mark.skipif(sys.platform != "linux", reason="reads the workers from /proc")
def test_workers_killed_mid_batch_lose_and_double_nothing(postgres_url):
    port, work = free_port(), batches(1)
    supervisor = serve(postgres_url, port, "--workers", "2")
    try:
        url = f"http://127.0.0.1:{port}"
        desk = Desk(url, enrol(url), work)
        desk.start()

        def kill_the_workers():
            for worker in workers(supervisor.pid):
                os.kill(worker, signal.SIGKILL)  # uvicorn's supervisor starts them again

        kills = kill_when_in_flight(desk, kill_the_workers, times=4)
        desk.join(DEADLINE_S + 30)
        assert kills == 4 and desk.lost >= 3  # answers really were lost mid-batch
        assert supervisor.poll() is None
    finally:
        stop(supervisor)
    check_nothing_lost_nor_doubled(desk, postgres_url, work)


def test_the_one_process_killed_mid_batch_and_started_again(tmp_path):
    """SQLite: the hub on a laptop, killed and started again on the same port."""
    database, port, work = tmp_path / "hub.sqlite3", free_port(), batches(2)
    processes = [serve(database, port)]
    url = f"http://127.0.0.1:{port}"
    desk = Desk(url, enrol(url), work)
    try:
        desk.start()

        def kill_and_start_again():
            processes[-1].kill()
            processes[-1].wait()
            processes.append(serve(database, port))

        kills = kill_when_in_flight(desk, kill_and_start_again, times=4)
        desk.join(DEADLINE_S + 30)
        assert kills == 4 and desk.lost >= 3
    finally:
        for process in processes:
            stop(process)
    check_nothing_lost_nor_doubled(desk, database, work)


def test_the_database_restarted_mid_batch(postgres_cluster, postgres_url, expected_warnings):
    """The service keeps running; PostgreSQL dies (immediate stop) while a batch's
    transaction is open, and comes back: that batch is answered 503, and sent again."""
    import psycopg

    def restart_inside_a_batch():
        # Hold the club's row: the next batch's transaction waits on it, open. Once the
        # database shows it waiting, stop the database dead under it.
        holder = psycopg.connect(postgres_url)
        try:
            holder.execute("SELECT 1 FROM clubs WHERE club_id = 1 FOR UPDATE")
            limit = time.monotonic() + 60
            while time.monotonic() < limit:
                holder.execute("SELECT pg_stat_clear_snapshot()")
                waiting = holder.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()[0]
                if waiting:
                    break
            assert waiting, "no batch came to wait on the club"
            postgres_cluster.restart(immediate=True)
        finally:
            with contextlib.suppress(psycopg.Error):
                holder.close()

    work = batches(3)
    with ReferenceServer(postgres_url, open_codes=True, clock=Clock(), rate_per_second=0) as server:
        desk = Desk(server.url, enrol(server.url), work)
        desk.start()
        restarts = kill_when_in_flight(desk, restart_inside_a_batch, 3)
        desk.join(DEADLINE_S + 30)
    assert restarts == 3 and desk.refused >= 3  # each restart cost its batch a 503
    said = {record.getMessage() for record in expected_warnings}
    assert said == {"the database cannot be reached"}
    check_nothing_lost_nor_doubled(desk, postgres_url, work)


def test_two_worker_processes_racing_for_one_code_accept_it_once(postgres_url):
    """Two clubs' desks send the same code at the same moment, 100 times, to a service of
    two worker processes that share only PostgreSQL: each time, exactly one acceptance."""
    from concurrent.futures import ThreadPoolExecutor

    port = free_port()
    supervisor = serve(postgres_url, port, "--workers", "2")
    try:
        url = f"http://127.0.0.1:{port}"
        store = ServerStore(
            postgres_url, seed=1, open_codes=True, seasons=load_seasons(), clock=Clock()
        )
        try:
            neighbour_code = store.new_enrolment_code(other_club=True)
        finally:
            store.close()
        neighbour = httpx.post(
            f"{url}/v1/devices",
            json={"enrolment_code": neighbour_code, "device_name": "Voisin"},
            timeout=60,
        )
        tokens = [enrol(url), neighbour.json()["token"]]
        clients = [
            httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {t}"})
            for t in tokens
        ]
        barrier = threading.Barrier(2)

        def send(client, code):
            body = {"items": [dict(batches(9)[0][0], code=code, idempotency_key=str(uuid.uuid4()))]}
            barrier.wait(timeout=60)
            return client.post("/v1/redemptions:batch", json=body).json()["results"][0]["status"]

        outcomes = []
        with ThreadPoolExecutor(2) as pool:
            for code in codes(100, seed=11):
                pair = [pool.submit(send, client, code) for client in clients]
                outcomes.append(sorted(future.result(timeout=120) for future in pair))
        for client in clients:
            client.close()
    finally:
        stop(supervisor)
    assert outcomes == [["accepted", "already_redeemed"]] * 100
