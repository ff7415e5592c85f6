"""Nothing half-written outlives its job: exports and backups killed (SIGKILL) in the
middle leave their temporary files, and the next start removes them all, and only them.
Real processes, real files, the program started as from its icon."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.backups import clean_leftovers, list_backups
from app.paths import default_paths
from app.settings import Settings
from tests.factories import open_desk
from tests.ui_helpers import start_shell

ROOT = Path(__file__).resolve().parent.parent
KILLS = 20  # of each kind
# The open data and the files that go with it while the program runs.
THE_DATA = {"club.sqlite3", "club.sqlite3-wal", "club.sqlite3-shm", "instance.lock"}

# Writes an export whose rows stop coming once some are on the disk: the temporary file
# is there, holding names, when the child says "writing" and waits to be killed.
EXPORT_CHILD = """
import sys
from pathlib import Path
from app.exports import FIELDS, Labels, export_csv, export_xlsx

folder, kind = Path(sys.argv[1]), sys.argv[2]
labels = Labels({key: key for key, _ in FIELDS}, {}, "Total", "Feuille")

def rows():
    for number in range(10**9):
        if number == 6000:
            print("writing", flush=True)
            sys.stdin.readline()  # never answered: killed here
        yield (f"R{number}", "25-ABCD-EFGH", "Lefèvre", "Chloé", "Judo", 2025, None,
               "to_enter", 7000, None, 0, 7000)

write = export_csv if kind == "csv" else export_xlsx
write(folder / f"tresorerie.{kind}", rows(), 0, labels)
"""

# Backs up the data page by page; after the first pages the child says "copying" and
# waits to be killed, its copy half made.
BACKUP_CHILD = """
import sqlite3, sys
from datetime import UTC, datetime
from pathlib import Path
from app.backups import make_backup

class PageByPage(sqlite3.Connection):
    def backup(self, target, **options):
        def progress(status, remaining, total):
            print("copying", flush=True)
            sys.stdin.readline()  # never answered: killed here
        super().backup(target, pages=1, progress=progress)

source = sqlite3.connect(sys.argv[1], factory=PageByPage)
make_backup(source, Path(sys.argv[2]), sys.argv[3], datetime.now(UTC))
"""


def killed_midway(script: str, *args: str, said: str) -> None:
    """Run ``script`` in a real process and SIGKILL it once it says ``said``."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == said, child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdin.close()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode != 0, "killed before its job ended"


def files_in(*folders: Path) -> set[Path]:
    return {Path(entry) for folder in folders for entry in os.scandir(folder) if entry.is_file()}


def left_over(*folders: Path) -> set[Path]:
    """Everything in the folders that is neither a checked backup, its checksum, the data,
    nor a finished export."""
    kept = set()
    for folder in folders:
        for backup in list_backups(folder):
            kept |= {backup.path, backup.checksum_path}
    return {
        path
        for path in files_in(*folders) - kept
        if path.name not in THE_DATA and not path.name.startswith("tresorerie.")
    }


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_exports_and_backups_killed_midway_leave_nothing_after_the_next_start(qtbot, clock):
    desk = open_desk(clock)
    for number in range(30):  # a database of a few pages
        letters = "ABCDEFGHJK"
        parsed, _ = desk.read_code(f"25-ABCD-EF{letters[number // 10]}{letters[number % 10]}")
        person = desk.check_person("Lefèvre", "Chloé", "15032012", desk.season_of(parsed))
        desk.validate(parsed, person)
    desk.close()
    paths = default_paths()
    usb = paths.data.parent / "cle-usb"  # where the treasurer saved exports and a copy
    usb.mkdir()
    Settings(paths.settings_file).set("last_folder", str(usb))

    for number in range(KILLS):
        kind = ("csv", "xlsx")[number % 2]
        killed_midway(EXPORT_CHILD, str(usb), kind, said="writing")
    exports = {path for path in left_over(usb) if path.name.endswith(".part")}
    assert len(exports) == KILLS, "each killed export left its hidden temporary file"
    assert any("Lefèvre".encode() in path.read_bytes() for path in exports), "names in clear"
    for number in range(KILLS):
        folder = (paths.backups, usb)[number % 2]
        reason = f"manuelle{number}"
        killed_midway(BACKUP_CHILD, str(paths.database), str(folder), reason, said="copying")
    copies = {path for path in left_over(paths.backups, usb) if path.name.endswith(".partiel")}
    assert len(copies) == KILLS, "each killed backup left its half copy"

    shell = start_shell(qtbot, clock)  # the next start
    assert left_over(paths.data, paths.backups, usb) == set(), "nothing half-written is left"
    assert len(list_backups(paths.backups)) == 1, "the day's backup, whole and alone"
    assert not any(p.name.endswith(("-wal", "-shm", "-journal")) for p in files_in(paths.backups))
    shell.work_backups.stop()
    shell.window.release()


def test_only_the_programs_own_temporary_files_are_removed(desk, tmp_path):
    made = desk.backup(tmp_path, "manuelle")
    own = [
        ".tresorerie.csv.0a1b2c3d.part",  # an export killed half-way
        f"{made.path.name}.partiel",  # a copy killed half-way
        f"{made.path.name}.partiel-journal",
        f"{made.path.name}-wal",  # beside a backup: its checksum covers the file alone
        f"{made.path.name}-shm",
        "club.sqlite3.partiel",  # a restore killed half-way
    ]
    users = [
        "rapport.part",
        ".cache",
        ".rapport.csv.notahex!.part",
        "photos.partiel",
        "club.sqlite3-wal",  # the data's own journal: it holds saved registrations
        "club.sqlite3",
        "tresorerie.csv",
    ]
    for name in own + users:
        (tmp_path / name).write_text("x")
    assert clean_leftovers(tmp_path, "", tmp_path / "cle-retiree") == len(own)
    assert {p.name for p in files_in(tmp_path)} == {
        made.path.name,
        made.checksum_path.name,
        *users,
    }
