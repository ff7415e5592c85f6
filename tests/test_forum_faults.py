"""A forum where things go wrong, with real processes over real TLS on 127.0.0.1: the main
desk killed (SIGKILL) while desks send and started again on its folder; a desk killed and
started again; a desk out of range while both record the same code; the same code typed at
two desks within 50 ms, 200 times. Each ends with nothing lost and nothing doubled: at the
main desk and at the national service every code is held exactly once, under the key of
the desk that recorded it, and the desk that lost a race sees its registration "à vérifier".
"""

import contextlib
import random
import socket
import threading
import time
from collections import Counter

import pytest

from sync.client import ApiClient
from sync.server import ReferenceServer
from tests.forum_desk_child import (
    NOW,
    STEP_S,
    Child,
    code_text,
    join,
    settle,
    start_desk,
    start_hub,
)

pytestmark = pytest.mark.timeout(240)
KILLS = 3
BURST = 15  # registrations a desk records at once, its engine sending meanwhile
ROUNDS = 200
WITHIN_S = 0.050  # the second desk types the same code this long after the first, at most
ROUNDS_DEADLINE_S = 120.0


@pytest.fixture
def national(tmp_path):
    with ReferenceServer(
        tmp_path / "national.sqlite3", open_codes=True, clock=lambda: NOW
    ) as served:
        with ApiClient(served.url) as client:
            served.token = client.enrol(served.new_enrolment_code(), "poste principal").token
        yield served


