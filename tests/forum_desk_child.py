"""A forum's laptops as processes of their own, driven by the forum tests and bench/forum.py.

``python -m tests.forum_desk_child desk --home DIR --name NAME`` is a desk: its own database
below DIR (the program's store, sealed with a fixed key), its own keyring (a file below DIR,
standing in for the system's, so that a desk started again finds its token), the
:class:`~sync.link.NationalLink` and its sync engine, as the program builds them. It joins a
main desk with :func:`sync.forum.join_hub` and records registrations through the desk's own
actions (``Desk.read_code``, ``Desk.check_person``, ``Desk.validate``, then the link's wake,
as the window does after a save).

``python -m tests.forum_desk_child hub --home DIR --club-name ... --siret ... --rna ...`` is a
main desk with a national account (the command-line main desk, ``python -m app hub``, has
none): :class:`~sync.forum.Hub` with its forwarder sending to the national service whose
address and token come in the environment (:data:`NATIONAL_URL`, :data:`NATIONAL_TOKEN`),
``--national off`` to start without it.

Both read one JSON command a line on stdin and answer one JSON object a line on stdout,
flushed; the first line says ``ready``. Nothing waits on a timer: ``sync`` wakes the engine
and answers when a pass that started after the wake has ended, ``forward`` the same for the
forwarder. Clocks are fixed in the 2026 season (12 September 2026).

:class:`Child` is the parent's side: it starts one, asks, and stops or kills it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 9, 12, 10, 0, tzinfo=UTC)  # a forum Saturday: the 2026 season is open
CODE_YEAR = 2026
NATIONAL_URL, NATIONAL_TOKEN = "PASSSPORT_FORUM_NATIONAL_URL", "PASSSPORT_FORUM_NATIONAL_TOKEN"
CLUB = {"name": "Étoile sportive d'Hérouville", "siret": "73282932000074", "rna": "W751234567"}
# Young people of the 2026 season (6 to 17): names the logs must never hold.
PEOPLE = (
    ("Plantévoix", "Zébulon", "15/03/2014"),
    ("Lefèvre", "Chloé", "12/03/2012"),
    ("Diallo", "Aïssata", "02/11/2010"),
    ("Martin", "Léo", "30/06/2015"),
)
STEP_S = 60.0  # the longest one answer may take, on a machine with both cores busy
_ENDS = ("online", "offline", "needs_enrolment", "certificate_refused", "stopped")


def code_text(number: int) -> str:
    """The 2026 code numbered ``number`` (``26-XXXX-XXXX``)."""
    from bench.crash_child import code_text as numbered

    return numbered(number, CODE_YEAR)


# -- the child's side ---------------------------------------------------------------------


def _answer(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields, default=str) + "\n")
    sys.stdout.flush()


class Passes:
    """The passes of a background loop, from the statuses it publishes: ``wait_next`` wakes
    it and returns the end of a pass that started after the wake."""

    def __init__(self, starts: tuple[str, ...], ends: tuple[str, ...]) -> None:
        self._starts, self._ends = starts, ends
        self._changed = threading.Condition()
        self._ended, self._running = 0, False
        self.last: Any = None
        self.seen: list[str] = []

    def __call__(self, status: Any) -> None:
        with self._changed:
            self.seen.append(status.state)
            if status.state in self._starts:
                self._running = True
            elif status.state in self._ends:
                self._running, self.last = False, status
                self._ended += 1
                self._changed.notify_all()

    def wait_next(self, wake: Any, timeout: float = STEP_S) -> Any:
        with self._changed:
            # A pass under way may have read before the wake: the one after it counts.
            mark = self._ended + (1 if self._running else 0)
            wake()
            if not self._changed.wait_for(lambda: self._ended > mark, timeout):
                return None
            return self.last


def _file_keyring(path: Path) -> None:
    """A keyring in a file of the desk's folder, counted as secure (tests only)."""
    import keyring
    import keyring.backend

    from tests.factories import trusted

    class FileKeyring(keyring.backend.KeyringBackend):
        priority = 5

        def _all(self) -> dict[str, str]:
            return json.loads(path.read_text()) if path.exists() else {}

        def get_password(self, service: str, username: str) -> str | None:
            return self._all().get(f"{service}/{username}")

        def set_password(self, service: str, username: str, password: str) -> None:
            saved = self._all() | {f"{service}/{username}": password}
            fresh = path.with_suffix(".new")
            descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as out:
                json.dump(saved, out)
            fresh.replace(path)

        def delete_password(self, service: str, username: str) -> None:
            saved = self._all()
            saved.pop(f"{service}/{username}", None)
            path.write_text(json.dumps(saved))

    keyring.set_keyring(trusted(FileKeyring()))


