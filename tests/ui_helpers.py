"""Shared set-up for the tests that drive real widgets."""

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from app.desk import Desk
from app.keys import open_encrypted
from app.paths import default_paths
from app.seasons import load_seasons
from app.settings import Settings
from ui.app import make_application
from ui.printing import ReceiptPrinter
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


def desk_opener(clock):
    """How the program opens the data of the test's home folder (a passphrase when asked),
    with the test's clock."""
    paths = default_paths()

    def open_desk_with(passphrase):
        conn, vault = open_encrypted(paths.database, paths.backups, passphrase)
        return Desk(conn, load_seasons(), clock, vault)

    return open_desk_with


def start_shell(qtbot, clock, confirm=ask_yes_no) -> Shell:
    """The program started as from its icon, over the test's home folder."""
    make_application([])
    paths = default_paths().create()
    shell = Shell(paths, Settings(paths.settings_file), desk_opener(clock), confirm)
    assert shell.open()
    qtbot.addWidget(shell.window)
    return shell


def open_window(
    qtbot, desk: Desk, printers: PdfPrinters | None = None, settings: Settings | None = None
) -> MainWindow:
    make_application([])
    settings = settings or Settings(default_paths().settings_file)
    printers = printers or PdfPrinters(default_paths().data)
    printer = ReceiptPrinter(desk, settings, printers.printer, printers.pdf_path)
    window = MainWindow(desk, settings, printer)
    # At the end of a test, a window left half typed closes without asking.
    qtbot.addWidget(window, before_close_func=lambda shown: shown.close_now())
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(
        lambda: (
            QApplication.focusWidget() is not None and QApplication.focusWidget().window() is window
        )
    )
    return window


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
