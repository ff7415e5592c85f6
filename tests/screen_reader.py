"""What a screen reader receives from the program, over the real accessibility bus.

The program runs as its own process on the real X platform (an Xvfb of its own), with
a private D-Bus session and the AT-SPI bus of at-spi2-core; an AT-SPI client
(tests/atspi_listener.py, with Debian's pyatspi) records every event the bus carries, as
Orca would receive it. The keyboard is a real one for the program: xdotool types into
the X server. Nothing listens beyond this machine's own sockets.

Debian's packages it needs (``.ci/run`` installs them): xvfb, dbus-daemon, at-spi2-core,
python3-pyatspi, xdotool.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
PACKAGES = {
    "Xvfb": "xvfb",
    "dbus-daemon": "dbus-daemon",
    "xdotool": "xdotool",
    LAUNCHER: "at-spi2-core",
}
# Orca, its debug log written line by line (it keeps 8 KB back otherwise), so that what it
# says can be read as it says it.
ORCA_LINE_BY_LINE = """
import builtins, runpy, sys
plain = builtins.open
def line_by_line(file, mode="r", buffering=-1, *args, **options):
    if "w" in mode and "b" not in mode and buffering == -1:
        buffering = 1
    return plain(file, mode, buffering, *args, **options)
builtins.open = line_by_line
sys.argv[0] = "orca"
runpy.run_path("/usr/bin/orca", run_name="__main__")
"""
WAIT_S = 60  # far above any answer; reached only when the awaited event never comes

Event = dict
Predicate = Callable[[Event], bool]


def missing_packages() -> list[str]:
    """The Debian packages the harness needs that this machine lacks."""
    lacking = [
        pkg for cmd, pkg in PACKAGES.items() if not shutil.which(cmd) and not Path(cmd).exists()
    ]
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        lacking.append("python3-pyatspi")
    return lacking


class ScreenReader:
    """The program under a screen reader's ears: start, keys, and what was heard."""

    def __init__(self, home: Path, folder: Path) -> None:
        self.home = home
        self.folder = folder
        self.events: list[Event] = []
        self._changed = threading.Condition()
        self._processes: list[subprocess.Popen] = []
        self.program: subprocess.Popen | None = None
        self._listener: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self._files: list = []
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("QT_", "DBUS_", "DISPLAY", "WAYLAND", "AT_SPI"))
        }

    # Start and stop

    def start(self) -> None:
        runtime = self.folder / "run"  # the buses' sockets, nobody else's
        runtime.mkdir(mode=0o700)
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        self._start_display()
        self._start_bus()
        self._spawn([LAUNCHER, "--launch-immediately"], stdout=subprocess.DEVNULL)
        listener = self._spawn(
            [SYSTEM_PYTHON, str(Path(__file__).with_name("atspi_listener.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._listener = listener
        self._reader = threading.Thread(target=self._read, args=(listener.stdout,), daemon=True)
        self._reader.start()
        self.wait(lambda e: e["type"] == "ready")
        program_env = {
            **self.env,
            "QT_QPA_PLATFORM": "xcb",
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "PASSSPORT_CLUB_HOME": str(self.home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        root = Path(__file__).resolve().parent.parent
        self.program = self._spawn(
            [sys.executable, "-m", "tests.screen_reader_child"],
            env=program_env,
            cwd=root,
            stdout=self._file("program.log"),
            stderr=subprocess.STDOUT,
        )

    def start_orca(self, log: Path) -> subprocess.Popen:
        """Orca itself, its speech written to ``log`` (its debug output) as it speaks."""
        prefs = self.folder / "orca"
        prefs.mkdir(exist_ok=True)
        env = {**self.env, "HOME": str(self.folder), "GTK_USE_PORTAL": "0"}
        options = ["--replace", "--user-prefs", str(prefs), "--debug-file", str(log)]
        orca = self._spawn(
            [SYSTEM_PYTHON, "-c", ORCA_LINE_BY_LINE, *options],
            env=env,
            stderr=self._file("orca.err"),
        )
        return orca

    def _start_display(self) -> None:
        read, write = os.pipe()
        self._spawn(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.env["DISPLAY"] = f":{number}"

    def _start_bus(self) -> None:
        bus = self._spawn(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()

    def _file(self, name: str):
        file = (self.folder / name).open("w")
        self._files.append(file)
        return file

    def _spawn(self, command: list[str], **options) -> subprocess.Popen:
        options.setdefault("env", self.env)
        options.setdefault("stdout", subprocess.DEVNULL)
        process = subprocess.Popen(command, start_new_session=True, **options)
        self._processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self._processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self._processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if process is self._listener:
                # Its last lines read before its pipe is closed: closing it under the
                # reading thread's feet would fail that thread.
                self._reader.join(WAIT_S)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        for file in self._files:
            file.close()

    # What the bus carried

    def _read(self, stream) -> None:
        for line in stream:
            if not line.endswith("\n"):  # the listener stopped in the middle of a line
                break
            event = json.loads(line)
            with self._changed:
                self.events.append(event)
                self._changed.notify_all()

    def mark(self) -> int:
        """Where the events of what comes next begin."""
        with self._changed:
            return len(self.events)

    def wait(self, predicate: Predicate, since: int = 0, what: str = "") -> Event:
        """The first event from ``since`` on that ``predicate`` accepts, as soon as it comes."""
        with self._changed:
            seen = since
            while True:
                for event in self.events[seen:]:
                    if predicate(event):
                        return event
                seen = len(self.events)
                if self.program is not None and self.program.poll() is not None:
                    log = (self.folder / "program.log").read_text(errors="replace")
                    raise AssertionError(f"the program stopped, waiting for {what}:\n{log}")
                program_alive = self.program is None or self.program.poll() is None
                if not self._changed.wait(WAIT_S) and program_alive:
                    # (a program that stopped meanwhile is said above, with its log)
                    raise AssertionError(
                        f"never heard {what or predicate}; heard:\n{self.heard(since)}"
                    )

    def focus(self, since: int, what: str = "the focus") -> Event:
        """The next object to take the focus."""
        return self.wait(is_focus, since, what)

    def heard(self, since: int = 0) -> str:
        with self._changed:
            events = self.events[since:]
        return "\n".join(json.dumps(e, ensure_ascii=False) for e in events)

    def _ask(self, question: str) -> tuple[int, Event]:
        start = self.mark()
        self._listener.stdin.write(f"{question}\n")
        self._listener.stdin.flush()
        return start, self.wait(lambda e: e["type"] == "end", start, question)

    def stop_hearing_keys(self) -> None:
        """No more keys: each one waits for the client's answer, which slows the program."""
        self._ask("keys-off")

    def tree(self) -> list[Event]:
        """The active window's objects, as a screen reader walks them."""
        start, end = self._ask("tree")
        with self._changed:
            return [e for e in self.events[start : self.events.index(end, start)] if "depth" in e]

    # The keyboard

    def keys(self, *names: str) -> None:
        """Keys pressed one after the other, as xdotool names them (Tab, Return, F2…)."""
        self._xdotool("key", "--clearmodifiers", *names)

    def keys_after_a_pause(self, *names: str) -> None:
        """Keys pressed as a person does once the screen has changed: some tenths of a
        second later (a scanner's Enter comes within milliseconds of the code)."""
        self._xdotool("sleep", "0.4", "key", "--clearmodifiers", *names)

    def type(self, text: str) -> None:
        """Text typed key by key. ASCII only: for a character its keyboard lacks (é),
        xdotool changes the keyboard's map for that key, and the program may read the key
        before it hears of the new map (accents are typed in the offscreen tests)."""
        assert text.isascii(), f"{text!r}: xdotool may lose what the keyboard lacks"
        self._xdotool("type", "--delay", "15", text)

    def _xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=WAIT_S)


def is_focus(event: Event) -> bool:
    return event["type"] == "object:state-changed:focused" and event["detail1"] == 1


def said(event: Event) -> str:
    """What a screen reader says of a focused object: its name, role and description."""
    return " ".join(
        p for p in (event.get("name"), event.get("role"), event.get("description")) if p
    )


def notified(since_text: str):
    """A notification appears whose name holds ``since_text``."""
    return lambda e: (
        e["type"] == "object:state-changed:showing"
        and e["detail1"] == 1
        and e.get("role") == "notification"
        and since_text in e.get("name", "")
    )
