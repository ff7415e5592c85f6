"""A program in training mode, for tests/test_training.py to stop with SIGKILL.

It opens the test's home folder with a throwaway key (no keyring in a child), starts a
training session, prints its folder and waits to be killed."""

import sys

from app.desk import open_desk
from app.paths import default_paths
from app.settings import Settings
from ui.app import make_application
from ui.training import TrainingSession


def main() -> None:
    make_application([])
    paths = default_paths().create()
    # Its own file: the test opens the real one with its keyring afterwards.
    desk = open_desk(paths.data / "autre.sqlite3", paths.backups, throwaway_key=True)
    session = TrainingSession(desk, Settings(paths.settings_file), on_leave=lambda: None)
    session.start()
    print(session.folder, flush=True)
    sys.stdin.read()  # killed here


if __name__ == "__main__":
    main()
