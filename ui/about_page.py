"""« À propos »: what a helper asks first. The version, the season table in force,
where the data, backups and log are (with a button to open each), the licence, and a
button that copies it all for a message. Nothing about any registered person."""

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton

from app import __version__
from app.paths import Paths
from app.seasons import SeasonTable
from ui.texts import about as about_texts
from ui.texts import seasons as seasons_texts
from ui.widgets import FlowLayout, Page, details_form


def seasons_line(seasons: SeasonTable) -> str:
    years = [season.year for season in seasons]
    line = about_texts.SEASONS_VALUE.format(first=years[0], last=years[-1])
    provisional = [about_texts.PROVISIONAL.format(year=s.year) for s in seasons if s.provisional]
    return ", ".join([line, *provisional])


class AboutPage(Page):
    """``paths``: the program's folders; None for a training window, whose folder goes
    away with it."""

    def __init__(self, seasons: SeasonTable, paths: Paths | None, parent=None) -> None:
        super().__init__(about_texts.ABOUT_TITLE, about_texts.ABOUT_INTRO, parent)
        folders = {}
        if paths is not None:
            folders = {
                about_texts.DATA_FOLDER: paths.data,
                about_texts.BACKUPS_FOLDER: paths.backups,
                about_texts.LOGS_FOLDER: paths.logs,
            }
        self.rows = [
            (about_texts.VERSION, __version__),
            (about_texts.SEASONS, seasons_line(seasons)),
            (about_texts.SEASONS_IN_FORCE, seasons_texts.origin(seasons)),
            *[(name, str(folder)) for name, folder in folders.items()],
            (about_texts.LICENCE, about_texts.LICENCE_VALUE),
        ]
        if paths is None:
            self.rows.insert(3, (about_texts.DATA_FOLDER, about_texts.FOLDER_UNKNOWN))
        form, self.values = details_form(self.rows)
        self.body.addLayout(form)
        row = FlowLayout()
        self.open_buttons = {}
        for name, folder in folders.items():
            button = QPushButton(about_texts.OPEN_FOLDER.format(name=name.lower()))
            button.clicked.connect(lambda _=False, folder=folder: self._open(folder))
            row.addWidget(button)
            self.open_buttons[name] = button
        self.copy = QPushButton(about_texts.COPY)
        self.copy.setAccessibleDescription(about_texts.COPY_HINT)
        self.copy.setToolTip(about_texts.COPY_HINT)
        self.copy.clicked.connect(self._copy)
        row.addWidget(self.copy)
        holder = QHBoxLayout()
        holder.addLayout(row)
        self.body.addLayout(holder)
        self.body.addStretch(1)

    def text(self) -> str:
        """What « Copier ces informations » puts on the clipboard."""
        return "\n".join(f"{label} : {value}" for label, value in self.rows)

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.text())
        self.window().show_message(about_texts.COPIED, "success")

    def _open(self, folder) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.window().show_message(about_texts.OPEN_FOLDER_FAILED, "warning")

    def on_shown(self) -> None:
        self.values[about_texts.VERSION].setFocus()  # read from the top, then Tab goes down
