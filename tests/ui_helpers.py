"""Shared set-up for the tests that drive real widgets."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.desk import Desk
from app.paths import default_paths
from app.store import open_store
from ui.app import make_application
from ui.window import MainWindow

VALID_SIRET = "73282932000074"


def open_desk() -> Desk:
    paths = default_paths().create()
    return Desk(open_store(paths.database, paths.backups))


def open_window(qtbot, desk: Desk) -> MainWindow:
    make_application([])
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
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
