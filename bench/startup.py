"""Cold start: from launching the process to the main window shown, from source and, when
``make build`` has made it, the frozen program in ``dist/``."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Figure, measure

FROZEN = Path(__file__).resolve().parent.parent / "dist" / "passsport-club" / "passsport-club"
if sys.platform == "win32":
    FROZEN = FROZEN.with_suffix(".exe")


def _one_start(home: str, command: list[str]) -> float:
    env = dict(os.environ, PASSSPORT_CLUB_HOME=home)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--startup-time"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    process.stdout.readline()  # printed once the window is shown
    shown = time.perf_counter() - started
    process.wait(timeout=60)
    if process.returncode != 0:
        raise RuntimeError("the program did not start")
    return shown


def run(runs: int) -> list[Figure]:
    source = [sys.executable, "-m", "app"]
    first, later, frozen = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            first.append(_one_start(home, source))  # creates the database
            later.append(_one_start(home, source))
            if FROZEN.exists():
                frozen.append(_one_start(home, [str(FROZEN)]))
    figures = [
        measure("cold start to window, first run (new database)", "s", first),
        measure("cold start to window, existing database", "s", later, "< 1.0 s"),
    ]
    if frozen:  # the bootloader's unpacking included: from the process start
        figures.append(
            measure("frozen start to window (dist/), existing database", "s", frozen, "< 1.5 s")
        )
    return figures
