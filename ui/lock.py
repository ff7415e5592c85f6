"""The desk lock: after some minutes without use, a PIN hides the screen. What was being
typed stays where it was; unlocking gives it back, focus included."""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import FormError
from ui import texts
from ui.desk_pages import button_row
from ui.widgets import Field, Page

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class LockOverlay(QWidget):
    """Covers the window's content; only the PIN field can be reached."""

    unlocked = Signal()

    def __init__(self, check_pin, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._check = check_pin
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(texts.LOCKED_TITLE)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.pin = Field(texts.LOCK_PIN)
        self.pin.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.edit.setMaxLength(8)
        self.pin.edit.returnPressed.connect(self._try)
        layout.addWidget(self.pin)
        button = QPushButton(texts.UNLOCK)
        button.setObjectName("primary")
        button.clicked.connect(self._try)
        layout.addLayout(button_row(button))
        self.hide()

    def _try(self) -> None:
        if self._check(self.pin.text()):
            self.pin.edit.clear()
            self.pin.set_error(None)
            self.unlocked.emit()
        else:
            self.pin.edit.clear()
            self.pin.set_error(texts.LOCK_WRONG)
            self.pin.edit.setFocus()


class DeskLock(QObject):
    """Watches for activity in one window and locks it after the chosen minutes."""

    def __init__(self, window, desk) -> None:
        super().__init__(window)
        self._window = window
        self._desk = desk
        self._covered: QWidget = window.centralWidget()
        self.overlay = LockOverlay(desk.pin_matches, window)
        self.overlay.unlocked.connect(self.unlock)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.lock)
        self._focus: QWidget | None = None
        window.installEventFilter(self)
        for child in window.findChildren(QWidget):
            child.installEventFilter(self)
        self.restart()

    @property
    def locked(self) -> bool:
        return self.overlay.isVisible()

    def restart(self) -> None:
        minutes = self._desk.lock_minutes()
        if minutes is None:
            self._timer.stop()
        elif not self.locked:
            self._timer.start(minutes * 60_000)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in ACTIVITY and not self.locked and self._timer.isActive():
            self._timer.start()  # restarts the countdown, only when a lock is set
        elif event.type() == QEvent.Type.ChildAdded and isinstance(event.child(), QWidget):
            event.child().installEventFilter(self)
        return False

    def lock(self) -> None:
        if self._desk.lock_minutes() is None:
            return
        self._focus = QApplication.focusWidget()
        self._covered.setEnabled(False)  # nothing behind is reachable; nothing is cleared
        self.overlay.setGeometry(self._window.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.pin.edit.setFocus()

    def unlock(self) -> None:
        self.overlay.hide()
        self._covered.setEnabled(True)
        if self._focus is not None:
            self._focus.setFocus()
        self.restart()


class LockSettingsPage(Page):
    """Choose a PIN and the minutes, or remove the lock."""

    def __init__(self, desk, on_done, parent=None) -> None:
        super().__init__(texts.LOCK_TITLE, texts.LOCK_INTRO, parent)
        self._desk = desk
        self._on_done = on_done
        self.pin = Field(texts.LOCK_NEW_PIN)
        self.pin.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.edit.setMaxLength(8)
        self.minutes = Field(texts.LOCK_MINUTES)
        self.minutes.edit.setText(str(desk.lock_minutes() or 5))
        self.minutes.edit.setMaxLength(3)
        for field in (self.pin, self.minutes):
            field.edit.returnPressed.connect(self.save)
            self.body.addWidget(field)
        save = QPushButton(texts.SAVE)
        save.setObjectName("primary")
        save.clicked.connect(self.save)
        remove = QPushButton(texts.LOCK_REMOVE)
        remove.clicked.connect(self.remove)
        remove.setEnabled(desk.lock_minutes() is not None)
        self.body.addLayout(button_row(save, remove))

    def on_shown(self) -> None:
        self.pin.edit.setFocus()

    def save(self) -> None:
        minutes = self.minutes.text().strip()
        try:
            self._desk.set_lock(self.pin.text(), int(minutes) if minutes.isdigit() else 0)
        except FormError as error:
            self.pin.set_error(texts.LOCK_ERRORS.get(error.fields.get("pin")))
            self.minutes.set_error(texts.LOCK_ERRORS.get(error.fields.get("minutes")))
            return
        self._on_done(texts.LOCK_SET)

    def remove(self) -> None:
        self._desk.clear_lock()
        self._on_done(texts.LOCK_REMOVED)