def desk_main(args: argparse.Namespace) -> None:
    os.environ["PASSSPORT_CLUB_HOME"] = str(args.home)
    from app.desk import Desk
    from app.paths import default_paths
    from app.seasons import load_seasons
    from app.store import open_store
    from bench.crash import BENCH_VAULT
    from sync.client import ApiError
    from sync.forum import join_hub
    from sync.link import NationalLink
    from sync.pairing import PairingRefused

    _file_keyring(args.home / "keyring.json")
    paths = default_paths().create()
    conn = open_store(paths.database, paths.backups, BENCH_VAULT)
    desk = Desk(conn, load_seasons(), lambda: NOW, BENCH_VAULT)
    if desk.club_profile() is None:
        desk.save_club_profile(CLUB["name"], CLUB["siret"], CLUB["rna"], "Judo")
    desk.set_volunteer("Banc")
    passes = Passes(("sending",), _ENDS)
    link = NationalLink(
        paths.database, on_status=passes, vault=BENCH_VAULT, clock=lambda: NOW,
        base_backoff_s=0.05, max_backoff_s=0.5,
    )  # fmt: skip
    link.start()  # a desk started again goes on with the main desk it joined

    def check(code: str) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            state = link.forum_check(code)
        except ApiError as error:
            state = {"error": type(error).__name__, "reason": getattr(error, "reason", "")}
        return state | {"ms": (time.perf_counter() - started) * 1000}

    def record(text: str, number: int, with_check: bool) -> dict[str, Any]:
        code, existing = desk.read_code(text)
        if existing is not None:
            return {"outcome": "here_already", "code": str(code)}
        checked = check(str(code)) if with_check else None
        if checked is not None and checked.get("state") == "redeemed":
            return {"outcome": "duplicate", "code": str(code), "check": checked}
        last, first, born = PEOPLE[number % len(PEOPLE)]
        started = time.perf_counter()
        saved = desk.validate(code, desk.check_person(last, first, born, desk.season_of(code)))
        save_ms = (time.perf_counter() - started) * 1000
        link.wake()
        key = conn.execute(
            "SELECT idempotency_key FROM validations WHERE id = ?", (saved.id,)
        ).fetchone()[0]
        return {"outcome": "saved", "code": str(code), "key": key, "check": checked,
                "save_ms": save_ms}  # fmt: skip

    def states() -> list[dict[str, Any]]:
        rows = conn.execute(
            "SELECT v.code, v.idempotency_key, v.state, v.national_reason, v.national_id,"
            " w.forum_id, v.last_name FROM validation_rows v JOIN validations w USING (id)"
            " ORDER BY v.id"
        )
        names = ("code", "key", "state", "reason", "national_id", "forum_id", "last_name")
        return [dict(zip(names, row, strict=True)) for row in rows]

    _answer(ready=True, joined=link.forum() is not None)
    for line in sys.stdin:
        ask = json.loads(line)
        cmd = ask["cmd"]
        if cmd == "join":
            started = time.perf_counter()
            try:
                joined = join_hub(ask["address"], ask["code"], args.name)
            except (PairingRefused, ApiError) as error:
                _answer(error=type(error).__name__, reason=getattr(error, "reason", ""))
                continue
            seconds = time.perf_counter() - started
            link.join_forum(joined)
            link.start()
            _answer(device_id=joined.device_id, seconds=seconds, main_desk=joined.main_desk)
        elif cmd == "record":
            number = ask.get("number", 0)
            _answer(**record(ask.get("code") or code_text(number), number, ask.get("check", True)))
        elif cmd == "burst":
            done = [
                record(code_text(n), n, ask.get("check", False))
                for n in range(ask["start"], ask["start"] + ask["count"])
            ]
            _answer(done=done)
        elif cmd == "check":
            _answer(**check(ask["code"]))
        elif cmd == "sync":
            status = passes.wait_next(link.wake) if link.engine is not None else None
            _answer(state=status.state if status else None,
                    pending=desk.pending_count(), to_check=len(desk.to_check()))  # fmt: skip
        elif cmd == "states":
            _answer(states=states(), pending=desk.pending_count())
        elif cmd == "conflicts":
            _answer(conflicts=link.forum_conflicts())
        elif cmd == "quit":
            break
    link.stop()
    desk.close()