def wait_for(condition, what: str, timeout: float = STEP_S):
    """``condition()`` once true (each try asks a process: no sleep), or fail."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, what
    return found


def once_each(held: list[tuple[str, str]]) -> dict[str, str]:
    """{code: key} of ``held`` (code, key) rows, failing if a code is there twice."""
    twice = [code for code, n in Counter(code for code, _ in held).items() if n > 1]
    assert twice == [], f"held twice: {twice}"
    return dict(held)


def national_rows(national, codes) -> dict[str, str]:
    return once_each([
        (r["code"], r["idempotency_key"]) for r in national.redemptions()
        if r["code"] in codes and r["state"] != "cancelled"
    ])  # fmt: skip


def hub_rows(hub: Child) -> dict[str, str]:
    held = hub.ask(cmd="held")["held"]
    return once_each([(h["code"], h["idempotency_key"]) for h in held if h["state"] != "cancelled"])


def held_by_the_main_desk(seen: list[list[dict]]) -> bool:
    return all(s["forum_id"] or s["state"] == "to_check" for states in seen for s in states)


def everything_confirmed(seen: list[list[dict]]) -> bool:
    return all(s["state"] == "confirmed" for states in seen for s in states)


def expect_one_list(national, hub: Child, desks: list[Child]) -> tuple[dict[str, str], list]:
    """Forward, bring every desk's answers back; every desk registration confirmed and held
    once at the main desk and nationally under its own key. {code: key} and the states."""
    settle(desks, held_by_the_main_desk)  # a burst answers once saved, not once sent
    assert hub.ask(cmd="forward")["waiting"] == 0
    states = settle(desks, everything_confirmed)
    recorded = once_each([(s["code"], s["key"]) for desk in states for s in desk])
    assert hub_rows(hub) == recorded
    assert national_rows(national, set(recorded)) == recorded
    return recorded, states


def test_the_main_desk_killed_mid_forum_comes_back_on_its_folder_and_port(tmp_path, national):
    folder = tmp_path / "hub"
    hub = start_hub(folder, national.url, national.token)
    port = hub.ready["port"]
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    saved, offline_passes = 0, 0
    try:
        join(a, hub), join(b, hub)
        for kill in range(KILLS):
            before = len(hub.ask(cmd="held")["held"])
            a.send(cmd="burst", start=1000 * kill, count=BURST)
            b.send(cmd="burst", start=1000 * kill + 500, count=BURST)
            # Killed once the desks' batches are coming in: it is at work.
            wait_for(lambda hub=hub, before=before: len(hub.ask(cmd="held")["held"]) > before,
                     "no batch came in")  # fmt: skip
            hub.kill()
            saved += sum(len(d.read()["done"]) for d in (a, b))
            offline_passes += sum(d.ask(cmd="sync")["state"] == "offline" for d in (a, b))
            hub = start_hub(folder, national.url, national.token, port=None)
            assert hub.ready["port"] == port  # the desks find it where it was
            assert [d.ask(cmd="sync")["state"] for d in (a, b)] == ["online", "online"]
        assert offline_passes == 2 * KILLS  # each desk saw it gone, and went on alone
        recorded, _ = expect_one_list(national, hub, [a, b])
        assert len(recorded) == saved == 2 * KILLS * BURST
        # No desk had to join again: same certificate, same tokens.
        assert len(hub.ask(cmd="devices")["devices"]) == 2
        print(f"\n{KILLS} kills, {saved} saved, {len(recorded)} held once at both ends, "
              f"{national.count_replays()} national replays")  # fmt: skip
    finally:
        for child in (a, b, hub):
            child.close()


def test_a_desk_stopped_and_started_again_goes_on_with_the_main_desk(tmp_path, national):
    hub = start_hub(tmp_path / "hub", national.url, national.token)
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    try:
        join(a, hub), join(b, hub)
        first = a.ask(cmd="burst", start=0, count=BURST)["done"]
        a.kill()  # the volunteer closes the laptop, some registrations not sent yet
        b.ask(cmd="burst", start=500, count=BURST)
        a = start_desk(tmp_path / "a", "Poste A")
        assert a.ready["joined"] is True  # its pinned certificate and token, kept
        a.ask(cmd="burst", start=100, count=BURST)
        recorded, states = expect_one_list(national, hub, [a, b])
        assert {d["key"] for d in first} <= set(recorded.values())
        assert len(recorded) == 3 * BURST
        assert [len(s) for s in states] == [2 * BURST, BURST]
        assert len(hub.ask(cmd="devices")["devices"]) == 2
    finally:
        for child in (a, b, hub):
            child.close()


class Relay:
    """Bytes both ways between 127.0.0.1:``port`` and the main desk (TLS passes through
    untouched). ``cut()`` drops every connection and resets new ones, as a desk out of
    range of the venue's wifi; ``restore()`` lets them through again."""

    def __init__(self, target_port: int) -> None:
        self._target = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.cut_off, self.refused = False, 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, name="relay-accept")]

    def __enter__(self) -> "Relay":
        self._threads[0].start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.cut()
        for thread in list(self._threads):
            thread.join(STEP_S)
        self._listener.close()

    def cut(self) -> None:
        with self._lock:
            self.cut_off = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    def restore(self) -> None:
        with self._lock:
            self.cut_off = False

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                if self.cut_off:
                    self.refused += 1
                    client.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(("127.0.0.1", self._target))
                except OSError:
                    client.close()
                    continue
                self._sockets += [client, upstream]
                for source, sink in ((client, upstream), (upstream, client)):
                    pump = threading.Thread(target=self._pump, args=(source, sink), name="relay")
                    self._threads.append(pump)
                    pump.start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()


