"""Cold start from source: from launching the process to the main window shown."""

import os
import subprocess
import sys
import tempfile
import time

from bench.harness import Figure, measure


def _one_start(home: str) -> float:
    env = dict(os.environ, PASSSPORT_CLUB_HOME=home)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--startup-time"],
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
    first, later = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            first.append(_one_start(home))  # creates the database
            later.append(_one_start(home))
    return [
        measure("cold start to window, first run (new database)", "s", first),
        measure("cold start to window, existing database", "s", later, "< 1.0 s"),
    ]
