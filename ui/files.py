"""One way to ask for a file or a folder, for every file the program reads or writes.

Qt's own dialog, the same on every computer, so that it speaks French everywhere: Qt's
French translation (loaded by ui/app.py) lacks some of its words ("Look in",
"Files of type"), so every label is set here. It opens in the Documents folder the first
time, then in the last folder used, kept in the settings of this computer. Whether to
replace a file that exists is asked in the program's own words (``ask_replace``).
"""

from pathlib import Path

from PySide6.QtCore import QDir, QSize, QStandardPaths, QStorageInfo, Qt, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QWidget,
)

from app.filenames import path_problem, safe_file_name
from app.logs import get_logger
from app.settings import Settings
from ui.style import current_scale
from ui.texts import common as common_texts
from ui.texts import files as files_texts
from ui.widgets import question

log = get_logger("files")

Label = QFileDialog.DialogLabel
Location = QStandardPaths.StandardLocation
# Where removable disks (a USB key) appear on Linux and macOS.
REMOVABLE = ("/media/", "/run/media/", "/Volumes/")
# What each kind of file is called, and the names of the files it lists (the dialog shows
# the words only).
TABLES = (files_texts.FILES_TABLES, "*.csv *.txt *.xlsx *.xls *.ods")  # Le Compte Asso's extracts
EVERYTHING = (files_texts.FILES_ALL, "*")
# The dialog's size at 100 % text; it grows with the text, within the window.
DIALOG_SIZE = QSize(900, 560)