def test_a_desk_out_of_range_records_a_code_another_desk_also_records(tmp_path, national):
    hub = start_hub(tmp_path / "hub", national.url, national.token)
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    with Relay(hub.ready["port"]) as relay:
        try:
            join(a, hub)
            join(b, hub, address=f"127.0.0.1:{relay.port}")
            assert b.ask(cmd="sync")["state"] == "online"
            relay.cut()
            # B, out of range, goes on alone: its check fails fast, it saves.
            at_b = b.ask(cmd="record", number=1)
            assert at_b["outcome"] == "saved" and at_b["check"]["error"] == "RetryLater"
            assert at_b["check"]["ms"] < 1500
            b.ask(cmd="burst", start=200, count=5)  # and other families meanwhile
            at_a = a.ask(cmd="record", number=1)
            assert at_a["outcome"] == "saved" and at_a["check"]["state"] == "available"
            assert b.ask(cmd="sync")["state"] == "offline"
            assert a.ask(cmd="sync")["state"] == "online"
            assert hub_rows(hub)[at_a["code"]] == at_a["key"]
            relay.restore()
            states = settle([a, b], lambda seen: all(
                s["state"] != "to_send" or s["forum_id"] for s in seen[1]
            ))  # fmt: skip
            assert relay.refused > 0
            lost = next(s for s in states[1] if s["key"] == at_b["key"])
            assert (lost["state"], lost["reason"]) == ("to_check", "duplicate_here")
            conflicts = hub.ask(cmd="conflicts")["conflicts"]
            assert [(c["code"], c["desk"], c["kept_desk"]) for c in conflicts] == [
                (at_a["code"], "Poste B", "Poste A")
            ]
            assert hub.ask(cmd="forward")["waiting"] == 0
            states = settle([a, b], lambda seen: all(
                s["state"] == "confirmed" for s in seen[0] + seen[1] if s["key"] != at_b["key"]
            ))  # fmt: skip
            kept = [(s["code"], s["key"]) for d in states for s in d if s["key"] != at_b["key"]]
            assert hub_rows(hub) == dict(kept) == national_rows(national, dict(kept))
            assert len(kept) == 6  # A's one, B's five others
        finally:
            for child in (a, b, hub):
                child.close()


def test_the_same_code_typed_at_two_desks_within_50_ms_is_kept_once(tmp_path, national):
    hub = start_hub(tmp_path / "hub", national.url, national.token)
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    pick = random.Random(20260912)
    outcomes: dict[str, dict[str, dict]] = {}
    try:
        join(a, hub), join(b, hub)
        deadline = time.monotonic() + ROUNDS_DEADLINE_S
        for round_no in range(ROUNDS):
            first, second = pick.sample([("A", a), ("B", b)], 2)
            number = 10_000 + round_no
            first[1].send(cmd="record", number=number)
            time.sleep(pick.uniform(0, WITHIN_S))  # the second volunteer's delay, drawn
            second[1].send(cmd="record", number=number)
            outcomes[code_text(number)] = {first[0]: first[1].read(), second[0]: second[1].read()}
            assert time.monotonic() < deadline, f"{round_no} rounds in {ROUNDS_DEADLINE_S} s"
        live = sum(
            1 for both in outcomes.values() if {o["outcome"] for o in both.values()} == {
                "saved", "duplicate"}
        )  # fmt: skip
        assert all("saved" in {o["outcome"] for o in both.values()} for both in outcomes.values())
        settle([a, b], held_by_the_main_desk)
        assert hub.ask(cmd="forward")["waiting"] == 0
        states = settle([a, b], lambda seen: all(
            s["state"] in ("confirmed", "to_check") for d in seen for s in d
        ))  # fmt: skip
        by_key = {s["key"]: s for d in states for s in d}
        kept = {}
        after_sending = 0
        for code, both in outcomes.items():
            saved = [o for o in both.values() if o["outcome"] == "saved"]
            finals = sorted((by_key[o["key"]]["state"], by_key[o["key"]]["reason"]) for o in saved)
            if len(saved) == 2:
                after_sending += 1
                assert finals == [("confirmed", None), ("to_check", "duplicate_here")], code
            else:
                assert finals == [("confirmed", None)], code
            kept[code] = next(o["key"] for o in saved if by_key[o["key"]]["state"] == "confirmed")
        assert hub_rows(hub) == kept == national_rows(national, set(kept))
        assert live + after_sending == ROUNDS
        assert len(hub.ask(cmd="conflicts")["conflicts"]) == after_sending
        assert sum(len(d) for d in states) == ROUNDS + after_sending  # none lost
        print(f"\n{ROUNDS} rounds: {live} caught live by the check, {after_sending} to check "
              f"after sending; {len(kept)} held once at both ends")  # fmt: skip
    finally:
        for child in (a, b, hub):
            child.close()
