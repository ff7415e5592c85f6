"""Start the Qt side: the application object, its style, the main window."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.desk import Desk
from app.errors import KnownError
from app.settings import Settings
from sync.link import NationalLink
from ui import texts
from ui.printing import ReceiptPrinter
from ui.status import SyncBridge
from ui.style import stylesheet
from ui.window import MainWindow


def make_application(argv: list[str], scale: float = 1.0) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(texts.APP_TITLE)
    app.setOrganizationName("passsport-club")
    app.setStyleSheet(stylesheet(scale))
    return app


def build_window(desk: Desk, settings: Settings, database: Path) -> MainWindow:
    """The main window with its link to the national service and the training mode."""
    from ui.training import TrainingSession  # loads the reference server only when asked

    bridge = SyncBridge()
    link = NationalLink(database, bridge.publish)

    def start_training(window: MainWindow) -> None:
        window.training = TrainingSession(desk, settings, on_leave=window.show)
        window.training.start()
        window.hide()

    window = MainWindow(
        desk, settings, ReceiptPrinter(desk, settings), link, bridge, start_training
    )
    if link.start():
        window.build_home()
    return window


def run(
    open_desk: Callable[[], Desk],
    settings: Settings,
    database: Path,
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
    window = build_window(desk, settings, database)
    try:
        window.show()
        if on_shown:
            QTimer.singleShot(0, on_shown)
        if quit_when_shown:
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        window.link.stop()
        desk.close()
