"""Laptops of a forum on one network, as separate processes, for tests/test_forum_discovery.py.

Run inside a private network namespace: ``forum_discovery_child.py SCENARIO`` starts the
processes the scenario needs (each this same file with a role: ``announce``, ``browse``,
``garbage``, ``find``), drives them through their standard input and output (one JSON object
a line) and prints one JSON report on its last line. The test asserts on the report; a
scenario that does not reach its end reports ``error`` and everything seen until then.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import queue
import socket
import struct
import subprocess
import sys
import threading
import time

from zeroconf import ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from sync import discovery

CLUB = "Étoile sportive d'Aïn-Sefra — section judo"
OPENED_BY = "Zoé Ménard"
FP_A, FP_B, FP_GOOD, FP_GARBLED = "a1" * 8, "b2" * 8, "c3" * 8, "d4" * 8
GARBLED_CLUB = b"Judo \xff\xfe club"
PORT = 8443
STARTED = time.monotonic()
STEP_S = 12.0  # the longest any one step may take, on a loaded machine


_OUTPUT = threading.Lock()  # events come from several threads: one whole line each


def emit(**event: object) -> None:
    with _OUTPUT:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def hub_dict(hub: discovery.FoundHub) -> dict:
    return {**dataclasses.asdict(hub), "url": hub.url}


def wait_for_close() -> None:
    for line in sys.stdin:
        if line.strip() == "close":
            return


# Roles: each a process of its own.


def announce(args: argparse.Namespace) -> None:
    if args.first_suffix:  # as if the random draw gave this suffix first
        draws, real = [args.first_suffix], discovery._new_suffix
        discovery._new_suffix = lambda: draws.pop() if draws else real()
    started = time.monotonic()
    hub = discovery.Announcement(PORT, args.club, OPENED_BY, args.fp, addresses=[args.address])
    emit(event="started", constructor_s=time.monotonic() - started)
    emit(event="announced", ok=hub.wait_announced(STEP_S))
    wait_for_close()
    hub.close()
    emit(event="closed")


def browse(args: argparse.Namespace) -> None:
    browser = discovery.Browser(
        lambda hubs: emit(event="change", hubs=[hub_dict(h) for h in hubs]),
        interfaces=[args.address],
    )
    browser.start()
    observer = listening = None
    if args.observe:  # what went over the air under our type, read or not
        observer = Zeroconf(interfaces=[args.observe])

        def heard(zeroconf, service_type, name, state_change):
            if state_change is ServiceStateChange.Added:
                emit(event="heard", name=name)

        listening = ServiceBrowser(observer, discovery.SERVICE_TYPE, handlers=[heard])
    emit(event="started")
    wait_for_close()
    emit(event="final", hubs=[hub_dict(h) for h in browser.hubs()])
    browser.close()
    if observer is not None:
        listening.cancel()
        observer.close()
    emit(event="closed")


def _txt(*strings: bytes) -> bytes:
    return b"".join(bytes([len(s)]) + s for s in strings)


GARBAGE = {
    "sans empreinte": {b"v": b"1", b"club": b"Sans fp"},
    "version 9": {b"v": b"9", b"club": b"Futur", b"fp": FP_A.encode()},
    "empreinte illisible": {b"v": b"1", b"club": b"Bad", b"fp": b"\xff\xfe" * 8},
    "empreinte vide": {b"v": b"1", b"club": b"Vide", b"fp": None},
    "empreinte trop courte": {b"v": b"1", b"club": b"Court", b"fp": b"c3c3"},
    "txt tronque": _txt(b"v=1", b"club=Tronqu") + b"\x40fp=" + FP_A.encode(),
    "pas un hub": _txt(b"\xff\xfe=\xc3(", b"=", b""),
}


def _raw_packet() -> bytes:
    """A response whose only answer points at an instance name that is not UTF-8."""
    header = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0)
    service = b"".join(bytes([len(p)]) + p for p in (b"_passsport-club", b"_tcp", b"local"))
    target = bytes([6]) + b"\xff\xfe\xfd\x80ab" + b"\xc0\x0c"  # then the type, at offset 12
    return header + service + b"\x00" + struct.pack("!HHIH", 12, 1, 120, len(target)) + target


def garbage(args: argparse.Namespace) -> None:
    zc = Zeroconf(interfaces=[args.address])
    infos = [
        ServiceInfo(
            discovery.SERVICE_TYPE,
            f"{label}.{discovery.SERVICE_TYPE}",
            port=PORT,
            properties=properties,
            addresses=[socket.inet_aton("127.0.0.1")],
            server=f"garbage-{index}.local.",
        )
        for index, (label, properties) in enumerate(GARBAGE.items())
    ]
    infos.append(  # one of ours, but on port 0: nothing to connect to
        ServiceInfo(
            discovery.SERVICE_TYPE,
            f"port zero.{discovery.SERVICE_TYPE}",
            port=0,
            properties={b"v": b"1", b"fp": FP_A.encode()},
            addresses=[socket.inet_aton("127.0.0.1")],
            server="garbage-port.local.",
        )
    )
    infos.append(  # a hub whose club name went wrong on the way: listed, readably
        ServiceInfo(
            discovery.SERVICE_TYPE,
            f"garbled.{discovery.SERVICE_TYPE}",
            port=PORT,
            properties={b"v": b"1", b"club": GARBLED_CLUB, b"fp": FP_GARBLED.encode()},
            addresses=[socket.inet_aton("127.0.0.1")],
            server="garbage-garbled.local.",
        )
    )

    async def register_all() -> None:  # no probing: nobody else uses these names
        announcing = [
            await zc.async_register_service(info, cooperating_responders=True) for info in infos
        ]
        await asyncio.gather(*announcing)

    asyncio.run_coroutine_threadsafe(register_all(), zc.loop).result(STEP_S)
    raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.address))
    for packet in (_raw_packet(), b"\x00\x01garbage", bytes(range(256))):
        raw.sendto(packet, ("224.0.0.251", 5353))
    raw.close()
    emit(event="announced", names=[info.name for info in infos])
    wait_for_close()
    zc.close()
    emit(event="closed")


def find(args: argparse.Namespace) -> None:
    started = time.monotonic()
    hubs = discovery.find_hubs(args.timeout, interfaces=[args.address])
    emit(event="found", hubs=[hub_dict(h) for h in hubs], elapsed_s=time.monotonic() - started)


# The orchestra, run once per test. Each laptop has an address of its own on the loopback,
# as on a real network: zeroconf answers a probe by unicast, and all of them on 127.0.0.1
# would share that address and port, the answer reaching only one of them.

FIRST, SECOND = ("--address", "127.0.0.1"), ("--address", "127.0.0.2")
BROWSER = ("--address", "127.0.0.10", "--observe", "127.0.0.11")
GARBAGE_SENDER, FINDER = ("--address", "127.0.0.20"), ("--address", "127.0.0.30")


class StepFailed(Exception):
    pass


class Laptop:
    """One role's process; its events are read as they come, by a thread of its own."""

    def __init__(self, label: str, *args: str) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, __file__, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.events: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.errors: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "unreadable", "line": line}
            event["at_s"] = round(time.monotonic() - STARTED, 2)  # since the scenario began
            self.events.put(event)
        self.events.put(None)

    def _read_errors(self) -> None:
        self.errors.append(self.process.stderr.read())

    def expect(self, what: str, accept=lambda event: True) -> dict:
        deadline = time.monotonic() + STEP_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event is None:
                raise StepFailed(f"{self.label} ended before {what}")
            self.seen.append(event)
            if event["event"] == what and accept(event):
                return event
        raise StepFailed(f"{self.label}: no {what} within {STEP_S} s")

    def tell(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        self.tell("close")
        self.expect("closed")

    def stop(self) -> None:
        """Its input closed, as when the test ends; killed only if it does not end then."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(STEP_S / 2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STEP_S)


def one_hub(laptops: list[Laptop], report: dict) -> None:
    browser = laptops[0]
    browser.expect("started")
    hub = Laptop("announcer", "announce", "--club", CLUB, "--fp", FP_A, *FIRST)
    laptops.append(hub)
    report["constructor_s"] = hub.expect("started")["constructor_s"]
    report["announced"] = hub.expect("announced")["ok"]
    report["listed"] = browser.expect("change", lambda e: e["hubs"])["hubs"]
    finder = Laptop("finder", "find", "--timeout", "2", *FINDER)
    laptops.append(finder)
    report["found"] = finder.expect("found")


def two_hubs(laptops: list[Laptop], report: dict) -> None:
    browser = laptops[0]
    browser.expect("started")
    first = Laptop("first", "announce", "--fp", FP_A, "--first-suffix", "beef", *FIRST)
    laptops.append(first)
    report["first_announced"] = first.expect("announced")["ok"]
    second = Laptop("second", "announce", "--fp", FP_B, "--first-suffix", "beef", *SECOND)
    laptops.append(second)
    report["second_announced"] = second.expect("announced")["ok"]
    report["both"] = browser.expect("change", lambda e: len(e["hubs"]) == 2)["hubs"]
    first.close()
    report["after_close"] = browser.expect("change", lambda e: len(e["hubs"]) < 2)["hubs"]


def garbage_ignored(laptops: list[Laptop], report: dict) -> None:
    browser = laptops[0]
    browser.expect("started")
    sender = Laptop("garbage", "garbage", *GARBAGE_SENDER)
    laptops.append(sender)
    names = sender.expect("announced")["names"]
    for name in names:  # on the air, hence in the browser's hands, before the good hub
        browser.expect("heard", lambda e, name=name: e["name"] == name)
    report["announced_garbage"] = names
    good = Laptop("announcer", "announce", "--fp", FP_GOOD, *FIRST)
    laptops.append(good)
    good.expect("announced")
    browser.expect("change", lambda e: FP_GOOD in {h["fingerprint"] for h in e["hubs"]})
    browser.tell("close")
    report["final"] = browser.expect("final")["hubs"]
    browser.expect("closed")
    report["changes"] = [e["hubs"] for e in browser.seen if e["event"] == "change"]
    report["heard"] = [e["name"] for e in browser.seen if e["event"] == "heard"]


def find_nothing(laptops: list[Laptop], report: dict) -> None:
    finder = Laptop("finder", "find", "--timeout", "2", *FINDER)
    laptops.append(finder)
    report["found"] = finder.expect("found")


def no_interface(laptops: list[Laptop], report: dict) -> None:
    """In this process: nothing else to start when there is no network."""
    outcomes = {}
    attempts = {
        "browser, all interfaces": lambda: discovery.Browser(lambda hubs: None).start(),
        "browser, loopback": lambda: discovery.Browser(lambda h: None, ["127.0.0.1"]).start(),
        "announcement, all interfaces": lambda: discovery.Announcement(PORT, CLUB, "", FP_A),
        "announcement, loopback": lambda: discovery.Announcement(
            PORT, CLUB, "", FP_A, addresses=["127.0.0.1"]
        ),
    }
    for label, attempt in attempts.items():
        started = time.monotonic()
        try:
            attempt().close()
            outcome = {"raised": None}
        except discovery.DiscoveryUnavailable as error:
            outcome = {"raised": "DiscoveryUnavailable", "message": str(error)}
        outcome["elapsed_s"] = time.monotonic() - started
        outcomes[label] = outcome
    report["outcomes"] = outcomes


SCENARIOS = {
    "one_hub": (one_hub, True),
    "two_hubs": (two_hubs, True),
    "garbage_ignored": (garbage_ignored, True),
    "find_nothing": (find_nothing, False),
    "no_interface": (no_interface, False),
}


def orchestrate(name: str) -> None:
    scenario, with_browser = SCENARIOS[name]
    laptops = []
    report: dict = {"error": None}
    try:
        if with_browser:
            laptops.append(Laptop("browser", "browse", *BROWSER))
        scenario(laptops, report)
    except StepFailed as failed:
        report["error"] = str(failed)
    finally:
        for laptop in laptops:
            laptop.stop()
        report["events"] = {laptop.label: laptop.seen for laptop in laptops}
        report["stderr"] = {laptop.label: "".join(laptop.errors) for laptop in laptops}
    print(json.dumps(report), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role")
    parser.add_argument("--club", default=CLUB)
    parser.add_argument("--fp", default=FP_A)
    parser.add_argument("--first-suffix")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--observe", help="the address of a second, raw listener")
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    roles = {"announce": announce, "browse": browse, "garbage": garbage, "find": find}
    if args.role in roles:
        roles[args.role](args)
    else:
        orchestrate(args.role)


if __name__ == "__main__":
    main()
