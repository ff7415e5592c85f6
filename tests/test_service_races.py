"""Races the database settles, on PostgreSQL where several workers write at once.

Each race is made to happen, not hoped for: the test holds a row in a transaction of its
own, lets the service's requests come and wait on it (it sees them waiting in
``pg_stat_activity``), then lets go.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from sync.server import ReferenceServer
from sync.server_db import PostgresDatabase
from sync.training import TRAINING_ENROLMENT_CODE, CodeCategory, training_codes
from tests.factories import Clock

WAIT_S = 60


def wait_for_waiters(holder: psycopg.Connection, count: int) -> None:
    """Until ``count`` sessions wait on a lock (the holder's, here)."""
    limit = time.monotonic() + WAIT_S
    while time.monotonic() < limit:
        holder.execute("SELECT pg_stat_clear_snapshot()")
        waiting = holder.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        ).fetchone()[0]
        if waiting >= count:
            return
    raise AssertionError(f"{count} requests never came to wait on the row")


@pytest.fixture
def service(postgres_url):
    with ReferenceServer(postgres_url, clock=Clock(), rate_per_second=0) as server:
        yield server


def test_a_single_use_enrolment_code_enrols_one_device_only(service, postgres_url):
    code = service.new_enrolment_code()
    body = {"enrolment_code": code, "device_name": "Stand"}
    with psycopg.connect(postgres_url) as holder, ThreadPoolExecutor(2) as pool:
        holder.execute("SELECT 1 FROM enrolment_codes WHERE code = %s FOR UPDATE", (code,))
        answers = [
            pool.submit(httpx.post, f"{service.url}/v1/devices", json=body, timeout=WAIT_S)
            for _ in range(2)
        ]
        wait_for_waiters(holder, 2)  # both read the code unused, both want to spend it
        holder.commit()
        statuses = sorted(answer.result().status_code for answer in answers)
    assert statuses == [201, 403]
    assert len(service.store.device_token_hashes()) == 1


def test_a_redemption_paid_meanwhile_is_not_cancelled(service, postgres_url):
    lea = next(
        c for c in training_codes(1) if c.category is CodeCategory.AVAILABLE and c.year == 2025
    )
    rid = service.portal_redeem(lea.code, lea.last_name, lea.first_name, lea.birth_date)
    with httpx.Client(base_url=service.url, timeout=WAIT_S) as http:
        token = http.post(
            "/v1/devices", json={"enrolment_code": TRAINING_ENROLMENT_CODE, "device_name": "PC"}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        with psycopg.connect(postgres_url) as holder, ThreadPoolExecutor(1) as pool:
            holder.execute("SELECT 1 FROM clubs WHERE club_id = 1 FOR UPDATE")
            cancel = pool.submit(http.post, f"/v1/redemptions/{rid}/cancel", headers=auth)
            wait_for_waiters(holder, 1)
            holder.execute(  # the national side pays it while the cancel waits
                "UPDATE redemptions SET state = 'paid' WHERE redemption_id = %s", (rid,)
            )
            holder.commit()
            answer = cancel.result()
    assert answer.status_code == 409
    assert answer.json()["type"] == "urn:passsport:problem:already-paid"
    (row,) = [r for r in service.redemptions() if r["redemption_id"] == rid]
    assert row["state"] == "paid"


def test_a_deadlock_the_database_breaks_is_run_again(postgres_url):
    """PostgreSQL ends one of two deadlocked transactions; the work is then run again from
    the start, in a new transaction, and nothing of the first attempt stays."""
    database = PostgresDatabase(postgres_url)
    attempts = []

    def work(tx):
        tx.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
        tx.execute("INSERT INTO t VALUES (?)", (len(attempts),))
        attempts.append(threading.get_ident())
        if len(attempts) == 1:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        return [row["n"] for row in tx.execute("SELECT n FROM t")]

    try:
        assert database.run(work, write=True) == [1]  # the first attempt's row rolled back
        assert len(attempts) == 2
    finally:
        database.close()