def documents_folder() -> Path:
    """The user's Documents folder, or the home folder if there is none."""
    found = QStandardPaths.writableLocation(Location.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path(QDir.homePath())


def places() -> list[QUrl]:
    """The places on the left of the dialog: the computer, the usual folders, the keys."""
    folders = [QDir.homePath()] + [
        QStandardPaths.writableLocation(where)
        for where in (Location.DocumentsLocation, Location.DesktopLocation)
    ]
    for volume in QStorageInfo.mountedVolumes():  # on Windows, "Ordinateur" shows the keys
        if volume.isValid() and volume.isReady() and volume.rootPath().startswith(REMOVABLE):
            folders.append(volume.rootPath())
    urls = [QUrl("file:")]  # "Ordinateur": every disk
    for folder in folders:
        if folder and Path(folder).is_dir() and QUrl.fromLocalFile(folder) not in urls:
            urls.append(QUrl.fromLocalFile(folder))
    return urls


def ask_replace(parent: QWidget | None, path: Path) -> bool:
    """Whether to replace a file that exists; the default answer keeps it."""
    box, yes = question(
        parent,
        files_texts.REPLACE_TITLE,
        files_texts.replace_question(path.name),
        files_texts.REPLACE_YES,
        files_texts.REPLACE_NO,
    )
    box.exec()
    return box.clickedButton() is yes


def _tell(parent: QWidget | None, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, files_texts.NAME_REFUSED_TITLE, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a name typed with < > is not markup
    box.addButton(files_texts.NAME_REFUSED_OK, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def with_suffix(path: Path, kind: str) -> Path:
    """``rapport`` and ``rapport.2025`` become ``rapport.pdf``, ``rapport.2025.pdf``."""
    return path if path.suffix.lower() == f".{kind}" else path.with_name(f"{path.name}.{kind}")


class FileChooser:
    """Asks for a file to write, a file to read or a folder; remembers the folder."""

    def __init__(self, settings: Settings | None = None, folder: Path | None = None) -> None:
        self._settings = settings
        self._folder = folder  # where to start instead of the remembered folder

    def start_folder(self) -> Path:
        if self._folder is not None:
            return self._folder
        last = self._settings.get("last_folder") if self._settings is not None else ""
        if last and Path(last).is_dir():
            return Path(last)
        return documents_folder()

    def remember(self, folder: Path) -> None:
        if self._folder is not None:
            self._folder = folder
        if self._settings is None:
            return
        try:
            self._settings.set("last_folder", str(folder))
        except OSError:  # the settings cannot be written: the next dialog starts elsewhere
            log.info("the last folder used is not kept")

    def dialog(
        self,
        parent: QWidget | None,
        mode: str,
        name: str = "",
        filters: tuple[tuple[str, str], ...] = (),
        title: str = "",
    ) -> QFileDialog:
        """The dialog, not yet shown: ``mode`` is ``save``, ``open`` or ``folder``."""
        dialog = QFileDialog(parent)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setOption(QFileDialog.Option.HideNameFilterDetails)  # words, not "*.csv"
        dialog.setSizeGripEnabled(False)  # it hid the corner of « Annuler »
        dialog.setSidebarUrls(places())
        dialog.setDirectory(str(self.start_folder()))
        labels = {Label.LookIn: files_texts.FILES_LOOK_IN, Label.Reject: common_texts.CANCEL}
        if mode == "folder":
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly)
            dialog.setWindowTitle(title or files_texts.FILES_FOLDER_TITLE)
            labels |= {
                Label.FileName: files_texts.FILES_FOLDER_NAME,
                Label.FileType: files_texts.FILES_TYPE,
            }
            labels[Label.Accept] = files_texts.FILES_CHOOSE_FOLDER
        else:
            dialog.setNameFilters(
                [f"{words} ({names})" for words, names in filters or (EVERYTHING,)]
            )
            labels |= {
                Label.FileName: files_texts.FILES_NAME,
                Label.FileType: files_texts.FILES_TYPE,
            }
        if mode == "save":
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # see ask_replace
            dialog.setWindowTitle(files_texts.FILES_SAVE_TITLE)
            dialog.selectFile(name)
            labels[Label.Accept] = files_texts.FILES_SAVE
        elif mode == "open":
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setWindowTitle(files_texts.FILES_OPEN_TITLE)
            labels[Label.Accept] = files_texts.FILES_OPEN
        for label, text in labels.items():
            dialog.setLabelText(label, text)
        if mode == "folder":  # "Type de fichier : Dossiers" says nothing
            for name in ("fileTypeLabel", "fileTypeCombo"):
                dialog.findChild(QWidget, name).hide()
        # Names only: the columns of sizes, types and dates follow the system's language,
        # and the two buttons that switch views leave the folder's path more room.
        dialog.setViewMode(QFileDialog.ViewMode.List)
        for name in ("listModeButton", "detailModeButton"):
            dialog.findChild(QWidget, name).hide()
        for button in dialog.findChildren(QPushButton):  # never squeezed below their text
            button.setMinimumHeight(button.sizeHint().height())
        _fit(dialog, parent)
        return dialog

    def _ask(self, dialog: QFileDialog) -> Path | None:
        try:
            if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
                return None
            return Path(dialog.selectedFiles()[0])
        finally:
            dialog.deleteLater()  # with its view of the folders

    def save_path(self, parent: QWidget | None, name: str, kind: str) -> Path | None:
        """A file to write, named ``name`` unless the user changes it, ending in ``.kind``.
        The name proposed is mended first (``app/filenames.py``); a name or a place typed
        that Windows or Excel would refuse is explained, and the dialog opens again with
        a mended name, on every system. Whether to replace a file that exists is for the
        caller to ask (``ask_replace``)."""
        kinds = ((files_texts.FILES_KINDS[kind], f"*.{kind}"),)
        proposed = safe_file_name(name, kind)
        while True:
            chosen = self._ask(self.dialog(parent, "save", proposed, kinds))
            if chosen is None:
                return None
            self.remember(chosen.parent)
            path = with_suffix(chosen, kind)
            problem = path_problem(path)
            if problem is None:
                return path
            proposed = safe_file_name(path.name, kind)
            _tell(parent, files_texts.name_refused(path.name, problem, proposed))

    def open_path(
        self, parent: QWidget | None, filters: tuple[tuple[str, str], ...] = (TABLES, EVERYTHING)
    ) -> Path | None:
        chosen = self._ask(self.dialog(parent, "open", filters=filters))
        if chosen is not None:
            self.remember(chosen.parent)
        return chosen

    def folder(self, parent: QWidget | None, title: str = "") -> Path | None:
        chosen = self._ask(self.dialog(parent, "folder", title=title))
        if chosen is not None:
            self.remember(chosen)
        return chosen


def _fit(dialog: QFileDialog, parent: QWidget | None) -> None:
    """As large as the text needs, within the window; the places on the left in full."""
    scale = current_scale()
    window = parent.window() if parent is not None else None
    room = window.size() if window is not None else dialog.screen().availableSize()
    width = min(round(DIALOG_SIZE.width() * scale), round(room.width() * 0.95))
    height = min(round(DIALOG_SIZE.height() * scale), round(room.height() * 0.95))
    dialog.resize(max(width, dialog.minimumSizeHint().width()), height)
    sidebar = dialog.findChild(QListView, "sidebar")
    model = sidebar.model()
    names = [str(model.index(row, 0).data() or "") for row in range(model.rowCount())]
    metrics = sidebar.fontMetrics()
    wanted = max((metrics.horizontalAdvance(n) for n in names), default=0)
    wanted += sidebar.iconSize().width() + metrics.height() * 2
    side = min(wanted, dialog.width() // 3)
    dialog.findChild(QSplitter, "splitter").setSizes([side, dialog.width() - side])


def chooser_for(widget: QWidget | None) -> FileChooser:
    """The chooser of the window ``widget`` is in (or of the active window): the folder is
    remembered in that window's settings."""
    window = widget.window() if widget is not None else QApplication.activeWindow()
    settings = getattr(window, "settings", None)
    return FileChooser(settings if isinstance(settings, Settings) else None)
