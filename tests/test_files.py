"""The one file dialog of the program (ui/files.py), driven as a user would: it speaks
French, opens in Documents the first time and then where the last file was chosen, and a
file that exists is replaced only when the user says so."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from app.paths import default_paths
from app.settings import Settings
from tests.ui_helpers import open_window
from ui import files
from ui.app import make_application
from ui.backups_page import ask_folder
from ui.printing import ask_pdf_path
from ui.texts import backups as backups_texts
from ui.texts import files as files_texts

# Qt's own words that its French translation left in English in this dialog.
ENGLISH = re.compile(
    r"\b(Look in|File name|Files of type|Cancel|Open|Save|Choose|Computer|Directory|Folder|"
    r"Back|Forward|Parent|New Folder|List View|Detail View|Replace|Yes|No)\b"
)


@pytest.fixture
def parent(qtbot):
    make_application([])  # as the program starts: Qt's own words in French
    window = QMainWindow()
    window.resize(1100, 720)
    qtbot.addWidget(window)
    window.show()
    return window


class Answer:
    """Answers the next modal window (the file dialog, then a question) as a user would.
    ``steps`` are done in turn on each window that comes up; what it showed is kept."""

    def __init__(self, qtbot, *steps) -> None:
        self._qtbot = qtbot
        self._steps = list(steps)
        self.seen: list[dict] = []
        self.error: BaseException | None = None
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        if not self._steps:
            return
        step = self._steps.pop(0)
        shown = None
        try:
            self._qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
            shown = QApplication.activeModalWidget()
            self.seen.append(words_of(shown))
            step(self._qtbot, shown)
        except BaseException as error:  # never leave a modal window open: the test would hang
            self.error = error
            self._steps.clear()
            if shown is not None:
                shown.reject()
        if self._steps:
            QTimer.singleShot(0, self._next)

    def check(self) -> None:
        if self.error is not None:
            raise self.error
        assert not self._steps, "a window that was to come up never did"


def words_of(window: QWidget) -> dict:
    """What a window says: its title, its labels, its buttons, its places, its folder."""
    shown = {
        "title": window.windowTitle(),
        "labels": [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()],
        "buttons": [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()],
        "tips": [w.toolTip() for w in window.findChildren(QWidget) if w.isVisible()],
        "menu": [a.text() for a in window.findChildren(QAction)],  # the right click's
        "combos": [c.itemText(i) for c in window.findChildren(QComboBox) for i in range(c.count())],
    }
    if isinstance(window, QFileDialog):
        sidebar = window.findChild(QListView, "sidebar").model()
        shown["places"] = [sidebar.index(row, 0).data() for row in range(sidebar.rowCount())]
        shown["folder"] = Path(window.directory().absolutePath())
    return shown


def type_name(name: str, folder: Path | None = None):
    """Go to ``folder`` (as a double click on it would), type ``name``, press Enter."""

    def step(qtbot, dialog: QFileDialog) -> None:
        if folder is not None:
            dialog.setDirectory(str(folder))
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.selectAll()
        qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    return step


def keep_the_name(qtbot, dialog: QFileDialog) -> None:
    qtbot.keyClick(dialog.findChild(QLineEdit, "fileNameEdit"), Qt.Key.Key_Return)


def choose_folder(folder: Path):
    def step(qtbot, dialog: QFileDialog) -> None:
        dialog.setDirectory(str(folder))
        accept = next(b for b in dialog.findChildren(QAbstractButton) if "Choisir" in b.text())
        qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)

    return step


def click(text: str):
    def step(qtbot, box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return step


def english_in(shown: dict) -> list[str]:
    texts_shown = [shown["title"], *shown["labels"], *shown["buttons"], *shown["tips"]]
    texts_shown += shown["menu"]
    texts_shown += shown.get("places", [])[:1]  # the others are folders' own names
    return [t for t in texts_shown if ENGLISH.search(t.replace("&", ""))]


# In French, everywhere


@pytest.mark.parametrize("mode", ["save", "open", "folder"])
def test_the_dialog_speaks_french_and_opens_in_documents(qtbot, documents, parent, mode):
    dialog = files.FileChooser().dialog(
        parent, mode, "etat.csv", ((files_texts.FILES_KINDS["csv"], "*.csv"),)
    )
    dialog.show()
    shown = words_of(dialog)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog), "the same everywhere"
    dialog.close()
    dialog.deleteLater()  # as after each question (FileChooser._ask)
    assert english_in(shown) == []
    accept = {"save": "&Enregistrer", "open": "&Ouvrir", "folder": "&Choisir ce dossier"}[mode]
    assert {"&Dossier :", accept, "Annuler"} <= set(shown["labels"] + shown["buttons"])
    name = "&Nom du dossier :" if mode == "folder" else "&Nom du fichier :"
    assert name in shown["labels"]
    if mode != "folder":
        assert "&Type de fichier :" in shown["labels"]
    assert shown["places"][0] == "Ordinateur" and "Documents" in shown["places"]
    assert shown["folder"] == documents, "the first time, it opens in Documents"


def test_without_a_documents_folder_it_opens_in_the_home_folder(documents):
    documents.rmdir()
    assert files.FileChooser().start_folder() == documents.parent


# The last folder used


def test_it_opens_where_the_last_file_was_chosen_even_after_a_restart(qtbot, documents, parent):
    club = documents / "Club"
    club.mkdir()
    settings_file = default_paths().settings_file
    chooser = files.FileChooser(Settings(settings_file))
    answer = Answer(qtbot, type_name("etat-octobre", folder=club))
    chosen = chooser.save_path(parent, "etat.csv", "csv")
    answer.check()
    assert answer.seen[0]["folder"] == documents
    assert chosen == club / "etat-octobre.csv", "the suffix is added"

    restarted = files.FileChooser(Settings(settings_file))  # the program started again
    answer = Answer(qtbot, lambda qtbot, dialog: dialog.reject())
    assert restarted.open_path(parent, (files.TABLES,)) is None
    answer.check()
    assert answer.seen[0]["folder"] == club

    club.rmdir()  # the USB key is gone: back to Documents
    assert files.FileChooser(Settings(settings_file)).start_folder() == documents


# A file that exists


def test_a_receipt_replaces_a_file_only_when_the_user_says_so(qtbot, documents, parent):
    existing = documents / "recu-1.pdf"
    existing.write_bytes(b"%PDF-1.4 before")
    answer = Answer(qtbot, keep_the_name, click(files_texts.REPLACE_NO))
    assert ask_pdf_path(parent, "/anywhere/recu-1.pdf") is None
    answer.check()
    question = answer.seen[1]
    assert question["title"] == files_texts.REPLACE_TITLE and english_in(question) == []
    assert "« recu-1.pdf » existe déjà" in " ".join(question["labels"])
    assert existing.read_bytes() == b"%PDF-1.4 before"

    answer = Answer(qtbot, keep_the_name, click(files_texts.REPLACE_YES))
    assert ask_pdf_path(parent, "/anywhere/recu-1.pdf") == existing
    answer.check()


# Every file dialog of the program


def test_every_file_dialog_of_the_program_is_the_one_of_ui_files():
    ui = Path(files.__file__).parent
    others = [p.name for p in ui.glob("*.py") if p != Path(files.__file__)]
    assert [name for name in others if "QFileDialog" in (ui / name).read_text()] == []


def test_an_export_goes_where_the_user_chose_and_the_next_one_starts_there(qtbot, desk, documents):
    window = open_window(qtbot, desk)
    flow = window.treasurer  # the program's own dialogs
    page = flow.open()
    club = documents / "Club"
    club.mkdir()
    answer = Answer(qtbot, type_name("inscriptions", folder=club))
    qtbot.mouseClick(page.buttons["csv"], Qt.MouseButton.LeftButton)
    answer.check()
    assert answer.seen[0]["folder"] == documents and english_in(answer.seen[0]) == []
    qtbot.waitUntil(lambda: not window.tasks.busy() and window.message.isVisible())
    assert (club / "inscriptions.csv").is_file()
    assert Settings(default_paths().settings_file).get("last_folder") == str(club)

    answer = Answer(qtbot, lambda qtbot, dialog: dialog.reject())
    qtbot.mouseClick(page.buttons["xlsx"], Qt.MouseButton.LeftButton)
    answer.check()
    assert answer.seen[0]["folder"] == club
    assert "Classeur Excel" in answer.seen[0]["combos"]
    window.tasks.wait()


def test_a_backup_goes_to_the_folder_chosen(qtbot, desk, documents, tmp_path):
    key = tmp_path / "CLE-USB"
    key.mkdir()
    window = open_window(qtbot, desk)
    answer = Answer(qtbot, choose_folder(key))
    assert ask_folder(window) == key
    answer.check()
    assert answer.seen[0]["title"] == backups_texts.BACKUP_CHOOSE
    assert Settings(default_paths().settings_file).get("last_folder") == str(key)
