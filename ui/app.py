"""Start the Qt side: the application object, its style, the main window."""

from collections.abc import Callable

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app.desk import Desk
from app.errors import KnownError
from app.paths import Paths
from app.settings import Settings
from ui import texts
from ui.shell import Shell, SingleInstance
from ui.style import apply_design
from ui.window import MainWindow


def make_application(argv: list[str], scale: float = 1.0) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    _speak_french(app)
    app.setApplicationName(texts.APP_TITLE)
    app.setOrganizationName("passsport-club")
    apply_design(app, scale)
    return app


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
) -> int:
    """Open the data, show the main window and run until it closes. Returns the exit status."""
    app = make_application(argv, settings.get("text_scale") / 100)
    instance = SingleInstance(paths)
    if not quit_when_shown and instance.already_running():
        QMessageBox.information(None, texts.APP_TITLE, texts.already_running())
        return 0
    shell = Shell(paths, settings, open_desk)
    try:
        if not shell.open():
            return 1
    except KnownError as error:
        QMessageBox.critical(None, texts.APP_TITLE, texts.describe(error))
        return 1
    instance.on_raise = lambda: _bring_up(shell.window)
    shell.window.show()
    if on_shown:
        QTimer.singleShot(0, on_shown)
    if quit_when_shown:
        QTimer.singleShot(0, app.quit)
    try:
        return app.exec()
    finally:
        shell.window.release()


def _bring_up(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
