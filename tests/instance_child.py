"""A program start reduced to its first question: is this data folder already open?

Run by tests/test_shell.py as a separate process. It waits for "go" on its input, so
that two of them ask at the same moment, prints "first" or "second", and the first one
keeps the folder until its input closes."""

import sys

from PySide6.QtCore import QCoreApplication

from app.paths import default_paths
from ui.shell import SingleInstance


def main() -> None:
    app = QCoreApplication([])
    instance = SingleInstance(default_paths().create())
    print("ready", flush=True)
    sys.stdin.readline()
    running = instance.already_running()
    print("second" if running else "first", flush=True)
    if not running:
        sys.stdin.read()  # held until the test lets go
        instance.release()
    del app


if __name__ == "__main__":
    main()
