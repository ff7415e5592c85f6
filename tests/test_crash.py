"""An unexpected error: the traceback goes to the log, the user sees where it is."""

import errno
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.errors import StoreError
from ui.app import make_application
from ui.crash import install_exception_hook


@pytest.fixture
def restore_hook():
    saved = sys.excepthook
    yield
    sys.excepthook = saved


def test_an_unexpected_error_is_logged_and_explained_calmly(
    tmp_path, monkeypatch, restore_hook, expected_warnings
):
    make_application([])
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    log_file = tmp_path / "logs" / "passsport-club.log"
    install_exception_hook(log_file)
    try:
        raise KeyError("boom")
    except KeyError:
        sys.excepthook(*sys.exc_info())

    (record,) = expected_warnings
    assert "Traceback" in record.getMessage() and "KeyError" in record.getMessage()
    (text,) = shown
    assert str(log_file) in text
    assert "Ce qui était enregistré est conservé." in text


def test_qt_own_buttons_speak_french(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    make_application([])
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"


# An expected error that reaches the hook all the same


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (StoreError("disk_full"), "Le disque est plein. Libérez de la place puis recommencez."),
        (OSError(errno.ENOSPC, "No space left on device"), "Le disque est plein."),
        (StoreError("locked"), "occupé par un autre programme"),
    ],
)
def test_an_expected_error_that_reaches_the_hook_is_said_in_its_own_words(
    tmp_path, monkeypatch, restore_hook, expected_warnings, error, sentence
):
    make_application([])
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    install_exception_hook(tmp_path / "logs" / "passsport-club.log")
    try:
        raise error
    except Exception:
        sys.excepthook(*sys.exc_info())

    (text,) = shown
    assert sentence in text
    assert "inattendu" not in text
    assert expected_warnings and all(r.levelname == "WARNING" for r in expected_warnings)


# Start-up in a folder the program cannot write in, as a user starts it: a real process,
# `python -m app`, run as a user without the right to write there.

ANSWER_DIALOGS = """
import runpy, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication(sys.argv[:1])

def answer():  # what a user reads in each message box, then « OK »
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            print("DIALOG:", widget.text().replace("\\n", " "), flush=True)
            widget.done(0)

timer = QTimer()
timer.timeout.connect(answer)
timer.start(20)
sys.argv = ["passsport-club", *sys.argv[1:]]
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""


@functools.cache
def _as_user() -> list[str]:
    """The command prefix that runs a child as a user for whom permissions count."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    elif shutil.which("runuser"):
        prefix = ["runuser", "-u", "nobody", "--"]
    else:
        pytest.skip("running as root, and no way to start a child as an unprivileged user")
    # A Python installed in root's own folder (pyenv's) cannot be run by another user.
    tried = subprocess.run(
        [*prefix, sys.executable, "-c", "import PySide6"],
        capture_output=True,
        cwd=Path(__file__).parent.parent,
    )
    if tried.returncode != 0:
        pytest.skip("this Python cannot be started by an unprivileged user")
    return prefix


@pytest.fixture
def shared_home():
    """A home folder the child's user owns, in a place every user can reach."""
    base = Path(tempfile.mkdtemp(prefix="passsport-readonly-"))
    base.chmod(0o755)
    home = base / "home"
    home.mkdir()
    if os.geteuid() == 0:
        shutil.chown(home, "nobody", "nogroup")
    yield home
    for folder, _, _ in os.walk(base):
        Path(folder).chmod(0o755)
    shutil.rmtree(base)


def _start(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_RUNTIME_DIR")}
    env.update(PASSSPORT_CLUB_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [*_as_user(), sys.executable, "-c", ANSWER_DIALOGS, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )


def _read_only(*folders: Path) -> None:
    for folder in folders:
        for place, _, names in os.walk(folder):
            for name in names:
                (Path(place) / name).chmod(0o444)
            Path(place).chmod(0o555)


def _says_read_only(result: subprocess.CompletedProcess, where: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (dialog,) = (line for line in result.stdout.splitlines() if line.startswith("DIALOG:"))
    assert "ne peut pas écrire dans son dossier" in dialog
    assert str(where) in dialog, "the dialog says which folder"
    assert "le droit d'y écrire" in dialog, "and what to do"
    assert "ne peut pas écrire dans son dossier" in result.stderr  # in the terminal too
    assert "ne peut pas être ouvert" not in result.stdout + result.stderr


def test_a_new_read_only_folder_is_explained_and_the_log_goes_to_the_terminal(shared_home):
    _read_only(shared_home)
    result = _start(shared_home)
    _says_read_only(result, shared_home)
    assert "the log folder cannot be written" in result.stderr
    assert list(shared_home.iterdir()) == []


def test_a_read_only_data_folder_is_explained_rather_than_unreadable(shared_home):
    first = _start(shared_home, "--startup-time")
    assert first.returncode == 0, first.stderr
    data = shared_home / "data"
    before = sorted(p.name for p in data.iterdir())
    _read_only(data)
    _says_read_only(_start(shared_home), data)
    assert sorted(p.name for p in data.iterdir()) == before


def test_a_whole_folder_made_read_only_after_use_is_explained(shared_home):
    first = _start(shared_home, "--startup-time")
    assert first.returncode == 0, first.stderr
    _read_only(shared_home)
    result = _start(shared_home)
    _says_read_only(result, shared_home / "data")
    assert "the log folder cannot be written" in result.stderr
