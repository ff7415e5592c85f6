"""Start the Qt side: the application object, its style, the main window."""

import contextlib
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app.desk import Desk
from app.errors import KnownError
from app.paths import Paths
from app.settings import Settings
from ui.accessibility import install
from ui.shell import Shell, SingleInstance
from ui.style import apply_design, icon
from ui.texts import common as common_texts
from ui.texts import errors as errors_texts
from ui.window import MainWindow


def make_application(argv: list[str], scale: float = 1.0) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    _speak_french(app)
    install()
    app.setApplicationName(common_texts.APP_TITLE)
    app.setOrganizationName("passsport-club")
    # The program's own icon in the task bar and the window switcher; on Linux the desktop
    # entry the package installs (packaging/linux/passsport-club.desktop) gives it too.
    app.setWindowIcon(icon("passsport-club"))
    app.setDesktopFileName("passsport-club")
    apply_design(app, scale)
    _collect_on_interface_thread(app)
    return app


# How often the interface thread looks whether garbage is due for collecting, in ms.
COLLECT_EVERY_MS = 500


def collect_if_due() -> None:
    """What Python's automatic collector does when an allocation crosses its thresholds,
    done here on the interface thread: the youngest generation past its threshold and,
    in turn, the older ones."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def _collect_on_interface_thread(app: QApplication) -> None:
    """Garbage is collected on the interface thread only.

    Python's automatic collector runs on whichever thread allocates when a threshold is
    crossed, often a background one (the sync engine, a server, a task). A window or a
    timer caught in a reference cycle would then be destroyed on that thread while the
    interface thread is building or painting widgets: Qt crashes the program. So the
    automatic collector is turned off for as long as there is an application, and a timer
    of the interface thread does its work instead."""
    if getattr(app, "_collector", None) is not None:
        return
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(COLLECT_EVERY_MS)
    timer.timeout.connect(collect_if_due)
    timer.start()
    app._collector = timer


def _speak_french(app: QApplication) -> None:
    """Qt's own words (OK, Annuler, the print and file dialogs) in French."""
    if getattr(app, "_french", None) is not None:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_fr", folder):
        app.installTranslator(translator)
    app._french = translator


def run(
    paths: Paths,
    settings: Settings,
    open_desk: Callable[[str | None], Desk],
    argv: list[str],
    quit_when_shown: bool = False,
    on_shown: Callable[[], None] | None = None,
    smoke_test: bool = False,
) -> int:
    """Open the data, show the main window and run until it closes. Returns the exit status.
    ``smoke_test``: once the window has shown, the self-check of ``ui/smoke.py`` runs in the
    data folder (a temporary one) and raises its one-line reason if a check fails."""
    app = make_application(argv, settings.get("text_scale") / 100)
    blocked = unwritable(paths)
    if blocked is not None:
        message = errors_texts.folder_read_only(str(blocked))
        if sys.stderr:  # also in the terminal, if there is one
            with contextlib.suppress(OSError):
                print(message, file=sys.stderr)
        QMessageBox.critical(None, common_texts.APP_TITLE, message)
        return 1
    instance = SingleInstance(paths)
    if not quit_when_shown and instance.already_running():
        QMessageBox.information(None, common_texts.APP_TITLE, common_texts.already_running())
        return 0
    shell = Shell(paths, settings, open_desk)
    try:
        if not shell.open():
            return 1
    except KnownError as error:
        QMessageBox.critical(None, common_texts.APP_TITLE, errors_texts.describe(error))
        return 1
    instance.on_raise = lambda: _bring_up(shell.window)
    shell.window.show()
    # In front and with the keyboard, as after any dialog that came before it (the
    # passphrase): the first field is ready and a screen reader says where it is.
    shell.window.activateWindow()
    if on_shown:
        QTimer.singleShot(0, on_shown)
    if quit_when_shown:
        QTimer.singleShot(0, app.quit)
    try:
        status = app.exec()
        if smoke_test and status == 0:
            from ui.smoke import check_bundle  # only for the self-check, not at every start

            started = time.perf_counter()
            passed = ", ".join(check_bundle(paths.data))
            print(f"smoke test: {passed}: all well ({time.perf_counter() - started:.2f} s)")
        return status
    finally:
        shell.window.release()


def unwritable(paths: Paths) -> Path | None:
    """The program's folders, created if need be; the first one it cannot write in (or
    the database file, if read-only), None when all is well. Tried for real: a folder
    may look writable and not be (a read-only disk, a locked USB key)."""
    for folder in (paths.data, paths.logs, paths.backups, paths.config):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError:
            while not folder.exists() and folder.parent != folder:
                folder = folder.parent  # the folder it could not be made in
            return folder
    try:
        if paths.database.exists():
            with paths.database.open("ab"):  # opened for writing, nothing written
                pass
    except OSError:
        return paths.database
    return None


def _bring_up(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
