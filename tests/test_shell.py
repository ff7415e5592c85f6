"""Starting, backups and restore as a user meets them; one program per data folder."""

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from app.backups import list_backups, verify
from app.paths import default_paths
from tests.factories import open_desk
from tests.ui_helpers import start_shell
from ui.app import make_application
from ui.backups_page import BackupsPage
from ui.desk_pages import ReviewPage
from ui.shell import Shell, SingleInstance

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 12  # the race was lost about one time in ten


def record(desk, code, first="Léa"):
    parsed, _ = desk.read_code(code)
    return desk.validate(
        parsed, desk.check_person("Martin", first, "15032012", desk.season_of(parsed))
    )


def shell_for(qtbot, clock, confirm=lambda text: True) -> Shell:
    shell = start_shell(qtbot, clock, confirm)
    shell.window.show()
    return shell


def close(shell, qtbot):
    """Close the window as a user does (a backup first if something changed)."""
    shell.window.close()
    qtbot.waitUntil(lambda: not shell.window.isVisible(), timeout=10_000)
    shell.window.release()


def test_start_makes_the_days_backup(qtbot, clock):
    open_desk(clock).close()
    shell = shell_for(qtbot, clock)
    assert len(list_backups(default_paths().backups)) == 1
    close(shell, qtbot)


def test_restore_from_a_backup_through_the_window(qtbot, clock):
    desk = open_desk(clock)
    record(desk, "25-ABCD-EFGH")
    desk.close()
    shell = shell_for(qtbot, clock)  # today's backup holds one registration
    record(shell.window.desk, "25-BCDE-FGHJ", "Tom")
    assert len(shell.window.desk.find("")) == 2
    window = shell.window
    window.home.buttons["admin"].click()
    window.stack.currentWidget().buttons["backups"].click()
    page = window.stack.currentWidget()
    assert isinstance(page, BackupsPage) and page.list.count() == 1
    assert "vérifiée" in page.list.item(0).text()
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    summary = window.stack.currentWidget()
    assert isinstance(summary, ReviewPage)
    qtbot.keyClick(summary.confirm_button, Qt.Key.Key_Return)
    assert shell.window is not window, "the data was opened again"
    assert [v.first_name for v in shell.window.desk.find("")] == ["Léa"]
    assert "revenues" in shell.window.message.text()
    aside = list(default_paths().data.glob("club.avant-restauration-*.sqlite3"))
    assert len(aside) == 1, "the file before the restore is kept"
    close(shell, qtbot)


def test_a_damaged_database_at_start_leads_to_the_backup_offer(qtbot, clock):
    desk = open_desk(clock)
    record(desk, "25-ABCD-EFGH")
    desk.backup(default_paths().backups, "quotidienne")
    desk.close()
    paths = default_paths()
    paths.database.write_bytes(b"\x00" * 4096)  # the disk ate it
    questions = []
    shell = shell_for(qtbot, clock, confirm=lambda text: questions.append(text) or True)
    assert "abîmé" in questions[0] and "Revenir à la dernière sauvegarde" in questions[0]
    assert [v.first_name for v in shell.window.desk.find("")] == ["Léa"]
    damaged = list(paths.data.glob("club.avant-restauration-*.sqlite3"))
    assert damaged and damaged[0].read_bytes() == b"\x00" * 4096, "never overwritten"
    close(shell, qtbot)


def test_a_second_start_brings_the_first_window_up(qtbot):
    make_application([])
    paths = default_paths().create()
    first = SingleInstance(paths)
    raised = []
    first.on_raise = lambda: raised.append(True)
    assert not first.already_running()
    second = SingleInstance(paths)
    assert second.already_running()
    qtbot.waitUntil(lambda: raised == [True], timeout=3000)
    first.release()
    assert not SingleInstance(paths).already_running(), "let go, the folder opens again"


def test_two_programs_started_at_the_same_moment_never_both_open_the_data():
    """Real processes, released together: exactly one opens the folder, every time."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(TRIALS):
        starts = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.instance_child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=environment,
                cwd=ROOT,
            )
            for _ in range(2)
        ]
        with starts[0], starts[1]:  # closes their pipes and waits for them
            for start in starts:
                assert start.stdout.readline() == "ready\n"
            for start in starts:
                start.stdin.write("go\n")
                start.stdin.flush()
            answers = sorted(start.stdout.readline().strip() for start in starts)
            for start in starts:
                start.stdin.close()  # the first one lets go
            assert answers == ["first", "second"]


def test_the_backup_to_a_usb_key_is_made_off_the_interface(qtbot, clock, tmp_path):
    open_desk(clock).close()
    shell = shell_for(qtbot, clock)
    usb = tmp_path / "CLE_USB"
    shell.copy_to(shell.window, usb)
    qtbot.waitUntil(lambda: shell.window.message.isVisible(), timeout=5000)
    assert "vérifiée" in shell.window.message.text()
    (copy,) = list_backups(usb)
    assert verify(copy), "checked by its SHA-256 and integrity_check"
    close(shell, qtbot)
