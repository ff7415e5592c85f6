"""Backups: make one on a USB key, see the checked copies, restore one after a summary."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton

from app.backups import Backup, list_backups, verify
from ui import french, texts
from ui.desk_pages import ReviewPage, button_row
from ui.files import chooser_for
from ui.widgets import Page


def ask_folder(parent) -> Path | None:
    """The folder (a USB key) for a copy, chosen in the program's one file dialog."""
    return chooser_for(parent).folder(parent, texts.BACKUP_CHOOSE)


class BackupsPage(Page):
    make_copy = Signal()
    restore = Signal(object)

    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(texts.BACKUPS_TITLE, texts.BACKUPS_INTRO, parent)
        self.copy_button = QPushButton(texts.BACKUP_TO_USB)
        self.copy_button.setObjectName("primary")
        self.copy_button.clicked.connect(self.make_copy.emit)
        self.body.addLayout(button_row(self.copy_button))
        self.count = QLabel()
        self.body.addWidget(self.count)
        self.list = QListWidget()
        self.list.setAccessibleName(texts.BACKUPS_LIST)
        self.list.setMinimumHeight(240)
        self.body.addWidget(self.list)
        self.restore_button = QPushButton(texts.BACKUP_RESTORE)
        self.restore_button.clicked.connect(self._restore_current)
        self.list.itemActivated.connect(lambda _: self._restore_current())
        self.body.addLayout(button_row(self.restore_button))
        self.backups: list[Backup] = []
        self.refresh(folder)

    def refresh(self, folder: Path) -> None:
        self.backups = list_backups(folder)
        self.list.clear()
        for backup in self.backups:
            good = verify(backup)
            words = texts.BACKUP_GOOD if good else texts.BACKUP_DAMAGED
            item = QListWidgetItem(f"{french.moment(backup.made_at)} · {words}")
            item.setData(Qt.ItemDataRole.UserRole, good)
            self.list.addItem(item)
        self.count.setText(texts.backups_count(len(self.backups)))
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
        [(texts.BACKUP_MADE_AT, french.moment(backup.made_at))],
        texts.BACKUP_RESTORE,
        texts.RESTORE_INTRO,
    )
    page.confirm.connect(on_confirm)
    page.modify.connect(on_modify)
    return page
