"""Start the Qt side: the application object, its style, the main window."""

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.desk import Desk
from app.errors import KnownError
from app.settings import Settings
from ui import texts
from ui.printing import ReceiptPrinter
from ui.style import stylesheet
from ui.window import MainWindow


def make_application(argv: list[str], scale: float = 1.0) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(texts.APP_TITLE)
    app.setOrganizationName("passsport-club")
    app.setStyleSheet(stylesheet(scale))
    return app


def run(
    open_desk: Callable[[], Desk],
    settings: Settings,
    argv: list[str],
    quit_when_shown: bool = False,
    on_shown: Callable[[], None] | None = None,
) -> int:
    """Open the data, show the main window and run until it closes. Returns the exit status."""
    app = make_application(argv, settings.get("text_scale") / 100)
    try:
        desk = open_desk()
    except KnownError as error:
        QMessageBox.critical(None, texts.APP_TITLE, texts.describe(error))
        return 1
    try:
        window = MainWindow(desk, settings, ReceiptPrinter(desk, settings))
        window.show()
        if on_shown:
            QTimer.singleShot(0, on_shown)
        if quit_when_shown:
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        desk.close()