def hub_main(args: argparse.Namespace) -> None:
    logging.basicConfig(
        filename=args.home / "hub.log", level=logging.DEBUG,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )  # fmt: skip
    from app.seasons import load_seasons
    from sync.client import ApiClient
    from sync.forum import Hub

    url, token = os.environ.get(NATIONAL_URL, ""), os.environ.get(NATIONAL_TOKEN, "")
    national = {"on": args.national == "on" and bool(url and token)}
    passes = Passes(("sending",), ("idle", "waiting", "no_account"))
    club = {"name": args.club_name, "siret": args.siret, "rna": args.rna}
    hub = Hub(
        args.home / "forum", club, load_seasons(), opened_by="Marie", host=args.host,
        port=args.port, clock=lambda: NOW, forward_every_s=args.forward_every,
        national=lambda: ApiClient(url, token) if national["on"] else None, on_forward=passes,
    )  # fmt: skip
    hub.start()
    _answer(ready=True, address=f"{args.host}:{hub.port}", port=hub.port, url=hub.local_url,
            fingerprint=hub.fingerprint)  # fmt: skip
    for line in sys.stdin:
        ask = json.loads(line)
        cmd = ask["cmd"]
        if cmd == "code":
            _answer(code=hub.new_code().code)
        elif cmd == "devices":
            _answer(devices=hub.devices())
        elif cmd == "revoke":
            hub.revoke(ask["device_id"])
            _answer(done=True)
        elif cmd == "conflicts":
            _answer(conflicts=hub.store.conflicts())
        elif cmd == "held":
            names = ("code", "idempotency_key", "state", "device_id", "last_name")
            held = [{n: row[n] for n in names} for row in hub.store.redemptions()]
            _answer(held=held, waiting=hub.store.waiting_count())
        elif cmd == "national":
            national["on"] = bool(ask["on"])
            _answer(done=True)
        elif cmd == "forward":
            started = time.perf_counter()
            status = passes.wait_next(hub.forwarder.wake)
            _answer(state=status.state if status else None, waiting=hub.store.waiting_count(),
                    seconds=time.perf_counter() - started)  # fmt: skip
        elif cmd == "stats":
            _answer(replays=hub.server.count_replays(), requests=hub.server.request_count)
        elif cmd == "quit":
            break
    hub.stop()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.forum_desk_child")
    roles = parser.add_subparsers(dest="role", required=True)
    desk = roles.add_parser("desk")
    desk.add_argument("--home", type=Path, required=True)
    desk.add_argument("--name", required=True)
    hub = roles.add_parser("hub")
    hub.add_argument("--home", type=Path, required=True)
    hub.add_argument("--club-name", default=CLUB["name"])
    hub.add_argument("--siret", default=CLUB["siret"])
    hub.add_argument("--rna", default=CLUB["rna"])
    hub.add_argument("--host", default="127.0.0.1")
    hub.add_argument("--port", type=int, help="none: the one it had last time, as the program")
    hub.add_argument("--national", choices=("on", "off"), default="on")
    hub.add_argument("--forward-every", type=float, default=3600.0)
    args = parser.parse_args(argv)
    (desk_main if args.role == "desk" else hub_main)(args)


# -- the parent's side --------------------------------------------------------------------


class ChildFailed(AssertionError):
    pass


