"""The settings of this computer: text size, receipt layout, automatic printing, sounds.

Each change is saved and takes effect at once: a new text size re-applies the
stylesheet to every open window.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from app.settings import Settings
from ui import texts
from ui.accessibility import announce
from ui.style import TEXT_SCALES, apply_design
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
        super().__init__(texts.SETTINGS_TITLE, texts.SETTINGS_INTRO, parent)
        self._settings = settings
        self.text_size = self._choice(
            texts.TEXT_SIZE,
            {scale: texts.TEXT_SIZE_CHOICES[scale] for scale in TEXT_SCALES},
            "text_scale",
            self._set_text_scale,
        )
        self.receipt_layout = self._choice(
            texts.RECEIPT_LAYOUT,
            texts.RECEIPT_LAYOUT_CHOICES,
            "receipt_layout",
            lambda value: self._save("receipt_layout", value),
        )
        self.auto_print = self._check(texts.AUTO_PRINT, texts.AUTO_PRINT_HINT, "auto_print")
        self.sounds = self._check(texts.SOUNDS, texts.SOUNDS_HINT, "sounds")

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
        self._settings.set(key, value)
        announce(self, texts.SETTING_SAVED)

    def on_shown(self) -> None:
        (self.text_size.chosen() or next(iter(self.text_size.radios.values()))).setFocus()


def settings_task() -> tuple:
    """The settings page as a task of the window's settings screen (``admin_tasks``)."""
    return (
        "display",
        texts.TASK_SETTINGS,
        "info",
        texts.TASK_SETTINGS_HINT,
        lambda window: window.show_page(SettingsPage(window.settings)),
    )
