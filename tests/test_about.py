"""« À propos »: what a helper asks first, reached with the keyboard, copied in one press."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import __version__
from app.paths import default_paths
from tests.factories import open_desk
from tests.test_shell import close, shell_for
from tests.ui_helpers import open_admin_task
from ui.about_page import AboutPage


def open_about(qtbot, window) -> AboutPage:
    page = open_admin_task(qtbot, window, "about")
    assert isinstance(page, AboutPage)
    return page


def test_about_says_version_seasons_and_folders_and_copies_them(qtbot, clock):
    open_desk(clock).close()  # a club already set up
    shell = shell_for(qtbot, clock)
    page = open_about(qtbot, shell.window)
    paths = default_paths()
    shown = {label: value.text() for label, value in page.values.items()}
    assert shown["Version"] == __version__
    years = [season.year for season in shell.window.desk.seasons]
    assert shown["Saisons connues"].startswith(f"de {years[0]} à {years[-1]}")
    assert shown["Dossier des données"] == str(paths.data)
    assert shown["Dossier du journal"] == str(paths.logs)
    assert "GPL" in shown["Licence"]
    # Every line is reached with Tab and read with its label.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.values["Version"])
    reached = []
    for _ in range(len(page.values) + len(page.open_buttons) + 1):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert set(page.values.values()) <= set(reached)
    assert page.copy in reached
    qtbot.keyClick(page.copy, Qt.Key.Key_Space)
    copied = QApplication.clipboard().text()
    assert f"Version : {__version__}" in copied and str(paths.backups) in copied
    assert "Informations copiées" in shell.window.message.text()
    close(shell, qtbot)