class Child:
    """One child process: ``ask`` sends a command and returns its answer (JSON), or each
    line as text with ``text=True`` (the command-line main desk)."""

    def __init__(
        self, argv: list[str], log: Path, env: dict[str, str] | None = None, text: bool = False,
        umask: int = -1,
    ) -> None:  # fmt: skip
        self.log, self._text = log, text
        self.ready: dict[str, Any] = {}  # the child's first line
        self._lines: queue.Queue[Any] = queue.Queue()
        environ = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
        environ.pop("PASSSPORT_CLUB_HOME", None)
        with log.open("ab") as err:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                cwd=ROOT, env=environ, text=True, encoding="utf-8", bufsize=1, umask=umask,
            )  # fmt: skip
        self._reader = threading.Thread(target=self._read, name="child-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n") if self._text else json.loads(line))
        self._lines.put(None)

    def _failed(self, what: str) -> ChildFailed:
        return ChildFailed(f"{what}; its stderr:\n{self.log.read_text(errors='replace')[-3000:]}")

    def read(self, timeout: float = STEP_S) -> Any:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise self._failed(f"no answer within {timeout} s") from None
        if line is None:
            self._lines.put(None)
            raise self._failed("the child ended")
        return line

    def read_until(self, match: Any, timeout: float = STEP_S) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            line = self.read(max(0.0, deadline - time.monotonic()))
            if match(line):
                return line

    def send(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def ask(self, timeout: float = STEP_S, **command: Any) -> dict[str, Any]:
        self.send(**command)
        return self.read(timeout)

    def kill(self) -> None:
        """SIGKILL: no goodbye, as when the laptop's battery dies."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self._end()

    def close(self, timeout: float = STEP_S) -> int:
        """Asked to stop (``quit``, or SIGTERM for the command-line main desk); its status."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                if self._text:
                    self.process.send_signal(signal.SIGTERM)
                else:
                    self.send(cmd="quit")
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self._end()

    def _end(self) -> int:
        status = self.process.wait(STEP_S)
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self._reader.join(STEP_S)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return status

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_desk(folder: Path, name: str) -> Child:
    """A desk in ``folder`` (its home), once it said it is ready."""
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "tests.forum_desk_child", "desk", "--home", str(folder)]
    child = Child([*argv, "--name", name], folder / "stderr.txt")
    child.ready = child.read()
    return child


def start_hub(
    folder: Path, national_url: str = "", token: str = "", *, port: int | None = 0,
    national: bool = True, umask: int = -1,
) -> Child:  # fmt: skip
    """The main desk with a national account in ``folder``; ``port`` None: the one it had."""
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "tests.forum_desk_child", "hub", "--home", str(folder)]
    argv += ["--national", "on" if national else "off"]
    if port is not None:
        argv += ["--port", str(port)]
    env = {NATIONAL_URL: national_url, NATIONAL_TOKEN: token}
    child = Child(argv, folder / "stderr.txt", env=env, umask=umask)
    child.ready = child.read()
    return child


def join(desk: Child, hub: Child, address: str | None = None) -> dict[str, Any]:
    """``desk`` joins ``hub`` with a code the hub shows; the desk's answer."""
    code = hub.ask(cmd="code")["code"]
    joined = desk.ask(cmd="join", address=address or hub.ready["address"], code=code)
    if "device_id" not in joined:
        raise ChildFailed(f"the desk did not join: {joined}")
    return joined


def settle(desks: list[Child], done: Any, timeout: float = STEP_S) -> list[list[dict]]:
    """Sync every desk until ``done(states of each desk)``; the states. Bounded."""
    deadline = time.monotonic() + timeout
    while True:
        for desk in desks:
            desk.ask(cmd="sync")
        seen = [desk.ask(cmd="states")["states"] for desk in desks]
        if done(seen):
            return seen
        if time.monotonic() > deadline:
            counts = [Counter((s["state"], s["reason"]) for s in states) for states in seen]
            raise ChildFailed(f"not settled within {timeout} s: {counts}")


if __name__ == "__main__":
    main(sys.argv[1:])
