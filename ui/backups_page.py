"""Backups: make one on a USB key, see the checked copies, restore one after a summary.
The data set aside by a restore is listed with them: it can be brought back the same way."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton

from app.backups import Backup, list_backups, list_set_aside, verify
from ui import french
from ui.desk_pages import ReviewPage, button_row
from ui.files import chooser_for
from ui.texts import backups as backups_texts
from ui.widgets import Page


def ask_folder(parent) -> Path | None:
    """The folder (a USB key) for a copy, chosen in the program's one file dialog."""
    return chooser_for(parent).folder(parent, backups_texts.BACKUP_CHOOSE)


class BackupsPage(Page):
    make_copy = Signal()
    restore = Signal(object)

    def __init__(self, folder: Path, database: Path | None = None, parent=None) -> None:
        super().__init__(backups_texts.BACKUPS_TITLE, backups_texts.BACKUPS_INTRO, parent)
        self.copy_button = QPushButton(backups_texts.BACKUP_TO_USB)
        self.copy_button.setObjectName("primary")
        self.copy_button.clicked.connect(self.make_copy.emit)
        self.body.addLayout(button_row(self.copy_button))
        self.count = QLabel()
        self.body.addWidget(self.count)
        self.list = QListWidget()
        self.list.setAccessibleName(backups_texts.BACKUPS_LIST)
        self.list.setMinimumHeight(240)
        self.body.addWidget(self.list)
        self.restore_button = QPushButton(backups_texts.BACKUP_RESTORE)
        self.restore_button.clicked.connect(self._restore_current)
        self.list.itemActivated.connect(lambda _: self._restore_current())
        self.body.addLayout(button_row(self.restore_button))
        self.backups: list[Backup] = []
        self._database = database
        self.refresh(folder)

    def refresh(self, folder: Path) -> None:
        found = list_backups(folder)
        aside = list_set_aside(self._database) if self._database is not None else []
        self.backups = sorted(found + aside, key=lambda b: b.made_at, reverse=True)
        self.list.clear()
        for backup in self.backups:
            good = verify(backup)
            words = backups_texts.BACKUP_GOOD if good else backups_texts.BACKUP_DAMAGED
            when = french.moment(backup.made_at)
            title = backups_texts.set_aside_entry(when) if backup.aside else when
            item = QListWidgetItem(f"{title} · {words}")
            item.setData(Qt.ItemDataRole.UserRole, good)
            self.list.addItem(item)
        self.count.setText(backups_texts.backups_count(len(found)))
        self.restore_button.setEnabled(bool(self.backups))
        if self.backups:
            self.list.setCurrentRow(0)

    def _restore_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.backups):
            self.restore.emit(self.backups[row])

    def on_shown(self) -> None:
        self.copy_button.setFocus()


def restore_summary(backup: Backup, on_confirm: Callable[[], None], on_modify) -> ReviewPage:
    page = ReviewPage(
        [
            (
                backups_texts.SET_ASIDE_MADE_AT if backup.aside else backups_texts.BACKUP_MADE_AT,
                french.moment(backup.made_at),
            )
        ],
        backups_texts.BACKUP_RESTORE,
        backups_texts.RESTORE_SET_ASIDE_INTRO if backup.aside else backups_texts.RESTORE_INTRO,
    )
    page.confirm.connect(on_confirm)
    page.modify.connect(on_modify)
    return page
