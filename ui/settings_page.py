"""The settings of this computer: text size, receipt layout, automatic printing, sounds.

Each change is saved and takes effect at once: a new text size re-applies the
stylesheet to every open window.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from app.settings import Settings
from ui.accessibility import announce
from ui.actions import attempt
from ui.recovery_sheet import recovery_sheet_page
from ui.style import TEXT_SCALES, apply_design
from ui.texts import keys as keys_texts
from ui.texts import settings as settings_texts
from ui.widgets import Page


@dataclass
class Choice:
    """A titled group of radio buttons, one per value; arrows move within it."""

    box: QGroupBox
    radios: dict

    def chosen(self) -> QRadioButton:
        return next((r for r in self.radios.values() if r.isChecked()), None)


class SettingsPage(Page):
    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__(settings_texts.SETTINGS_TITLE, settings_texts.SETTINGS_INTRO, parent)
        self._settings = settings
        self.text_size = self._choice(
            settings_texts.TEXT_SIZE,
            {scale: settings_texts.TEXT_SIZE_CHOICES[scale] for scale in TEXT_SCALES},
            "text_scale",
            self._set_text_scale,
        )
        self.receipt_layout = self._choice(
            settings_texts.RECEIPT_LAYOUT,
            settings_texts.RECEIPT_LAYOUT_CHOICES,
            "receipt_layout",
            lambda value: self._save("receipt_layout", value),
        )
        self.auto_print = self._check(
            settings_texts.AUTO_PRINT, settings_texts.AUTO_PRINT_HINT, "auto_print"
        )
        self.sounds = self._check(settings_texts.SOUNDS, settings_texts.SOUNDS_HINT, "sounds")
        # The recovery sheet of the club's data (ui/recovery_sheet.py), on the window's desk.
        self.recovery_sheet = QPushButton(keys_texts.RECOVERY_SHEET_TASK)
        self.recovery_sheet.setAccessibleDescription(keys_texts.RECOVERY_SHEET_INTRO)
        self.recovery_sheet.clicked.connect(self._show_recovery_sheet)
        self.body.addWidget(self.recovery_sheet, 0, Qt.AlignmentFlag.AlignLeft)

    def _show_recovery_sheet(self) -> None:
        window = self.window()
        window.show_page(recovery_sheet_page(window.services))

    def _choice(self, title: str, labels: dict, key: str, on_choice: Callable) -> Choice:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        column = QVBoxLayout(box)
        group = QButtonGroup(box)
        current = self._settings.get(key)
        radios = {}
        for value, label in labels.items():
            radio = QRadioButton(label)
            radio.setChecked(value == current)
            radio.toggled.connect(lambda on, value=value: on and on_choice(value))
            group.addButton(radio)
            column.addWidget(radio)
            radios[value] = radio
        self.body.addWidget(box)
        return Choice(box, radios)

    def _check(self, label: str, hint: str, key: str) -> QCheckBox:
        """A box to tick, with a sentence below it that says what it does."""
        box = QCheckBox(label)
        box.setAccessibleDescription(hint)
        box.setChecked(bool(self._settings.get(key)))
        box.toggled.connect(lambda on: self._save(key, on))
        explained = QLabel(hint)
        explained.setObjectName("intro")
        explained.setWordWrap(True)
        explained.setContentsMargins(52, 0, 0, 8)
        self.body.addWidget(box)
        self.body.addWidget(explained)
        return box

    def _set_text_scale(self, scale: int) -> None:
        chosen = self.text_size.radios[scale]
        was_at = chosen.mapTo(self.viewport(), QPoint(0, 0)).y()
        self._save("text_scale", scale)
        apply_design(QApplication.instance(), scale / 100)
        # Every line grows or shrinks. Once the page is laid out again, the choice just
        # made is where it was on the screen, or as near as the page allows, and always
        # in sight; the focus stays on it.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        now_at = chosen.mapTo(self.widget(), QPoint(0, 0)).y()
        self.verticalScrollBar().setValue(now_at - was_at)
        self.ensureWidgetVisible(chosen, 16, 16)

    def _save(self, key: str, value) -> None:
        attempt(
            self,
            lambda: self._settings.set(key, value),
            lambda _: announce(self, settings_texts.SETTING_SAVED),
        )

    def on_shown(self) -> None:
        (self.text_size.chosen() or next(iter(self.text_size.radios.values()))).setFocus()
