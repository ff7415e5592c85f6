"""Shared set-up for the tests that drive real widgets."""

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from app.desk import Desk, open_desk
from app.paths import default_paths
from app.settings import Settings
from ui.app import make_application
from ui.services import Services, build_services
from ui.shell import Shell, ask_yes_no
from ui.window import MainWindow


class PdfPrinters:
    """Stands in for the print dialogs: each print or save goes to a real PDF file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.cancel_next = False

    def _next(self) -> Path:
        path = self.folder / f"receipt-{len(self.files) + 1}.pdf"
        self.files.append(path)
        return path

    def printer(self, parent) -> QPrinter | None:
        if self.cancel_next:
            self.cancel_next = False
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self._next()))
        return printer

    def pdf_path(self, parent, suggested: str) -> Path:
        return self._next()


class SilentBrowser:
    """Stands in for the network's list of main desks (sync.discovery.Browser): it hears
    only the ``hubs`` it is given, so that no test multicasts on the real network."""

    def __init__(self, on_change, hubs=()) -> None:
        self._on_change = on_change
        self._hubs = list(hubs)
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def hubs(self) -> list:
        return list(self._hubs)

    def hear(self, hubs) -> None:
        """Main desks heard, as the browser's thread reports them."""
        self._hubs = list(hubs)
        self._on_change(list(hubs))

    def close(self) -> None:
        self.closed = True


class SilentAnnouncement:
    """Stands in for sync.discovery.Announcement: the main desk is announced nowhere."""

    def __init__(self, port, club, opened_by, fingerprint) -> None:
        self.port, self.club, self.opened_by = port, club, opened_by
        self.closed = False

    def close(self) -> None:
        self.closed = True


# The forum in the tests: the main desk listens on 127.0.0.1 alone, on a free port, and
# nothing is announced or looked for on the network.
FORUM_OPTIONS = {
    "hub_options": {"host": "127.0.0.1", "port": 0},
    "browse": SilentBrowser,
    "announce": SilentAnnouncement,
}


def desk_opener(clock):
    """How the program opens the data of the test's home folder (a passphrase when asked),
    with the test's clock."""
    paths = default_paths()

    def open_desk_with(passphrase):
        return open_desk(paths.database, paths.backups, passphrase, clock)

    return open_desk_with


def start_shell(qtbot, clock, confirm=ask_yes_no) -> Shell:
    """The program started as from its icon, over the test's home folder."""
    make_application([])
    paths = default_paths().create()
    shell = Shell(paths, Settings(paths.settings_file), desk_opener(clock), confirm)
    assert shell.open()
    qtbot.addWidget(shell.window)
    return shell


def services_for(
    desk: Desk,
    printers: PdfPrinters | None = None,
    settings: Settings | None = None,
    **options,
) -> Services:
    """The program's services over the test's desk, each print or PDF going to a file."""
    settings = settings or Settings(default_paths().settings_file)
    printers = printers or PdfPrinters(default_paths().data)
    options = {**FORUM_OPTIONS, **options}
    return build_services(
        desk,
        settings,
        default_paths().database,
        choose_printer=printers.printer,
        choose_pdf=printers.pdf_path,
        **options,
    )


def let_go(window: MainWindow) -> None:
    """Close a test's window without asking, and what it opened besides the desk."""
    window.close_now()
    window.stop_listening()
    window.tasks.wait()
    window.link.stop()
    window.treasury.close()


# pytest-qt holds a test's widgets by weak reference. A window in a reference cycle is
# collected (by the interface thread's collector, ui/app.py) as soon as the test's frame
# is gone, and pytest-qt would then never let it go: its connections would stay open.
# The windows are kept here until pytest-qt has closed them (tests/conftest.py).
OPEN_WINDOWS: list[MainWindow] = []


def watch(qtbot, window: MainWindow) -> None:
    """At the end of the test, ``window`` closes without asking (one left half typed
    too) and lets go of what it opened; the desk is the test's to close."""
    OPEN_WINDOWS.append(window)
    qtbot.addWidget(window, before_close_func=let_go)


def open_window(
    qtbot,
    desk: Desk,
    printers: PdfPrinters | None = None,
    settings: Settings | None = None,
    **options,
) -> MainWindow:
    """The program's window over the test's desk (``options``: see :func:`services_for`)."""
    make_application([])
    window = MainWindow(services_for(desk, printers, settings, **options))
    watch(qtbot, window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is not None and QApplication.focusWidget().window() is window
        )
    )
    return window


def open_admin_task(qtbot, window: MainWindow, task: str):
    """From the home screen to the admin page's ``task``, with the keyboard; the page."""
    window.home.buttons["admin"].setFocus()
    qtbot.keyClick(window.home.buttons["admin"], Qt.Key.Key_Return)
    admin = window.stack.currentWidget()
    admin.buttons[task].setFocus()
    qtbot.keyClick(admin.buttons[task], Qt.Key.Key_Return)
    return window.stack.currentWidget()


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key, accents included.

    QTest only knows ASCII keys; other characters arrive as a keyboard with a
    French layout sends them: a key event carrying the character.
    """
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )
